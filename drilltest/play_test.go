package drilltest

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// TestPlayScoresAsTheTests: Play with a test's own seed and mode scores
// every scripted test of the library exactly as drillroom test does (the
// same total, band and verdict), and refuses a random walk.
func TestPlayScoresAsTheTests(t *testing.T) {
	set := scenariotest.Library(t)
	played := 0
	for _, sc := range set.Scenarios {
		d, err := simulator.Prepare(sc)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]*scoring.Scorecard{}
		RunScenario(sc, Options{Scored: func(tc *scenarios.Test, card *scoring.Scorecard) { want[tc.Name] = card }})
		for i := range sc.Tests {
			tc := &sc.Tests[i]
			seed := tc.Seed
			if seed == 0 {
				seed = 1
			}
			log, err := Play(d, tc, seed, tc.Mode)
			if tc.Walk != nil {
				if err == nil {
					t.Errorf("%s / %s: Play of a random walk: got no error", sc.ID, tc.Name)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s / %s: %v", sc.ID, tc.Name, err)
				continue
			}
			card, err := scoring.Score(sc, log)
			if err != nil {
				t.Errorf("%s / %s: score: %v", sc.ID, tc.Name, err)
				continue
			}
			if len(tc.Coach) > 0 {
				continue // drillroom test applies the coach's points; Play does not
			}
			w := want[tc.Name]
			if w == nil {
				continue
			}
			played++
			if card.Total != w.Total || card.Band != w.Band || card.Passed != w.Passed {
				t.Errorf("%s / %s: Play scored %v %s passed=%v, drillroom test %v %s passed=%v",
					sc.ID, tc.Name, card.Total, card.Band, card.Passed, w.Total, w.Band, w.Passed)
			}
		}
	}
	if played < 20 {
		t.Errorf("played %d scripted tests of the library, want at least 20", played)
	}
}
