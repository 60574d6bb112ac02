package web

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/transcript"
)

// The debrief's summary: what a coach teaches from first. It holds the
// result (the score head), the few rules that mattered most with their
// evidence, what to practise next, the key measures, an assessment's
// absences, and the ways on: the drill again, the next drill.

// maxFocus is how many rules the summary puts first.
const maxFocus = 3

// focusItem is one of the rules that mattered most.
type focusItem struct {
	ID, Title, Section, Outcome, Feedback string
	Critical                              string
	Lost                                  float64 // points the call did not earn
	Evidence                              []scoring.Evidence
}

// practiseItem is a part of the rubric to practise: a section and the
// rules of it the call missed.
type practiseItem struct {
	Section string
	Rules   []string
	Lost    float64
}

// nextView is the debrief's way on, for the session's trainee.
type nextView struct {
	Scenario  string // the drill again
	RetryMode drillroom.Mode
	Drill     string // the next drill's id, title and mode
	Title     string
	Mode      drillroom.Mode
}

// missed reports whether a rule's outcome lost the call points.
func missed(r scoring.RuleResult) bool {
	return r.Outcome == scoring.Fail || r.Outcome == scoring.Error ||
		(r.Outcome == scoring.Partial && r.Points < r.Possible)
}

// focusOf picks the rules that mattered most: the critical failures first,
// then the most points lost, in the order of the scorecard when equal.
func focusOf(c *scoring.Scorecard) []focusItem {
	var out []focusItem
	for _, s := range c.Sections {
		for _, r := range s.Rules {
			if !missed(r) {
				continue
			}
			out = append(out, focusItem{ID: r.ID, Title: r.Title, Section: s.Title, Outcome: r.Outcome, Feedback: r.Feedback,
				Critical: r.Critical, Lost: max(r.Possible-r.Points, r.Max-r.Points, 0), Evidence: r.Evidence})
		}
	}
	slices.SortStableFunc(out, func(a, b focusItem) int {
		if (a.Critical != "") != (b.Critical != "") {
			if a.Critical != "" {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Lost, a.Lost)
	})
	return out[:min(len(out), maxFocus)]
}

// practiseOf lists the sections the call lost points in, the most lost
// first: what to practise next.
func practiseOf(c *scoring.Scorecard) []practiseItem {
	var out []practiseItem
	for _, s := range c.Sections {
		p := practiseItem{Section: s.Title}
		for _, r := range s.Rules {
			if missed(r) {
				p.Rules = append(p.Rules, r.Title)
				p.Lost += max(r.Possible-r.Points, r.Max-r.Points, 0)
			}
		}
		if len(p.Rules) > 0 {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b practiseItem) int { return cmp.Compare(b.Lost, a.Lost) })
	return out[:min(len(out), 2)]
}

// keyKPIs are the measures the summary shows: handling time, longest
// silence and satisfaction.
func keyKPIs(all []kpiItem) []kpiItem {
	var out []kpiItem
	for _, k := range all {
		switch k.Name {
		case "Handling time (AHT)", "Longest silence", "Customer satisfaction (CSAT)":
			out = append(out, k)
		}
	}
	return out
}

// absences are the clock's lines the runner wrote for the trainee's
// absence or a restart: a coach sees every one, and the budget an
// assessment spent.
func absences(rows []transcript.Line) []transcript.Line {
	var out []transcript.Line
	for _, r := range rows {
		if r.Who == transcript.Texts["who.clock"] && r.By == drillroom.ActorSystem {
			out = append(out, r)
		}
	}
	return out
}

func newNextView(x drillroom.Session, n training.Next) *nextView {
	if n.Retry == "" && n.Drill == nil {
		return nil
	}
	v := &nextView{Scenario: x.ScenarioID, RetryMode: n.Retry}
	if n.Drill != nil {
		v.Drill, v.Title, v.Mode = n.Drill.ScenarioID, n.Drill.Title, n.Mode
	}
	return v
}

// silenceCheck finds a rubric check that bounds the longest silence:
// longest_silence() (or longest_gap("call")) compared with a policy value
// or a number of seconds.
var silenceCheck = regexp.MustCompile(`(?:longest_silence\(\)|longest_gap\("call"\))\s*<=?\s*(policy\.([a-z_]+)|[0-9]+(?:\.[0-9]+)?)`)

// silenceStandard is the silence the rubric allows, which the mood chart
// and the timeline mark: the limit of the first rule that checks the
// longest silence, else the policy's max_silence, else a minute. rule is
// that rule's title ("" when none checks it).
func silenceStandard(sc *scenarios.Scenario) (limit int64, rule string) {
	cadence := map[string]scenarios.Duration{}
	if p := sc.Resolved; p != nil {
		c := p.Cadence
		cadence = map[string]scenarios.Duration{"max_silence": c.MaxSilence, "first_response": c.FirstResponse,
			"hold_update": c.HoldUpdate, "waiting_update": c.WaitingUpdate, "team_update": c.TeamUpdate}
	}
	for _, s := range sc.Rubric.Sections {
		for _, r := range s.Rules {
			m := silenceCheck.FindStringSubmatch(r.Check.Src)
			if m == nil {
				continue
			}
			if m[2] != "" {
				if d := cadence[m[2]]; d > 0 {
					return d.Millis(), r.Title
				}
				continue
			}
			if sec, err := strconv.ParseFloat(m[1], 64); err == nil && sec > 0 {
				return int64(sec * 1000), r.Title
			}
		}
	}
	if d := cadence["max_silence"]; d > 0 {
		return d.Millis(), ""
	}
	return 60000, ""
}

// silenceLegend says what the chart's shading means.
func silenceLegend(limit int64, rule string) string {
	s := "silence over " + transcript.Duration(limit)
	if rule != "" {
		s += fmt.Sprintf(" (the standard of “%s”)", strings.TrimSpace(rule))
	}
	return s
}
