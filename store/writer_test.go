package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/storetest"
)

// withLongWindow holds clock writes until a command comes.
func withLongWindow(o *options) { o.testWindow = time.Hour }

func withCheckpoints(writes int, restartAt int64) Option {
	return func(o *options) { o.ckptWrites, o.ckptRestartAt = writes, restartAt }
}

// Appends without a command (the session clock's) wait for company, up to
// the gather window; a command's append takes them along at once, in one
// commit.
func TestClockWritesWaitForACommand(t *testing.T) {
	s := openTest(t, withLongWindow) // nothing but a command ends the wait
	ctx := context.Background()
	const clocks = 5
	ids := storetest.FixtureSessions(t, s, clocks+1)
	before := s.w.batches.Load()
	errs := make(chan error, clocks)
	taken := s.w.taken.Load()
	for i := range clocks {
		go func() { errs <- s.AppendEvents(ctx, ids[i], drillroom.Command{}, storetest.Events(1, 1)) }()
	}
	// They are taken and held: none is answered while no command comes.
	waitTaken(t, s, taken+clocks)
	select {
	case err := <-errs:
		t.Fatalf("a clock write was answered before any command came (err %v): want it held for company", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := s.AppendEvents(ctx, ids[clocks], drillroom.Command{ID: "c1"}, storetest.Events(1, 1)); err != nil {
		t.Fatalf("the command's append: %v", err)
	}
	for range clocks {
		if err := <-errs; err != nil {
			t.Errorf("a clock write: %v", err)
		}
	}
	if got := s.w.batches.Load() - before; got != 1 {
		t.Errorf("commits for %d clock writes and a command: got %d, want 1", clocks, got)
	}
	for _, id := range ids {
		storetest.AssertLog(t, s, id, 1)
	}
}

// Alone, a clock write is committed once the window has passed; with a
// window of 0, as soon as the writer is free.
func TestClockWriteAloneIsCommitted(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wait   time.Duration
		events int
	}{
		{"after the window", 5 * time.Millisecond, 2},
		{"at once with no window", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, WithClockCommitWait(tc.wait))
			f := storetest.NewFixture(t, s, "ann")
			if err := s.AppendEvents(context.Background(), f.Session.ID, drillroom.Command{}, storetest.Events(1, tc.events)); err != nil {
				t.Fatal(err)
			}
			storetest.AssertLog(t, s, f.Session.ID, int64(tc.events))
		})
	}
}

// A caller whose clock write is still gathering may give up: it gets its
// context's error only if the writer had not taken it; once taken, it gets
// the real outcome.
func TestClockWriteCancelledWhileGathering(t *testing.T) {
	s := openTest(t, withLongWindow)
	f := storetest.NewFixture(t, s, "ann")
	g := storetest.NewFixture(t, s, "bob")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	taken := s.w.taken.Load()
	go func() { errc <- s.AppendEvents(ctx, f.Session.ID, drillroom.Command{}, storetest.Events(1, 1)) }()
	waitTaken(t, s, taken+1)
	cancel()
	// Taken by the writer: the caller waits for the commit a command
	// brings, and it is written.
	if err := s.AppendEvents(context.Background(), g.Session.ID, drillroom.Command{ID: "c1"}, storetest.Events(1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Errorf("a clock write cancelled after the writer took it: got %v, want nil (it was committed)", err)
	}
	storetest.AssertLog(t, s, f.Session.ID, 1)
}

// waitTaken waits until the writer has taken n requests in all.
func waitTaken(t *testing.T, s *Store, n int64) {
	t.Helper()
	for s.w.taken.Load() < n {
		time.Sleep(time.Millisecond)
	}
}

// Many clock writes at once share commits; none waits for ever.
func TestClockWritesShareCommits(t *testing.T) {
	s := openTest(t, WithClockCommitWait(20*time.Millisecond))
	ctx := context.Background()
	const n = 30
	ids := storetest.FixtureSessions(t, s, n)
	before := s.w.batches.Load()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := s.AppendEvents(ctx, id, drillroom.Command{}, storetest.Events(1, 1)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := s.w.batches.Load() - before; got >= n {
		t.Errorf("commits for %d clock writes at once: got %d, want fewer than %d", n, got, n)
	}
	for _, id := range ids {
		storetest.AssertLog(t, s, id, 1)
	}
}

// The WAL is checkpointed beside the writer and starts again from the
// beginning: it does not grow with every page ever written.
func TestCheckpointsKeepTheWALShort(t *testing.T) {
	s := openTest(t, WithClockCommitWait(time.Millisecond), withCheckpoints(16, 64))
	ctx := context.Background()
	f := storetest.NewFixture(t, s, "ann")
	var pages int64
	for seq := int64(1); seq <= 600; seq++ {
		if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: []byte("ok")}, storetest.Events(seq, 1)); err != nil {
			t.Fatal(err)
		}
		pages += 3 // at least: an event, a command, the session's row
	}
	storetest.AssertLog(t, s, f.Session.ID, 600)
	if s.w.ckpt.runs.Load() == 0 || s.w.ckpt.completed.Load() == 0 {
		t.Fatalf("checkpoints: %d in the background, %d completed by the writer; want some of each", s.w.ckpt.runs.Load(), s.w.ckpt.completed.Load())
	}
	var busy, log, copied int64
	if err := s.w.ckpt.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err != nil {
		t.Fatal(err)
	}
	if log >= pages {
		t.Errorf("WAL length after 600 commits of at least %d pages: %d pages; want it started again (shorter)", pages, log)
	}
}

