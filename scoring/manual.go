package scoring

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Manual is a coach's score for one manual rule.
type Manual struct {
	Points float64 `json:"points"`         // 0 to the rule's max
	NA     bool    `json:"na,omitempty"`   // not applicable: leaves the denominator
	Note   string  `json:"note,omitempty"` // shown as the rule's feedback
}

// ApplyManual records a coach's scores for manual rules and recomputes the
// sections, total, band and verdict; scored rules leave the pending list.
// A full score is a pass, zero a fail and anything between partial. It
// changes nothing and returns an error if any id is unknown, is not a
// manual rule, or has points outside 0 to the rule's max.
func ApplyManual(c *Scorecard, scores map[string]Manual) error {
	return applyMarks(c, scores, "manual score for", func(r *RuleResult, m Manual) error {
		if !r.Manual {
			return errors.New("the rule is scored automatically")
		}
		if !m.NA && (m.Points < 0 || m.Points > r.Max) {
			return fmt.Errorf("%g points, want 0 to %g", m.Points, r.Max)
		}
		return nil
	}, func(r *RuleResult, m Manual) {
		r.Feedback, r.Error = m.Note, ""
		switch {
		case m.NA:
			r.Outcome, r.Points, r.Possible = NA, 0, 0
		case m.Points == r.Max:
			r.Outcome, r.Points, r.Possible = Pass, m.Points, r.Max
		case m.Points == 0:
			r.Outcome, r.Points, r.Possible = Fail, 0, r.Max
		default:
			r.Outcome, r.Points, r.Possible = Partial, m.Points, r.Max
		}
	})
}

// applyMarks is how ApplyManual and ApplyOverrides change a scorecard: it
// checks the mark of every rule marks names, in id order, and changes
// nothing if one is refused (an error that names the rule after what);
// then it applies each and recomputes the card.
func applyMarks[M any](c *Scorecard, marks map[string]M, what string, check func(*RuleResult, M) error, apply func(*RuleResult, M)) error {
	ids := slices.Sorted(maps.Keys(marks))
	for _, id := range ids {
		r, ok := c.Rule(id)
		if !ok {
			return fmt.Errorf("%s %q: no such rule", what, id)
		}
		if err := check(r, marks[id]); err != nil {
			return fmt.Errorf("%s %q: %w", what, id, err)
		}
	}
	for _, id := range ids {
		r, _ := c.Rule(id)
		apply(r, marks[id])
	}
	c.recompute()
	return nil
}
