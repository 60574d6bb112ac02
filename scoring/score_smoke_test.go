package scoring

import (
	"slices"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestScoreGoodCall(t *testing.T) {
	sc := scenariotest.GasExample(t)
	c, err := Score(sc, goodCall(sc).ev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 100 || c.Points != 90 || c.Possible != 90 {
		t.Errorf("total %v (%v/%v), want 100 (90/90)", c.Total, c.Points, c.Possible)
	}
	if !c.Passed || c.Band != "high-compliance" {
		t.Errorf("passed %v band %q, want true high-compliance", c.Passed, c.Band)
	}
	if !slices.Equal(c.Pending, []string{"review-quality"}) {
		t.Errorf("pending %v, want [review-quality]", c.Pending)
	}
}
