package web

import (
	"testing"
	"time"
)

// fakeClock is a settable clock for the throttle.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestThrottleLocksOutAfterFailures(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	th := newThrottle(clk.now)
	for i := 1; i < th.maxFailures; i++ {
		if locked := th.fail("alice", "10.0.0.1"); locked {
			t.Fatalf("failure %d locked out; want lockout only at %d", i, th.maxFailures)
		}
		if ok, _ := th.allowed("alice", "10.0.0.1"); !ok {
			t.Fatalf("after %d failures: not allowed, want allowed", i)
		}
	}
	if !th.fail("alice", "10.0.0.1") {
		t.Fatalf("failure %d: not locked, want locked", th.maxFailures)
	}
	ok, wait := th.allowed("ALICE", "10.0.0.1")
	if ok || wait != th.lockout {
		t.Fatalf("allowed(ALICE) = %v, %v; want false, %v (usernames are case-insensitive)", ok, wait, th.lockout)
	}
	// Another address is not locked out: an attacker cannot lock the real
	// user out from elsewhere.
	if ok, _ := th.allowed("alice", "10.0.0.2"); !ok {
		t.Fatal("alice from another address: locked, want allowed")
	}
	// Another account from the same address is not locked by this pair.
	if ok, _ := th.allowed("bob", "10.0.0.1"); !ok {
		t.Fatal("bob from the same address: locked, want allowed")
	}

	clk.advance(th.lockout)
	if ok, _ := th.allowed("alice", "10.0.0.1"); !ok {
		t.Fatal("after the lockout: not allowed, want allowed")
	}
	// The next failure doubles the lockout.
	if !th.fail("alice", "10.0.0.1") {
		t.Fatal("failure after lockout: not locked, want locked again")
	}
	if _, wait := th.allowed("alice", "10.0.0.1"); wait != 2*th.lockout {
		t.Fatalf("second lockout = %v, want %v", wait, 2*th.lockout)
	}
	// A success clears the pair.
	clk.advance(2 * th.lockout)
	th.succeed("alice", "10.0.0.1")
	if locked := th.fail("alice", "10.0.0.1"); locked {
		t.Fatal("first failure after a success locked out; want a fresh count")
	}
}

func TestThrottleLockoutIsCapped(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	th := newThrottle(clk.now)
	var wait time.Duration
	for range 40 {
		if ok, w := th.allowed("carol", "10.0.0.9"); !ok {
			clk.advance(w)
		}
		th.fail("carol", "10.0.0.9")
		_, w := th.allowed("carol", "10.0.0.9")
		if w > th.maxLockout {
			t.Fatalf("lockout %v beyond the cap %v", w, th.maxLockout)
		}
		wait = max(wait, w)
	}
	if wait != th.maxLockout {
		t.Fatalf("longest lockout after many failures = %v, want the cap %v", wait, th.maxLockout)
	}
}

func TestThrottlePerAddress(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	th := newThrottle(clk.now)
	// One address sweeping many usernames, one guess each.
	for i := range th.maxAddrFails {
		th.fail("user"+itoaTest(i), "10.0.0.7")
	}
	if ok, _ := th.allowed("someone-new", "10.0.0.7"); ok {
		t.Fatal("address that failed against many accounts: allowed, want locked")
	}
	if ok, _ := th.allowed("someone-new", "10.0.0.8"); !ok {
		t.Fatal("other address: locked, want allowed")
	}
}

func TestThrottleForgetsOldFailures(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	th := newThrottle(clk.now)
	for range th.maxFailures - 1 {
		th.fail("dave", "10.0.0.3")
	}
	clk.advance(th.window + time.Second)
	if th.fail("dave", "10.0.0.3") {
		t.Fatal("a failure after a quiet window locked out; want the old failures forgotten")
	}
}

func itoaTest(i int) string {
	return string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
}
