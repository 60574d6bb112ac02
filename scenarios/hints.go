package scenarios

import "fmt"

// DefaultHintCost is what one desk hint costs a practice call in points
// when the policy does not say (Policy.HintCost).
const DefaultHintCost = 1.0

// MaxHintCost is the most a policy may charge for one hint.
const MaxHintCost = 100

// HintCost is what one desk hint costs in practice, in points: the
// policy's hint_cost, or DefaultHintCost.
func (sc *Scenario) HintCost() float64 {
	if pol := sc.Resolved; pol != nil && pol.HintCost != nil {
		return *pol.HintCost
	}
	return DefaultHintCost
}

// DeskHints are the hints a practice call may ask for, one at a time: how
// the policy asks a call to be handled, in the order a call goes. They
// come from the policy's standards and the desk's controls, never from the
// drill's ground truth, so they hold for every drill of the policy.
func DeskHints(sc *Scenario) []string {
	h := []string{
		"Greet the caller and get the exact address and a callback number first: if the call drops, that is what you need.",
		"Ask what is happening now and give safety advice before anything else when someone may be in danger.",
		"Classify once you know enough: the category, then the priority from urgency and impact.",
		"Dispatch or escalate with a handover: tick what you tell them under Hand over and add a line of your own.",
		"Record the details as you learn them; the caller panel fills from what you record.",
	}
	if pol := sc.Resolved; pol != nil {
		if d := pol.Cadence.MaxSilence; d > 0 {
			h = append(h, "Keep the caller informed: never leave them more than "+SpokenDuration(d.Millis())+" without a word (the policy's standard).")
		}
		if d := pol.Cadence.HoldUpdate; d > 0 {
			h = append(h, "Tell the caller before you put them on hold, and come back within "+SpokenDuration(d.Millis())+".")
		}
	}
	return append(h,
		"If you promise an update, give it by the time you promised: the task strip counts down to it.",
		"Answer the responders' questions: they stay open in the task strip until you send them what they asked for.",
		"Close the call with the resolution that says how it ended, once nothing is left open.")
}

// SpokenDuration words a duration for a sentence: "2 minutes", "1 minute
// 30 seconds", "45 seconds".
func SpokenDuration(ms int64) string {
	s := ms / 1000
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch m, r := s/60, s%60; {
	case m == 0:
		return unit(r, "second")
	case r == 0:
		return unit(m, "minute")
	default:
		return unit(m, "minute") + " " + unit(r, "second")
	}
}
