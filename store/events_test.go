package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"

	"github.com/drillroom/drillroom/simulator"
)

// assertLog checks that a session's log is exactly seqs 1..want, contiguous,
// and that the session's LastSeq agrees.
func assertLog(t *testing.T, s *Store, sessionID string, want int64) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Events(ctx, sessionID, 0)
	if err != nil {
		t.Fatalf("Events(%s): %v", sessionID, err)
	}
	if int64(len(got)) != want {
		t.Errorf("session %s: got %d events, want %d", sessionID, len(got), want)
	}
	for i, e := range got {
		if e.Seq != int64(i)+1 {
			t.Errorf("session %s: event %d has seq %d, want %d", sessionID, i, e.Seq, i+1)
			break
		}
	}
	x, err := s.Session(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if x.LastSeq != want {
		t.Errorf("session %s: LastSeq %d, want %d", sessionID, x.LastSeq, want)
	}
}

func TestAppendEventsContiguity(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s, "ann")
	id := f.session.ID
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c0", Result: []byte(`{"ok":true}`)}, evs(1, 3)); err != nil {
		t.Fatal(err)
	}
	nonConsecutive := evs(4, 3)
	nonConsecutive[2].Seq = 7
	tests := []struct {
		name    string
		session string
		cmd     string
		events  []simulator.Event
		want    error
	}{
		{"gap", id, "c1", evs(5, 2), drillroom.ErrConflict},
		{"duplicate of the last", id, "c2", evs(3, 2), drillroom.ErrConflict},
		{"restart from 1", id, "c3", evs(1, 1), drillroom.ErrConflict},
		{"gap inside the batch", id, "c4", nonConsecutive, drillroom.ErrConflict},
		{"seq 0", id, "c5", evs(0, 1), drillroom.ErrConflict},
		{"unknown session", "nope", "c6", evs(1, 1), drillroom.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AppendEvents(ctx, tc.session, drillroom.Command{ID: tc.cmd, Result: []byte(`{}`)}, tc.events)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			// Nothing partially written: the log is unchanged and the
			// command id was not recorded, so the client may retry it.
			assertLog(t, s, id, 3)
			if _, err := s.CommandResult(ctx, tc.session, tc.cmd); !errors.Is(err, drillroom.ErrNotFound) {
				t.Errorf("CommandResult(%s) after a rejected append: got %v, want drillroom.ErrNotFound", tc.cmd, err)
			}
		})
	}
	// The rejected command ids are free for a corrected retry.
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1"}, evs(4, 2)); err != nil {
		t.Fatalf("append after rejections: %v", err)
	}
	assertLog(t, s, id, 5)

	after, err := s.Events(ctx, id, 3)
	if err != nil || len(after) != 2 || after[0].Seq != 4 {
		t.Errorf("Events(after 3): got %v, %v; want seqs 4, 5", after, err)
	}
	none, err := s.Events(ctx, id, 5)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Events(after last): got %#v, %v; want an empty, non-nil slice", none, err)
	}
	if _, err := s.Events(ctx, "nope", 0); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Events(unknown session): got %v, want drillroom.ErrNotFound", err)
	}
	if err := s.AppendEvents(ctx, id, drillroom.Command{}, nil); err != nil {
		t.Errorf("AppendEvents of nothing: %v, want nil", err)
	}
}

func TestEventRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s, "ann")
	mood := 0.25
	in := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Scenario: "gas-leak", Version: 1, Hash: "sha256:aaaa", Seed: 42, Mode: "practice"},
		{Seq: 2, T: 1500, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas", Priority: "P1", Cmd: "c1"}, Intents: []string{"classify"}},
		{Seq: 3, T: 2000, Type: simulator.EvMood, Mood: &mood, Reason: "reassured"},
		{Seq: 4, T: 2500, Type: simulator.EvSet, ID: "calm", Value: true},
	}
	if err := s.AppendEvents(ctx, f.session.ID, drillroom.Command{ID: "c1"}, in); err != nil {
		t.Fatal(err)
	}
	out, err := s.Events(ctx, f.session.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Fatalf("got %d events, want 4", len(out))
	}
	if out[0].Scenario != "gas-leak" || out[0].Seed != 42 || out[0].Hash != "sha256:aaaa" {
		t.Errorf("start event: got %+v", out[0])
	}
	if out[1].Action == nil || out[1].Action.Kind != simulator.ActClassify || out[1].Action.Priority != "P1" || out[1].Intents[0] != "classify" {
		t.Errorf("action event: got %+v", out[1])
	}
	if out[2].Mood == nil || *out[2].Mood != 0.25 {
		t.Errorf("mood event: got %+v", out[2])
	}
	if out[3].Value != true {
		t.Errorf("set event value: got %#v, want true", out[3].Value)
	}
	var seq, tm int64
	var typ string
	if err := s.rdb.QueryRow("SELECT seq, t, type FROM events WHERE session_id = ? AND seq = 2", f.session.ID).Scan(&seq, &tm, &typ); err != nil {
		t.Fatal(err)
	}
	if seq != 2 || tm != 1500 || typ != "action" {
		t.Errorf("columns of event 2: got seq %d, t %d, type %s; want 2, 1500, action", seq, tm, typ)
	}
}

