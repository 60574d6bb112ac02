package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// The example drill's cadence: first_response 15s, max_silence 60s,
// hold_update 45s, waiting_update 2m (overridden), promise_grace 30s.

func TestCadenceWaiting(t *testing.T) {
	sc := scenariotest.GasExample(t)
	base := func() *logb { return newLog(sc).say(5, "hello", "greet").dispatch(60, "gas") }
	noUpdates := func() *logb { return base().arrive(400, "gas").end(420, "resolved", "resolved") }
	atLimit := func() *logb {
		return base().say(180, "update", "update").say(300, "update", "update").arrive(420, "gas").end(430, "closed", "closed")
	}
	overByOne := func() *logb {
		return base().say(181, "update", "update").say(300, "update", "update").arrive(420, "gas").end(430, "closed", "closed")
	}
	// Frequent updates early, then one long gap: an average would hide it.
	oneLongGap := func() *logb {
		return base().say(70, "u", "update").say(80, "u", "update").say(90, "u", "update").say(100, "u", "update").
			arrive(310, "gas").end(320, "closed", "closed")
	}
	neverArrives := func() *logb { return base().say(100, "u", "update").end(200, "hangup", "hangup") }
	notDispatched := func() *logb { return newLog(sc).say(5, "hello").end(100, "closed", "closed") }
	runFnCases(t, sc, []fnCase{
		{"no updates at all: one gap, dispatch to arrival", noUpdates, "longest_gap", []any{"waiting"}, 340.0},
		{"no updates at all: over the limit", noUpdates, "gaps_over", []any{120.0, "waiting"}, 1},
		{"no updates at all: zero updates", noUpdates, "updates", []any{"waiting"}, 0},
		{"update exactly at the limit is within it", atLimit, "gaps_over", []any{120.0, "waiting"}, 0},
		{"update exactly at the limit: longest gap", atLimit, "longest_gap", []any{"waiting"}, 120.0},
		{"update exactly at the limit: updates", atLimit, "updates", []any{"waiting"}, 2},
		{"one second over the limit", overByOne, "gaps_over", []any{120.0, "waiting"}, 1},
		{"judged gap by gap, not by average", oneLongGap, "gaps_over", []any{120.0, "waiting"}, 1},
		{"gap by gap: the long gap", oneLongGap, "longest_gap", []any{"waiting"}, 210.0},
		{"gaps lists every gap", oneLongGap, "gaps", []any{"waiting"}, []float64{10, 10, 10, 10, 210}},
		{"waiting for one service", oneLongGap, "longest_gap", []any{"waiting:gas"}, 210.0},
		{"never arrives: waiting lasts to the end of the call", neverArrives, "longest_gap", []any{"waiting"}, 100.0},
		{"nothing dispatched: no waiting interval", notDispatched, "longest_gap", []any{"waiting"}, 0.0},
		{"nothing dispatched: no gaps", notDispatched, "gaps_over", []any{120.0, "waiting"}, 0},
	})
}

func TestCadenceCallAndFirstResponse(t *testing.T) {
	sc := scenariotest.GasExample(t)
	quiet := func() *logb { return newLog(sc).line(0, "customer", "hello?").end(90, "hangup", "hangup") }
	prompt := func() *logb {
		return newLog(sc).say(12, "hello", "greet").say(50, "ok").say(140, "still here").end(150, "closed", "closed")
	}
	lateEnd := func() *logb { return newLog(sc).say(3, "hello").say(30, "ok").end(130, "hangup", "hangup") }
	runFnCases(t, sc, []fnCase{
		{"first response", prompt, "first_response", nil, 12.0},
		{"never spoke: the call's length", quiet, "first_response", nil, 90.0},
		{"never spoke: the whole call is one silence", quiet, "longest_silence", nil, 90.0},
		{"longest silence between lines", prompt, "longest_silence", nil, 90.0},
		{"the silence before the end counts", lateEnd, "longest_silence", nil, 100.0},
		{"call gaps over a minute", prompt, "gaps_over", []any{60.0, "call"}, 1},
		{"lines in the call", prompt, "updates", []any{"call"}, 3},
	})
}

func TestCadenceHolds(t *testing.T) {
	sc := scenariotest.GasExample(t)
	announced := func() *logb {
		return newLog(sc).say(5, "hello").
			say(90, "I'm going to put you on a short hold", "hold").hold(100, "").
			say(130, "still checking", "update").resume(200).
			end(300, "closed", "closed")
	}
	announcedInHold := func() *logb {
		return newLog(sc).say(5, "hello").hold(100, "bear with me", "hold").resume(140).end(300, "closed", "closed")
	}
	silentHold := func() *logb {
		return newLog(sc).say(5, "hello", "hold").say(50, "ok").hold(100, "").resume(140).end(300, "closed", "closed")
	}
	twoHolds := func() *logb {
		return newLog(sc).say(90, "bear with me", "hold").hold(100, "").resume(120).
			hold(200, "").resume(210).end(300, "closed", "closed")
	}
	openHold := func() *logb {
		return newLog(sc).say(5, "hi").hold(100, "one moment", "hold").end(200, "hangup", "hangup")
	}
	runFnCases(t, sc, []fnCase{
		{"hold gaps: to the check-in and to the resume", announced, "gaps", []any{"hold"}, []float64{30, 70}},
		{"hold gap over the hold standard", announced, "gaps_over", []any{45.0, "hold"}, 1},
		{"announced hold", announced, "holds_without_notice", nil, 0},
		{"announced in the hold's own words", announcedInHold, "holds_without_notice", nil, 0},
		{"a hold the last line did not announce", silentHold, "holds_without_notice", nil, 1},
		{"a notice covers one hold only", twoHolds, "holds_without_notice", nil, 1},
		{"a hold open at the end lasts to the end", openHold, "longest_gap", []any{"hold"}, 100.0},
		{"no holds: no hold gaps", func() *logb { return newLog(sc).say(1, "hi").end(10, "closed", "closed") }, "gaps", []any{"hold"}, []float64{}},
	})
}

