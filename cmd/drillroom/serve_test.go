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
	base, _, stop := serveInProcess(t, "--data", dir, "--metrics-token", "tok")
	status, body := scrapeMetrics(t, base, "tok")
	if status != http.StatusOK {
		t.Fatalf("/metrics: status %d: %s", status, body)
	}
	var commits int64
	if i := strings.Index(body, "\ndrillroom_store_commits_total "); i < 0 {
		t.Errorf("metrics lack drillroom_store_commits_total:\n%s", body)
	} else if fmt.Sscanf(body[i+len("\ndrillroom_store_commits_total "):], "%d", &commits); commits < 1 {
		t.Errorf("drillroom_store_commits_total %d, want at least 1 (the library was published)", commits)
	}

	// The writer's histograms: publishing the library took transactions.
	for _, name := range []string{"drillroom_store_command_wait_seconds", "drillroom_store_clock_wait_seconds", "drillroom_store_commit_seconds"} {
		if !strings.Contains(body, "# TYPE "+name+" histogram\n") {
			t.Errorf("metrics lack the histogram %s:\n%s", name, body)
		}
	}
	if i := strings.Index(body, "\ndrillroom_store_commit_seconds_count "); i < 0 {
		t.Errorf("metrics lack drillroom_store_commit_seconds_count:\n%s", body)
	} else if fmt.Sscanf(body[i+len("\ndrillroom_store_commit_seconds_count "):], "%d", &commits); commits < 1 {
		t.Errorf("drillroom_store_commit_seconds_count %d, want at least 1", commits)
	}

	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d after cancel", code)
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

// serveInProcess boots serve with args on port 0 and returns its base URL,
// its stdout up to the listen line, and a stop function that cancels it and
// returns its exit code.
func serveInProcess(t *testing.T, args ...string) (base, printed string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...),
			IO{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard})
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var out strings.Builder
	for base == "" && lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if u, ok := strings.CutPrefix(lines.Text(), "drillroom: listening on "); ok {
			base = u
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve printed no listen address (exit %v):\n%s", <-exit, out.String())
	}
	go io.Copy(io.Discard, pr)
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-exit:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, out.String(), stop
}

// scrapeMetrics reads base's /metrics with the bearer token, as a
// scraper does, and returns the status and the body.
func scrapeMetrics(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}
