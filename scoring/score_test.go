package scoring

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// rl is a rule written in a test: check and na are compiled against the
// scenario's rule environment.
type rl struct {
	id, check, na, fail string
	points              float64
	critical            string
	manual              bool
}

type sec struct {
	id     string
	weight float64
	bonus  bool
	rules  []rl
}

// withRubric returns a copy of sc with a rubric built from secs.
func withRubric(t testing.TB, sc *scenarios.Scenario, method string, passMark float64, secs ...sec) *scenarios.Scenario {
	t.Helper()
	cp := *sc
	cp.Rubric = scenarios.Rubric{Scoring: method, PassMark: passMark}
	compile := func(src string) scenarios.Expr {
		e := scenarios.Expr{Src: src}
		if src != "" {
			if err := e.Compile(&cp, scenarios.EnvRule, "bool"); err != nil {
				t.Fatalf("compile %q: %v", src, err)
			}
		}
		return e
	}
	for _, s := range secs {
		out := scenarios.Section{ID: s.id, Title: strings.ToUpper(s.id), Weight: s.weight, Bonus: s.bonus}
		for _, r := range s.rules {
			rule := scenarios.Rule{ID: r.id, Title: r.id, Check: compile(r.check), NA: compile(r.na), Points: r.points, Critical: r.critical, Manual: r.manual}
			if r.fail != "" {
				rule.Fail = scenarios.Text{Src: r.fail}
				if err := rule.Fail.Parse(); err != nil {
					t.Fatal(err)
				}
				for i := range rule.Fail.Parts {
					if rule.Fail.Parts[i].Expr.IsSet() {
						if err := rule.Fail.Parts[i].Expr.Compile(&cp, scenarios.EnvRule, ""); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			out.Rules = append(out.Rules, rule)
		}
		cp.Rubric.Sections = append(cp.Rubric.Sections, out)
	}
	return &cp
}

const (
	yes = "true"
	no  = "false"
)

func TestScoreAggregation(t *testing.T) {
	base := scenariotest.GasExample(t) // policy: pass mark 75; bands 90, 75, 60, 40, 0
	log := goodCall(base).ev
	cases := []struct {
		name     string
		method   string
		passMark float64
		secs     []sec
		total    float64
		points   float64
		possible float64
		passed   bool
		band     string
		critical []string
		zeroed   []string
		// drillFailed: a failed critical: drill rule set the total to 0.
		drillFailed bool
	}{
		{name: "points: n/a leaves the denominator", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "p", check: yes, points: 10}, {id: "f", check: no, points: 10}, {id: "n", check: no, na: yes, points: 5}}}},
			total: 50, points: 10, possible: 20, band: "low"},
		{name: "exactly at the pass mark passes", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "p", check: yes, points: 75}, {id: "f", check: no, points: 25}}}},
			total: 75, points: 75, possible: 100, passed: true, band: "compliant"},
		{name: "rubric pass mark replaces the policy's", method: "points", passMark: 50,
			secs:  []sec{{id: "a", rules: []rl{{id: "p", check: yes, points: 10}, {id: "f", check: no, points: 10}}}},
			total: 50, points: 10, possible: 20, passed: true, band: "low"},
		{name: "critical section zeroes its section only", method: "points",
			secs: []sec{
				{id: "a", rules: []rl{{id: "c", check: no, points: 10, critical: "section"}, {id: "p", check: yes, points: 10}}},
				{id: "b", rules: []rl{{id: "q", check: yes, points: 20}}}},
			total: 50, points: 20, possible: 40, band: "low", critical: []string{"c"}, zeroed: []string{"a"}},
		{name: "critical drill zeroes the total and fails", method: "points",
			secs: []sec{
				{id: "a", rules: []rl{{id: "c", check: no, points: 10, critical: "drill"}}},
				{id: "b", rules: []rl{{id: "q", check: yes, points: 90}}}},
			total: 0, points: 90, possible: 100, band: "non-compliant", critical: []string{"c"}, drillFailed: true},
		{name: "a passed critical rule changes nothing", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "c", check: yes, points: 10, critical: "drill"}}}},
			total: 100, points: 10, possible: 10, passed: true, band: "high-compliance"},
		{name: "bonus adds points, not possible", method: "points",
			secs: []sec{
				{id: "a", rules: []rl{{id: "p", check: yes, points: 15}, {id: "f", check: no, points: 5}}},
				{id: "x", bonus: true, rules: []rl{{id: "b", check: yes, points: 5}}}},
			total: 100, points: 20, possible: 20, passed: true, band: "high-compliance"},
		{name: "bonus can pass 100", method: "points",
			secs: []sec{
				{id: "a", rules: []rl{{id: "p", check: yes, points: 20}}},
				{id: "x", bonus: true, rules: []rl{{id: "b", check: yes, points: 5}}}},
			total: 125, points: 25, possible: 20, passed: true, band: "high-compliance"},
		{name: "weighted", method: "weighted",
			secs: []sec{
				{id: "a", weight: 60, rules: []rl{{id: "p", check: yes, points: 1}}},
				{id: "b", weight: 40, rules: []rl{{id: "f", check: no, points: 30}}}},
			total: 60, points: 1, possible: 31, band: "partial"},
		{name: "weighted: an all-n/a section drops out", method: "weighted",
			secs: []sec{
				{id: "a", weight: 60, rules: []rl{{id: "p", check: yes, points: 1}}},
				{id: "b", weight: 40, rules: []rl{{id: "n", check: no, na: yes, points: 30}}}},
			total: 100, points: 1, possible: 1, passed: true, band: "high-compliance"},
		{name: "weighted with bonus", method: "weighted",
			secs: []sec{
				{id: "a", weight: 60, rules: []rl{{id: "p", check: yes, points: 10}}},
				{id: "b", weight: 40, rules: []rl{{id: "p2", check: yes, points: 5}, {id: "f", check: no, points: 5}}},
				{id: "x", weight: 10, bonus: true, rules: []rl{{id: "b", check: yes, points: 1}}}},
			total: 90, points: 16, possible: 20, passed: true, band: "high-compliance"},
		{name: "weighted without weights: equal shares", method: "weighted",
			secs: []sec{
				{id: "a", rules: []rl{{id: "p", check: yes, points: 1}}},
				{id: "b", rules: []rl{{id: "p2", check: yes, points: 5}, {id: "f", check: no, points: 5}}}},
			total: 75, points: 6, possible: 11, passed: true, band: "compliant"},
		{name: "a run-time error counts as not passed", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "e", check: `longest_gap("queue") >= 0`, points: 10}, {id: "p", check: yes, points: 10}}}},
			total: 50, points: 10, possible: 20, band: "low"},
		{name: "an error in a critical rule is a critical failure", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "e", check: `longest_gap("queue") >= 0`, points: 10, critical: "drill"}, {id: "p", check: yes, points: 10}}}},
			total: 0, points: 10, possible: 20, band: "non-compliant", critical: []string{"e"}, drillFailed: true},
		{name: "nothing applicable", method: "points",
			secs:  []sec{{id: "a", rules: []rl{{id: "n", check: yes, na: yes, points: 10}}}},
			total: 0, points: 0, possible: 0, band: "non-compliant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := withRubric(t, base, c.method, c.passMark, c.secs...)
			card, err := Score(sc, log)
			if err != nil {
				t.Fatal(err)
			}
			if card.Total != c.total || card.Points != c.points || card.Possible != c.possible {
				t.Errorf("total %v (%v of %v), want %v (%v of %v)", card.Total, card.Points, card.Possible, c.total, c.points, c.possible)
			}
			if card.Passed != c.passed || card.Band != c.band {
				t.Errorf("passed %v band %q, want %v %q", card.Passed, card.Band, c.passed, c.band)
			}
			if !slices.Equal(card.CriticalFailed, append([]string{}, c.critical...)) {
				t.Errorf("critical failed %v, want %v", card.CriticalFailed, c.critical)
			}
			if card.DrillFailed() != c.drillFailed {
				t.Errorf("DrillFailed %v, want %v", card.DrillFailed(), c.drillFailed)
			}
			var zeroed []string
			for _, s := range card.Sections {
				if s.Zeroed {
					zeroed = append(zeroed, s.ID)
				}
			}
			if !slices.Equal(zeroed, c.zeroed) {
				t.Errorf("zeroed sections %v, want %v", zeroed, c.zeroed)
			}
		})
	}
}

