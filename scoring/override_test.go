package scoring

import (
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestApplyOverrides(t *testing.T) {
	sc := scenariotest.GasExample(t)
	if c := goodCard(t, sc); c.Total != 100 || c.Possible != 90 || !c.Passed {
		t.Fatalf("the good call scores %v of %v possible (passed %v); the cases below assume 100 of 90", c.Total, c.Possible, c.Passed)
	}
	cases := []struct {
		name     string
		rule     string
		o        Override
		outcome  string
		points   float64
		total    float64
		possible float64
		passed   bool
		critical []string
	}{
		{"fail a passed rule", "longest-silence", Override{Outcome: Fail, Reason: "a 40s silence the rule missed"}, Fail, 0, 94.44, 90, true, []string{}},
		{"partly meet a rule", "correct-priority", Override{Outcome: Partial, Points: 5, Reason: "right priority, late"}, Partial, 5, 94.44, 90, true, []string{}},
		{"not applicable", "handover", Override{Outcome: NA, Reason: "the engineer was already there"}, NA, 0, 100, 85, true, []string{}},
		{"fail a drill-critical rule", "correct-category", Override{Outcome: Fail, Reason: "classified as a leak outside"}, Fail, 0, 0, 90, false, []string{"correct-category"}},
		{"pass a passed rule", "handover", Override{Outcome: Pass, Reason: "confirmed"}, Pass, 5, 100, 90, true, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			card := goodCard(t, sc)
			before, _ := card.Rule(c.rule)
			auto := Automatic{Outcome: before.Outcome, Points: before.Points, Possible: before.Possible, Feedback: before.Feedback}
			if err := ApplyOverrides(card, map[string]Override{c.rule: c.o}); err != nil {
				t.Fatal(err)
			}
			r, _ := card.Rule(c.rule)
			if r.Outcome != c.outcome || r.Points != c.points || card.Total != c.total || card.Possible != c.possible || card.Passed != c.passed {
				t.Errorf("got %s with %v points, total %v of %v possible, passed %v; want %s with %v, %v of %v, passed %v",
					r.Outcome, r.Points, card.Total, card.Possible, card.Passed, c.outcome, c.points, c.total, c.possible, c.passed)
			}
			if !slices.Equal(card.CriticalFailed, c.critical) {
				t.Errorf("critical failed %v, want %v", card.CriticalFailed, c.critical)
			}
			if r.Feedback != c.o.Reason {
				t.Errorf("feedback %q, want the coach's reason %q", r.Feedback, c.o.Reason)
			}
			if r.Auto == nil || *r.Auto != auto {
				t.Errorf("auto %+v, want what the rubric gave: %+v", r.Auto, auto)
			}
		})
	}

	t.Run("a second override keeps the first automatic result", func(t *testing.T) {
		card := goodCard(t, sc)
		for _, o := range []Override{{Outcome: Fail, Reason: "one"}, {Outcome: Partial, Points: 2, Reason: "two"}} {
			if err := ApplyOverrides(card, map[string]Override{"longest-silence": o}); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := card.Rule("longest-silence"); r.Auto.Outcome != Pass || r.Outcome != Partial || r.Points != 2 {
			t.Errorf("got %s %v (auto %s), want partial 2 over an automatic pass", r.Outcome, r.Points, r.Auto.Outcome)
		}
	})

	bad := []struct {
		name string
		o    map[string]Override
		msg  string
	}{
		{"unknown rule", map[string]Override{"nope": {Outcome: Pass, Reason: "x"}}, "no such rule"},
		{"manual rule", map[string]Override{"review-quality": {Outcome: Pass, Reason: "x"}}, "manual rule"},
		{"pending outcome", map[string]Override{"handover": {Outcome: Pending, Reason: "x"}}, "want pass, fail, partial or na"},
		{"partial with full points", map[string]Override{"handover": {Outcome: Partial, Points: 5, Reason: "x"}}, "less than 5"},
		{"partial with none", map[string]Override{"handover": {Outcome: Partial, Reason: "x"}}, "more than 0"},
		{"no reason", map[string]Override{"handover": {Outcome: Fail}}, "no reason"},
		{"one bad among good", map[string]Override{"handover": {Outcome: Fail, Reason: "x"}, "nope": {Outcome: Pass, Reason: "x"}}, "no such rule"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			card := goodCard(t, sc)
			err := ApplyOverrides(card, c.o)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error containing %q", err, c.msg)
			}
			if r, _ := card.Rule("handover"); r.Outcome != Pass || r.Auto != nil || card.Total != 100 {
				t.Errorf("a refused override changed the card: handover %s, total %v", r.Outcome, card.Total)
			}
		})
	}
}
