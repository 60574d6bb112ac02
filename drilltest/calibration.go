package drilltest

import (
	"fmt"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
)

// checkCalibration holds a tagged play to the calibration standard
// (docs/scoring.md, "Calibrating a rubric"): a play that makes one classic
// mistake fails the drill (an over-escalation leaves the top band) and
// fails at least one rule rubric.mistakes declares for that mistake; a good
// play passes in the top band. It is checked after the test's own expect,
// whatever that says.
func checkCalibration(sc *scenarios.Scenario, t *scenarios.Test, card *scoring.Scorecard) *failure {
	top := ""
	if len(card.Bands) > 0 {
		top = card.Bands[0].ID
	}
	verdict := fmt.Sprintf("score %s%%, band %q, passed %v", scenarios.FormatValue(card.Total), card.Band, card.Passed)
	if t.Good {
		if !card.Passed || card.Band != top {
			return fail(t.Pos, "calibration: a good play must pass in the top band %q; got %s%s", top, verdict, failedRules(card))
		}
		return nil
	}
	m := t.Mistake
	if m == "" {
		return nil
	}
	ids := sc.Rubric.Mistakes[m]
	failed := false
	for _, id := range ids {
		if r, ok := card.Rule(id); ok && r.Outcome == scoring.Fail {
			failed = true
		}
	}
	if !failed {
		return fail(t.Pos, "calibration: a play tagged %s must fail one of the rules that catch it (%s); none failed", m, strings.Join(ids, ", "))
	}
	if scenarios.MistakeFailsDrill(m) && card.Passed {
		return fail(t.Pos, "calibration: %s alone must fail the drill; got %s (pass mark %s%%)%s", m, verdict, scenarios.FormatValue(card.PassMark), failedRules(card))
	}
	if !scenarios.MistakeFailsDrill(m) && card.Band == top {
		return fail(t.Pos, "calibration: %s must cost the top band %q; got %s%s", m, top, verdict, failedRules(card))
	}
	return nil
}

// calibrationGaps lists what a drill that declares rubric.mistakes lacks:
// a play tagged with each mistake it declares rules for, and a good play.
func calibrationGaps(sc *scenarios.Scenario) []string {
	if sc.Rubric.Mistakes == nil {
		return nil
	}
	tagged := map[string]bool{}
	good := false
	for _, t := range sc.Tests {
		tagged[t.Mistake] = true
		good = good || t.Good
	}
	var out []string
	for _, m := range scenarios.ClassicMistakes {
		if len(sc.Rubric.Mistakes[m]) > 0 && !tagged[m] {
			out = append(out, "no test tagged mistake: "+m)
		}
	}
	if !good {
		out = append(out, "no test tagged good: true")
	}
	return out
}
