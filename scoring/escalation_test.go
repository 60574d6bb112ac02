package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// The outage fixture requires: dispatch dno within 5m with location and
// medical_need; escalate to supervisor within 10m when the medical need
// recorded contains oxygen; escalate to network (any time) with location.
// The policy's matrix for vulnerable-power-outage: a power service within 5m.

func TestEscalationRequirements(t *testing.T) {
	sc := loadOutage(t)
	allInTime := func() *logb {
		return newOutageLog(sc).say(5, "hello").record(30, "location", "12 Elm Street").record(40, "medical_need", "home oxygen concentrator").
			dispatch(120, "dno", "location").escalate(300, "supervisor").escalate(400, "network", "location").end(900, "closed", "closed")
	}
	lateAndMissing := func() *logb {
		return newOutageLog(sc).say(5, "hello").record(40, "medical_need", "oxygen").dispatch(301, "dno").end(900, "closed", "closed")
	}
	whenFalse := func() *logb {
		return newOutageLog(sc).dispatch(100, "dno").escalate(200, "network").end(900, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"all in time", allInTime, "requirements_met", nil, true},
		{"all in time: none missed", allInTime, "requirements_missed", nil, []string{}},
		{"one second late counts as missed, with the one never made", lateAndMissing, "requirements_missed", nil, []string{"dno", "supervisor", "network"}},
		{"a requirement whose when is false does not apply", whenFalse, "requirements_met", nil, true},
		{"dispatched at", allInTime, "dispatched_at", []any{"dno"}, 120.0},
		{"escalated at", allInTime, "escalated_at", []any{"supervisor"}, 300.0},
		{"never escalated", whenFalse, "escalated_at", []any{"supervisor"}, -1.0},
		{"first escalation", allInTime, "first_escalation", nil, 120.0},
		{"no escalation at all", func() *logb { return newOutageLog(sc).end(10, "closed", "closed") }, "first_escalation", nil, -1.0},
	})
}

func TestEscalationBeforeClassification(t *testing.T) {
	sc := scenariotest.GasExample(t)
	// Dispatching before classifying is judged against the truth, not the
	// trainee's later classification.
	early := func() *logb {
		return newLog(sc).say(5, "leave the flat", "safety_advice").dispatch(30, "gas", "location", "hazards").
			classify(60, "gas-emergency", "P1").end(300, "closed", "closed")
	}
	wrongClass := func() *logb {
		return newLog(sc).dispatch(30, "gas").classify(60, "fire", "P2").end(300, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"first escalation before classification", early, "first_escalation", nil, 30.0},
		{"classified after", early, "classified_at", nil, 60.0},
		{"requirement met before classification", early, "requirements_met", nil, true},
		{"not unneeded although unclassified when made", early, "unneeded_escalations", nil, []string{}},
		{"matrix by the truth, not the trainee's category", wrongClass, "matrix_met", nil, true},
	})
}

func TestEscalationMatrixAndUnneeded(t *testing.T) {
	sc := loadOutage(t)
	inTime := func() *logb { return newOutageLog(sc).dispatch(200, "dno").end(900, "closed", "closed") }
	late := func() *logb { return newOutageLog(sc).dispatch(400, "dno").end(900, "closed", "closed") }
	police := func() *logb {
		return newOutageLog(sc).dispatch(100, "dno").dispatch(150, "police").escalate(160, "supervisor").end(900, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"matrix met", inTime, "matrix_met", nil, true},
		{"matrix: late", late, "matrix_missed", nil, []string{"power"}},
		{"matrix: never", func() *logb { return newOutageLog(sc).end(900, "closed", "closed") }, "matrix_missed", nil, []string{"power"}},
		// supervisor's requirement does not apply (no oxygen recorded), so it was not needed either.
		{"unneeded escalations", police, "unneeded_escalations", nil, []string{"police", "supervisor"}},
		{"contacted", police, "contacted", []any{"police"}, true},
		{"not contacted", inTime, "contacted", []any{"network"}, false},
	})
}

func TestEscalationHandover(t *testing.T) {
	sc := loadOutage(t)
	onAction := func() *logb {
		return newOutageLog(sc).dispatch(100, "dno", "location", "medical_need").end(900, "closed", "closed")
	}
	recordedBefore := func() *logb {
		return newOutageLog(sc).record(40, "medical_need", "oxygen").dispatch(100, "dno", "location").end(900, "closed", "closed")
	}
	recordedAfter := func() *logb {
		return newOutageLog(sc).dispatch(100, "dno", "location").record(140, "medical_need", "oxygen").end(900, "closed", "closed")
	}
	never := func() *logb { return newOutageLog(sc).end(900, "closed", "closed") }
	runFnCases(t, sc, []fnCase{
		{"info listed on the dispatch", onAction, "handover_complete", []any{"dno"}, true},
		{"a field recorded before the dispatch counts", recordedBefore, "handover_complete", []any{"dno"}, true},
		{"a field recorded after does not", recordedAfter, "handover_missing", []any{"dno"}, []string{"medical_need"}},
		{"never dispatched", never, "handover_complete", []any{"dno"}, false},
		{"never dispatched: all missing", never, "handover_missing", []any{"dno"}, []string{"location", "medical_need"}},
	})
}

