package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestClassification(t *testing.T) {
	sc := scenariotest.GasExample(t) // truth: gas-emergency, P1
	wrongThenRight := func() *logb {
		return newLog(sc).say(5, "hi").classify(40, "fire", "P2").fire(90, "smell_worse").classify(120, "gas-emergency", "P1").end(300, "closed", "closed")
	}
	rightWrongRight := func() *logb {
		return newLog(sc).classify(30, "gas-emergency", "P1").classify(60, "fire", "P1").classify(100, "gas-emergency", "P1").end(300, "closed", "closed")
	}
	rightThenWrong := func() *logb {
		return newLog(sc).classify(30, "gas-emergency", "P1").classify(60, "gas-emergency", "P2").end(300, "closed", "closed")
	}
	keepsPriority := func() *logb {
		return newLog(sc).classify(30, "fire", "P1").classify(60, "gas-emergency", "").end(300, "closed", "closed")
	}
	never := func() *logb { return newLog(sc).say(5, "hi").end(100, "hangup", "hangup") }
	sameAfter := func() *logb {
		return newLog(sc).classify(30, "gas-emergency", "P1").fire(90, "smell_worse").classify(120, "gas-emergency", "P1").end(300, "closed", "closed")
	}
	firstAfter := func() *logb {
		return newLog(sc).fire(90, "smell_worse").classify(120, "gas-emergency", "P1").end(300, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"before any classification", wrongThenRight, "category_at", []any{30.0}, ""},
		{"category at a time", wrongThenRight, "category_at", []any{60.0}, "fire"},
		{"category at the exact time of the classify", wrongThenRight, "category_at", []any{120.0}, "gas-emergency"},
		{"priority at a time", wrongThenRight, "priority_at", []any{100.0}, "P2"},
		{"first classified", wrongThenRight, "classified_at", nil, 40.0},
		{"never classified", never, "classified_at", nil, -1.0},
		{"category correct from the correction", wrongThenRight, "category_correct_at", nil, 120.0},
		{"priority correct from the correction", wrongThenRight, "priority_correct_at", nil, 120.0},
		{"correct, wrong, correct: from the last correction", rightWrongRight, "category_correct_at", nil, 100.0},
		{"priority stayed correct throughout", rightWrongRight, "priority_correct_at", nil, 30.0},
		{"final priority wrong", rightThenWrong, "priority_correct_at", nil, -1.0},
		{"never classified: never correct", never, "category_correct_at", nil, -1.0},
		{"a classify without priority keeps the priority", keepsPriority, "priority_at", []any{100.0}, "P1"},
		{"final category", keepsPriority, "category", nil, "gas-emergency"},
		{"reclassified after new information", wrongThenRight, "reclassified_after", []any{"smell_worse"}, true},
		{"same classification after: not reclassified", sameAfter, "reclassified_after", []any{"smell_worse"}, false},
		{"first classification after the information counts", firstAfter, "reclassified_after", []any{"smell_worse"}, true},
		{"information never arrived", rightThenWrong, "reclassified_after", []any{"smell_worse"}, false},
		{"times classified", rightWrongRight, "times_classified", nil, 3},
	})
}

func TestPriorityFromMatrix(t *testing.T) {
	sc := loadOutage(t) // no truth.priority: high impact x high urgency = P1
	b := func() *logb {
		return newOutageLog(sc).classify(30, "vulnerable-power-outage", "P2").classify(90, "vulnerable-power-outage", "P1").end(200, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{{"priority correct by the matrix", b, "priority_correct_at", nil, 90.0}})
	if got := ruleEnv(t, sc, b())["truth"].(map[string]any)["priority"]; got != "P1" {
		t.Errorf("truth.priority = %v, want P1", got)
	}
}
