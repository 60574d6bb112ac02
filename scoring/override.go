package scoring

import (
	"errors"
	"fmt"
)

// Override is a coach's replacement of an automatic rule's outcome: pass
// (the rule's full points), fail (none), partial (Points, between) or na
// (the rule leaves the denominator). Reason is shown as the rule's feedback.
type Override struct {
	Outcome string  `json:"outcome"`
	Points  float64 `json:"points,omitempty"` // for partial only
	Reason  string  `json:"reason"`
}

// Automatic is what the rubric gave a rule before a coach overrode it.
type Automatic struct {
	Outcome  string  `json:"outcome"`
	Points   float64 `json:"points"`
	Possible float64 `json:"possible"`
	Feedback string  `json:"feedback,omitempty"`
}

// ApplyOverrides replaces the outcomes of automatic rules by a coach's and
// recomputes the sections, total, band and verdict, as ApplyManual does
// for manual rules. Each overridden rule keeps what the rubric gave it in
// Auto, so the scorecard shows both. An override of a critical rule to a
// pass lifts its critical failure; one to a fail imposes it. It changes
// nothing and returns an error if any id is unknown or a manual rule, an
// outcome is not pass, fail, partial or na, a partial's points are not
// strictly between 0 and the rule's max, or a reason is empty.
func ApplyOverrides(c *Scorecard, overrides map[string]Override) error {
	return applyMarks(c, overrides, "override of", func(r *RuleResult, o Override) error {
		if r.Manual {
			return errors.New("a manual rule is scored, not overridden")
		}
		switch o.Outcome {
		case Pass, Fail, NA:
		case Partial:
			if o.Points <= 0 || o.Points >= r.Max {
				return fmt.Errorf("partly met with %g points, want more than 0 and less than %g", o.Points, r.Max)
			}
		default:
			return fmt.Errorf("outcome %q, want pass, fail, partial or na", o.Outcome)
		}
		if o.Reason == "" {
			return errors.New("no reason")
		}
		return nil
	}, func(r *RuleResult, o Override) {
		if r.Auto == nil {
			r.Auto = &Automatic{Outcome: r.Outcome, Points: r.Points, Possible: r.Possible, Feedback: r.Feedback}
		}
		r.Feedback, r.Error = o.Reason, ""
		switch o.Outcome {
		case Pass:
			r.Outcome, r.Points, r.Possible = Pass, r.Max, r.Max
		case Fail:
			r.Outcome, r.Points, r.Possible = Fail, 0, r.Max
		case NA:
			r.Outcome, r.Points, r.Possible = NA, 0, 0
		case Partial:
			r.Outcome, r.Points, r.Possible = Partial, o.Points, r.Max
		}
	})
}
