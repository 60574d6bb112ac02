package scoring

import (
	"fmt"
	"sort"
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
	ids := make([]string, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r, ok := c.Rule(id)
		if !ok {
			return fmt.Errorf("manual score for %q: no such rule", id)
		}
		if !r.Manual {
			return fmt.Errorf("manual score for %q: the rule is scored automatically", id)
		}
		if m := scores[id]; !m.NA && (m.Points < 0 || m.Points > r.Max) {
			return fmt.Errorf("manual score for %q: %g points, want 0 to %g", id, m.Points, r.Max)
		}
	}
	for _, id := range ids {
		r, _ := c.Rule(id)
		m := scores[id]
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
	}
	c.recompute()
	return nil
}
