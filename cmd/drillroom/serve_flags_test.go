package main

import (
	"io"
	"testing"
	"time"

	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/web"
)

// TestServeEdgeFlags: the server's timeouts, its per-address connection
// cap and the login idle timeout are flags with the web package's
// defaults.
func TestServeEdgeFlags(t *testing.T) {
	stdio := IO{Stdout: io.Discard, Stderr: io.Discard}
	cfg, code := parseServe(nil, stdio)
	if code >= 0 {
		t.Fatalf("no flags: exit %d", code)
	}
	want := web.Config{ReadHeaderTimeout: web.DefaultReadHeaderTimeout, ReadTimeout: web.DefaultReadTimeout,
		WriteTimeout: web.DefaultWriteTimeout, IdleTimeout: web.DefaultIdleTimeout,
		MaxConnsPerAddr: web.DefaultMaxConnsPerAddr, LoginIdleTimeout: web.DefaultLoginIdleTimeout}
	if cfg.edge.ReadHeaderTimeout != want.ReadHeaderTimeout || cfg.edge.ReadTimeout != want.ReadTimeout ||
		cfg.edge.WriteTimeout != want.WriteTimeout || cfg.edge.IdleTimeout != want.IdleTimeout ||
		cfg.edge.MaxConnsPerAddr != want.MaxConnsPerAddr || cfg.edge.LoginIdleTimeout != want.LoginIdleTimeout {
		t.Errorf("defaults %+v, want %+v", cfg.edge, want)
	}
	cfg, code = parseServe([]string{"--read-header-timeout", "2s", "--read-timeout", "7s", "--write-timeout", "9s",
		"--idle-timeout", "1m", "--max-conns-per-addr", "-1", "--login-idle-timeout", "45m"}, stdio)
	if code >= 0 {
		t.Fatalf("flags: exit %d", code)
	}
	e := cfg.edge
	if e.ReadHeaderTimeout != 2*time.Second || e.ReadTimeout != 7*time.Second || e.WriteTimeout != 9*time.Second ||
		e.IdleTimeout != time.Minute || e.MaxConnsPerAddr != -1 || e.LoginIdleTimeout != 45*time.Minute {
		t.Errorf("parsed %+v", e)
	}
}

// TestServeDebugAddr: --debug-addr serves the profiles on loopback only,
// since pprof has no authentication.
func TestServeDebugAddr(t *testing.T) {
	stdio := IO{Stdout: io.Discard, Stderr: io.Discard}
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:6060", true},
		{"[::1]:0", true},
		{"localhost:6060", true},
		{"0.0.0.0:6060", false},
		{":6060", false},
		{"10.1.2.3:6060", false},
		{"example.org:6060", false},
		{"127.0.0.1", false},
	} {
		cfg, code := parseServe([]string{"--debug-addr", tc.addr}, stdio)
		if got := code < 0; got != tc.ok {
			t.Errorf("--debug-addr %s: accepted %v (exit %d), want %v", tc.addr, got, code, tc.ok)
		}
		if tc.ok && cfg.debugAddr != tc.addr {
			t.Errorf("--debug-addr %s: parsed %q", tc.addr, cfg.debugAddr)
		}
	}
}

// TestServeClockCommitWait: --clock-commit-wait is SQLite's group-commit
// wait for the clocks' writes, bounded, and refused with PostgreSQL.
func TestServeClockCommitWait(t *testing.T) {
	stdio := IO{Stdout: io.Discard, Stderr: io.Discard}
	cfg, code := parseServe(nil, stdio)
	if code >= 0 || cfg.clockCommitWait != store.DefaultClockCommitWait {
		t.Fatalf("no flags: exit %d, wait %v; want the default %v", code, cfg.clockCommitWait, store.DefaultClockCommitWait)
	}
	for _, tc := range []struct {
		args []string
		ok   bool
		want time.Duration
	}{
		{[]string{"--clock-commit-wait", "0"}, true, 0},
		{[]string{"--clock-commit-wait", "10ms"}, true, 10 * time.Millisecond},
		{[]string{"--clock-commit-wait", "100ms"}, true, 100 * time.Millisecond},
		{[]string{"--clock-commit-wait", "101ms"}, false, 0},
		{[]string{"--clock-commit-wait", "-1ms"}, false, 0},
		{[]string{"--clock-commit-wait", "10ms", "--db", "postgres://localhost/drillroom"}, false, 0},
	} {
		cfg, code := parseServe(tc.args, stdio)
		if got := code < 0; got != tc.ok {
			t.Errorf("%v: accepted %v (exit %d), want %v", tc.args, got, code, tc.ok)
			continue
		}
		if tc.ok && cfg.clockCommitWait != tc.want {
			t.Errorf("%v: wait %v, want %v", tc.args, cfg.clockCommitWait, tc.want)
		}
	}
}
