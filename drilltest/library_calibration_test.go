package drilltest

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// TestLibraryCalibrated holds every shipped drill to the library's own
// calibration standard (issue 15), beyond what drillroom test requires of
// any drill: each of the five classic mistakes has rules and at least one
// tagged play, and there are at least two good plays (the exemplary one
// and one reworded from the briefing). drillroom test then checks that
// each tagged play lands where its tag says.
func TestLibraryCalibrated(t *testing.T) {
	set := scenariotest.Library(t)
	if len(set.Scenarios) != 12 {
		t.Errorf("got %d library drills, want 12", len(set.Scenarios))
	}
	for _, sc := range set.Scenarios {
		tagged, good := map[string]int{}, 0
		for _, tc := range sc.Tests {
			tagged[tc.Mistake]++
			if tc.Good {
				good++
			}
		}
		for _, m := range scenarios.ClassicMistakes {
			if len(sc.Rubric.Mistakes[m]) == 0 {
				t.Errorf("%s: no rule declared for %s", sc.ID, m)
			}
			if tagged[m] == 0 {
				t.Errorf("%s: no test tagged mistake: %s", sc.ID, m)
			}
		}
		if good < 2 {
			t.Errorf("%s: %d good plays, want the exemplary one and a reworded one", sc.ID, good)
		}
		results, _ := RunScenario(sc, Options{})
		for _, r := range results {
			if !r.Passed {
				t.Errorf("%s", r)
			}
		}
	}
}
