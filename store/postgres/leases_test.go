package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
	"github.com/jackc/pgx/v5"
)

// TestLeasesFenceAnOldOwner: two nodes on one database. Node a owns a
// session and appends; while a is "paused" its lease expires and b takes
// the session over with a higher epoch; when a wakes up, its append and its
// renewal are refused (ErrLeaseLost) and nothing of it is written, while b
// continues the log without a gap.
func TestLeasesFenceAnOldOwner(t *testing.T) {
	url := pgtestURL(t)
	ctx := context.Background()
	a := openURL(t, url, postgres.WithNode("a"))
	b := openURL(t, url, postgres.WithNode("b"))
	id := storetest.NewFixture(t, a, "ann").Session.ID
	if err := a.AppendEvents(ctx, id, drillroom.Command{ID: "a0"}, storetest.Events(1, 1)); !errors.Is(err, postgres.ErrLeaseLost) {
		t.Errorf("append by a node without the lease: %v, want ErrLeaseLost", err)
	}

	if _, err := a.AcquireLease(ctx, "nope", time.Minute); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("AcquireLease(unknown session): %v, want ErrNotFound", err)
	}
	la, err := a.AcquireLease(ctx, id, time.Minute)
	if err != nil || la.Epoch != 1 || la.Node != "a" {
		t.Fatalf("AcquireLease(a): %+v, %v; want epoch 1", la, err)
	}
	if _, err := b.AcquireLease(ctx, id, time.Minute); !errors.Is(err, drillroom.ErrConflict) {
		t.Fatalf("AcquireLease(b) while a holds it: %v, want ErrConflict", err)
	}
	if orphans, _ := b.OrphanedSessions(ctx); len(orphans) != 0 {
		t.Errorf("OrphanedSessions while a holds the lease: %v, want none", orphans)
	}
	if again, err := a.AcquireLease(ctx, id, time.Minute); err != nil || again.Epoch != 1 {
		t.Errorf("a acquiring its own lease again: %+v, %v; want it renewed at epoch 1", again, err)
	}
	if err := a.AppendEvents(ctx, id, drillroom.Command{ID: "a1"}, storetest.Events(1, 2)); err != nil {
		t.Fatalf("append by the owner: %v", err)
	}

	// a pauses: its lease runs out (a short renewal stands for the time
	// passing), and b, finding the session orphaned, takes it over.
	if lost, err := a.RenewLeases(ctx, time.Millisecond); err != nil || len(lost) != 0 {
		t.Fatalf("RenewLeases(a): lost %v, %v", lost, err)
	}
	time.Sleep(5 * time.Millisecond)
	orphans, err := b.OrphanedSessions(ctx)
	if err != nil || len(orphans) != 1 || orphans[0] != id {
		t.Fatalf("OrphanedSessions after the lease expired: %v, %v; want [%s]", orphans, err, id)
	}
	lb, err := b.AcquireLease(ctx, id, time.Minute)
	if err != nil || lb.Epoch != 2 {
		t.Fatalf("takeover by b: %+v, %v; want epoch 2", lb, err)
	}

	// a wakes up and writes what it had computed: refused, nothing written.
	// (Its renewal, had it come first, would have said the session is lost.)
	err = a.AppendEvents(ctx, id, drillroom.Command{ID: "a2"}, storetest.Events(3, 1))
	if !errors.Is(err, postgres.ErrLeaseLost) || !errors.Is(err, drillroom.ErrConflict) {
		t.Fatalf("append by the old owner: %v, want ErrLeaseLost (a conflict)", err)
	}
	if _, err := a.CommandResult(ctx, id, "a2"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("the old owner's refused command was recorded: %v", err)
	}
	storetest.AssertLog(t, b, id, 2)
	if err := b.AppendEvents(ctx, id, drillroom.Command{ID: "b1"}, storetest.Events(3, 1)); err != nil {
		t.Fatalf("append by the new owner: %v", err)
	}
	storetest.AssertLog(t, b, id, 3)

	// b hands the session back at shutdown: a may take it at once, and it
	// is no orphan meanwhile (nobody died).
	if err := b.ReleaseLease(ctx, id); err != nil {
		t.Fatal(err)
	}
	if orphans, _ := a.OrphanedSessions(ctx); len(orphans) != 0 {
		t.Errorf("OrphanedSessions after a release: %v, want none", orphans)
	}
	if la, err = a.AcquireLease(ctx, id, time.Minute); err != nil || la.Epoch != 3 {
		t.Fatalf("AcquireLease(a) after b released: %+v, %v; want epoch 3", la, err)
	}
	if err := b.AppendEvents(ctx, id, drillroom.Command{ID: "b2"}, storetest.Events(4, 1)); !errors.Is(err, postgres.ErrLeaseLost) {
		t.Errorf("append by b after releasing: %v, want ErrLeaseLost", err)
	}
	if err := a.AppendEvents(ctx, id, drillroom.Command{ID: "a3"}, storetest.Events(4, 1)); err != nil {
		t.Errorf("append by a, owner again: %v", err)
	}
	storetest.AssertLog(t, a, id, 4)

	// A renewal tells a node what it lost while it was away.
	if lost, err := a.RenewLeases(ctx, time.Millisecond); err != nil || len(lost) != 0 {
		t.Fatalf("RenewLeases(a): lost %v, %v", lost, err)
	}
	time.Sleep(5 * time.Millisecond)
	if lb, err = b.AcquireLease(ctx, id, time.Minute); err != nil || lb.Epoch != 4 {
		t.Fatalf("second takeover by b: %+v, %v; want epoch 4", lb, err)
	}
	if lost, err := a.RenewLeases(ctx, time.Minute); err != nil || len(lost) != 1 || lost[0] != id {
		t.Errorf("RenewLeases by the old owner: lost %v, %v; want [%s]", lost, err, id)
	}
	if err := a.AppendEvents(ctx, id, drillroom.Command{ID: "a4"}, storetest.Events(5, 1)); !errors.Is(err, postgres.ErrLeaseLost) {
		t.Errorf("append by a after losing the session: %v, want ErrLeaseLost", err)
	}
}

