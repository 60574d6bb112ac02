package main

import (
	"strconv"
	"syscall"
	"testing"
	"time"
)

// startLoadNodes starts the nodes of a deployment for TestLoad
// (DRILLROOM_LOAD_NODES, issue 20): that many servers, named a, b, c...,
// with serve --node on the PostgreSQL database cfg.DB, which the load then
// drives through cfg.URLs in turn, as a balancer without stickiness would:
// the classes' sessions are placed over the nodes, and a socket that lands
// on a node that does not host its session is relayed. Every node is
// stopped when the test ends. The report then has no memory figure
// (cfg.PID is 0): one node's memory divided by every node's drills would
// mean nothing.
func startLoadNodes(t *testing.T, count string, cfg *loadConfig) {
	t.Helper()
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > 26 {
		t.Fatalf("DRILLROOM_LOAD_NODES=%q: want a number of nodes from 1 to 26", count)
	}
	if !isPostgres(cfg.DB) {
		t.Fatal("DRILLROOM_LOAD_NODES needs DRILLROOM_LOAD_DB: the postgres:// URL of the database the nodes share")
	}
	if len(cfg.URLs) > 0 {
		t.Fatal("DRILLROOM_LOAD_NODES starts the nodes itself: unset DRILLROOM_LOAD_URL")
	}
	raiseFileLimit() // the nodes inherit it
	bin := buildBinary(t)
	for i := range n {
		// Every client and every relay arrives from a loopback address:
		// no cap per address, as behind a balancer (docs/operations.md).
		flags := append([]string{"--db", cfg.DB, "--node", string(rune('a' + i)), "--max-conns-per-addr", "-1"}, cfg.Serve...)
		srv := startServe(t, bin, 2*time.Minute, flags...)
		t.Cleanup(func() {
			srv.cmd.Process.Signal(syscall.SIGTERM)
			<-srv.done
		})
		cfg.URLs = append(cfg.URLs, srv.base)
	}
	cfg.PID = 0
}
