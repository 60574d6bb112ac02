package web

import (
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// intervention is one thing a trainer did in a session, as the debrief
// and its scorecard flag it: "trainer injected ... at 3:10".
type intervention struct {
	Seq   int64
	Clock string
	Text  string
}

// interventionsOf lists the trainer's hand in a session from its log:
// every trainer control (pause, speed, inject, set a variable, take over,
// hand back), once per command.
func interventionsOf(sc *scenarios.Scenario, events []simulator.Event) []intervention {
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
	seen := map[string]bool{}
	var out []intervention
	for _, e := range events {
		a := e.Action
		if a == nil || a.By != drillroom.ActorTrainer {
			continue
		}
		key := a.Cmd
		if key == "" {
			key = fmt.Sprint("seq ", e.Seq)
		}
		key += "/" + string(a.Kind)
		if seen[key] {
			continue
		}
		var text string
		switch a.Kind {
		case simulator.ActPause:
			text = "paused the clock"
		case simulator.ActResumeClock:
			text = "resumed the clock"
		case simulator.ActSetScale:
			text = fmt.Sprintf("set the speed to ×%g", a.Amount)
		case simulator.ActInject:
			if a.Line != "" {
				text = fmt.Sprintf("injected the scripted line %s", a.Line)
				if a.As != "" {
					text += " as " + name(a.As)
				}
			} else {
				text = fmt.Sprintf("injected “%s” as %s", a.Text, name(a.As))
			}
		case simulator.ActSetVar:
			text = fmt.Sprintf("set vars.%s to %s", a.Field, a.Value)
		case simulator.ActTakeover:
			text = "took over " + name(a.As)
		case simulator.ActHandback:
			text = "handed " + name(a.As) + " back to the script"
		default:
			text = fmt.Sprintf("acted in the call (%s)", a.Kind)
		}
		seen[key] = true
		out = append(out, intervention{Seq: e.Seq, Clock: transcript.Clock(e.T), Text: "Trainer " + text})
	}
	return out
}
