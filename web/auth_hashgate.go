package web

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/drillroom/drillroom"
)

// hashGate bounds the password checks that run at once. Each argon2id
// check holds about 19 MiB for tens of milliseconds; without a bound, a
// thousand simultaneous sign-ins (from as many addresses, so that the
// throttle does not stop them) would need 19 GB. Checks beyond the slots
// wait their turn; beyond maxWaiting waiters, or after maxWait, a sign-in
// is refused as unavailable (503, "try again") without hashing anything.
// A waiter holds a goroutine and its connection, not a hash's memory, so
// the queue is long (256 per slot): a cohort signing in for a 9:00
// assessment waits a few seconds rather than being turned away, and
// maxWait bounds how long.
type hashGate struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	maxWait    time.Duration
}

// defaultHashSlots is one check per CPU the Go scheduler uses: more would
// only queue on the CPUs and hold their memory longer.
func defaultHashSlots() int { return runtime.GOMAXPROCS(0) }

func newHashGate(slots int) *hashGate {
	if slots < 1 {
		slots = defaultHashSlots()
	}
	return &hashGate{
		slots:      make(chan struct{}, slots),
		maxWaiting: int64(256 * slots),
		maxWait:    10 * time.Second,
	}
}

// errHashBusy is the refusal of a sign-in the server is too busy to check.
var errHashBusy = &drillroom.Error{Code: drillroom.CodeUnavailable,
	Message: "Too many people are signing in right now. Try again in a few seconds."}

// acquire takes a slot, waiting for one while ctx lives and the queue is
// not full. The caller must release a slot it got.
func (g *hashGate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return errHashBusy
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errHashBusy
	case <-ctx.Done():
		return errHashBusy
	}
}

func (g *hashGate) release() { <-g.slots }