func TestRuleOutcomes(t *testing.T) {
	base := scenariotest.GasExample(t)
	sc := withRubric(t, base, "points", 0, sec{id: "a", rules: []rl{
		{id: "pass", check: yes, points: 3},
		{id: "fail", check: `longest_silence() < 10`, points: 3, fail: "The longest silence was {{dur(longest_silence())}}; the standard is {{dur(policy.max_silence)}}."},
		{id: "na", check: yes, na: `!dispatched("ambulance")`, points: 3},
		{id: "error", check: `gaps_over(60, "lunch") == 0`, points: 3},
		{id: "na-error", check: yes, na: `longest_gap("lunch") > 0`, points: 3},
		{id: "manual", manual: true, points: 3},
		{id: "no-check", points: 3},
		{id: "memory", check: `len(map(1..1000000, # * 2)) > 0`, points: 3},
	}})
	card, err := Score(sc, goodCall(base).ev)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pass": Pass, "fail": Fail, "na": NA, "error": Error, "na-error": Error, "manual": Pending, "no-check": Error, "memory": Error}
	for id, outcome := range want {
		r, ok := card.Rule(id)
		if !ok {
			t.Fatalf("rule %s missing", id)
		}
		if r.Outcome != outcome {
			t.Errorf("%s: outcome %s, want %s (error %q)", id, r.Outcome, outcome, r.Error)
		}
		if (outcome == Error) != (r.Error != "") {
			t.Errorf("%s: error %q with outcome %s", id, r.Error, r.Outcome)
		}
	}
	r, _ := card.Rule("error")
	if !strings.Contains(r.Error, `unknown interval kind "lunch"`) {
		t.Errorf("error message %q does not name the bad interval kind", r.Error)
	}
	r, _ = card.Rule("memory")
	if !strings.Contains(r.Error, "memory budget") {
		t.Errorf("memory rule error %q does not name the memory budget", r.Error)
	}
	r, _ = card.Rule("fail")
	if wantFb := "The longest silence was 1:00; the standard is 1:00."; r.Feedback != wantFb {
		t.Errorf("feedback %q, want %q", r.Feedback, wantFb)
	}
	if len(r.Evidence) == 0 || r.Evidence[0].Seq != 11 || r.Evidence[0].T != 130000 {
		t.Errorf("evidence %+v, want the line (seq 11 at 2m10s) that ended the longest silence", r.Evidence)
	}
	if _, ok := card.Rule("nope"); ok {
		t.Error("Rule(nope) found a rule")
	}
}

