package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestMain stops the throwaway PostgreSQL cluster that
// DRILLROOM_TEST_POSTGRES=start makes the first test start.
func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }

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

// TestServeOnPostgres: serve --db postgres://... --demo creates its schema
// in an empty PostgreSQL database, publishes the library and the demo
// accounts there, and shows the appenders' figures in /metrics; then the
// tools (user, report) work on that database through --db or
// DRILLROOM_DATABASE_URL, and backup says to use pg_dump.
func TestServeOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes the library")
	}
	url := postgrestest.URL(t)
	if code, _, errs := runMain("user", "list", "--db", url); code != 1 || !strings.Contains(errs, "no drillroom schema") {
		t.Errorf("user list on an empty database: exit %d, %q; want 1, refused (the tools never create a schema)", code, errs)
	}
	base, printed, stop := serveInProcess(t, "--db", url, "--demo", "--data", t.TempDir(), "--metrics-token", "tok")
	for _, role := range []string{"trainee", "trainer", "coach"} {
		if !strings.Contains(printed, "demo account: "+role) {
			t.Errorf("serve --demo on PostgreSQL printed no %s account:\n%s", role, printed)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`\ndrillroom_store_schema_version [1-9][0-9]*\n`).Match(raw) {
		t.Errorf("/metrics: status %d, want 200 and PostgreSQL's schema version:\n%s", resp.StatusCode, raw)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d after cancel", code)
	}

	if code, out, errs := runMainInput("a long password\n", "user", "add", "bob", "--role", "trainee", "--cohort", "Class A", "--password-stdin", "--db", url); code != 0 {
		t.Fatalf("user add --db: exit %d, %q, %q", code, out, errs)
	}
	t.Setenv(envDatabaseURL, url)
	code, out, errs := runMain("user", "list")
	if code != 0 {
		t.Fatalf("user list with %s: exit %d, %q", envDatabaseURL, code, errs)
	}
	wantContains(t, out, "bob", "trainee", "trainer", "coach", "Class A", "Demo cohort")
	if code, out, errs := runMain("report", "rules"); code != 0 || out != "no scored sessions\n" {
		t.Errorf("report rules on PostgreSQL: exit %d, %q, %q", code, out, errs)
	}
	code, _, errs = runMain("backup", t.TempDir()+"/copy.db")
	if code != 1 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup of a PostgreSQL database: exit %d, %q; want 1 and the advice to use pg_dump", code, errs)
	}
	if code, _, errs := runMain("user", "list", "--db", "mysql://x"); code != 1 || !strings.Contains(errs, "postgres://") {
		t.Errorf("user list --db mysql://: exit %d, %q; want refused", code, errs)
	}
}
