package scoring

import (
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// Each desk hint a practice call takes costs the policy's hint_cost (1
// point by default) off the scorecard's points, on a line of its own with
// the moment of each; an assessment's log and a trainer's hint cost
// nothing.
func TestHintCost(t *testing.T) {
	sc := scenariotest.GasExample(t)
	// The good call, with the hints after its greeting (10s, 11s...).
	play := func(mode string, hints ...simulator.Action) []simulator.Event {
		good := goodCall(sc).ev
		log := append([]simulator.Event(nil), good[:3]...)
		for i := range hints {
			log = append(log, simulator.Event{Type: simulator.EvAction, Action: &hints[i], Text: "a desk hint", T: int64(10000 + i*1000)})
		}
		log = append(log, good[3:]...)
		log[0].Mode = mode
		for i := range log {
			log[i].Seq = int64(i + 1)
		}
		return log
	}
	hint := simulator.Action{Kind: simulator.ActHint}
	base := mustScore(t, sc, play("practice"))
	if base.Hints != nil {
		t.Fatalf("no hint taken, yet the card has %+v", base.Hints)
	}
	two := mustScore(t, sc, play("practice", hint, hint))
	h := two.Hints
	if h == nil || h.Taken != 2 || h.Each != 1 || h.Points != 2 || len(h.At) != 2 || h.At[0].T != 10000 || h.At[1].T != 11000 {
		t.Fatalf("two hints: card line %+v, want 2 taken at 10s and 11s, 1 point each, 2 off", h)
	}
	if two.Points != round2(base.Points-2) || two.Possible != base.Possible {
		t.Errorf("two hints: %v of %v points, want %v of %v", two.Points, two.Possible, base.Points-2, base.Possible)
	}
	if base.Possible > 0 && two.Total >= base.Total {
		t.Errorf("two hints: total %v, want below %v", two.Total, base.Total)
	}
	if two.Scoring == MethodPoints && two.Total != round2(two.Points/two.Possible*100) {
		t.Errorf("total %v is not %v of %v points", two.Total, two.Points, two.Possible)
	}

	half := 0.5
	pol := *sc.Resolved
	pol.HintCost = &half
	cheap := *sc
	cheap.Resolved = &pol
	if c := mustScore(t, &cheap, play("practice", hint, hint, hint)); c.Hints == nil || c.Hints.Each != 0.5 || c.Hints.Points != 1.5 {
		t.Errorf("policy hint_cost 0.5, three hints: %+v, want 1.5 points off", c.Hints)
	}

	// The engine refuses hints in an assessment; a log that had one anyway
	// takes nothing off, and neither does a hint not the trainee's.
	if c := mustScore(t, sc, play("assessment", hint)); c.Hints != nil || c.Total != mustScore(t, sc, play("assessment")).Total {
		t.Errorf("assessment with a hint: %+v, total %v; want no cost", c.Hints, c.Total)
	}
	trainer := simulator.Action{Kind: simulator.ActHint, By: drillroom.ActorTrainer}
	if c := mustScore(t, sc, play("practice", trainer)); c.Hints != nil || c.Points != base.Points {
		t.Errorf("a trainer's hint: %+v, %v points; want no cost", c.Hints, c.Points)
	}
}

func mustScore(t *testing.T, sc *scenarios.Scenario, log []simulator.Event) *Scorecard {
	t.Helper()
	c, err := Score(sc, log)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
