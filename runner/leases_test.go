package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// leaseTable is the database's session leases, shared by fake nodes.
type leaseTable struct {
	mu      sync.Mutex
	owner   map[string]string // session -> node
	placeOn string            // the least-loaded node, where Place puts new sessions ("": the caller)
	placed  map[string]string // session -> node it was placed on, until that node acquires it
}

func (t *leaseTable) ownerOf(id string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, ok := t.owner[id]
	return o, ok
}

// node returns the fake leases of node name on the table; dead are the
// sessions a dead node left, for Orphaned.
func (t *leaseTable) node(name string, dead ...string) *memLeases {
	l := &memLeases{t: t, node: name, lost: map[string]bool{}, dead: map[string]bool{}}
	for _, id := range dead {
		l.dead[id] = true
	}
	return l
}

// memLeases is one node's view of the table.
type memLeases struct {
	t    *leaseTable
	node string
	lost map[string]bool // sessions to report lost at the next Renew
	dead map[string]bool // sessions a dead node left, for Orphaned
}

func (l *memLeases) Orphaned(ctx context.Context) ([]string, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	return slices.Collect(maps.Keys(l.dead)), nil
}

func (l *memLeases) Acquire(ctx context.Context, id string) error {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if o, ok := l.t.owner[id]; ok && o != l.node {
		return fmt.Errorf("%w: node %s holds it", drillroom.ErrConflict, o)
	}
	l.t.owner[id] = l.node
	delete(l.t.placed, id)
	return nil
}

func (l *memLeases) Place(ctx context.Context, id string) (string, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if _, ok := l.t.owner[id]; ok || l.t.placeOn == "" || l.t.placeOn == l.node {
		return "", nil
	}
	if l.t.placed == nil {
		l.t.placed = map[string]string{}
	}
	l.t.owner[id], l.t.placed[id] = l.t.placeOn, l.t.placeOn
	return l.t.placeOn, nil
}

func (l *memLeases) Placed(ctx context.Context) ([]string, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	var ids []string
	for id, n := range l.t.placed {
		if n == l.node {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (l *memLeases) Renew(ctx context.Context) ([]string, error) {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	lost := slices.Collect(maps.Keys(l.lost))
	clear(l.lost)
	return lost, nil
}

func (l *memLeases) Release(ctx context.Context, id string) error {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if l.t.owner[id] == l.node {
		delete(l.t.owner, id)
	}
	return nil
}

// TestLeasesOneNodeHostsASession: with leases, a runner hosts a session
// only while it holds its lease. A second node refuses it (ErrElsewhere);
// when the first loses the lease, its subscribers are dropped with
// ErrElsewhere and it stops hosting; closing a node releases its leases so
// another node takes the session from its log.
func TestLeasesOneNodeHostsASession(t *testing.T) {
	st := newMemStore()
	st.add(newSessionRecord("s1", 1, 1))
	table := &leaseTable{owner: map[string]string{}}
	la := table.node("a")
	lb := table.node("b")
	a := newTestRunner(t, st, 64)
	a.cfg.Leases, a.cfg.LeaseRenew = la, 10*time.Millisecond
	b := newTestRunner(t, st, 64)
	b.cfg.Leases, b.cfg.LeaseRenew = lb, 10*time.Millisecond
	ctx := context.Background()
	for _, r := range []*Runner{a, b} {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Live() != 0 {
			t.Fatalf("a runner with leases hosted %d sessions at Start, want none", r.Live())
		}
	}

	sub, err := a.Subscribe(ctx, "s1", SubscribeOptions{Trainee: true})
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := table.ownerOf("s1"); o != "a" {
		t.Fatalf("owner after a hosted the session: %q, want a", o)
	}
	if _, err := b.Status(ctx, "s1"); !errors.Is(err, ErrElsewhere) || !errors.Is(err, drillroom.ErrUnavailable) {
		t.Fatalf("b.Status while a owns the session: %v, want ErrElsewhere", err)
	}

	// a loses the lease (another node took it over while a was paused).
	table.mu.Lock()
	table.owner["s1"] = "b"
	la.lost["s1"] = true
	table.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for a.Live() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if a.Live() != 0 {
		t.Fatal("a still hosts the session after losing its lease")
	}
	for range sub.Events() {
	}
	if !errors.Is(sub.Err(), ErrElsewhere) {
		t.Errorf("a's subscriber ended with %v, want ErrElsewhere", sub.Err())
	}
	if st, err := b.Status(ctx, "s1"); err != nil || st.Session.ID != "s1" {
		t.Fatalf("b.Status as the owner: %+v, %v", st, err)
	}

	// b shuts down: it releases the lease, and a can take the session back.
	b.Close(ctx)
	if o, ok := table.ownerOf("s1"); ok {
		t.Fatalf("owner after b closed: %q, want none", o)
	}
	if _, err := a.Status(ctx, "s1"); err != nil {
		t.Fatalf("a.Status after b released the session: %v", err)
	}
}

// TestLeasesAdoptOrphans: a node takes over, by itself, the sessions a dead
// node left, rebuilding each from its log.
func TestLeasesAdoptOrphans(t *testing.T) {
	st := newMemStore()
	st.add(newSessionRecord("s1", 1, 1))
	table := &leaseTable{owner: map[string]string{"s1": "dead"}}
	lc := table.node("c", "s1")
	c := newTestRunner(t, st, 64)
	c.cfg.Leases, c.cfg.LeaseRenew = lc, 10*time.Millisecond
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The dead node's lease "expires": the orphan may now be acquired.
	table.mu.Lock()
	delete(table.owner, "s1")
	table.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for c.Live() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c.Live() != 1 {
		t.Fatal("node c did not take over the orphaned session")
	}
	if o, _ := table.ownerOf("s1"); o != "c" {
		t.Errorf("owner after the takeover: %q, want c", o)
	}
}

// TestLeasesPlaceOnAnotherNode: a new session goes where Place says. Node
// a, asked first, finds it placed on b and refuses it (ErrElsewhere, a
// reconnect); b hosts it by itself at its next renewal, writing its opening
// events, and serves it from then on.
func TestLeasesPlaceOnAnotherNode(t *testing.T) {
	st := newMemStore()
	st.add(newSessionRecord("s1", 1, 1))
	table := &leaseTable{owner: map[string]string{}, placeOn: "b"}
	la := table.node("a")
	lb := table.node("b")
	a := newTestRunner(t, st, 64)
	a.cfg.Leases, a.cfg.LeaseRenew = la, time.Hour // a never renews during the test
	b := newTestRunner(t, st, 64)
	b.cfg.Leases, b.cfg.LeaseRenew = lb, 10*time.Millisecond
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Status(ctx, "s1"); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("a.Status of a session placed on b: %v, want ErrElsewhere", err)
	}
	if a.Live() != 0 {
		t.Fatal("a hosts a session placed on b")
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.Live() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if b.Live() != 1 {
		t.Fatal("b did not host the session placed on it")
	}
	if evs, _ := st.Events(ctx, "s1", 0); len(evs) == 0 {
		t.Error("b hosted the placed session without writing its opening events")
	}
	if placed, _ := lb.Placed(ctx); len(placed) != 0 {
		t.Errorf("still placed after b hosted it: %v", placed)
	}
	if s, err := b.Status(ctx, "s1"); err != nil || s.LastSeq == 0 {
		t.Errorf("b.Status: %+v, %v", s, err)
	}
	if _, err := a.Status(ctx, "s1"); !errors.Is(err, ErrElsewhere) {
		t.Errorf("a.Status while b hosts it: %v, want ErrElsewhere", err)
	}
}