func pgtestURL(t *testing.T) string { return postgrestest.URL(t) }

// openURL opens a store on the database at url: a second (third...) store
// on one database is another node.
func openURL(t testing.TB, url string, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url, nil, append([]postgres.Option{postgres.WithPasswordCost(cheap.Memory, cheap.Passes)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRenewalSkipsABusyLease: a lease row that an append holds (read FOR
// SHARE, as append_events does, in a transaction still open) does not hold
// up the renewal of the node's other leases, nor is it reported lost; the
// next renewal, once the append is done, renews it. A renewal that waited
// would stall the appenders' batches behind it, or deadlock with them.
func TestRenewalSkipsABusyLease(t *testing.T) {
	url := pgtestURL(t)
	ctx := context.Background()
	a := openURL(t, url, postgres.WithNode("a"))
	f := storetest.NewFixture(t, a, "ann")
	busy := f.Session.ID
	other, err := a.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Seed: 2, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{busy, other.ID} {
		if _, err := a.AcquireLease(ctx, id, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var node string
	if err := tx.QueryRow(ctx, "SELECT node FROM session_leases WHERE session_id = $1 FOR SHARE", busy).Scan(&node); err != nil {
		t.Fatal(err)
	}
	expires := func(id string) time.Time {
		t.Helper()
		var at time.Time
		if err := conn.QueryRow(ctx, "SELECT expires_at FROM session_leases WHERE session_id = $1", id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	busyBefore, otherBefore := expires(busy), expires(other.ID)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	lost, err := a.RenewLeases(rctx, 2*time.Minute)
	cancel()
	if err != nil || len(lost) != 0 {
		t.Fatalf("renewal while an append holds one lease: lost %v, %v; want nothing lost and no wait", lost, err)
	}
	if !expires(other.ID).After(otherBefore) {
		t.Error("the free lease was not renewed")
	}
	if !expires(busy).Equal(busyBefore) {
		t.Error("the busy lease was renewed through the append's lock")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if lost, err := a.RenewLeases(ctx, 2*time.Minute); err != nil || len(lost) != 0 {
		t.Fatalf("renewal after the append: lost %v, %v", lost, err)
	}
	if !expires(busy).After(busyBefore) {
		t.Error("the lease was not renewed once the append was done")
	}
	if err := a.AppendEvents(ctx, busy, drillroom.Command{ID: "c1"}, storetest.Events(1, 1)); err != nil {
		t.Errorf("append by the owner after the renewals: %v", err)
	}
}
