package scoring

import (
	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// HintCost is the scorecard's line for the desk hints a practice call
// took: how many, what each cost (the policy's hint_cost) and the points
// taken off, with the moment of each. An assessment has no hints.
type HintCost struct {
	Taken  int        `json:"taken"`
	Each   float64    `json:"each"`
	Points float64    `json:"points"` // deducted: Taken × Each
	At     []Evidence `json:"at"`     // the hint actions, in order
}

// hintCost reads the hints the trainee took from a practice log; nil when
// none were (or the call was an assessment, which refuses them).
func hintCost(sc *scenarios.Scenario, log []simulator.Event) *HintCost {
	var h *HintCost
	for i := range log {
		ev := &log[i]
		if ev.Type == simulator.EvStart && ev.Mode == string(drillroom.ModeAssessment) {
			return nil
		}
		if ev.Type != simulator.EvAction || ev.Action == nil || ev.Action.Kind != simulator.ActHint {
			continue
		}
		if by := ev.Action.By; by != "" && by != drillroom.ActorTrainee {
			continue // only the trainee's hints cost their points
		}
		if h == nil {
			h = &HintCost{Each: sc.HintCost()}
		}
		h.Taken++
		h.At = append(h.At, Evidence{Seq: ev.Seq, T: int64(ev.T), Note: ev.Text})
	}
	if h != nil {
		h.Points = round2(float64(h.Taken) * h.Each)
	}
	return h
}
