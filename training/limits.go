package training

import (
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Limits on what one action may carry. They are checked in Act, so the
// socket, the pages and the command line all have them; the socket's
// 16 KiB frame limit only bounds a message, not what is stored from it.
const (
	// MaxTextRunes bounds a spoken or written line: say, hold, contact,
	// dispatch and escalate notes, a consultation, wrap-up notes, an
	// injected line.
	MaxTextRunes = 2000
	// MaxValueRunes bounds a record field's value and a set_var value.
	MaxValueRunes = 500
	// MaxNameBytes bounds an identifier: a target, category, priority,
	// record field, decision, resolution, cast member, line id or intent.
	MaxNameBytes = 64
	// MaxListItems bounds the intents and hand-over items of one action.
	MaxListItems = 16
	// MaxAmount bounds an amount (a goodwill payment, a time scale).
	MaxAmount = 1e9
)

// CheckAction returns an error wrapping drillroom.ErrInvalid when a is
// malformed: a field its kind needs is missing, or a field is too long.
// The message says which field. A malformed action is refused before the
// engine sees it, so it leaves no trace in the log (the engine's refusals
// of well-formed actions are part of the record).
func CheckAction(a simulator.Action) error {
	need := func(field, v string) error {
		if strings.TrimSpace(v) == "" {
			return drillroom.Errorf(drillroom.CodeInvalid, "%s needs %s", a.Kind, field)
		}
		return nil
	}
	var err error
	switch a.Kind {
	case simulator.ActSay:
		if strings.TrimSpace(a.Text) == "" && len(a.Intents) == 0 {
			err = drillroom.Errorf(drillroom.CodeInvalid, "say needs text or intents")
		}
	case simulator.ActClassify:
		err = need("category", a.Category)
	case simulator.ActRecord:
		if err = need("field", a.Field); err == nil {
			err = need("value", a.Value)
		}
	case simulator.ActDispatch, simulator.ActEscalate, simulator.ActTransfer, simulator.ActTakeover, simulator.ActHandback:
		if a.Kind == simulator.ActTakeover || a.Kind == simulator.ActHandback {
			err = need("as", a.As)
		} else {
			err = need("target", a.Target)
		}
	case simulator.ActContact:
		if err = need("target", a.Target); err == nil && strings.TrimSpace(a.Text) == "" && len(a.Info) == 0 {
			err = drillroom.Errorf(drillroom.CodeInvalid, "contact needs text or info")
		}
	case simulator.ActRequest:
		if err = need("target", a.Target); err == nil {
			err = need("decision", a.Decision)
		}
	case simulator.ActDecide:
		err = need("decision", a.Decision)
	case simulator.ActClose:
		err = need("resolution", a.Resolution)
	case simulator.ActReview:
		err = need("text", a.Text)
	case simulator.ActCorrect:
		// The engine checks the rest (practice mode, a line of the
		// trainee's, known intents) and records a refusal it can explain.
		if a.Of <= 0 {
			err = drillroom.Errorf(drillroom.CodeInvalid, "correct needs of: the seq of the line corrected")
		}
	case simulator.ActInject:
		if strings.TrimSpace(a.Text) == "" && a.Line == "" {
			err = drillroom.Errorf(drillroom.CodeInvalid, "inject needs text or line")
		}
	case simulator.ActSetVar:
		if err = need("field", a.Field); err == nil {
			err = need("value", a.Value)
		}
	case simulator.ActSetScale:
		if a.Amount <= 0 {
			err = drillroom.Errorf(drillroom.CodeInvalid, "set_scale needs amount above 0")
		}
	case simulator.ActHint:
		// The engine refuses it in an assessment and when no hint is left.
	case simulator.ActConsult:
		if err = need("target", a.Target); err == nil {
			err = need("text", a.Text)
		}
	case simulator.ActEndConsult, simulator.ActWrapUp:
		// The engine checks a wrap-up's code and notes against the drill.
	case simulator.ActHold, simulator.ActResume, simulator.ActPause, simulator.ActResumeClock:
	default:
		err = drillroom.Errorf(drillroom.CodeInvalid, "unknown action kind %q", a.Kind)
	}
	if err != nil {
		return err
	}
	return checkSizes(a)
}

func checkSizes(a simulator.Action) error {
	textMax := MaxTextRunes
	if a.Kind == simulator.ActReview {
		textMax = MaxReviewRunes
	}
	if n := utf8.RuneCountInString(a.Text); n > textMax {
		return drillroom.Errorf(drillroom.CodeInvalid, "text has %d characters; at most %d", n, textMax)
	}
	if n := utf8.RuneCountInString(a.Value); n > MaxValueRunes {
		return drillroom.Errorf(drillroom.CodeInvalid, "value has %d characters; at most %d", n, MaxValueRunes)
	}
	for _, f := range []struct{ name, v string }{
		{"target", a.Target}, {"category", a.Category}, {"priority", a.Priority}, {"field", a.Field},
		{"decision", a.Decision}, {"resolution", a.Resolution}, {"code", a.Code}, {"as", a.As}, {"line", a.Line},
	} {
		if len(f.v) > MaxNameBytes {
			return drillroom.Errorf(drillroom.CodeInvalid, "%s is longer than %d bytes", f.name, MaxNameBytes)
		}
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"intents", a.Intents}, {"info", a.Info}} {
		if len(l.v) > MaxListItems {
			return drillroom.Errorf(drillroom.CodeInvalid, "%s has %d items; at most %d", l.name, len(l.v), MaxListItems)
		}
		for _, s := range l.v {
			if len(s) > MaxNameBytes {
				return drillroom.Errorf(drillroom.CodeInvalid, "an item of %s is longer than %d bytes", l.name, MaxNameBytes)
			}
		}
	}
	if a.Amount < 0 || a.Amount > MaxAmount {
		return drillroom.Errorf(drillroom.CodeInvalid, "amount must be between 0 and %g", float64(MaxAmount))
	}
	if a.Promise < 0 {
		return drillroom.Errorf(drillroom.CodeInvalid, "promise must not be negative")
	}
	return nil
}
