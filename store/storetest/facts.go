package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testFactsRevisions: every change of a session's analytics row (a
// scoring, a re-scoring, a release, its official result) gives it a
// revision above every earlier one, and ScoredSessionsSince returns
// exactly the rows changed after a revision, in the order of their
// revisions. A reader that keeps the highest revision it saw and asks for
// what came after it, while several writers race, ends up with every row
// as a full read gives it: no change is skipped because a write with a
// lower revision committed after one with a higher.
func testFactsRevisions(t *testing.T, s Store, clock *Clock) {
	clock.SetStep(time.Millisecond)
	ctx := context.Background()
	since := func(rev int64) []drillroom.ScoredSession {
		t.Helper()
		var out []drillroom.ScoredSession
		if err := s.ScoredSessionsSince(ctx, rev, func(x drillroom.ScoredSession) error {
			out = append(out, x)
			return nil
		}); err != nil {
			t.Fatalf("ScoredSessionsSince(%d): %v", rev, err)
		}
		return out
	}
	if got := since(-1); len(got) != 0 {
		t.Fatalf("ScoredSessionsSince(-1) on an empty store: %d rows, want none", len(got))
	}
	ann := NewFixture(t, s, "ann")
	coach, err := s.CreateUser(ctx, "cora", "Cora", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	put := func(sessionID string, total float64) {
		t.Helper()
		if err := s.PutScorecard(ctx, sessionID, "r1", analyticsCard(total, "fair", total >= 50, 10, [3]string{"A", "fail", "Say more."}), nil); err != nil {
			t.Fatal(err)
		}
	}
	// release releases a coach's mark on rule A: a release needs one.
	release := func(sessionID string) (drillroom.Release, error) {
		if _, err := s.AddMark(ctx, drillroom.Mark{SessionID: sessionID, RuleID: "A", Kind: drillroom.MarkOverride, Outcome: "pass", Points: 10,
			OldOutcome: "fail", Reason: "Heard on the recording.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
			return drillroom.Release{}, err
		}
		return s.AddRelease(ctx, drillroom.Release{SessionID: sessionID, ByID: coach.ID, Actor: drillroom.ActorCoach})
	}
	// step makes one change and checks that exactly ann's row comes after
	// the last revision, changed as want says, at a higher revision.
	last := int64(0)
	step := func(what string, change func(), want func(drillroom.ScoredSession) bool) drillroom.ScoredSession {
		t.Helper()
		change()
		got := since(last)
		if len(got) != 1 || got[0].SessionID != ann.Session.ID || got[0].Rev <= last || !want(got[0]) {
			t.Fatalf("after %s, ScoredSessionsSince(%d): %+v, want ann's session changed, at a revision above %d", what, last, got, last)
		}
		last = got[0].Rev
		if again := since(last); len(again) != 0 {
			t.Fatalf("after %s, ScoredSessionsSince(%d): %+v, want nothing more", what, last, again)
		}
		return got[0]
	}
	x := step("a scoring", func() { put(ann.Session.ID, 40) }, func(x drillroom.ScoredSession) bool { return x.Total == 40 })
	if all := since(-1); len(all) != 1 || all[0].Rev != x.Rev {
		t.Errorf("ScoredSessionsSince(-1): %+v, want ann's row at revision %d", all, x.Rev)
	}
	x = step("a re-scoring", func() { put(ann.Session.ID, 45) }, func(y drillroom.ScoredSession) bool { return y.Total == 45 && y.ScorecardID > x.ScorecardID })
	var rel drillroom.Release
	x = step("a release", func() {
		if rel, err = release(ann.Session.ID); err != nil {
			t.Fatal(err)
		}
	}, func(y drillroom.ScoredSession) bool { return y.ReleaseID == rel.ID && !y.Official })
	step("its official result", func() {
		res := drillroom.OfficialResult{OfficialRef: drillroom.OfficialRef{SessionID: ann.Session.ID, ScorecardID: x.ScorecardID, ReleaseID: rel.ID},
			Total: 90, Band: "excellent", Passed: true}
		if err := s.PutOfficialResult(ctx, res); err != nil {
			t.Fatal(err)
		}
	}, func(y drillroom.ScoredSession) bool { return y.Official && y.Total == 90 })
	// A result of an older scorecard changes nothing, so no revision.
	stale := drillroom.OfficialResult{OfficialRef: drillroom.OfficialRef{SessionID: ann.Session.ID, ScorecardID: x.ScorecardID - 1, ReleaseID: rel.ID},
		Total: 10, Band: "poor"}
	if err := s.PutOfficialResult(ctx, stale); err != nil {
		t.Fatal(err)
	}
	if got := since(last); len(got) != 0 {
		t.Errorf("after a result that was not recorded, ScoredSessionsSince(%d): %+v, want nothing", last, got)
	}

	// Racing writers, and a reader that follows them.
	const writers, each = 4, 8
	var ids []string
	for w := range writers {
		for i := range each {
			ids = append(ids, NewFixture(t, s, fmt.Sprintf("w%d-%d", w, i)).Session.ID)
		}
	}
	copied := map[string]drillroom.ScoredSession{}
	follow := func() error {
		var prev int64 = -1
		return s.ScoredSessionsSince(ctx, last, func(x drillroom.ScoredSession) error {
			if x.Rev <= last || x.Rev <= prev {
				return fmt.Errorf("revision %d after %d (asked for those above %d): want rising, above what was asked", x.Rev, prev, last)
			}
			prev = x.Rev
			copied[x.SessionID] = x
			return nil
		})
	}
	last = -1 // the reader starts with nothing
	if err := follow(); err != nil {
		t.Fatal(err)
	}
	for _, x := range copied {
		last = max(last, x.Rev)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for _, id := range ids[w*each : (w+1)*each] {
				for k := range 2 {
					card := analyticsCard(float64(10*k+w), "fair", false, 10, [3]string{"A", "pass", ""})
					if err := s.PutScorecard(ctx, id, "r1", card, nil); err != nil {
						errs <- err
						return
					}
				}
				if _, err := release(id); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		before := last
		if err := follow(); err != nil {
			t.Fatal(err)
		}
		for _, x := range copied {
			last = max(last, x.Rev)
		}
		if last == before {
			time.Sleep(time.Millisecond)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	if err := follow(); err != nil {
		t.Fatal(err)
	}
	full := map[string]drillroom.ScoredSession{}
	if err := s.ScoredSessions(ctx, drillroom.AnalyticsFilter{}, func(x drillroom.ScoredSession) error {
		full[x.SessionID] = x
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(full) != 1+writers*each {
		t.Fatalf("a full read has %d sessions, want %d", len(full), 1+writers*each)
	}
	for _, id := range slices.Sorted(maps.Keys(full)) {
		want, got := full[id], copied[id]
		if got.Rev != want.Rev || got.ScorecardID != want.ScorecardID || got.ReleaseID != want.ReleaseID || got.Total != want.Total {
			t.Errorf("session %s: followed %+v\nwant (a full read) %+v", id, got, want)
		}
	}
}
