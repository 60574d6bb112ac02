package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

func TestConversationAndState(t *testing.T) {
	sc := scenariotest.GasExample(t)
	call := func() *logb {
		return newLog(sc).line(0, "customer", "I smell gas").
			say(5, "Hello, don't touch the switches", "greet", "safety_advice").
			act(8, simulator.Action{Kind: simulator.ActSay, Text: "trainer note", By: "trainer"}, "update").
			say(20, "Leave the flat", "safety_advice").
			add(21, simulator.Event{Type: simulator.EvPhase, ID: "waiting"}).
			add(22, simulator.Event{Type: simulator.EvSet, ID: "evacuated", Value: true}).
			add(23, simulator.Event{Type: simulator.EvSet, ID: "advice_given", Value: 2.0}).
			dispatch(30, "gas").
			add(75, simulator.Event{Type: simulator.EvAck, From: "gas"}).
			fire(90, "smell_worse").fire(150, "smell_worse").
			hold(200, "one moment", "hold").
			mood(210, 64).
			arrive(250, "gas").
			close(260, "engineer on site").end(260, "closed", "closed").
			review(300, "lessons")
	}
	rejected := func() *logb {
		return newLog(sc).add(5, simulator.Event{Type: simulator.EvRejected, Action: &simulator.Action{Kind: simulator.ActSay, Text: "x"}, Intents: []string{"greet"}}).
			end(30, "hangup", "hangup")
	}
	runFnCases(t, sc, []fnCase{
		{"said", call, "said", []any{"safety_advice"}, true},
		{"never said", call, "said", []any{"reassure"}, false},
		{"a trainer's action is not the trainee's line", call, "said", []any{"update"}, false},
		{"a rejected action is not a line", rejected, "said", []any{"greet"}, false},
		{"times said", call, "times_said", []any{"safety_advice"}, 2},
		{"said at: the first time", call, "said_at", []any{"safety_advice"}, 5.0},
		{"said at: never", call, "said_at", []any{"reassure"}, -1.0},
		{"dispatched", call, "dispatched", []any{"gas"}, true},
		{"escalated: a service is dispatched, not escalated", call, "escalated", []any{"gas"}, false},
		{"acknowledged", call, "acknowledged", []any{"gas"}, true},
		{"arrived", call, "arrived", []any{"gas"}, true},
		{"fired", call, "fired", []any{"smell_worse"}, true},
		{"fired at: the first firing", call, "fired_at", []any{"smell_worse"}, 90.0},
		{"fired at: never", call, "fired_at", []any{"waiting_chase"}, -1.0},
		{"first contact resolved (dispatched and closed)", call, "first_contact_resolved", nil, true},
		{"not resolved on first contact", rejected, "first_contact_resolved", nil, false},
		{"dur", call, "dur", []any{250.0}, "4:10"},
		{"t is the end of the call", call, "t", nil, 260.0},
		{"phase", call, "phase", nil, "waiting"},
		{"mood", call, "mood", nil, 64.0},
		{"patience", call, "patience", nil, 50.0},
		{"on hold at the end", call, "on_hold", nil, true},
		{"ended", call, "ended", nil, true},
		{"ending", call, "ending", nil, "closed"},
		{"closed", call, "closed", nil, true},
		{"resolution", call, "resolution", nil, "engineer on site"},
		{"reviewed", call, "reviewed", nil, true},
		{"not reviewed", rejected, "reviewed", nil, false},
		{"csat from the final mood", call, "csat", nil, 4},
		{"hangup: not closed", rejected, "closed", nil, false},
	})
	env := ruleEnv(t, sc, call())
	vars := env["vars"].(map[string]any)
	if vars["evacuated"] != true || vars["advice_given"] != 2 {
		t.Errorf("vars = %v, want evacuated true and advice_given 2 (an int)", vars)
	}
	if vary := env["vary"].(map[string]any); vary["flat"] != 4 || vary["street"] != "Mill Lane" {
		t.Errorf("vary = %v, want flat 4 (an int), street Mill Lane", vary)
	}
	pol := env["policy"].(map[string]any)
	if pol["waiting_update"] != 120.0 || pol["max_silence"] != 60.0 || pol["pass_mark"] != 75.0 {
		t.Errorf("policy = %v, want waiting_update 120 (the drill's override), max_silence 60, pass_mark 75", pol)
	}
}

func TestVaryDrawnLikeTheEngine(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e, _, err := simulator.New(sc, simulator.Config{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	want := e.Snapshot().Vary
	start := simulator.Event{Type: simulator.EvStart, Scenario: sc.ID, Version: sc.Version, Seed: 42}
	got := varyValues(sc, start)
	for name, v := range want {
		if got[name] != v {
			t.Errorf("vary.%s = %#v, want the engine's %#v", name, got[name], v)
		}
	}
}

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