func TestCadencePromises(t *testing.T) {
	sc := scenariotest.GasExample(t)
	kept := func() *logb {
		return newLog(sc).promise(60, "I'll update you in two minutes", 180, "update").say(205, "update", "update").end(400, "closed", "closed")
	}
	keptJustInGrace := func() *logb {
		return newLog(sc).promise(60, "two minutes", 180).say(210, "here's the latest", "update").end(400, "closed", "closed")
	}
	broken := func() *logb {
		return newLog(sc).promise(60, "two minutes", 180).say(211, "here's the latest", "update").end(400, "closed", "closed")
	}
	// A new promise made after the first one's deadline does not rescue it.
	madeAfterDeadline := func() *logb {
		return newLog(sc).promise(60, "by 2m", 120).promise(200, "sorry, by 5m", 300).say(290, "here's the latest", "update").end(400, "closed", "closed")
	}
	// Any other line in time does not keep the promise: it must be an update.
	keptByChatter := func() *logb {
		return newLog(sc).promise(60, "two minutes", 180).say(100, "what's your number?", "ask_callback").end(400, "closed", "closed")
	}
	notDue := func() *logb { return newLog(sc).promise(60, "by 5m", 300).end(200, "closed", "closed") }
	runFnCases(t, sc, []fnCase{
		{"promise kept", kept, "promises_broken", nil, 0},
		{"promises made", kept, "promises_made", nil, 1},
		{"kept at the end of the grace", keptJustInGrace, "promises_broken", nil, 0},
		{"one second after the grace: broken", broken, "promises_broken", nil, 1},
		{"promise made after the deadline: the first stays broken", madeAfterDeadline, "promises_broken", nil, 1},
		{"promise made after the deadline: both counted", madeAfterDeadline, "promises_made", nil, 2},
		{"a line without the update intent does not keep it", keptByChatter, "promises_broken", nil, 1},
		{"call ended before the promise was due", notDue, "promises_broken", nil, 0},
		{"no promises", func() *logb { return newLog(sc).say(1, "hi").end(10, "closed", "closed") }, "promises_made", nil, 0},
	})
}

func TestCadenceTeams(t *testing.T) {
	sc := loadOutage(t)
	engaged := func() *logb {
		return newOutageLog(sc).say(5, "hello").escalate(100, "network").contact(400, "network", "any news?").
			contact(1000, "network", "customer still waiting").end(1200, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"longest gap between messages to the team", engaged, "longest_team_gap", []any{"network"}, 600.0},
		{"by team kind", engaged, "longest_team_gap", []any{"technical"}, 600.0},
		{"a team never engaged", engaged, "longest_team_gap", []any{"supervisor"}, 0.0},
	})
}

func TestCadenceBadKindPanicsForTheRunner(t *testing.T) {
	sc := scenariotest.GasExample(t)
	env := ruleEnv(t, sc, newLog(sc).say(1, "hi").end(10, "closed", "closed"))
	for _, kind := range []string{"queue", "waiting:ambulance"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("longest_gap(%q) did not fail", kind)
				}
			}()
			env["longest_gap"].(func(string) float64)(kind)
		}()
	}
}

// TestTeamWaiting: waiting:TEAM runs from the first escalation to the team
// until it resolves the incident, or to the end of the call.
func TestTeamWaiting(t *testing.T) {
	sc := loadOutage(t) // teams supervisor and network
	resolved := func() *logb {
		return newOutageLog(sc).escalate(100, "network").say(150, "update", "update").say(400, "update", "update").
			add(500, simulator.Event{Type: simulator.EvResolve, From: "network"}).end(900, "closed", "closed")
	}
	unresolved := func() *logb {
		return newOutageLog(sc).escalate(100, "network").say(150, "update", "update").say(400, "update", "update").end(900, "closed", "closed")
	}
	never := func() *logb { return newOutageLog(sc).say(150, "hello").end(900, "closed", "closed") }
	runFnCases(t, sc, []fnCase{
		{"until the team resolves", resolved, "gaps", []any{"waiting:network"}, []float64{50, 250, 100}},
		{"to the end of the call", unresolved, "longest_gap", []any{"waiting:network"}, 500.0},
		{"never escalated: no interval", never, "longest_gap", []any{"waiting:network"}, 0.0},
	})
}
