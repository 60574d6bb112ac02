package scenarios

import (
	"fmt"
	"strings"
)

// The classic mistakes every rubric must be able to catch (DESIGN.md, "What
// a drill teaches"), as rubric.mistakes keys and test mistake tags.
const (
	MistakeMisclassification = "misclassification" // classified or prioritised wrongly
	MistakeUninformed        = "uninformed"        // the customer not kept informed
	MistakeNotInvolved       = "not_involved"      // a specialist team or manager not involved
	MistakeIncompleteRecord  = "incomplete_record" // the incident not recorded comprehensively
	MistakeOverEscalation    = "over_escalation"   // a service or team involved that was not needed
)

// ClassicMistakes lists the classic mistakes in the order tools report them.
var ClassicMistakes = []string{MistakeMisclassification, MistakeUninformed, MistakeNotInvolved, MistakeIncompleteRecord, MistakeOverEscalation}

// MistakeFailsDrill reports whether a play that makes mistake m, alone,
// must fail the drill. Over-escalation must only cost the top band: an
// ambulance sent "just in case" is a lesson, not a failed call.
func MistakeFailsDrill(m string) bool { return m != MistakeOverEscalation }

// checkCalibration checks rubric.mistakes and what the tests name: rule
// ids, bands, endings, beats and reactions, services, teams, phases,
// categories and priorities, so that validate reports a test's typo
// before drillroom test runs it. It also checks that the pass mark is a
// band boundary, so that no band straddles pass and fail.
func (c *checker) calibration() {
	s := c.s
	rules := map[string]bool{}
	for _, sec := range s.Rubric.Sections {
		for _, r := range sec.Rules {
			rules[r.ID] = true
		}
	}
	declared := map[string]bool{}
	for _, m := range sortedKeys(s.Rubric.Mistakes) {
		path := "rubric.mistakes." + m
		if !contains(ClassicMistakes, m) {
			c.l.add(CodeEnum, c.d.keyAt(path), "rubric.mistakes: %q is not a classic mistake; use %s%s", m, orList(ClassicMistakes), suggest(m, ClassicMistakes))
			continue
		}
		for i, id := range s.Rubric.Mistakes[m] {
			if !rules[id] {
				p := fmt.Sprintf("%s[%d]", path, i)
				c.l.add(CodeUnknownRule, c.d.at(p), "%s: no rule has id %q%s", p, id, suggestKey(id, rules))
			}
		}
		declared[m] = len(s.Rubric.Mistakes[m]) > 0
	}
	var bands []Band
	if c.pol != nil {
		bands = c.pol.Bands
		c.passMark(bands)
	}
	for i := range s.Tests {
		c.test(i, rules, declared, bands)
	}
}

// passMark checks that the pass mark in force is the min of a band.
func (c *checker) passMark(bands []Band) {
	pm, path := c.pol.PassMark, "policy"
	switch {
	case c.s.Rubric.PassMark > 0:
		pm, path = c.s.Rubric.PassMark, "rubric.pass_mark"
	case c.s.Overrides != nil && c.s.Overrides.PassMark != nil:
		path = "overrides.pass_mark"
	case c.s.Overrides != nil && len(c.s.Overrides.Bands) > 0:
		path = "overrides.bands"
	}
	var mins []string
	for _, b := range bands {
		if b.Min == pm {
			return
		}
		mins = append(mins, FormatValue(b.Min))
	}
	if len(bands) == 0 {
		return
	}
	c.l.add(CodePassMarkBand, c.d.at(path), "the pass mark %s%% falls inside a band, so that band holds passes and fails (a failed drill is given the band below); make the pass mark one of the band minimums (%s) or move a band to it",
		FormatValue(pm), strings.Join(mins, ", "))
}

// lintMistakes warns about each classic mistake the rubric declares no
// rule for. An over-escalation declared as [] is a statement that the
// drill has nobody to over-escalate to; the other four always apply.
func lintMistakes(s *Scenario, d *decoder, l *diagList) {
	var missing []string
	for _, m := range ClassicMistakes {
		ids, ok := s.Rubric.Mistakes[m]
		if len(ids) > 0 || ok && m == MistakeOverEscalation {
			continue
		}
		missing = append(missing, m)
	}
	if len(missing) == 0 {
		return
	}
	p := d.keyAt("rubric")
	if d.has("rubric.mistakes") {
		p = d.keyAt("rubric.mistakes")
	}
	l.add(CodeNoMistakeRule, p, "no rule is declared to catch %s: list the rules that catch each classic mistake under rubric.mistakes (see docs/scoring.md, Calibrating a rubric)", strings.Join(missing, ", "))
}
