package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
)

// TestGroupCommit: appends from many sessions at once share transactions,
// so the commits are fewer than the appends, and every log is gap-free.
func TestGroupCommit(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const sessions, per = 32, 20
	ids := storetest.FixtureSessions(t, s, sessions)
	before := s.Stats()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for k := range per {
				cmd := drillroom.Command{ID: fmt.Sprintf("c%d", k), Result: []byte(`{}`)}
				if err := s.AppendEvents(ctx, id, cmd, storetest.Events(int64(k)+1, 1)); err != nil {
					t.Errorf("append %d to %s: %v", k, id, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		storetest.AssertLog(t, s, id, per)
	}
	st := s.Stats()
	writes, commits := st.Writes-before.Writes, st.Commits-before.Commits
	if writes != sessions*per {
		t.Errorf("Stats: %d appends written, want %d", writes, sessions*per)
	}
	if commits >= writes {
		t.Errorf("Stats: %d commits for %d appends: no group commit", commits, writes)
	}
	t.Logf("%d appends in %d commits (%.1f per commit)", writes, commits, float64(writes)/float64(commits))
}

// logCapture counts the log records whose message is msg.
type logCapture struct {
	msg string
	n   atomic.Int64
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	if r.Message == c.msg {
		c.n.Add(1)
	}
	return nil
}
func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCapture) WithGroup(string) slog.Handler      { return c }

// TestBatchWithAFailingAppend: when the server refuses one statement of a
// batch (here an event type PostgreSQL cannot store), it rolls the whole
// batch back; the appender then retries each append alone, so the others
// are committed and only the bad one fails.
func TestBatchWithAFailingAppend(t *testing.T) {
	capture := &logCapture{msg: "store: append batch failed, retrying its appends one by one"}
	s, err := postgres.Open(t.Context(), postgrestest.URL(t), slog.New(capture), postgres.WithPasswordCost(cheap.Memory, cheap.Passes), postgres.WithAppenders(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const sessions, bad = 16, 8
	ids := storetest.FixtureSessions(t, s, sessions)
	for round := int64(1); round <= 20 && capture.n.Load() == 0; round++ {
		var wg sync.WaitGroup
		errs := make([]error, sessions)
		for i, id := range ids {
			wg.Go(func() {
				e := storetest.Events(round, 1)
				if i == bad {
					e = storetest.Events(1, 1) // its log stays empty
					e[0].Type = "li\x00ne"     // PostgreSQL text cannot hold NUL
				}
				errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", round)}, e)
			})
		}
		wg.Wait()
		for i, err := range errs {
			switch {
			case i == bad && !errors.Is(err, drillroom.ErrInvalid):
				t.Fatalf("round %d: the append with a NUL in its type: got %v, want drillroom.ErrInvalid", round, err)
			case i != bad && err != nil:
				t.Fatalf("round %d: append to session %d: %v", round, i, err)
			}
		}
		for i, id := range ids {
			want := round
			if i == bad {
				want = 0
			}
			storetest.AssertLog(t, s, id, want)
		}
		if _, err := s.CommandResult(ctx, ids[bad], fmt.Sprintf("c%d", round)); !errors.Is(err, drillroom.ErrNotFound) {
			t.Fatalf("the failed append's command was recorded: %v", err)
		}
	}
	if capture.n.Load() == 0 {
		t.Fatal("no batch ever held the failing append with others: the retry path was not exercised")
	}
	t.Logf("%d batches with the failing append retried one by one", capture.n.Load())
}
