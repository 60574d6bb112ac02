package web

import (
	"strings"
	"sync"
	"time"
)

// throttle limits password guessing. Failures are counted per
// (username, client address) pair: after maxFailures failures within window
// the pair is locked out, first for lockout, then twice as long after each
// further failure, up to maxLockout. A coarser count per client address
// (any username) stops one address from sweeping many accounts. Counting per
// pair rather than per account alone keeps an attacker from locking a real
// user out from elsewhere.
//
// The state is in memory: a restart forgets it, which is acceptable for a
// limiter whose job is to make online guessing slow.
type throttle struct {
	now func() time.Time

	maxFailures  int           // per pair, before lockout
	maxAddrFails int           // per address, any username, before lockout
	window       time.Duration // failures older than this are forgotten
	lockout      time.Duration // first lockout
	maxLockout   time.Duration // longest lockout
	maxEntries   int           // sweep expired entries beyond this many
	mu           sync.Mutex
	pairs        map[string]*throttleEntry
	addrs        map[string]*throttleEntry
}

type throttleEntry struct {
	failures  int
	first     time.Time // first failure of the current window
	lockedTil time.Time
	lockFor   time.Duration // length of the last lockout
}

func newThrottle(now func() time.Time) *throttle {
	if now == nil {
		now = time.Now
	}
	return &throttle{
		now:          now,
		maxFailures:  5,
		maxAddrFails: 50,
		window:       15 * time.Minute,
		lockout:      time.Minute,
		maxLockout:   15 * time.Minute,
		maxEntries:   10000,
		pairs:        map[string]*throttleEntry{},
		addrs:        map[string]*throttleEntry{},
	}
}

func pairKey(username, addr string) string {
	return strings.ToLower(strings.TrimSpace(username)) + "\x00" + addr
}

// allowed reports whether a login attempt for username from addr may be
// checked now, and if not, how long the caller must wait. It reserves
// nothing: the login handler uses reserve.
func (t *throttle) allowed(username, addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.check(username, addr, t.now())
}

func (t *throttle) check(username, addr string, now time.Time) (bool, time.Duration) {
	wait := time.Duration(0)
	for _, e := range []*throttleEntry{t.pairs[pairKey(username, addr)], t.addrs[addr]} {
		if e != nil && now.Before(e.lockedTil) {
			if d := e.lockedTil.Sub(now); d > wait {
				wait = d
			}
		}
	}
	return wait == 0, wait
}

// reserve checks and counts one attempt in a single step, before the
// password is hashed: the attempt counts as a failure from the start, so
// that concurrent guesses cannot all pass the check before any of them is
// counted (40 at once used to be 40 evaluations). The attempt that reaches
// the limit is still evaluated, and locks out the ones after it. A correct
// password gives the attempt back (succeed); a refused one keeps it. It
// returns false and the wait when the attempt may not be made at all.
func (t *throttle) reserve(username, addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if ok, wait := t.check(username, addr, now); !ok {
		return false, wait
	}
	t.sweep(now)
	t.bump(t.pairs, pairKey(username, addr), t.maxFailures, now)
	t.bump(t.addrs, addr, t.maxAddrFails, now)
	return true, 0
}

// release gives back an attempt that reserve counted but that was never
// evaluated (the server was too busy to hash it).
func (t *throttle) release(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range []*throttleEntry{t.pairs[pairKey(username, addr)], t.addrs[addr]} {
		if e != nil && e.failures > 0 {
			e.failures--
		}
	}
}

// locked reports whether the pair or the address is locked out now.
func (t *throttle) locked(username, addr string) bool {
	ok, _ := t.allowed(username, addr)
	return !ok
}

// fail records a failed attempt and reports whether it caused a lockout.
// The login handler counts with reserve instead; fail is for callers that
// learn of a failure without reserving.
func (t *throttle) fail(username, addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	locked := t.bump(t.pairs, pairKey(username, addr), t.maxFailures, now)
	if t.bump(t.addrs, addr, t.maxAddrFails, now) {
		locked = true
	}
	return locked
}

// succeed clears the pair's failures after a successful login and gives
// back the address's reserved attempt. The rest of the address count is
// left alone so that one known password does not reset a sweep.
func (t *throttle) succeed(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pairs, pairKey(username, addr))
	if e := t.addrs[addr]; e != nil && e.failures > 0 {
		e.failures--
	}
}

func (t *throttle) bump(m map[string]*throttleEntry, key string, limit int, now time.Time) bool {
	e := m[key]
	if e == nil {
		e = &throttleEntry{first: now}
		m[key] = e
	}
	if now.Sub(e.first) > t.window && !now.Before(e.lockedTil) {
		// A quiet window forgets old failures but remembers that the key
		// was locked before, so a persistent guesser keeps doubling.
		e.failures, e.first = 0, now
		if now.Sub(e.lockedTil) > t.window {
			e.lockFor = 0
		}
	}
	e.failures++
	if e.failures < limit {
		return false
	}
	switch {
	case e.lockFor == 0:
		e.lockFor = t.lockout
	default:
		e.lockFor *= 2
		if e.lockFor > t.maxLockout {
			e.lockFor = t.maxLockout
		}
	}
	e.lockedTil = now.Add(e.lockFor)
	return true
}

// sweep drops entries that are neither locked nor inside their window, once
// the maps grow large, so that a flood of usernames cannot exhaust memory.
func (t *throttle) sweep(now time.Time) {
	for _, m := range []map[string]*throttleEntry{t.pairs, t.addrs} {
		if len(m) < t.maxEntries {
			continue
		}
		for k, e := range m {
			if now.After(e.lockedTil) && now.Sub(e.first) > t.window {
				delete(m, k)
			}
		}
	}
}
