package simulator

import (
	"fmt"
	"io"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// FormatClock formats virtual time as MM:SS (H:MM:SS past an hour).
func FormatClock(t Millis) string {
	sec := t / 1000
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%02d:%02d", sec/60, sec%60)
}

// FormatEvent renders one event as a transcript line, without the time.
// Hidden events are rendered in brackets; "" means nothing worth a line.
func FormatEvent(ev Event) string {
	switch ev.Type {
	case EvStart:
		if ev.Seed == 0 {
			return fmt.Sprintf("[start %s v%d, %s]", ev.Scenario, ev.Version, ev.Mode)
		}
		return fmt.Sprintf("[start %s v%d seed %d, %s]", ev.Scenario, ev.Version, ev.Seed, ev.Mode)
	case EvAction:
		return "trainee: " + FormatAction(*ev.Action) + formatIntents(ev.Intents)
	case EvRejected:
		return fmt.Sprintf("rejected: %s (%s)", FormatAction(*ev.Action), ev.Reason)
	case EvLine:
		s := ev.From + ": " + ev.Text
		if ev.Reason == "inject" {
			s += " [injected]"
		}
		return s
	case EvAck, EvArrive, EvResolve:
		if ev.Text == "" {
			return fmt.Sprintf("%s: (%s)", ev.From, ev.Type)
		}
		return fmt.Sprintf("%s: %s", ev.From, ev.Text)
	case EvETA:
		s := fmt.Sprintf("%s: ETA %s", ev.From, FormatClock(ev.ETA))
		if ev.Text != "" {
			s += " - " + ev.Text
		}
		return s
	case EvAsk:
		return fmt.Sprintf("%s asks for %s: %s", ev.From, ev.ID, ev.Text)
	case EvApprove, EvDecline:
		return fmt.Sprintf("%s: %s %s - %s", ev.From, ev.Type, ev.ID, ev.Text)
	case EvPause, EvResume:
		return fmt.Sprintf("[clock %s: %s]", ev.Type, ev.Reason)
	case EvScale:
		return fmt.Sprintf("[time scale %gx]", ev.Scale)
	case EvEnd:
		return fmt.Sprintf("[call ended: %s (%s)]", ev.ID, ev.Reason)
	case EvReview:
		return "review: " + ev.Text
	case EvBeat, EvReaction, EvPhase, EvTakeover, EvHandback:
		return fmt.Sprintf("[%s %s]", ev.Type, ev.ID)
	case EvSet:
		return fmt.Sprintf("[set %s = %s]", ev.ID, scenarios.FormatValue(ev.Value))
	case EvMood:
		return fmt.Sprintf("[mood %s patience %s: %s]", fnum(ev.Mood), fnum(ev.Patience), ev.Reason)
	case EvError:
		return fmt.Sprintf("[error %s: %s]", ev.ID, ev.Reason)
	case EvTimer:
		return ""
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

// FormatAction renders an action in the play command language.
func FormatAction(a Action) string {
	switch a.Kind {
	case ActSay:
		s := "say " + a.Text
		if a.Text == "" {
			s = "say [" + strings.Join(a.Intents, ", ") + "]"
		}
		if a.Promise > 0 {
			s += fmt.Sprintf(" (promise update by %s)", FormatClock(a.Promise))
		}
		return s
	case ActClassify:
		return strings.TrimSpace("classify " + a.Category + " " + a.Priority)
	case ActRecord:
		return "record " + a.Field + " " + a.Value
	case ActDispatch, ActEscalate, ActTransfer:
		s := string(a.Kind) + " " + a.Target
		if len(a.Info) > 0 {
			s += " (" + strings.Join(a.Info, ", ") + ")"
		}
		return s
	case ActContact:
		return "contact " + a.Target + " " + a.Text
	case ActRequest:
		return fmt.Sprintf("request %s %s %g", a.Target, a.Decision, a.Amount)
	case ActDecide:
		return fmt.Sprintf("decide %s %g", a.Decision, a.Amount)
	case ActClose:
		return "close " + a.Resolution
	case ActReview:
		return "review " + a.Text
	case ActInject:
		if a.Line != "" {
			return "inject " + a.Line
		}
		return "inject " + a.As + " " + a.Text
	case ActSetVar:
		return "set " + a.Field + " " + a.Value
	case ActTakeover, ActHandback:
		return string(a.Kind) + " " + a.As
	case ActSetScale:
		return fmt.Sprintf("scale %g", a.Amount)
	}
	if a.Text != "" {
		return string(a.Kind) + " " + a.Text
	}
	return string(a.Kind)
}

// WriteTranscript writes a human-readable transcript, one line per event.
// With hidden false, only what the trainee could see is written.
func WriteTranscript(w io.Writer, events []Event, hidden bool) error {
	for _, ev := range events {
		if !hidden {
			var ok bool
			if ev, ok = ev.ForTrainee(); !ok {
				continue
			}
		}
		s := FormatEvent(ev)
		if s == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s %s\n", FormatClock(ev.T), s); err != nil {
			return err
		}
	}
	return nil
}