func TestUpdatesFeedbackExample(t *testing.T) {
	// The example: left without an update for 4m10s while the
	// engineer was on the way.
	sc := scenariotest.GasExample(t)
	b := newLog(sc).say(5, "don't touch the switches", "safety_advice").classify(20, "gas-emergency", "P1").
		dispatch(30, "gas", "location", "hazards").say(40, "they're on their way", "update").say(290, "still on the way", "update").
		arrive(300, "gas").end(310, "closed", "closed")
	card, err := Score(sc, b.ev)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := card.Rule("updates-while-waiting")
	want := "You left the caller without an update for 4:10 while the engineer was on the way; the standard is 2:00."
	if r.Outcome != Fail || r.Feedback != want {
		t.Errorf("got %s %q, want fail %q", r.Outcome, r.Feedback, want)
	}
	found := false
	for _, e := range r.Evidence {
		if e.Seq == 6 && e.T == 290000 && strings.Contains(e.Note, "over the 2:00 limit") {
			found = true
		}
	}
	if !found {
		t.Errorf("evidence %+v lacks the update at seq 6 (4m50s) that ended the 4m10s gap", r.Evidence)
	}
}

func TestScoreRejectsBadLogs(t *testing.T) {
	sc := scenariotest.GasExample(t)
	_, err := Score(sc, nil)
	var le *LogError
	if !errors.As(err, &le) || !errors.Is(err, ErrBadLog) {
		t.Fatalf("Score(nil): %v, want a *LogError wrapping ErrBadLog", err)
	}
}

// TestScoreConcurrently scores one scenario from many goroutines at once,
// as the runner does when sessions end together (run with -race).
func TestScoreConcurrently(t *testing.T) {
	sc := scenariotest.GasExample(t)
	log := goodCall(sc).ev
	want, err := Score(sc, log)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *Scorecard, 8)
	for range 8 {
		go func() {
			c, err := Score(sc, log)
			if err != nil {
				t.Error(err)
			}
			done <- c
		}()
	}
	for range 8 {
		if c := <-done; c == nil || c.Total != want.Total || c.RubricHash != want.RubricHash {
			t.Errorf("concurrent score differs: %+v", c)
		}
	}
}
