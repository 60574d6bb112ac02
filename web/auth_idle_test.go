package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/drillroom/drillroom/runner"
)

// TestLoginIdleTimeout: a login nobody uses for Config.LoginIdleTimeout
// ends, beside the absolute 12 hours; using it keeps it. There used to be
// no idle timeout at all.
func TestLoginIdleTimeout(t *testing.T) {
	// Generous against a loaded machine: a use every 300 ms keeps a login
	// with 1.5 s of idle time alive.
	const idle = 1500 * time.Millisecond
	a := newLiveAppWith(t, runner.Config{}, Config{LoginIdleTimeout: idle})
	a.user("ann")
	get := func() int { return sendAs(t, a.http.URL, http.MethodGet, "/", a.tokens["ann"], nil).StatusCode }
	// Used every 300 ms for longer than the idle timeout: still signed in.
	for range 7 {
		if c := get(); c != http.StatusOK {
			t.Fatalf("a login in use: %d, want 200", c)
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(idle + 200*time.Millisecond)
	if c := get(); c != http.StatusSeeOther {
		t.Fatalf("after %v unused: %d, want 303 to the sign-in page", idle+200*time.Millisecond, c)
	}

	// A socket with no command for the idle timeout is closed with 4001.
	s := newLiveAppWith(t, runner.Config{}, Config{LoginIdleTimeout: idle})
	s.server.heartbeat = 50 * time.Millisecond
	id := s.session("ann", 1)
	cl := s.connect("ann", id)
	cl.resume(0)
	began := time.Now()
	if code := cl.closeCode(); code != closeUnauthorized {
		t.Fatalf("idle socket: close %d, want %d", code, closeUnauthorized)
	}
	if d := time.Since(began); d < idle/2 {
		t.Errorf("idle socket closed after %v, before the idle timeout %v", d, idle)
	}
}
