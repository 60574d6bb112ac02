package scoring

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// AppliedMark is how one current mark fared when ApplyMarks applied it:
// Err says why it was skipped (it no longer fits the rubric), nil when it
// was applied.
type AppliedMark struct {
	Mark drillroom.Mark
	Err  error
}

// ApplyMarks returns the official scorecard: a copy of auto with the
// current mark of each rule applied (the newest mark of a rule, a
// withdrawal taking the rule back to its automatic outcome), one at a
// time, so that a mark that no longer fits the rubric (its rule gone, made
// manual or automatic, or its points over the new maximum) is skipped and
// reported, never blocking the others. It also returns the current mark
// per rule and, in the order the rules were first marked, how each fared.
// auto is not changed.
func ApplyMarks(auto *Scorecard, marks []drillroom.Mark) (*Scorecard, map[string]drillroom.Mark, []AppliedMark) {
	official := auto.Clone()
	current := map[string]drillroom.Mark{}
	var order []string
	for _, mk := range marks {
		if _, ok := current[mk.RuleID]; !ok && !containsRule(order, mk.RuleID) {
			order = append(order, mk.RuleID)
		}
		if mk.Kind == drillroom.MarkWithdraw {
			delete(current, mk.RuleID)
			continue
		}
		current[mk.RuleID] = mk
	}
	var applied []AppliedMark
	for _, id := range order {
		mk, ok := current[id]
		if !ok {
			continue
		}
		applied = append(applied, AppliedMark{Mark: mk, Err: applyMark(official, mk)})
	}
	return official, current, applied
}

func containsRule(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// CheckMark says why mk cannot be applied to card, or nil when it can;
// card is not changed.
func CheckMark(card *Scorecard, mk drillroom.Mark) error {
	return applyMark(card.Clone(), mk)
}

// applyMark applies one mark to card, or changes nothing and says why not.
func applyMark(card *Scorecard, mk drillroom.Mark) error {
	r, ok := card.Rule(mk.RuleID)
	if !ok {
		return errors.New("the rule is no longer in the rubric")
	}
	points := MarkPoints(mk.Outcome, mk.Points, r.Max)
	switch {
	case mk.Kind == drillroom.MarkManual && !r.Manual:
		return errors.New("the rule is now scored automatically")
	case mk.Kind == drillroom.MarkOverride && r.Manual:
		return errors.New("the rule is now a manual one")
	case mk.Kind == drillroom.MarkManual:
		return ApplyManual(card, map[string]Manual{mk.RuleID: {Points: points, NA: mk.Outcome == NA, Note: mk.Reason}})
	}
	return ApplyOverrides(card, map[string]Override{mk.RuleID: {Outcome: mk.Outcome, Points: points, Reason: mk.Reason}})
}

// MarkPoints is what an outcome is worth on a rule of max points: full
// marks for a pass, none for a fail or na, the points given for a partial.
func MarkPoints(outcome string, points, max float64) float64 {
	switch outcome {
	case Pass:
		return max
	case Partial:
		return points
	}
	return 0
}

// Clone returns a deep copy of c.
func (c *Scorecard) Clone() *Scorecard {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("scoring: copy scorecard: %v", err)) // a Scorecard always encodes
	}
	var out Scorecard
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("scoring: copy scorecard: %v", err))
	}
	return &out
}

// Changes lists the rules whose outcome or points in official differ from
// auto's (official being auto with marks applied), in the rubric's order.
func Changes(auto, official *Scorecard) []drillroom.RuleChange {
	var out []drillroom.RuleChange
	for _, sec := range official.Sections {
		for _, r := range sec.Rules {
			a, ok := auto.Rule(r.ID)
			if !ok || a.Outcome != r.Outcome || a.Points != r.Points {
				out = append(out, drillroom.RuleChange{RuleID: r.ID, Outcome: r.Outcome, Points: r.Points})
			}
		}
	}
	return out
}
