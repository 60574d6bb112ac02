package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// A corrected line is scored with the intents the trainee said they meant,
// at the time it was said: an intent added counts from the line, one taken
// off no longer counts.
func TestCorrectedLines(t *testing.T) {
	sc := scenariotest.GasExample(t)
	corrected := func() *logb {
		return newLog(sc).line(0, "customer", "I smell gas").
			say(5, "Get out now and leave the switches alone").          // seq 3, read as nothing
			say(10, "Sorry, which floor?", "apologise", "ask_location"). // seq 4, a false apology
			act(40, simulator.Action{Kind: simulator.ActCorrect, Of: 3, Intents: []string{"safety_advice"}}, "safety_advice").
			add(45, simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActCorrect, Of: 4, Intents: []string{"ask_location"}}, Removed: []string{"apologise"}})
	}
	runFnCases(t, sc, []fnCase{
		{"added: said at the line's time", corrected, "said_at", []any{"safety_advice"}, 5.0},
		{"added: said once", corrected, "times_said", []any{"safety_advice"}, 1},
		{"taken off: not said", corrected, "said", []any{"apologise"}, false},
		{"kept", corrected, "said_at", []any{"ask_location"}, 10.0},
	})
}
