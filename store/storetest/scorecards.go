package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func testScorecardsAndReviews(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	for _, tc := range []struct {
		name, session, rubric, body string
		want                        error
	}{
		{"first scoring", id, "r1", `{"total":60}`, nil},
		{"re-score with a new rubric", id, "r2", `{"total":75}`, nil},
		{"not JSON", id, "r2", `{"total":`, drillroom.ErrInvalid},
		{"unknown session", "nope", "r1", `{}`, drillroom.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.PutScorecard(ctx, tc.session, tc.rubric, []byte(tc.body), nil)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if sc, err := s.Scorecard(ctx, id); err != nil || string(sc) != `{"total":75}` {
		t.Errorf("Scorecard: got %s, %v; want the re-score", sc, err)
	}

	if err := s.PutReview(ctx, id, "I classified too late."); err != nil {
		t.Fatal(err)
	}
	first, err := s.Review(ctx, id)
	if err != nil || first.Text != "I classified too late." || first.SessionID != id || first.CreatedAt.IsZero() {
		t.Errorf("Review: got %+v, %v; want the text written", first, err)
	}
	if err := s.PutReview(ctx, id, "I classified too late; next time ask about the smell first."); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Review(ctx, id); err != nil || r.Text != "I classified too late; next time ask about the smell first." || !r.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("Review: got %+v, %v; want the replaced text, created as first written (%v)", r, err, first.CreatedAt)
	}
}

// testEndedSession: the post-incident review and the scoring come after
// the call ends, so an ended session still takes appends, scorecards and
// the review.
func testEndedSession(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1"}, Events(1, 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, id, "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "review-1", Result: []byte(`{"ok":true}`)}, Events(3, 1)); err != nil {
		t.Errorf("append the review event to an ended session: %v", err)
	}
	AssertLog(t, s, id, 3)
	if err := s.PutReview(ctx, id, "Asked about the smell too late."); err != nil {
		t.Errorf("PutReview on an ended session: %v", err)
	}
	if err := s.PutScorecard(ctx, id, "r1", []byte(`{"total":50}`), []drillroom.RuleOutcome{{RuleID: "classify", Outcome: "pass", Points: 10, MaxPoints: 10}}); err != nil {
		t.Errorf("PutScorecard on an ended session: %v", err)
	}
	x, err := s.Session(ctx, id)
	if err != nil || x.State != drillroom.StateEnded || x.Ending != "resolved" || x.LastSeq != 3 {
		t.Errorf("session after the review: got %+v, %v; want still ended (resolved) with LastSeq 3", x, err)
	}
}

