package drillroom

import "strings"

// ParseRuleMarks reads the rule outcomes a store keeps with each scored
// session for analytics (scorecard_facts.outcomes in SQLite and
// PostgreSQL): "rule=outcome" pairs separated by spaces (rule ids have
// neither), in the rubric's order.
func ParseRuleMarks(s string) []RuleMark {
	if s == "" {
		return nil
	}
	out := make([]RuleMark, 0, strings.Count(s, " ")+1)
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, " ")
		i := strings.LastIndexByte(pair, '=')
		if i <= 0 {
			continue
		}
		out = append(out, RuleMark{RuleID: pair[:i], Outcome: pair[i+1:]})
	}
	return out
}
