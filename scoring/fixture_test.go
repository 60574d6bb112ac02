package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// loadOutage loads the scoring fixture with teams, authority and a
// weighted rubric.
func loadOutage(t testing.TB) *scenarios.Scenario {
	t.Helper()
	return scenariotest.LoadPaths(t, "testdata/frozen/uk-contact-centre.policy.yaml", "testdata/outage.drill.yaml")
}

// loadFrozenExample loads the frozen copy of the reference drill that the
// recorded gas logs were played against.
func loadFrozenExample(t testing.TB) *scenarios.Scenario {
	t.Helper()
	return scenariotest.LoadPaths(t, "testdata/frozen/uk-contact-centre.policy.yaml", "testdata/frozen/gas-smell-basic.drill.yaml")
}

var outageVary = map[string]any{"street": "Elm Street", "house": 12.0}

func newOutageLog(sc *scenarios.Scenario) *logb {
	b := &logb{}
	b.add(0, startEvent(sc, outageVary))
	return b
}

func TestOutageFixtureLoads(t *testing.T) {
	sc := loadOutage(t)
	if sc.ID != "vulnerable-outage" || len(sc.Rubric.Sections) != 3 {
		t.Fatalf("got %s with %d sections, want vulnerable-outage with 3", sc.ID, len(sc.Rubric.Sections))
	}
}