// testNotFound: every getter and every write naming something absent says
// drillroom.ErrNotFound, on an empty store and beside stored data.
func testNotFound(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"UserByID", func() error { _, err := s.UserByID(ctx, 9999); return err }},
		{"UserByUsername", func() error { _, err := s.UserByUsername(ctx, "nobody"); return err }},
		{"ScenarioVersion unknown scenario", func() error { _, err := s.ScenarioVersion(ctx, "nope", 1); return err }},
		{"ScenarioVersion unknown version", func() error { _, err := s.ScenarioVersion(ctx, "gas-leak", 2); return err }},
		{"LatestScenarioVersion", func() error { _, err := s.LatestScenarioVersion(ctx, "nope"); return err }},
		{"Session", func() error { _, err := s.Session(ctx, "nope"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "nope", 0); return err }},
		{"CommandResult unknown session", func() error { _, err := s.CommandResult(ctx, "nope", "c1"); return err }},
		{"CommandResult unknown command", func() error { _, err := s.CommandResult(ctx, id, "c9"); return err }},
		{"Scorecard before scoring", func() error { _, err := s.Scorecard(ctx, id); return err }},
		{"Scorecard unknown session", func() error { _, err := s.Scorecard(ctx, "nope"); return err }},
		{"Review before writing", func() error { _, err := s.Review(ctx, id); return err }},
		{"Review unknown session", func() error { _, err := s.Review(ctx, "nope"); return err }},
		{"SetPassword", func() error { return s.SetPassword(ctx, 9999, "long enough", false) }},
		{"CreateLogin", func() error { _, err := s.CreateLogin(ctx, 9999, 1e9); return err }},
		{"Assign unknown user", func() error { return s.Assign(ctx, 9999, "gas-leak", drillroom.ModePractice) }},
		{"Assign unknown scenario", func() error { return s.Assign(ctx, f.User.ID, "nope", drillroom.ModePractice) }},
		{"CreateSession", func() error {
			_, err := s.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "nope", Version: 1})
			return err
		}},
		{"EndSession", func() error { return s.EndSession(ctx, "nope", "x") }},
		{"AppendEvents", func() error { return s.AppendEvents(ctx, "nope", drillroom.Command{ID: "c1"}, Events(1, 1)) }},
		{"AppendEvents command only", func() error { return s.AppendEvents(ctx, "nope", drillroom.Command{ID: "c1"}, nil) }},
		{"PutScorecard", func() error { return s.PutScorecard(ctx, "nope", "r1", []byte(`{}`), nil) }},
		{"PutReview", func() error { return s.PutReview(ctx, "nope", "x") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, drillroom.ErrNotFound) {
				t.Errorf("got %v, want drillroom.ErrNotFound", err)
			}
		})
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testClose: a closed store refuses writes as unavailable (the service is
// shutting down) rather than losing them, and closing twice is harmless.
func testClose(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, Events(1, 1)); !errors.Is(err, drillroom.ErrUnavailable) {
		t.Errorf("AppendEvents after Close: got %v, want drillroom.ErrUnavailable", err)
	}
	if _, err := s.CreateUser(ctx, "bob", "Bob", drillroom.RoleTrainee, "correct horse"); !errors.Is(err, drillroom.ErrUnavailable) {
		t.Errorf("CreateUser after Close: got %v, want drillroom.ErrUnavailable", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Errorf("Ping after Close: got nil, want an error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}

// testRuleOutcomes: the outcomes written with a scorecard are what
// RuleFailureRates counts, only the newest scoring of each session counts,
// and a refused scorecard writes no outcome.
func testRuleOutcomes(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	ann := NewFixture(t, s, "ann").Session.ID
	bob := NewFixture(t, s, "bob").Session.ID
	cleo := NewFixture(t, s, "cleo").Session.ID
	eve := NewFixture(t, s, "eve").Session.ID
	dan := NewFixture(t, s, "dan")
	if _, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: "outage", Version: 1, Hash: "o1", Source: []byte("id: outage\n")}); err != nil {
		t.Fatal(err)
	}
	outage, err := s.CreateSession(ctx, drillroom.Session{UserID: dan.User.ID, ScenarioID: "outage", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(id, outcome string) drillroom.RuleOutcome {
		o := drillroom.RuleOutcome{RuleID: id, Section: "handling", Title: "Rule " + id, Outcome: outcome, MaxPoints: 10}
		if outcome == "pass" {
			o.Points = 10
		}
		return o
	}
	put := func(session string, outcomes ...drillroom.RuleOutcome) {
		t.Helper()
		if err := s.PutScorecard(ctx, session, "r1", []byte(`{"total":1}`), outcomes); err != nil {
			t.Fatalf("PutScorecard(%s): %v", session, err)
		}
	}
	critical := rule("A", "fail")
	critical.Critical = "drill"
	retitled := rule("A", "fail")
	retitled.Title = "Classify correctly"
	put(ann, rule("A", "fail"), rule("B", "pass"))
	put(bob, critical, rule("B", "na"), rule("C", "error"))
	put(ann, rule("A", "pass"), rule("B", "pass")) // a re-score: only this one counts for ann
	put(cleo, retitled, rule("B", "fail"), rule("C", "pending"))
	put(outage.ID, rule("A", "fail"))

	for _, tc := range []struct {
		name     string
		outcomes []drillroom.RuleOutcome
	}{
		{"unknown outcome", []drillroom.RuleOutcome{rule("A", "passed")}},
		{"no rule id", []drillroom.RuleOutcome{rule("", "pass")}},
		{"a rule twice", []drillroom.RuleOutcome{rule("A", "pass"), rule("A", "fail")}},
		{"unknown critical level", []drillroom.RuleOutcome{func() drillroom.RuleOutcome { o := rule("A", "fail"); o.Critical = "very"; return o }()}},
		{"another session's outcome", []drillroom.RuleOutcome{func() drillroom.RuleOutcome { o := rule("A", "fail"); o.SessionID = ann; return o }()}},
		{"another rubric's outcome", []drillroom.RuleOutcome{func() drillroom.RuleOutcome { o := rule("A", "fail"); o.RubricHash = "r0"; return o }()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.PutScorecard(ctx, eve, "r1", []byte(`{"total":0}`), tc.outcomes); !errors.Is(err, drillroom.ErrInvalid) {
				t.Errorf("got %v, want drillroom.ErrInvalid", err)
			}
			if _, err := s.Scorecard(ctx, eve); !errors.Is(err, drillroom.ErrNotFound) {
				t.Errorf("Scorecard after a refused PutScorecard: got %v, want drillroom.ErrNotFound (nothing written)", err)
			}
		})
	}
	if err := s.PutScorecard(ctx, "nope", "r1", []byte(`{}`), []drillroom.RuleOutcome{rule("A", "fail")}); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("PutScorecard(unknown session) with outcomes: got %v, want drillroom.ErrNotFound", err)
	}

	format := func(rs []drillroom.RuleFailureRate) string {
		var out string
		for _, r := range rs {
			out += fmt.Sprintf("%s/%s %d/%d %q %s %q; ", r.ScenarioID, r.RuleID, r.Failed, r.Scored, r.Title, r.Section, r.Critical)
		}
		return out
	}
	for _, tc := range []struct {
		scenario string
		want     string
	}{
		// gas-leak: A failed by bob and cleo, passed by ann's re-score; B
		// n/a for bob; C pending for cleo. The newest scoring's title wins.
		{"gas-leak", `gas-leak/C 1/1 "Rule C" handling ""; gas-leak/A 2/3 "Classify correctly" handling ""; gas-leak/B 1/2 "Rule B" handling ""; `},
		{"", `gas-leak/C 1/1 "Rule C" handling ""; outage/A 1/1 "Rule A" handling ""; gas-leak/A 2/3 "Classify correctly" handling ""; gas-leak/B 1/2 "Rule B" handling ""; `},
		{"outage", `outage/A 1/1 "Rule A" handling ""; `},
		{"nope", ``},
	} {
		got, err := s.RuleFailureRates(ctx, tc.scenario)
		if err != nil {
			t.Errorf("RuleFailureRates(%q): %v", tc.scenario, err)
			continue
		}
		if format(got) != tc.want {
			t.Errorf("RuleFailureRates(%q):\n got %s\nwant %s", tc.scenario, format(got), tc.want)
		}
	}
	// The critical level comes from the newest scoring too: bob's critical
	// A is older than cleo's.
	put(bob, critical, rule("B", "na"), rule("C", "error"))
	got, err := s.RuleFailureRates(ctx, "gas-leak")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.RuleID == "A" && (r.Critical != "drill" || r.Failed != 2 || r.Scored != 3 || r.Rate() != 2.0/3) {
			t.Errorf("rule A after bob's re-score: got %+v (rate %v), want critical drill, 2 of 3 failed", r, r.Rate())
		}
	}
}

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

// testOutboxVoiding: the statements an entry is about to post stand (may
// be in the LRS) from the moment they are planned, whether or not the
// entry is then delivered or superseded, until a delivered entry of the
// session records that it voided them; another session's never stand for
// this one; planning is refused for an unknown entry or without ids, and
// is ignored once the entry is sent.
func testOutboxVoiding(t *testing.T, s Store, clock *Clock) {
	clock.SetStep(time.Millisecond)
	ctx := context.Background()
	ann := NewFixture(t, s, "ann").Session.ID
	bob := NewFixture(t, s, "bob").Session.ID
	entry := func(session string) drillroom.OutboxEntry {
		t.Helper()
		if err := s.PutScorecard(ctx, session, "r1", []byte(`{"total":1}`), nil); err != nil {
			t.Fatal(err)
		}
		es, err := s.DueStatements(ctx, clock.Now().Add(time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		last := es[0]
		for _, e := range es {
			if e.ID > last.ID {
				last = e
			}
		}
		return last
	}
	standing := func(session string, except int64) string {
		t.Helper()
		ss, err := s.StandingStatements(ctx, session, except)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ss)
	}
	a1 := entry(ann)
	if got := standing(ann, 0); got != "[]" {
		t.Errorf("standing before any plan: %s, want none", got)
	}
	if err := s.PlanStatements(ctx, a1.ID, []string{"s1", "r1"}); err != nil {
		t.Fatal(err)
	}
	b1 := entry(bob)
	if err := s.PlanStatements(ctx, b1.ID, []string{"b1"}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("[{%d 0 [s1 r1]}]", a1.ID)
	if got := standing(ann, 0); got != want {
		t.Errorf("standing after a plan: %s, want %s (planned: they may have reached the LRS)", got, want)
	}
	if got := standing(ann, a1.ID); got != "[]" {
		t.Errorf("standing except the entry itself: %s, want none", got)
	}
	if err := s.MarkStatementsDelivered(ctx, a1.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PlanStatements(ctx, a1.ID, []string{"other"}); err != nil {
		t.Fatal(err)
	}
	if got := standing(ann, 0); got != want {
		t.Errorf("a plan after delivery changed what stands: %s, want %s", got, want)
	}

	a2 := entry(ann) // a re-scoring, planned, never delivered: superseded below
	if err := s.PlanStatements(ctx, a2.ID, []string{"s2"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkStatementsSent(ctx, []int64{a2.ID}); err != nil {
		t.Fatal(err)
	}
	a3 := entry(ann)
	if err := s.PlanStatements(ctx, a3.ID, []string{"s3"}); err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf("[{%d 0 [s1 r1]} {%d 0 [s2]}]", a1.ID, a2.ID)
	if got := standing(ann, a3.ID); got != want {
		t.Errorf("standing for the third entry: %s, want %s", got, want)
	}
	if err := s.MarkStatementsDelivered(ctx, a3.ID, []int64{a1.ID, a2.ID}); err != nil {
		t.Fatal(err)
	}
	if got, want := standing(ann, 0), fmt.Sprintf("[{%d 0 [s3]}]", a3.ID); got != want {
		t.Errorf("standing after the third voided the others: %s, want %s", got, want)
	}
	if due, err := s.DueStatements(ctx, clock.Now().Add(time.Hour), 100); err != nil || len(due) != 1 || due[0].ID != b1.ID {
		t.Errorf("due: %+v, %v; want bob's entry only", due, err)
	}
	if got, want := standing(bob, 0), fmt.Sprintf("[{%d 0 [b1]}]", b1.ID); got != want {
		t.Errorf("bob's standing: %s, want %s", got, want)
	}
	if err := s.PlanStatements(ctx, 999999, []string{"x"}); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("PlanStatements(unknown entry): got %v, want drillroom.ErrNotFound", err)
	}
	if err := s.PlanStatements(ctx, b1.ID, nil); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("PlanStatements(no ids): got %v, want drillroom.ErrInvalid", err)
	}
	if err := s.PlanStatements(ctx, b1.ID, []string{"a b"}); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("PlanStatements(an id with a space): got %v, want drillroom.ErrInvalid", err)
	}
}
