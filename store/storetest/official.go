package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testOfficial: a release of a coach's review makes the session's official
// result stale until it is recorded; once recorded, the analytics report
// it (headline, rule outcomes and points) beside the automatic one, and the
// feedback counts leave out the rules it changed; a re-scoring makes it
// stale again, and a result computed from an older scorecard is not
// recorded. Every release queues the session's statements in the outbox,
// and an entry is current only for the newest scorecard and release.
func testOfficial(t *testing.T, s Store, clock *Clock) {
	clock.SetStep(time.Second)
	ctx := context.Background()
	ann := NewFixture(t, s, "ann")
	coach, err := s.CreateUser(ctx, "cora", "Cora", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	late := "You left the caller waiting."
	put := func(total float64, band string, passed bool) {
		t.Helper()
		card := analyticsCard(total, band, passed, 100, [3]string{"A", "fail", late}, [3]string{"B", "pass", ""})
		outcomes := []drillroom.RuleOutcome{
			{RuleID: "A", Section: "handling", Title: "Rule A", Outcome: "fail", Points: 0, MaxPoints: 10},
			{RuleID: "B", Section: "handling", Title: "Rule B", Outcome: "pass", Points: 10, MaxPoints: 10},
		}
		if err := s.PutScorecard(ctx, ann.Session.ID, "r1", card, outcomes); err != nil {
			t.Fatal(err)
		}
	}
	scored := func() drillroom.ScoredSession {
		t.Helper()
		var out []drillroom.ScoredSession
		if err := s.ScoredSessions(ctx, drillroom.AnalyticsFilter{}, func(x drillroom.ScoredSession) error {
			out = append(out, x)
			return nil
		}); err != nil || len(out) != 1 {
			t.Fatalf("ScoredSessions: %v, %d sessions, want 1", err, len(out))
		}
		return out[0]
	}
	stale := func() []drillroom.OfficialRef {
		t.Helper()
		refs, err := s.StaleOfficial(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		return refs
	}
	due := func() string {
		t.Helper()
		es, err := s.DueStatements(ctx, clock.Now().Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, e := range es {
			out += fmt.Sprintf("scorecard %d release %d current=%t; ", e.ScorecardID, e.ReleaseID, e.Current)
		}
		return out
	}

	put(40, "poor", false)
	x := scored()
	if x.Official || x.ReleaseID != 0 || x.Auto.Total != 40 || x.Auto.Band != "poor" || fmt.Sprint(x.Auto.Rules) != fmt.Sprint(x.Rules) {
		t.Errorf("before a release: %+v, want the automatic result, no release", x)
	}
	if refs := stale(); len(refs) != 0 {
		t.Errorf("StaleOfficial before a release: %+v, want none", refs)
	}

	if _, err := s.AddMark(ctx, drillroom.Mark{SessionID: ann.Session.ID, RuleID: "A", Kind: drillroom.MarkOverride, Outcome: "pass", Points: 10,
		OldOutcome: "fail", Reason: "Updated on the other line.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	rel, err := s.AddRelease(ctx, drillroom.Release{SessionID: ann.Session.ID, ByID: coach.ID, Actor: drillroom.ActorCoach})
	if err != nil {
		t.Fatal(err)
	}
	want := []drillroom.OfficialRef{{SessionID: ann.Session.ID, ScorecardID: x.ScorecardID, ReleaseID: rel.ID}}
	if refs := stale(); fmt.Sprint(refs) != fmt.Sprint(want) {
		t.Errorf("StaleOfficial after a release: %+v, want %+v", refs, want)
	}
	if got, want := due(), fmt.Sprintf("scorecard %d release 0 current=false; scorecard %d release %d current=true; ", x.ScorecardID, x.ScorecardID, rel.ID); got != want {
		t.Errorf("outbox after a release:\ngot  %s\nwant %s", got, want)
	}
	if x := scored(); x.Official || x.ReleaseID != rel.ID || x.Total != 40 {
		t.Errorf("released, official result not recorded yet: %+v, want the automatic result with release %d", x, rel.ID)
	}

	res := drillroom.OfficialResult{OfficialRef: want[0], Total: 90, Band: "excellent", Passed: true,
		Changes: []drillroom.RuleChange{{RuleID: "A", Outcome: "pass", Points: 10}}}
	if err := s.PutOfficialResult(ctx, res); err != nil {
		t.Fatal(err)
	}
	if refs := stale(); len(refs) != 0 {
		t.Errorf("StaleOfficial after recording: %+v, want none", refs)
	}
	x = scored()
	if !x.Official || x.Total != 90 || x.Band != "excellent" || !x.Passed || fmt.Sprint(x.Rules) != "[{A pass} {B pass}]" ||
		x.Auto.Total != 40 || x.Auto.Passed || fmt.Sprint(x.Auto.Rules) != "[{A fail} {B pass}]" {
		t.Errorf("official result recorded: %+v, want total 90, excellent, passed, A pass; automatic 40, A fail", x)
	}
	var outs []string
	if err := s.ScoredOutcomes(ctx, drillroom.AnalyticsFilter{}, func(o drillroom.OutcomeRecord) error {
		outs = append(outs, fmt.Sprintf("%s official=%t %s/%g auto %s/%g", o.RuleID, o.Official, o.Outcome, o.Points, o.AutoOutcome, o.AutoPoints))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(outs), "[A official=true pass/10 auto fail/0 B official=true pass/10 auto pass/10]"; got != want {
		t.Errorf("ScoredOutcomes:\ngot  %s\nwant %s", got, want)
	}
	if fc, err := s.FeedbackCounts(ctx, drillroom.AnalyticsFilter{}, 0); err != nil || len(fc) != 0 {
		t.Errorf("FeedbackCounts: %+v, %v; want none (the failed rule was overridden)", fc, err)
	}

	put(45, "poor", false) // a re-scoring: the official result is stale again
	x2 := scored()
	if x2.Official || x2.Total != 45 {
		t.Errorf("after a re-scoring: %+v, want the new automatic result until the official one is recomputed", x2)
	}
	want = []drillroom.OfficialRef{{SessionID: ann.Session.ID, ScorecardID: x2.ScorecardID, ReleaseID: rel.ID}}
	if refs := stale(); fmt.Sprint(refs) != fmt.Sprint(want) {
		t.Errorf("StaleOfficial after a re-scoring: %+v, want %+v", refs, want)
	}
	if got, want := due(), fmt.Sprintf("scorecard %d release 0 current=false; scorecard %d release %d current=false; scorecard %d release %d current=true; ",
		x.ScorecardID, x.ScorecardID, rel.ID, x2.ScorecardID, rel.ID); got != want {
		t.Errorf("outbox after a re-scoring:\ngot  %s\nwant %s", got, want)
	}
	// A result computed from the older scorecard is not recorded.
	if err := s.PutOfficialResult(ctx, res); err != nil {
		t.Fatal(err)
	}
	if x := scored(); x.Official {
		t.Errorf("a result of an older scorecard was recorded: %+v", x)
	}
	res.ScorecardID = x2.ScorecardID
	if err := s.PutOfficialResult(ctx, res); err != nil {
		t.Fatal(err)
	}
	if x := scored(); !x.Official || x.Total != 90 {
		t.Errorf("recomputed: %+v, want the official total 90", x)
	}

	bad := res
	bad.SessionID = "nope"
	if err := s.PutOfficialResult(ctx, bad); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("PutOfficialResult(unknown session): got %v, want drillroom.ErrNotFound", err)
	}
	bad = res
	bad.ReleaseID = 0
	if err := s.PutOfficialResult(ctx, bad); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("PutOfficialResult(no release): got %v, want drillroom.ErrInvalid", err)
	}
	if _, err := s.StaleOfficial(ctx, 0); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("StaleOfficial(limit 0): got %v, want drillroom.ErrInvalid", err)
	}
}
