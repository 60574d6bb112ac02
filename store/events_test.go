package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"

	"github.com/drillroom/drillroom/simulator"
)

// The conformance suite checks that events come back as written; here, that
// the SQLite columns beside the JSON body hold the seq, time and type.
func TestEventColumns(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := storetest.NewFixture(t, s, "ann")
	in := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Scenario: "gas-leak", Version: 1, Hash: "sha256:aaaa", Seed: 42, Mode: "practice"},
		{Seq: 2, T: 1500, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas", Priority: "P1", Cmd: "c1"}},
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, in); err != nil {
		t.Fatal(err)
	}
	var seq, tm int64
	var typ string
	if err := s.rdb.QueryRow("SELECT seq, t, type FROM events WHERE session_id = ? AND seq = 2", f.Session.ID).Scan(&seq, &tm, &typ); err != nil {
		t.Fatal(err)
	}
	if seq != 2 || tm != 1500 || typ != "action" {
		t.Errorf("columns of event 2: got seq %d, t %d, type %s; want 2, 1500, action", seq, tm, typ)
	}
}

// blockWriter parks the writer goroutine inside a transaction until release
// is called, so the test controls what is queued for the next batch.
func blockWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, gate, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.w.do(context.Background(), false, func(tx *wtx) error {
			close(started)
			<-gate
			return nil
		})
	}()
	<-started
	return func() {
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("blocking write: %v", err)
		}
	}
}

// waitQueued waits until n requests are queued behind the blocked writer.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	for len(s.w.queue) < n {
		time.Sleep(time.Millisecond)
	}
}

func TestGroupCommitBatchesQueuedWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const sessions = 40
	ids := storetest.FixtureSessions(t, s, sessions)
	release := blockWriter(t, s)
	batchesBefore := s.w.batches.Load()
	var wg sync.WaitGroup
	errs := make([]error, sessions)
	for i, id := range ids {
		wg.Go(func() {
			if i == 7 { // one bad request in the batch: a gap
				errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "bad"}, storetest.Events(2, 1))
				return
			}
			errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: []byte("ok")}, storetest.Events(1, 2))
		})
	}
	waitQueued(t, s, sessions)
	release()
	wg.Wait()
	for i, err := range errs {
		if i == 7 {
			if !errors.Is(err, drillroom.ErrConflict) {
				t.Errorf("the bad request: got %v, want drillroom.ErrConflict", err)
			}
			storetest.AssertLog(t, s, ids[i], 0)
			continue
		}
		if err != nil {
			t.Errorf("session %d: %v (one bad request must not fail the others)", i, err)
		}
		storetest.AssertLog(t, s, ids[i], 2)
	}
	// The blocked batch, then one batch for all forty queued appends.
	if got := s.w.batches.Load() - batchesBefore; got != 2 {
		t.Errorf("commits for 1 blocked + %d queued writes: got %d, want 2", sessions, got)
	}
	st := s.Stats()
	if st.Commits != s.w.batches.Load() || st.Writes != s.w.writes.Load() || st.Queued != 0 || st.Writes < st.Commits {
		t.Errorf("Stats: got %+v, want the writer's counters (%d commits, %d writes), nothing queued", st, s.w.batches.Load(), s.w.writes.Load())
	}
}

func TestPanickingWriteFailsAlone(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := storetest.NewFixture(t, s, "ann")
	release := blockWriter(t, s)
	errc := make(chan error, 2)
	go func() {
		errc <- s.w.do(ctx, false, func(tx *wtx) error {
			if _, err := tx.Exec("UPDATE sessions SET ending = 'half-done' WHERE id = ?", f.Session.ID); err != nil {
				return err
			}
			var m map[string]int
			m["boom"] = 1 // a bug: nil map
			return nil
		})
	}()
	waitQueued(t, s, 1)
	go func() { errc <- s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, storetest.Events(1, 1)) }()
	waitQueued(t, s, 2)
	release()
	var failed, ok int
	for range 2 {
		if err := <-errc; err != nil {
			failed++
		} else {
			ok++
		}
	}
	if failed != 1 || ok != 1 {
		t.Errorf("one panicking and one good write: %d failed, %d succeeded; want 1 and 1", failed, ok)
	}
	storetest.AssertLog(t, s, f.Session.ID, 1)
	x, _ := s.Session(ctx, f.Session.ID)
	if x.Ending != "" {
		t.Errorf("the panicking write's update survived: ending %q, want it rolled back", x.Ending)
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{}, storetest.Events(2, 1)); err != nil {
		t.Errorf("writer after a panic: %v, want it still working", err)
	}
}

func TestCancelledBeforeTakenWritesNothing(t *testing.T) {
	s := openTest(t)
	f := storetest.NewFixture(t, s, "ann")
	release := blockWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, storetest.Events(1, 1)) }()
	waitQueued(t, s, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("AppendEvents cancelled while queued: got %v, want context.Canceled", err)
	}
	release()
	// The abandoned request must not have been written: seq 1 is still free.
	if err := s.AppendEvents(context.Background(), f.Session.ID, drillroom.Command{ID: "c1"}, storetest.Events(1, 1)); err != nil {
		t.Errorf("retry after cancellation: %v, want nil (the cancelled write must not have happened)", err)
	}
	storetest.AssertLog(t, s, f.Session.ID, 1)

	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := s.AppendEvents(done, f.Session.ID, drillroom.Command{}, storetest.Events(2, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("AppendEvents with a cancelled context: got %v, want context.Canceled", err)
	}
	storetest.AssertLog(t, s, f.Session.ID, 1)
}

// A caller whose request the writer has already taken gets the real outcome,
// not ctx.Err(), so an error never hides a committed write.
func TestCancelledAfterTakenReportsOutcome(t *testing.T) {
	s := openTest(t)
	f := storetest.NewFixture(t, s, "ann")
	ctx, cancel := context.WithCancel(context.Background())
	inside, gate := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.w.do(ctx, false, func(tx *wtx) error {
			select {
			case <-inside:
			default:
				close(inside)
			}
			<-gate
			_, err := tx.Exec("UPDATE sessions SET ending = 'marker' WHERE id = ?", f.Session.ID)
			return err
		})
	}()
	<-inside
	cancel()
	close(gate)
	if err := <-errc; err != nil {
		t.Errorf("do cancelled after the writer took it: got %v, want nil (it committed)", err)
	}
	x, _ := s.Session(context.Background(), f.Session.ID)
	if x.Ending != "marker" {
		t.Errorf("the taken write: ending %q, want marker", x.Ending)
	}
}

func TestCloseDrainsQueuedWrites(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/d.db"
	s := openUnmanaged(t, path)
	const n = 20
	ids := storetest.FixtureSessions(t, s, n)
	release := blockWriter(t, s)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, id := range ids {
		wg.Go(func() { errs[i] = s.AppendEvents(ctx, id, drillroom.Command{}, storetest.Events(1, 1)) })
	}
	waitQueued(t, s, n)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d queued before Close: %v, want nil", i, err)
		}
	}
	s = openAt(t, path)
	for _, id := range ids {
		storetest.AssertLog(t, s, id, 1)
	}
}
