package simulator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drillroom/drillroom"
)

// A correction says which intents the trainee meant by one of their lines,
// when the recogniser read it otherwise. It is practice only: an
// assessment scores what the recogniser understood. The correction is an
// action of its own, on the log at the time it is made: the intents it adds
// reach the customer then (the mood model, a reaction, answers to
// questions), as if the trainee had said them; the ones it takes off the
// line cannot be unsaid to the customer, but no longer count as said. The
// scorecard reads the line with its corrected intents (scoring/facts.go).

// maxCorrectIntents bounds the intents of a correction.
const maxCorrectIntents = 16

func (e *Engine) validateCorrect(a *Action) string {
	if e.f.s.Mode == "assessment" {
		return "intents can be corrected in practice, not in an assessment"
	}
	orig := e.f.line(a.Of)
	if orig == nil || actor(orig.by) != actor(a.By) {
		return fmt.Sprintf("there is no line of yours with seq %d to correct", a.Of)
	}
	if len(a.Intents) > maxCorrectIntents {
		return fmt.Sprintf("a correction has at most %d intents", maxCorrectIntents)
	}
	if why := e.normaliseIntents(a); why != "" {
		return why
	}
	a.Intents = dedup(a.Intents)
	slices.Sort(a.Intents)
	if slices.Equal(a.Intents, e.lineIntents(a.Of)) {
		return "the line already has these intents"
	}
	return ""
}

// normaliseIntents puts a's intents (a copy: the caller's slice is left
// alone) in lower case without surrounding spaces, and returns why one is
// refused: it is not an intent of the drill ("" when all are known).
func (e *Engine) normaliseIntents(a *Action) string {
	a.Intents = append([]string(nil), a.Intents...)
	for i, in := range a.Intents {
		in = strings.ToLower(strings.TrimSpace(in))
		a.Intents[i] = in
		if !e.p.known[in] {
			return fmt.Sprintf("unknown intent %q", in)
		}
	}
	return ""
}

// lineIntents are the intents the trainee's line seq carries now: as
// recognised, then as each later correction left them; sorted.
func (e *Engine) lineIntents(seq int64) []string {
	l := e.f.line(seq)
	if l == nil {
		return nil
	}
	in := slices.Clone(l.intents)
	slices.Sort(in)
	return in
}

// correct applies a validated correction.
func (e *Engine) correct(act *Action) {
	now := e.lineIntents(act.Of)
	var added, removed []string
	for _, in := range act.Intents {
		if !slices.Contains(now, in) {
			added = append(added, in)
		}
	}
	for _, in := range now {
		if !slices.Contains(act.Intents, in) {
			removed = append(removed, in)
		}
	}
	e.emit(Event{Type: EvAction, Action: act, Intents: added, Removed: removed})
	if len(added) == 0 {
		return
	}
	// The customer responds to what was added as to a line saying it.
	said := Action{Kind: ActSay, Text: e.f.line(act.Of).text, Intents: added}
	e.respond(&said, added, true)
}

// actor is who took an action: the trainee when the log says nobody.
func actor(by drillroom.Actor) drillroom.Actor {
	if by == "" {
		return drillroom.ActorTrainee
	}
	return by
}
