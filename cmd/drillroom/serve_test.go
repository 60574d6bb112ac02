package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom/store"
)

// TestServeMetricsShowTheStore boots serve in-process on port 0 and reads
// /metrics as a scraper: the database's figures are there. The tools then
// work on the data directory it leaves.
func TestServeMetricsShowTheStore(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes the library")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--metrics-token", "tok", "--log-level", "error"},
			IO{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard})
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base string
	for base == "" && lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "drillroom: listening on "); ok {
			base = u
		}
	}
	if base == "" {
		t.Fatalf("serve printed no listen address (exit %v)", <-exit)
	}
	go io.Copy(io.Discard, pr)

	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(raw)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: status %d: %s", resp.StatusCode, body)
	}
	var commits int64
	if i := strings.Index(body, "\ndrillroom_store_commits_total "); i < 0 {
		t.Errorf("metrics lack drillroom_store_commits_total:\n%s", body)
	} else if fmt.Sscanf(body[i+len("\ndrillroom_store_commits_total "):], "%d", &commits); commits < 1 {
		t.Errorf("drillroom_store_commits_total %d, want at least 1 (the library was published)", commits)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("serve exit %d after cancel", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, databaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	version, err := st.SchemaVersion(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("\ndrillroom_store_schema_version %d\n", version); !strings.Contains(body, want) {
		t.Errorf("metrics lack %q:\n%s", strings.TrimSpace(want), body)
	}
	if code, out, errs := runMain("report", "rules", "--data", dir); code != 0 || out != "no scored sessions\n" {
		t.Errorf("report rules on a fresh server's data: exit %d, %q, %q", code, out, errs)
	}
}
