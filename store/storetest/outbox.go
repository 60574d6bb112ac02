package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testOutbox: every stored scorecard queues one outbox entry, due at once;
// a retry counts the attempt and moves it on; a sent entry is never due
// again; an entry superseded by a newer scoring of its session is not
// current; the limit is checked.
func testOutbox(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	ann := NewFixture(t, s, "ann").Session.ID
	bob := NewFixture(t, s, "bob").Session.ID
	put := func(id string) {
		t.Helper()
		if err := s.PutScorecard(ctx, id, "r1", []byte(`{"total":1}`), nil); err != nil {
			t.Fatal(err)
		}
	}
	due := func(at time.Time) string {
		t.Helper()
		es, err := s.DueStatements(ctx, at, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, e := range es {
			out += fmt.Sprintf("%s a%d current=%t %q; ", e.SessionID, e.Attempts, e.Current, e.LastError)
		}
		return out
	}
	if got := due(clock.Now()); got != "" {
		t.Errorf("due before any scorecard: %s, want nothing", got)
	}
	put(ann)
	clock.Advance(time.Second)
	put(bob)
	now := clock.Now()
	want := ann + ` a0 current=true ""; ` + bob + ` a0 current=true ""; `
	if got := due(now); got != want {
		t.Errorf("due:\ngot  %s\nwant %s", got, want)
	}
	es, err := s.DueStatements(ctx, now, 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("DueStatements: %v, %d entries", err, len(es))
	}
	if err := s.RetryStatements(ctx, []int64{es[0].ID}, now.Add(time.Minute), "LRS answered 503"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkStatementsSent(ctx, []int64{es[1].ID}); err != nil {
		t.Fatal(err)
	}
	if got := due(now); got != "" {
		t.Errorf("due after a retry and a send: %s, want nothing until the retry's time", got)
	}
	want = ann + ` a1 current=true "LRS answered 503"; `
	if got := due(now.Add(time.Minute)); got != want {
		t.Errorf("due at the retry's time:\ngot  %s\nwant %s", got, want)
	}
	put(ann) // a re-scoring: the old entry is superseded; the new one is due first (queued now, before the retry's time)
	want = ann + ` a0 current=true ""; ` + ann + ` a1 current=false "LRS answered 503"; `
	if got := due(now.Add(time.Hour)); got != want {
		t.Errorf("due after a re-scoring:\ngot  %s\nwant %s", got, want)
	}
	if err := s.MarkStatementsSent(ctx, nil); err != nil {
		t.Errorf("MarkStatementsSent(no ids): %v", err)
	}
	if _, err := s.DueStatements(ctx, now, 0); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("DueStatements(limit 0): got %v, want drillroom.ErrInvalid", err)
	}
}
