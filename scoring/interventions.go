package scoring

import (
	"fmt"
	"slices"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Intervention is one trainer control in a session (pause, resume, speed,
// inject, set a variable, take over, hand back), as the scorecard flags
// it: what the trainer did, when, and the rules it touched, so that a
// coach reads a steered call as such and sees which results the trainee
// did not earn on their own.
type Intervention struct {
	Seq  int64                `json:"seq"` // the first event of the trainer's command
	T    int64                `json:"t"`   // virtual ms
	Kind simulator.ActionKind `json:"kind"`
	By   drillroom.Actor      `json:"by"`
	As   string               `json:"as,omitempty"`    // the cast member (inject, take over, hand back)
	Text string               `json:"text,omitempty"`  // an injected custom line
	Line string               `json:"line,omitempty"`  // an injected scripted beat or reaction
	Var  string               `json:"var,omitempty"`   // a variable set
	To   string               `json:"value,omitempty"` // the value it was set to
	Rate float64              `json:"speed,omitempty"` // a new speed
	// Until is the seq where the intervention's span ends: the hand back
	// of a takeover, the resume of a pause; its own seq for a hand back or
	// a resume, which only end another's span. 0: the end of the call (an
	// injected line, a variable, a speed go on affecting what follows).
	Until int64 `json:"until,omitempty"`
	// Rules are the ids of the rules with evidence in the span, in rubric
	// order: their results may owe something to the trainer.
	Rules []string `json:"rules,omitempty"`
}

// TrainerControls are the action kinds by which a trainer steers a
// session (training.TrainerActions) (the others are a trainee's, which a trainer takes only in their
// own practice or draft play).
var TrainerControls = map[simulator.ActionKind]bool{
	simulator.ActPause: true, simulator.ActResumeClock: true, simulator.ActSetScale: true, simulator.ActInject: true,
	simulator.ActSetVar: true, simulator.ActTakeover: true, simulator.ActHandback: true,
}

// Interventions lists the trainer's controls in log, once per command, in
// log order, each with its span and the rules of card (if any) whose
// evidence falls in it; it also marks those rules on card (Steered).
// Rules without evidence cannot be placed in time and are not marked.
func Interventions(log []simulator.Event, card *Scorecard) []Intervention {
	seen := map[string]bool{}
	var out []Intervention
	for _, e := range log {
		a := e.Action
		if a == nil || a.By != drillroom.ActorTrainer || !TrainerControls[a.Kind] {
			continue // a trainer's own practice acts as the trainee, by the trainee's actions
		}
		key := a.Cmd
		if key == "" {
			key = fmt.Sprint("seq ", e.Seq)
		}
		key += "/" + string(a.Kind)
		if seen[key] {
			continue
		}
		seen[key] = true
		iv := Intervention{Seq: e.Seq, T: e.T, Kind: a.Kind, By: a.By, As: a.As, Text: a.Text, Line: a.Line}
		switch a.Kind {
		case simulator.ActSetVar:
			iv.Var, iv.To = a.Field, a.Value
		case simulator.ActSetScale:
			iv.Rate = a.Amount
		case simulator.ActInject, simulator.ActTakeover, simulator.ActHandback:
			if iv.As == "" {
				iv.As = "customer"
			}
		}
		out = append(out, iv)
	}
	// A takeover lasts until its cast member is handed back; a pause until
	// the clock resumes.
	for i := range out {
		var ends simulator.ActionKind
		switch out[i].Kind {
		case simulator.ActHandback, simulator.ActResumeClock:
			out[i].Until = out[i].Seq
			continue
		case simulator.ActTakeover:
			ends = simulator.ActHandback
		case simulator.ActPause:
			ends = simulator.ActResumeClock
		default:
			continue
		}
		for _, later := range out[i+1:] {
			if later.Kind == ends && (ends != simulator.ActHandback || later.As == out[i].As) {
				out[i].Until = later.Seq
				break
			}
		}
	}
	if card == nil {
		return out
	}
	for si := range card.Sections {
		for ri := range card.Sections[si].Rules {
			r := &card.Sections[si].Rules[ri]
			r.Steered = nil
			for i, iv := range out {
				if slices.ContainsFunc(r.Evidence, func(ev Evidence) bool {
					return ev.Seq >= iv.Seq && (iv.Until == 0 || ev.Seq <= iv.Until)
				}) {
					r.Steered = append(r.Steered, iv.Seq)
					out[i].Rules = append(out[i].Rules, r.ID)
				}
			}
		}
	}
	card.Interventions = out
	return out
}