func TestCommandIdempotency(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s, "ann")
	g := newFixture(t, s, "bob")
	id := f.session.ID
	ack := []byte(`{"type":"ack","cmd":"c1","seq":2}`)
	buf := append([]byte(nil), ack...)
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: buf}, evs(1, 2)); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X' // the store must have copied the result
	err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: ack}, evs(3, 2))
	if !errors.Is(err, drillroom.ErrDuplicateCommand) || !errors.Is(err, drillroom.ErrConflict) {
		t.Fatalf("retried command: got %v, want drillroom.ErrDuplicateCommand (an drillroom.ErrConflict)", err)
	}
	assertLog(t, s, id, 2)
	got, err := s.CommandResult(ctx, id, "c1")
	if err != nil || string(got) != string(ack) {
		t.Errorf("CommandResult: got %s, %v; want %s", got, err, ack)
	}
	if _, err := s.CommandResult(ctx, id, "c9"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("CommandResult(unknown): got %v, want drillroom.ErrNotFound", err)
	}
	// Command ids are per session: another session may use c1.
	if err := s.AppendEvents(ctx, g.session.ID, drillroom.Command{ID: "c1", Result: []byte(`{}`)}, evs(1, 1)); err != nil {
		t.Errorf("c1 in another session: %v", err)
	}
	if _, err := s.CommandResult(ctx, g.session.ID, "c1"); err != nil {
		t.Errorf("CommandResult in other session: %v", err)
	}
	// A rejected command produces no events but its answer is kept.
	rej := []byte(`{"type":"reject","cmd":"c2","reason":"on hold"}`)
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c2", Result: rej}, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CommandResult(ctx, id, "c2"); err != nil || string(got) != string(rej) {
		t.Errorf("CommandResult(c2): got %s, %v; want %s", got, err, rej)
	}
	assertLog(t, s, id, 2)

	// The same command sent concurrently from two connections: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "c3", Result: []byte(`{"seq":3}`)}, evs(3, 1))
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, drillroom.ErrConflict):
		default:
			t.Errorf("concurrent retry: unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("concurrent duplicates: %d succeeded, want exactly 1", wins)
	}
	assertLog(t, s, id, 3)
}

// blockWriter parks the writer goroutine inside a transaction until release
// is called, so the test controls what is queued for the next batch.
func blockWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, gate, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.w.do(context.Background(), func(tx *wtx) error {
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
	ids := make([]string, sessions)
	for i := range ids {
		f := newFixture(t, s, fmt.Sprintf("u%d", i))
		ids[i] = f.session.ID
	}
	release := blockWriter(t, s)
	batchesBefore := s.w.batches.Load()
	var wg sync.WaitGroup
	errs := make([]error, sessions)
	for i, id := range ids {
		wg.Go(func() {
			if i == 7 { // one bad request in the batch: a gap
				errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "bad"}, evs(2, 1))
				return
			}
			errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: []byte("ok")}, evs(1, 2))
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
			assertLog(t, s, ids[i], 0)
			continue
		}
		if err != nil {
			t.Errorf("session %d: %v (one bad request must not fail the others)", i, err)
		}
		assertLog(t, s, ids[i], 2)
	}
	// The blocked batch, then one batch for all forty queued appends.
	if got := s.w.batches.Load() - batchesBefore; got != 2 {
		t.Errorf("commits for 1 blocked + %d queued writes: got %d, want 2", sessions, got)
	}
}

func TestPanickingWriteFailsAlone(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s, "ann")
	release := blockWriter(t, s)
	errc := make(chan error, 2)
	go func() {
		errc <- s.w.do(ctx, func(tx *wtx) error {
			if _, err := tx.Exec("UPDATE sessions SET ending = 'half-done' WHERE id = ?", f.session.ID); err != nil {
				return err
			}
			var m map[string]int
			m["boom"] = 1 // a bug: nil map
			return nil
		})
	}()
	waitQueued(t, s, 1)
	go func() { errc <- s.AppendEvents(ctx, f.session.ID, drillroom.Command{ID: "c1"}, evs(1, 1)) }()
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
	assertLog(t, s, f.session.ID, 1)
	x, _ := s.Session(ctx, f.session.ID)
	if x.Ending != "" {
		t.Errorf("the panicking write's update survived: ending %q, want it rolled back", x.Ending)
	}
	if err := s.AppendEvents(ctx, f.session.ID, drillroom.Command{}, evs(2, 1)); err != nil {
		t.Errorf("writer after a panic: %v, want it still working", err)
	}
}

