package drillroom

import (
	"slices"
	"strconv"
	"strings"
)

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

// FormatRuleChanges writes rule changes as a store keeps them with a
// session's official result: "rule=outcome:points" pairs separated by
// spaces.
func FormatRuleChanges(cs []RuleChange) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.RuleID + "=" + c.Outcome + ":" + strconv.FormatFloat(c.Points, 'g', -1, 64))
	}
	return b.String()
}

// ParseRuleChanges reads what FormatRuleChanges wrote; malformed pairs are
// skipped.
func ParseRuleChanges(s string) []RuleChange {
	var out []RuleChange
	for _, pair := range strings.Fields(s) {
		i := strings.LastIndexByte(pair, '=')
		if i <= 0 {
			continue
		}
		outcome, points, ok := strings.Cut(pair[i+1:], ":")
		p, err := strconv.ParseFloat(points, 64)
		if !ok || err != nil {
			continue
		}
		out = append(out, RuleChange{RuleID: pair[:i], Outcome: outcome, Points: p})
	}
	return out
}

// ApplyRuleChanges returns rules with the outcomes of changes put in (a
// new slice; rules is not changed).
func ApplyRuleChanges(rules []RuleMark, changes []RuleChange) []RuleMark {
	if len(changes) == 0 {
		return rules
	}
	out := slices.Clone(rules)
	for _, c := range changes {
		for i := range out {
			if out[i].RuleID == c.RuleID {
				out[i].Outcome = c.Outcome
			}
		}
	}
	return out
}

// SetOfficial makes x report its official result when current is true
// (total, band, passed and the rule changes as a store keeps them, see
// FormatRuleChanges), keeping the automatic result in x.Auto either way.
func (x *ScoredSession) SetOfficial(current bool, total float64, band string, passed bool, changes string) {
	x.Auto = Headline{Total: x.Total, Band: x.Band, Passed: x.Passed, Rules: x.Rules}
	if !current {
		return
	}
	x.Official = true
	x.Total, x.Band, x.Passed = total, band, passed
	x.Rules = ApplyRuleChanges(x.Rules, ParseRuleChanges(changes))
}

// SetOfficial makes o report its session's official outcome when current
// is true (changes are the session's), keeping the automatic one.
func (o *OutcomeRecord) SetOfficial(current bool, changes []RuleChange) {
	o.AutoOutcome, o.AutoPoints, o.Official = o.Outcome, o.Points, current
	for _, c := range changes {
		if c.RuleID == o.RuleID {
			o.Outcome, o.Points = c.Outcome, c.Points
		}
	}
}

// MarksReleased returns the marks that release r gives the trainee (those
// it covers, see Release.Covers). A zero release gives none.
func MarksReleased(marks []Mark, r Release) []Mark {
	var out []Mark
	for _, m := range marks {
		if r.Covers(m.ID, 0) {
			out = append(out, m)
		}
	}
	return out
}
