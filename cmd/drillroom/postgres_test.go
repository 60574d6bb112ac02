package main

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestMain stops the throwaway PostgreSQL cluster that
// DRILLROOM_TEST_POSTGRES=start makes the first test start.
func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }

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
	status, raw := scrapeMetrics(t, base, "tok")
	if status != http.StatusOK || !regexp.MustCompile(`\ndrillroom_store_schema_version [1-9][0-9]*\n`).MatchString(raw) {
		t.Errorf("/metrics: status %d, want 200 and PostgreSQL's schema version:\n%s", status, raw)
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