// A clock commit wait outside 0..MaxClockCommitWait is refused (0 itself
// is taken: TestClockWriteAloneIsCommitted opens with it).
func TestClockCommitWaitBounds(t *testing.T) {
	for _, d := range []time.Duration{-time.Millisecond, MaxClockCommitWait + time.Millisecond} {
		path := filepath.Join(t.TempDir(), "d.db")
		s, err := Open(context.Background(), path, nil, WithClockCommitWait(d))
		if err == nil {
			s.Close()
			t.Errorf("Open with a clock commit wait of %v: got nil error, want drillroom.ErrInvalid", d)
			continue
		}
		if !errors.Is(err, drillroom.ErrInvalid) {
			t.Errorf("Open with a clock commit wait of %v: got %v, want drillroom.ErrInvalid", d, err)
		}
	}
}

// When no write that may not wait has come for longer than the window (a
// quiet server), a clock write is committed at once: waiting could only
// make the clock's events late.
func TestClockWriteOnAQuietServerDoesNotWait(t *testing.T) {
	s := openTest(t, withLongWindow)
	ctx := context.Background()
	f := storetest.NewFixture(t, s, "ann")
	// The last command came two hours ago (set on the writer's goroutine,
	// which owns it).
	err := s.w.do(ctx, false, func(*wtx) error {
		s.w.lastUrgent, s.w.urgentGap = time.Now().Add(-2*time.Hour), 2*time.Hour
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.AppendEvents(ctx, f.Session.ID, drillroom.Command{}, storetest.Events(1, 1)) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a clock write on a quiet server is held for company: want it committed at once")
	}
	storetest.AssertLog(t, s, f.Session.ID, 1)
}

// The writer's latency histograms count every append by kind (a command's,
// a clock's) and every transaction, and add up their times.
func TestWriterLatencies(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := storetest.NewFixture(t, s, "latency")
	before := s.Stats()
	for seq := int64(1); seq <= 5; seq++ {
		cmd := drillroom.Command{}
		if seq%2 == 1 {
			cmd = drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: []byte(`{}`)}
		}
		if err := s.AppendEvents(ctx, f.Session.ID, cmd, []simulator.Event{storetest.BenchEvent(seq)}); err != nil {
			t.Fatal(err)
		}
	}
	// A refused append (a gap in the log) is not a wait for a commit.
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "gap"}, []simulator.Event{storetest.BenchEvent(9)}); !errors.Is(err, drillroom.ErrConflict) {
		t.Fatalf("append after a gap: %v, want ErrConflict", err)
	}
	after := s.Stats()
	if got := after.CommandWait.Count() - before.CommandWait.Count(); got != 3 {
		t.Errorf("command waits counted: %d, want 3", got)
	}
	if got := after.ClockWait.Count() - before.ClockWait.Count(); got != 2 {
		t.Errorf("clock waits counted: %d, want 2", got)
	}
	// Every committed transaction and the one rolled back (the count of
	// commits also takes in any write of the fixture's still in flight).
	if got, want := after.Commit.Count()-before.Commit.Count(), uint64(after.Commits-before.Commits)+1; got != want || got < 6 {
		t.Errorf("transactions timed: %d, want %d (at least 6)", got, want)
	}
	if after.CommandWait.Sum <= before.CommandWait.Sum || after.Commit.Sum <= before.Commit.Sum {
		t.Errorf("sums did not grow: command wait %v -> %v, commit %v -> %v", before.CommandWait.Sum, after.CommandWait.Sum, before.Commit.Sum, after.Commit.Sum)
	}
	if len(after.Commit.Counts) != len(latencyBounds)+1 {
		t.Errorf("%d buckets, want %d", len(after.Commit.Counts), len(latencyBounds)+1)
	}
}

func TestLatencyBuckets(t *testing.T) {
	var l latency
	for _, d := range []time.Duration{0, 250 * time.Microsecond, 251 * time.Microsecond, 3 * time.Millisecond, 2 * time.Second} {
		l.observe(d)
	}
	h := l.snapshot()
	want := make([]uint64, len(latencyBounds)+1)
	want[0] = 2                  // 0 and exactly the first bound
	want[1] = 1                  // just over it
	want[4] = 1                  // 3 ms: in (2.5 ms, 5 ms]
	want[len(latencyBounds)] = 1 // over a second
	if fmt.Sprint(h.Counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", h.Counts, want)
	}
	if h.Sum != 2*time.Second+3*time.Millisecond+501*time.Microsecond || h.Count() != 5 {
		t.Errorf("sum %v, count %d", h.Sum, h.Count())
	}
}
