// Package transcript presents a session's events to people: one presenter
// for the debrief's timeline, the pages and (through the same table of
// texts, Texts) the console's script, and the plain-text transcript of the
// CLI and the scenario tests. It is pure: events and the scenario's cast in,
// text out.
package transcript

import (
	"fmt"
	"io"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Format renders one event as a line of the plain-text transcript, without
// the time: the author's register, in the play command language, with raw
// cast ids and the hidden events in brackets. The CLI's play and the
// scenario tests' golden files use it; pages use a Presenter. "" means
// nothing worth a line.
func Format(ev simulator.Event) string {
	switch ev.Type {
	case simulator.EvStart:
		if ev.Seed == 0 {
			return fmt.Sprintf("[start %s v%d, %s]", ev.Scenario, ev.Version, ev.Mode)
		}
		return fmt.Sprintf("[start %s v%d seed %d, %s]", ev.Scenario, ev.Version, ev.Seed, ev.Mode)
	case simulator.EvAction:
		if ev.Action.Kind == simulator.ActCorrect {
			return string(actor(ev.Action.By)) + ": " + Command(*ev.Action) + formatChange(ev.Intents, ev.Removed)
		}
		if ev.Action.Kind == simulator.ActHint {
			return string(actor(ev.Action.By)) + ": hint " + ev.Text // the hint shown
		}
		return string(actor(ev.Action.By)) + ": " + Command(*ev.Action) + formatIntents(ev.Intents)
	case simulator.EvRejected:
		return fmt.Sprintf("rejected: %s (%s)", Command(*ev.Action), ev.Reason)
	case simulator.EvLine:
		s := ev.From + ": " + ev.Text
		if ev.Reason == "inject" {
			s += " [injected]"
		}
		return s
	case simulator.EvAck, simulator.EvArrive, simulator.EvResolve:
		if ev.Text == "" {
			return fmt.Sprintf("%s: (%s)", ev.From, ev.Type)
		}
		return fmt.Sprintf("%s: %s", ev.From, ev.Text)
	case simulator.EvETA:
		s := fmt.Sprintf("%s: ETA %s", ev.From, Stamp(ev.ETA))
		if ev.Text != "" {
			s += " - " + ev.Text
		}
		return s
	case simulator.EvAsk:
		return fmt.Sprintf("%s asks for %s: %s", ev.From, ev.ID, ev.Text)
	case simulator.EvApprove, simulator.EvDecline:
		return fmt.Sprintf("%s: %s %s - %s", ev.From, ev.Type, ev.ID, ev.Text)
	case simulator.EvPause, simulator.EvResume:
		return fmt.Sprintf("[clock %s: %s]", ev.Type, ev.Reason)
	case simulator.EvAway, simulator.EvBack:
		return fmt.Sprintf("[trainee %s: %s; the clock runs]", ev.Type, ev.Reason)
	case simulator.EvScale:
		return fmt.Sprintf("[time scale %gx]", ev.Scale)
	case simulator.EvEnd:
		return fmt.Sprintf("[call ended: %s (%s)]", ev.ID, ev.Reason)
	case simulator.EvReview:
		return "review: " + ev.Text
	case simulator.EvBeat, simulator.EvReaction, simulator.EvPhase, simulator.EvTakeover, simulator.EvHandback:
		return fmt.Sprintf("[%s %s]", ev.Type, ev.ID)
	case simulator.EvSet:
		return fmt.Sprintf("[set %s = %s]", ev.ID, scenarios.FormatValue(ev.Value))
	case simulator.EvMood:
		return fmt.Sprintf("[mood %s patience %s: %s]", fnum(ev.Mood), fnum(ev.Patience), ev.Reason)
	case simulator.EvError:
		return fmt.Sprintf("[error %s: %s]", ev.ID, ev.Reason)
	case simulator.EvTimer, simulator.EvReply:
		return "" // the line itself follows when it is said
	}
	return fmt.Sprintf("[%s]", ev.Type)
}

func fnum(p *float64) string {
	if p == nil {
		return "-"
	}
	return scenarios.FormatValue(*p)
}

func formatIntents(in []string) string {
	if len(in) == 0 {
		return ""
	}
	return " {" + strings.Join(in, ", ") + "}"
}

// Command renders an action in the play command language.
func Command(a simulator.Action) string {
	switch a.Kind {
	case simulator.ActSay:
		s := "say " + a.Text
		if a.Text == "" {
			s = "say [" + strings.Join(a.Intents, ", ") + "]"
		}
		if a.Promise > 0 {
			s += fmt.Sprintf(" (promise update by %s)", Stamp(a.Promise))
		}
		return s
	case simulator.ActClassify:
		return strings.TrimSpace("classify " + a.Category + " " + a.Priority)
	case simulator.ActRecord:
		return "record " + a.Field + " " + a.Value
	case simulator.ActDispatch, simulator.ActEscalate, simulator.ActTransfer:
		s := string(a.Kind) + " " + a.Target
		if len(a.Info) > 0 {
			s += " (" + strings.Join(a.Info, ", ") + ")"
		}
		return s
	case simulator.ActContact:
		return "contact " + a.Target + " " + a.Text
	case simulator.ActRequest:
		return fmt.Sprintf("request %s %s %g", a.Target, a.Decision, a.Amount)
	case simulator.ActDecide:
		return fmt.Sprintf("decide %s %g", a.Decision, a.Amount)
	case simulator.ActClose:
		return "close " + a.Resolution
	case simulator.ActReview:
		return "review " + a.Text
	case simulator.ActCorrect:
		return fmt.Sprintf("correct #%d [%s]", a.Of, strings.Join(a.Intents, ", "))
	case simulator.ActConsult:
		return strings.TrimSpace("consult " + a.Target + " " + a.Text)
	case simulator.ActWrapUp:
		s := "wrap_up"
		if a.Code != "" {
			s += " [" + a.Code + "]"
		}
		if a.Text != "" {
			s += " " + a.Text
		}
		return s
	case simulator.ActInject:
		if a.Line != "" {
			return "inject " + a.Line
		}
		return "inject " + a.As + " " + a.Text
	case simulator.ActSetVar:
		return "set " + a.Field + " " + a.Value
	case simulator.ActTakeover, simulator.ActHandback:
		return string(a.Kind) + " " + a.As
	case simulator.ActSetScale:
		return fmt.Sprintf("scale %g", a.Amount)
	}
	if a.Text != "" {
		return string(a.Kind) + " " + a.Text
	}
	return string(a.Kind)
}

// Write writes the plain-text transcript of events, one stamped line per
// event. With hidden false, only what the trainee could see is written.
func Write(w io.Writer, events []simulator.Event, hidden bool) error {
	for _, ev := range events {
		if !hidden {
			var ok bool
			if ev, ok = ev.ForTrainee(); !ok {
				continue
			}
		}
		s := Format(ev)
		if s == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", Stamp(ev.T), s); err != nil {
			return err
		}
	}
	return nil
}

// formatChange is what a correction added (+) and took off (-).
func formatChange(added, removed []string) string {
	var ch []string
	for _, in := range added {
		ch = append(ch, "+"+in)
	}
	for _, in := range removed {
		ch = append(ch, "-"+in)
	}
	if len(ch) == 0 {
		return ""
	}
	return " {" + strings.Join(ch, " ") + "}"
}
