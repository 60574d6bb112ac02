package scoring

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// WriteText writes the scorecard as the terminal shows it: the verdict,
// then each section and rule with its feedback and evidence, then KPIs.
func WriteText(w io.Writer, c *Scorecard) error {
	b := bufio.NewWriter(w)
	verdict := "FAIL"
	if c.Passed {
		verdict = "PASS"
	}
	fmt.Fprintf(b, "%s v%d", c.Scenario, c.Version)
	if c.LogVersion != c.Version {
		fmt.Fprintf(b, " (re-scored: log played against v%d)", c.LogVersion)
	}
	fmt.Fprintf(b, "  rubric %.12s  scoring %s\n", c.RubricHash, c.Scoring)
	fmt.Fprintf(b, "Total %s%% (%s of %s points)  %s  %s (pass mark %s%%)\n",
		num(c.Total), num(c.Points), num(c.Possible), or(c.BandTitle, "no band"), verdict, num(c.PassMark))
	if len(c.CriticalFailed) > 0 {
		fmt.Fprintf(b, "Critical failures: %s\n", strings.Join(c.CriticalFailed, ", "))
	}
	if len(c.Pending) > 0 {
		fmt.Fprintf(b, "Provisional: awaiting a coach for %s\n", strings.Join(c.Pending, ", "))
	}
	for _, s := range c.Sections {
		fmt.Fprintln(b)
		tag := ""
		if s.Bonus {
			tag += " [bonus]"
		}
		if s.Zeroed {
			tag += " [zeroed by a critical failure]"
		}
		weight := ""
		if c.Scoring == MethodWeighted {
			weight = fmt.Sprintf("  weight %s", num(s.Weight))
		}
		pct := num(s.Percent) + "%"
		if s.Possible == 0 {
			pct = "nothing scored"
		}
		fmt.Fprintf(b, "%s%s  %s/%s  %s%s\n", s.Title, tag, num(s.Points), num(s.Possible), pct, weight)
		for _, r := range s.Rules {
			crit := ""
			if r.Critical != "" {
				crit = " (critical: " + r.Critical + ")"
			}
			fmt.Fprintf(b, "  %-7s %s  %s/%s  %s%s\n", strings.ToUpper(r.Outcome), r.ID, num(r.Points), num(r.Possible), r.Title, crit)
			if r.Feedback != "" {
				fmt.Fprintf(b, "          %s\n", r.Feedback)
			}
			if r.Error != "" {
				fmt.Fprintf(b, "          error: %s\n", r.Error)
			}
			for _, e := range r.Evidence {
				fmt.Fprintf(b, "          %s %s\n", evidenceRef(e), e.Note)
			}
		}
	}
	k := c.KPIs
	fmt.Fprintln(b)
	fmt.Fprintln(b, "KPIs")
	fmt.Fprintf(b, "  handling time %s (talk %s, hold %s, wrap-up %s)\n", dur(k.HandlingTime), dur(k.TalkTime), dur(k.HoldTime), dur(k.WrapUp))
	fmt.Fprintf(b, "  first contact resolution %s; CSAT %d/5 (simulated)\n", yesNo(k.FirstContactResolution), k.CSAT)
	fmt.Fprintf(b, "  time to classify %s; to first escalation %s; longest silence %s\n", never(k.TimeToClassify), never(k.TimeToFirstEscalation), dur(k.LongestSilence))
	return b.Flush()
}

// evidenceRef is "#12 @1m5s", or "@3m" for a deadline with no event.
func evidenceRef(e Evidence) string {
	at := "@" + clockOf(secs(e.T))
	if e.Seq == 0 {
		return at
	}
	return fmt.Sprintf("#%d %s", e.Seq, at)
}

func num(x float64) string { return scenarios.FormatValue(x) }

func dur(s float64) string { return clockOf(s) }

func never(s float64) string {
	if s < 0 {
		return "never"
	}
	return dur(s)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
