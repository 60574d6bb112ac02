package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// TestBandFollowsVerdict: a pass mark inside a band (85, inside Compliant
// 75-90) must not put a failed drill in that band beside FAIL.
func TestBandFollowsVerdict(t *testing.T) {
	base := scenariotest.GasExample(t) // policy: bands 90, 75, 60, 40, 0
	log := goodCall(base).ev
	cases := []struct {
		name     string
		passMark float64
		rules    []rl
		band     string
		passed   bool
	}{
		{"80% failing a pass mark of 85 drops to the band below", 85,
			[]rl{{id: "a", check: yes, points: 80}, {id: "b", check: no, points: 20}}, "partial", false},
		{"80% passing a pass mark of 75 keeps its band", 75,
			[]rl{{id: "a", check: yes, points: 80}, {id: "b", check: no, points: 20}}, "compliant", true},
		{"95% failing a drill-critical rule is non-compliant", 75,
			[]rl{{id: "a", check: yes, points: 95}, {id: "b", check: no, points: 5, critical: "drill"}}, "non-compliant", false},
		{"74% with a pass mark of 75 is partial", 75,
			[]rl{{id: "a", check: yes, points: 74}, {id: "b", check: no, points: 26}}, "partial", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := withRubric(t, base, MethodPoints, tc.passMark, sec{id: "s", rules: tc.rules})
			card, err := Score(sc, log)
			if err != nil {
				t.Fatal(err)
			}
			if card.Band != tc.band || card.Passed != tc.passed {
				t.Errorf("got band %q passed %v (total %v), want band %q passed %v", card.Band, card.Passed, card.Total, tc.band, tc.passed)
			}
		})
	}
}