func TestCancelledBeforeTakenWritesNothing(t *testing.T) {
	s := openTest(t)
	f := newFixture(t, s, "ann")
	release := blockWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.AppendEvents(ctx, f.session.ID, drillroom.Command{ID: "c1"}, evs(1, 1)) }()
	waitQueued(t, s, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("AppendEvents cancelled while queued: got %v, want context.Canceled", err)
	}
	release()
	// The abandoned request must not have been written: seq 1 is still free.
	if err := s.AppendEvents(context.Background(), f.session.ID, drillroom.Command{ID: "c1"}, evs(1, 1)); err != nil {
		t.Errorf("retry after cancellation: %v, want nil (the cancelled write must not have happened)", err)
	}
	assertLog(t, s, f.session.ID, 1)

	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := s.AppendEvents(done, f.session.ID, drillroom.Command{}, evs(2, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("AppendEvents with a cancelled context: got %v, want context.Canceled", err)
	}
	assertLog(t, s, f.session.ID, 1)
}

// A caller whose request the writer has already taken gets the real outcome,
// not ctx.Err(), so an error never hides a committed write.
func TestCancelledAfterTakenReportsOutcome(t *testing.T) {
	s := openTest(t)
	f := newFixture(t, s, "ann")
	ctx, cancel := context.WithCancel(context.Background())
	inside, gate := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.w.do(ctx, func(tx *wtx) error {
			select {
			case <-inside:
			default:
				close(inside)
			}
			<-gate
			_, err := tx.Exec("UPDATE sessions SET ending = 'marker' WHERE id = ?", f.session.ID)
			return err
		})
	}()
	<-inside
	cancel()
	close(gate)
	if err := <-errc; err != nil {
		t.Errorf("do cancelled after the writer took it: got %v, want nil (it committed)", err)
	}
	x, _ := s.Session(context.Background(), f.session.ID)
	if x.Ending != "marker" {
		t.Errorf("the taken write: ending %q, want marker", x.Ending)
	}
}

func TestCloseDrainsQueuedWrites(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/d.db"
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.hasher = &hasher{p: cheapArgon}
	const n = 20
	ids := make([]string, n)
	for i := range ids {
		ids[i] = newFixture(t, s, fmt.Sprintf("u%d", i)).session.ID
	}
	release := blockWriter(t, s)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, id := range ids {
		wg.Go(func() { errs[i] = s.AppendEvents(ctx, id, drillroom.Command{}, evs(1, 1)) })
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
		assertLog(t, s, id, 1)
	}
}

func TestGroupCommitConcurrent(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const sessions, perSession, eventsPer = 16, 30, 2
	ids := make([]string, sessions)
	for i := range ids {
		ids[i] = newFixture(t, s, fmt.Sprintf("u%d", i)).session.ID
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		// Per session one goroutine appends (as the runner does); for every
		// fourth session a second one reads the log while it grows.
		wg.Go(func() {
			for k := 0; k < perSession; k++ {
				first := int64(k*eventsPer + 1)
				cmd := drillroom.Command{ID: fmt.Sprintf("c%d", k), Result: []byte(fmt.Sprintf(`{"seq":%d}`, first))}
				if err := s.AppendEvents(ctx, id, cmd, evs(first, eventsPer)); err != nil {
					t.Errorf("session %s command %d: %v", id, k, err)
					return
				}
			}
		})
		if i%4 != 0 {
			continue
		}
		wg.Go(func() {
			var last int64
			for last < perSession*eventsPer {
				got, err := s.Events(ctx, id, last)
				if err != nil {
					t.Errorf("Events: %v", err)
					return
				}
				for _, e := range got {
					if e.Seq != last+1 {
						t.Errorf("session %s: reader saw seq %d after %d", id, e.Seq, last)
						return
					}
					last = e.Seq
				}
				if len(got) == 0 {
					time.Sleep(5 * time.Millisecond) // poll gently: under -race each read is costly
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		assertLog(t, s, id, perSession*eventsPer)
		for _, k := range []int{0, perSession - 1} {
			r, err := s.CommandResult(ctx, id, fmt.Sprintf("c%d", k))
			if want := fmt.Sprintf(`{"seq":%d}`, k*eventsPer+1); err != nil || string(r) != want {
				t.Errorf("session %s c%d: got %s, %v; want %s", id, k, r, err, want)
			}
		}
	}
	st := s.Stats()
	if st.Writes < sessions*perSession || st.Commits < 1 || st.Commits > st.Writes || st.Queued != 0 {
		t.Errorf("Stats: got %+v, want at least %d writes, 1 <= commits <= writes, nothing queued", st, sessions*perSession)
	}
	t.Logf("%d appends in %d commits", st.Writes, st.Commits)
}
