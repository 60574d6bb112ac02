package web

import (
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// intervention is one thing a trainer did in a session, as the debrief
// and its scorecard flag it: "trainer injected ... at 3:10", and the rules
// whose evidence falls in its span (scoring.Interventions), for the coach.
type intervention struct {
	Seq   int64
	Clock string
	Text  string
	Rules []string // titles of the rules it touched
}

// interventionsOf lists the trainer's hand in a session from its log:
// every trainer control (pause, speed, inject, set a variable, take over,
// hand back), once per command, with the rules of card it touched (card
// may be nil; its rules are marked Steered).
func interventionsOf(sc *scenarios.Scenario, events []simulator.Event, card *scoring.Scorecard) []intervention {
	name := func(id string) string {
		if id == "" || id == "customer" {
			return "the customer"
		}
		if s, ok := sc.Cast.Services[id]; ok && s.Name != "" {
			return s.Name
		}
		if t, ok := sc.Cast.Teams[id]; ok && t.Name != "" {
			return t.Name
		}
		return id
	}
	titles := map[string]string{}
	if card != nil {
		for _, sec := range card.Sections {
			for _, r := range sec.Rules {
				titles[r.ID] = r.Title
			}
		}
	}
	var out []intervention
	for _, iv := range scoring.Interventions(events, card) {
		var text string
		switch iv.Kind {
		case simulator.ActPause:
			text = "paused the clock"
		case simulator.ActResumeClock:
			text = "resumed the clock"
		case simulator.ActSetScale:
			text = fmt.Sprintf("set the speed to ×%g", iv.Rate)
		case simulator.ActInject:
			if iv.Line != "" {
				text = fmt.Sprintf("injected the scripted line %s as %s", iv.Line, name(iv.As))
			} else {
				text = fmt.Sprintf("injected “%s” as %s", iv.Text, name(iv.As))
			}
		case simulator.ActSetVar:
			text = fmt.Sprintf("set vars.%s to %s", iv.Var, iv.To)
		case simulator.ActTakeover:
			text = "took over " + name(iv.As)
		case simulator.ActHandback:
			text = "handed " + name(iv.As) + " back to the script"
		default:
			text = fmt.Sprintf("acted in the call (%s)", iv.Kind)
		}
		item := intervention{Seq: iv.Seq, Clock: transcript.Clock(iv.T), Text: "Trainer " + text}
		for _, id := range iv.Rules {
			t := titles[id]
			if t == "" {
				t = id
			}
			item.Rules = append(item.Rules, t)
		}
		out = append(out, item)
	}
	return out
}
