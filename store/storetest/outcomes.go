package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/drillroom/drillroom"
)

// testRuleOutcomes: the outcomes written with a scorecard are what
// RuleFailureRates counts, only the newest scoring of each session counts,
// and a refused scorecard writes no outcome.
func testRuleOutcomes(t *testing.T, open func(t *testing.T) (Store, *Clock)) {
	s, _ := open(t)
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
