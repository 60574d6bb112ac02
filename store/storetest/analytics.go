package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// analyticsCard is a scorecard JSON as package scoring writes it, with the
// fields analytics read: the headline, the KPIs and each rule's feedback.
func analyticsCard(total float64, band string, passed bool, silence float64, rules ...[3]string) []byte {
	var rs []string
	for _, r := range rules {
		fb := ""
		if r[2] != "" {
			fb = fmt.Sprintf(`,"feedback":%q`, r[2])
		}
		rs = append(rs, fmt.Sprintf(`{"id":%q,"title":"Rule %s","section":"handling","outcome":%q,"points":0,"max":10%s}`, r[0], r[0], r[1], fb))
	}
	return fmt.Appendf(nil, `{"scenario":"gas-leak","total":%g,"band":%q,"passed":%t,`+
		`"kpis":{"handling_time":300,"talk_time":280,"hold_time":20,"wrap_up":0,"first_contact_resolution":true,"csat":4,`+
		`"time_to_classify":30,"time_to_first_escalation":-1,"longest_silence":%g},`+
		`"sections":[{"id":"handling","rules":[%s]}]}`, total, band, passed, silence, strings.Join(rs, ","))
}

// testAnalytics: the analytics read each session's newest scorecard only,
// with its headline and KPIs from the scorecard JSON; the filter selects by
// cohort (nil: everyone; empty: nobody), trainee, scenario, version, mode
// and period; only trainees count; each carries its rules' outcomes in the
// rubric's order; feedback counts count failed rules' feedback; an
// error from the callback stops the stream and comes back as it is.
func testAnalytics(t *testing.T, s Store, clock *Clock) {
	clock.SetStep(time.Second)
	ctx := context.Background()
	ann := NewFixture(t, s, "ann")
	bob := NewFixture(t, s, "bob")
	cleo := NewFixture(t, s, "cleo") // in no cohort
	trainer, err := s.CreateUser(ctx, "tess", "Tess", drillroom.RoleTrainer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	classA, err := s.CreateCohort(ctx, "Class A", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{ann.User.ID, bob.User.ID, trainer.ID} {
		if err := s.AddToCohort(ctx, classA.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	session := func(userID int64, mode drillroom.Mode) string {
		t.Helper()
		x, err := s.CreateSession(ctx, drillroom.Session{UserID: userID, ScenarioID: "gas-leak", Version: 1, Seed: 1, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		return x.ID
	}
	put := func(id string, card []byte, outcomes ...[3]string) {
		t.Helper()
		var os []drillroom.RuleOutcome
		for _, o := range outcomes {
			os = append(os, drillroom.RuleOutcome{RuleID: o[0], Section: "handling", Title: "Rule " + o[0], Outcome: o[1], MaxPoints: 10})
		}
		if err := s.PutScorecard(ctx, id, "r1", card, os); err != nil {
			t.Fatalf("PutScorecard(%s): %v", id, err)
		}
	}
	late := "You left the caller waiting."
	// ann's first session, scored twice: only the second scoring counts.
	put(ann.Session.ID, analyticsCard(20, "poor", false, 400, [3]string{"A", "fail", late}), [3]string{"A", "fail", late})
	put(ann.Session.ID, analyticsCard(90, "excellent", true, 50, [3]string{"A", "pass", "Good."}, [3]string{"B", "na", ""}),
		[3]string{"A", "pass", "Good."}, [3]string{"B", "na", ""})
	ann2 := session(ann.User.ID, drillroom.ModeAssessment)
	put(ann2, analyticsCard(40, "poor", false, 200, [3]string{"A", "fail", late}, [3]string{"B", "error", ""}),
		[3]string{"A", "fail", late}, [3]string{"B", "error", ""})
	put(bob.Session.ID, analyticsCard(30, "poor", false, 300, [3]string{"A", "fail", late}), [3]string{"A", "fail", late})
	put(cleo.Session.ID, analyticsCard(100, "excellent", true, 10, [3]string{"A", "pass", ""}), [3]string{"A", "pass", ""})
	tessX := session(trainer.ID, drillroom.ModePractice)
	put(tessX, analyticsCard(0, "poor", false, 900, [3]string{"A", "fail", late}), [3]string{"A", "fail", late})
	session(bob.User.ID, drillroom.ModePractice) // never scored

	sessions := func(f drillroom.AnalyticsFilter) string {
		t.Helper()
		var out []string
		err := s.ScoredSessions(ctx, f, func(x drillroom.ScoredSession) error {
			out = append(out, fmt.Sprintf("%s:%g:%s:%t:%g:%v", x.SessionID, x.Total, x.Band, x.Passed, x.KPIs.LongestSilence, x.Rules))
			return nil
		})
		if err != nil {
			t.Fatalf("ScoredSessions(%+v): %v", f, err)
		}
		return strings.Join(out, " ")
	}
	line := func(id string, total float64, band string, passed bool, silence float64, marks ...drillroom.RuleMark) string {
		return fmt.Sprintf("%s:%g:%s:%t:%g:%v", id, total, band, passed, silence, marks)
	}
	mark := func(id, outcome string) drillroom.RuleMark { return drillroom.RuleMark{RuleID: id, Outcome: outcome} }
	annFirst := line(ann.Session.ID, 90, "excellent", true, 50, mark("A", "pass"), mark("B", "na"))
	annSecond := line(ann2, 40, "poor", false, 200, mark("A", "fail"), mark("B", "error"))
	bobs := line(bob.Session.ID, 30, "poor", false, 300, mark("A", "fail"))
	cleos := line(cleo.Session.ID, 100, "excellent", true, 10, mark("A", "pass"))
	for _, tc := range []struct {
		name string
		f    drillroom.AnalyticsFilter
		want string
	}{
		{"everyone", drillroom.AnalyticsFilter{}, strings.Join([]string{annFirst, bobs, cleos, annSecond}, " ")},
		{"one cohort", drillroom.AnalyticsFilter{Cohorts: []int64{classA.ID}}, strings.Join([]string{annFirst, bobs, annSecond}, " ")},
		{"no cohort", drillroom.AnalyticsFilter{Cohorts: []int64{}}, ""},
		{"one trainee", drillroom.AnalyticsFilter{UserID: ann.User.ID}, annFirst + " " + annSecond},
		{"assessments", drillroom.AnalyticsFilter{Mode: drillroom.ModeAssessment}, annSecond},
		{"another scenario", drillroom.AnalyticsFilter{ScenarioID: "outage"}, ""},
		{"another version", drillroom.AnalyticsFilter{ScenarioID: "gas-leak", Version: 2}, ""},
		{"a period", drillroom.AnalyticsFilter{Since: ann.Session.CreatedAt.Add(time.Millisecond), Until: cleo.Session.CreatedAt}, bobs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sessions(tc.f); got != tc.want {
				t.Errorf("ScoredSessions:\ngot  %s\nwant %s", got, tc.want)
			}
		})
	}
	if err := s.ScoredSessions(ctx, drillroom.AnalyticsFilter{Mode: "exam"}, func(drillroom.ScoredSession) error { return nil }); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("ScoredSessions(mode exam): got %v, want drillroom.ErrInvalid", err)
	}

	stop := errors.New("enough")
	n := 0
	err = s.ScoredOutcomes(ctx, drillroom.AnalyticsFilter{Cohorts: []int64{classA.ID}}, func(o drillroom.OutcomeRecord) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("ScoredOutcomes with a callback that stops: got %v after %d rows, want the callback's error after 1", err, n)
	}
	var outs []string
	err = s.ScoredOutcomes(ctx, drillroom.AnalyticsFilter{UserID: ann.User.ID}, func(o drillroom.OutcomeRecord) error {
		outs = append(outs, fmt.Sprintf("%s/%s=%s %q", o.SessionID, o.RuleID, o.Outcome, o.Feedback))
		if o.UserID != ann.User.ID || o.ScenarioID != "gas-leak" || o.Version != 1 || o.RubricHash != "r1" {
			t.Errorf("ScoredOutcomes row %+v: want ann's, gas-leak v1, rubric r1", o)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantOuts := strings.Join([]string{
		ann.Session.ID + `/A=pass "Good."`, ann.Session.ID + `/B=na ""`, ann2 + `/A=fail "` + late + `"`, ann2 + `/B=error ""`,
	}, "; ")
	if got := strings.Join(outs, "; "); got != wantOuts {
		t.Errorf("ScoredOutcomes(ann):\ngot  %s\nwant %s", got, wantOuts)
	}

	fc, err := s.FeedbackCounts(ctx, drillroom.AnalyticsFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc) != 1 || fc[0].Feedback != late || fc[0].Sessions != 2 || fc[0].RuleID != "A" || fc[0].Outcome != "fail" {
		t.Errorf("FeedbackCounts(everyone): got %+v, want %q given in 2 sessions (ann's newest and bob's; not the trainer's, not a replaced scoring)", fc, late)
	}
	if _, err := s.FeedbackCounts(ctx, drillroom.AnalyticsFilter{}, 501); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("FeedbackCounts(limit 501): got %v, want drillroom.ErrInvalid", err)
	}
}