func TestAuthority(t *testing.T) {
	sc := loadOutage(t) // goodwill_payment above 50 needs the supervisor
	decide := func(b *logb, sec, amount float64) *logb {
		return b.act(sec, simulator.Action{Kind: simulator.ActDecide, Decision: "goodwill_payment", Amount: amount})
	}
	approve := func(b *logb, sec, amount float64) *logb {
		return b.add(sec, simulator.Event{Type: simulator.EvApprove, From: "supervisor", ID: "goodwill_payment", Amount: amount})
	}
	runFnCases(t, sc, []fnCase{
		{"over the limit without approval", func() *logb { return decide(newOutageLog(sc), 100, 80).end(200, "closed", "closed") }, "authority_breaches", nil, 1},
		{"within own authority", func() *logb { return decide(newOutageLog(sc), 100, 50).end(200, "closed", "closed") }, "authority_breaches", nil, 0},
		{"approved first", func() *logb { return decide(approve(newOutageLog(sc), 90, 80), 100, 80).end(200, "closed", "closed") }, "authority_breaches", nil, 0},
		{"approved for less", func() *logb { return decide(approve(newOutageLog(sc), 90, 60), 100, 80).end(200, "closed", "closed") }, "authority_breaches", nil, 1},
		{"approved after the decision", func() *logb { return approve(decide(newOutageLog(sc), 100, 80), 110, 80).end(200, "closed", "closed") }, "authority_breaches", nil, 1},
		{"approved", func() *logb { return approve(newOutageLog(sc), 90, 80).end(200, "closed", "closed") }, "approved", []any{"goodwill_payment"}, true},
	})

	// The approver is needed only above the trainee's own limit (50 here).
	request := func(b *logb, sec, amount float64) *logb {
		return b.act(sec, simulator.Action{Kind: simulator.ActRequest, Target: "supervisor", Decision: "goodwill_payment", Amount: amount})
	}
	askedFor := func(amount float64) func() *logb {
		return func() *logb {
			return request(newOutageLog(sc).dispatch(100, "dno").escalate(150, "supervisor"), 160, amount).end(900, "closed", "closed")
		}
	}
	runFnCases(t, sc, []fnCase{
		{"approval sought above the limit: supervisor needed", askedFor(80), "unneeded_escalations", nil, []string{}},
		{"approval sought within own authority: supervisor not needed", askedFor(30), "unneeded_escalations", nil, []string{"supervisor"}},
		{"exactly at the limit is within authority", askedFor(50), "unneeded_escalations", nil, []string{"supervisor"}},
	})
}

// TestAuthorityPromise: a decision promised in words, with no decide
// action, is a breach when the authority item names its promise intent.
func TestAuthorityPromise(t *testing.T) {
	base := loadOutage(t)
	sc := *base
	sc.Truth.Authority = []scenarios.Authority{{Decision: "goodwill_payment", Approver: "supervisor", Promise: "reassure"}}
	approve := func(b *logb, sec float64) *logb {
		return b.add(sec, simulator.Event{Type: simulator.EvApprove, From: "supervisor", ID: "goodwill_payment"})
	}
	runFnCases(t, &sc, []fnCase{
		{"promised before approval", func() *logb {
			return newOutageLog(&sc).say(100, "we'll pay you for the trouble", "reassure").say(150, "again", "reassure").end(200, "closed", "closed")
		}, "authority_breaches", nil, 1},
		{"promised after approval", func() *logb {
			return approve(newOutageLog(&sc), 90).say(100, "we'll pay you for the trouble", "reassure").end(200, "closed", "closed")
		}, "authority_breaches", nil, 0},
		{"never promised", func() *logb { return newOutageLog(&sc).say(100, "hello", "greet").end(200, "closed", "closed") }, "authority_breaches", nil, 0},
	})
	// Without promise, the same words are not a breach: the misjudgement.
	sc.Truth.Authority[0].Promise = ""
	runFnCases(t, &sc, []fnCase{
		{"without promise words are not judged", func() *logb {
			return newOutageLog(&sc).say(100, "we'll pay you for the trouble", "reassure").end(200, "closed", "closed")
		}, "authority_breaches", nil, 0},
	})
}

// TestRequirementFrom: a requirement with from is a response to an event:
// it applies once the event fired, within counts from then, and an
// escalation made before it does not meet it.
func TestRequirementFrom(t *testing.T) {
	base := loadOutage(t)
	sc := *base
	sc.Truth.Required = []scenarios.Requirement{{Escalate: "supervisor", Within: scenarios.Duration(120000), From: "storm_warning"}}
	runFnCases(t, &sc, []fnCase{
		{"made within two minutes of the event", func() *logb {
			return newOutageLog(&sc).fire(300, "storm_warning").escalate(400, "supervisor").end(900, "closed", "closed")
		}, "requirements_met", nil, true},
		{"made only before the event: not a response to it", func() *logb {
			return newOutageLog(&sc).escalate(100, "supervisor").fire(300, "storm_warning").end(900, "closed", "closed")
		}, "requirements_missed", nil, []string{"supervisor"}},
		{"made before and again after the event", func() *logb {
			return newOutageLog(&sc).escalate(100, "supervisor").fire(300, "storm_warning").escalate(410, "supervisor").end(900, "closed", "closed")
		}, "requirements_met", nil, true},
		{"late from the event", func() *logb {
			return newOutageLog(&sc).fire(300, "storm_warning").escalate(421, "supervisor").end(900, "closed", "closed")
		}, "requirements_missed", nil, []string{"supervisor"}},
		{"the event never fired: the requirement does not apply", func() *logb {
			return newOutageLog(&sc).end(900, "closed", "closed")
		}, "requirements_met", nil, true},
	})
}
