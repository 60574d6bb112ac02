package scoring

import "github.com/drillroom/drillroom"

// RuleOutcomes lists every rule's result in the card as the store keeps it
// beside the scorecard: one drillroom.RuleOutcome per rule, in the card's
// order, with the card's rubric hash. The session id is left to the store.
func (c *Scorecard) RuleOutcomes() []drillroom.RuleOutcome {
	var out []drillroom.RuleOutcome
	for _, sec := range c.Sections {
		for _, r := range sec.Rules {
			section := r.Section
			if section == "" {
				section = sec.ID
			}
			out = append(out, drillroom.RuleOutcome{
				RubricHash: c.RubricHash,
				RuleID:     r.ID,
				Section:    section,
				Title:      r.Title,
				Outcome:    r.Outcome,
				Points:     r.Points,
				MaxPoints:  r.Max,
				Critical:   r.Critical,
			})
		}
	}
	return out
}
