package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestNodesCommand: drillroom nodes lists a running node (serve --node)
// with the address it listens at and as live; after a graceful stop the node
// is gone from the registry; on SQLite the command says there is one server.
func TestNodesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes the library")
	}
	url := postgrestest.URL(t)
	base, _, stop := serveInProcess(t, "--db", url, "--node", "north", "--lease-ttl", "1s")
	nodes := func() (int, string, string) { return runMain("nodes", "--db", url) }
	code, out, errs := nodes()
	addr := strings.TrimPrefix(base, "http://")
	row := regexp.MustCompile(`(?m)^north\s+` + regexp.QuoteMeta(addr) + `\s+0\s+\S+\s+\S+ ago\s+live$`)
	if code != 0 || !row.MatchString(out) {
		t.Fatalf("nodes with node north running: exit %d, stdout:\n%s\nstderr: %s\nwant a live row for north at %s", code, out, errs, addr)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	if code, out, _ := nodes(); code != 0 || !strings.Contains(out, "no nodes registered") {
		t.Errorf("nodes after north stopped: exit %d, %q; want none registered", code, out)
	}
	if code, _, errs := runMain("nodes", "--data", t.TempDir()); code != 1 || !strings.Contains(errs, "PostgreSQL") {
		t.Errorf("nodes on SQLite: exit %d, %q; want 1 and a word about PostgreSQL", code, errs)
	}
}
