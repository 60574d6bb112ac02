// Package drilltest runs the tests: section of scenario files: scripted
// runs with expectations, random walks and golden transcripts, and reports
// which beats, reactions and rules they exercised.
package drilltest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// Options select and configure test runs.
type Options struct {
	Run    *regexp.Regexp // only tests whose name matches (nil: all)
	Update bool           // rewrite golden files instead of comparing
	// Scored, when set, receives the scorecard of every scripted test that
	// played to the end, before its expectations are checked.
	Scored func(t *scenarios.Test, card *scoring.Scorecard)
}

// Result is the outcome of one test.
type Result struct {
	File     string // the scenario file
	Scenario string
	Test     string
	Passed   bool
	Reason   string        // why it failed
	Pos      scenarios.Pos // where the failed step or expectation was written (zero: unknown)
	Updated  bool          // a golden file was rewritten
}

// String formats r as drillroom test prints it.
func (r Result) String() string {
	if r.Passed {
		s := fmt.Sprintf("ok   %s %s", r.File, r.Test)
		if r.Updated {
			s += " (golden updated)"
		}
		return s
	}
	s := fmt.Sprintf("FAIL %s %s: %s", r.File, r.Test, r.Reason)
	if r.Pos.Line > 0 {
		s += fmt.Sprintf(" (%s:%d)", r.File, r.Pos.Line)
	}
	return s
}

// Coverage records what a scenario's tests exercised.
type Coverage struct {
	File      string
	Scenario  string
	Beats     map[string]int // beat id -> runs in which it fired
	Reactions map[string]int
	Rules     map[string]int // rule id -> runs whose scorecard evaluated it to pass or fail (manual rules: a test's coach scored it)
	sc        *scenarios.Scenario
}

func newCoverage(sc *scenarios.Scenario) *Coverage {
	c := &Coverage{File: sc.File, Scenario: sc.ID, Beats: map[string]int{}, Reactions: map[string]int{}, Rules: map[string]int{}, sc: sc}
	for _, b := range sc.Timeline {
		c.Beats[b.ID] = 0
	}
	for _, r := range sc.Reactions {
		c.Reactions[r.ID] = 0
	}
	for _, s := range sc.Rubric.Sections {
		for _, r := range s.Rules {
			c.Rules[r.ID] = 0
		}
	}
	return c
}

// add counts one run's log and scorecard (card may be nil).
func (c *Coverage) add(log []simulator.Event, card *scoring.Scorecard) {
	seen := map[string]bool{}
	for _, ev := range log {
		key := string(ev.Type) + ":" + ev.ID
		if seen[key] {
			continue
		}
		seen[key] = true
		switch ev.Type {
		case simulator.EvBeat:
			c.Beats[ev.ID]++
		case simulator.EvReaction:
			c.Reactions[ev.ID]++
		}
	}
	if card == nil {
		return
	}
	for _, sec := range card.Sections {
		for _, r := range sec.Rules {
			if _, ok := c.Rules[r.ID]; ok && (r.Outcome == scoring.Pass || r.Outcome == scoring.Fail || r.Outcome == scoring.Partial) {
				c.Rules[r.ID]++
			}
		}
	}
}

// Missed lists what no run exercised, in file order, as "beat ID",
// "reaction ID" or "rule ID" with the line it was written on.
func (c *Coverage) Missed() []string {
	var out []string
	for _, b := range c.sc.Timeline {
		if c.Beats[b.ID] == 0 {
			out = append(out, fmt.Sprintf("beat %s (line %d)", b.ID, b.Pos.Line))
		}
	}
	for _, r := range c.sc.Reactions {
		if c.Reactions[r.ID] == 0 {
			out = append(out, fmt.Sprintf("reaction %s (line %d)", r.ID, r.Pos.Line))
		}
	}
	for _, s := range c.sc.Rubric.Sections {
		for _, r := range s.Rules {
			if n, ok := c.Rules[r.ID]; ok && n == 0 {
				out = append(out, fmt.Sprintf("rule %s (line %d)", r.ID, r.Pos.Line))
			}
		}
	}
	return out
}

// Summary is one line: how much of each kind was exercised.
func (c *Coverage) Summary() string {
	count := func(m map[string]int) (int, int) {
		n := 0
		for _, v := range m {
			if v > 0 {
				n++
			}
		}
		return n, len(m)
	}
	b, bt := count(c.Beats)
	r, rt := count(c.Reactions)
	u, ut := count(c.Rules)
	return fmt.Sprintf("%s: beats %d/%d, reactions %d/%d, rules %d/%d", c.File, b, bt, r, rt, u, ut)
}

// RunScenario runs the tests of one scenario.
func RunScenario(sc *scenarios.Scenario, opts Options) ([]Result, *Coverage) {
	cov := newCoverage(sc)
	var out []Result
	// Every test plays the same prepared drill.
	d, prepErr := simulator.Prepare(sc)
	names := map[string]int{}
	for i := range sc.Tests {
		t := &sc.Tests[i]
		if opts.Run != nil && !opts.Run.MatchString(t.Name) {
			continue
		}
		name := t.Name
		if name == "" {
			name = fmt.Sprintf("test %d", i+1)
		}
		names[name]++
		res := Result{File: sc.File, Scenario: sc.ID, Test: name, Passed: true}
		var f *failure
		switch {
		case prepErr != nil:
			f = fail(t.Pos, "%v", prepErr)
		case t.Walk != nil:
			f = runWalk(d, t, cov)
		default:
			var updated bool
			updated, f = runScripted(d, t, cov, opts)
			res.Updated = updated
		}
		if f != nil {
			res.Passed, res.Reason, res.Pos = false, f.reason, f.pos
			if res.Pos.Line == 0 {
				res.Pos = t.Pos
			}
		}
		if names[name] > 1 {
			res.Passed, res.Reason, res.Pos = false, "duplicate test name", t.Pos
		}
		out = append(out, res)
	}
	if opts.Run == nil {
		if gaps := calibrationGaps(sc); len(gaps) > 0 {
			out = append(out, Result{File: sc.File, Scenario: sc.ID, Test: "calibration",
				Reason: strings.Join(gaps, "; "), Pos: scenarios.Pos{Line: 1, Col: 1}})
		}
	}
	return out, cov
}

// failure is why a test failed and where.
type failure struct {
	reason string
	pos    scenarios.Pos
}

func fail(pos scenarios.Pos, format string, args ...any) *failure {
	return &failure{reason: fmt.Sprintf(format, args...), pos: pos}
}

// matchGlob reports whether s matches the glob pattern (* matches any run
// of characters), case-insensitively.
func matchGlob(pattern, s string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(s)
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == t
	}
	if !strings.HasPrefix(t, parts[0]) {
		return false
	}
	t = t[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		j := strings.Index(t, parts[i])
		if j < 0 {
			return false
		}
		t = t[j+len(parts[i]):]
	}
	return strings.HasSuffix(t, parts[len(parts)-1])
}

func matches(m scenarios.EventMatch, ev simulator.Event) bool {
	if m.Type != "" && string(ev.Type) != m.Type {
		return false
	}
	if m.From != "" && ev.From != m.From {
		return false
	}
	if m.ID != "" && ev.ID != m.ID {
		return false
	}
	if m.Text != "" {
		text := ev.Text
		if ev.Type == simulator.EvRejected {
			text = ev.Reason
		}
		if !matchGlob(m.Text, text) {
			return false
		}
	}
	return true
}

func describe(m scenarios.EventMatch) string {
	var parts []string
	if m.Type != "" {
		parts = append(parts, "type "+m.Type)
	}
	if m.From != "" {
		parts = append(parts, "from "+m.From)
	}
	if m.ID != "" {
		parts = append(parts, "id "+m.ID)
	}
	if m.Text != "" {
		parts = append(parts, fmt.Sprintf("text %q", m.Text))
	}
	if len(parts) == 0 {
		return "any event"
	}
	return strings.Join(parts, ", ")
}

// summarise lists the visible lines of evs for a failure message.
// formatEvent is ev as a failure shows it: the transcript's form, and a
// queued reply as the line it will be.
func formatEvent(ev simulator.Event) string {
	if ev.Type == simulator.EvReply {
		return ev.From + ": " + ev.Text + " (to be said at " + transcript.Stamp(ev.ETA) + ")"
	}
	return transcript.Format(ev)
}

func summarise(evs []simulator.Event) string {
	var parts []string
	for _, ev := range evs {
		switch ev.Type {
		case simulator.EvLine, simulator.EvAck, simulator.EvAsk, simulator.EvArrive, simulator.EvResolve,
			simulator.EvApprove, simulator.EvDecline, simulator.EvReaction, simulator.EvBeat, simulator.EvEnd, simulator.EvRejected:
			parts = append(parts, transcript.Stamp(ev.T)+" "+transcript.Format(ev))
		case simulator.EvReply:
			parts = append(parts, transcript.Stamp(ev.ETA)+" "+ev.From+": "+ev.Text+" (queued at "+transcript.Stamp(ev.T)+")")
		}
	}
	if len(parts) == 0 {
		return "nothing happened"
	}
	if len(parts) > 6 {
		parts = append(parts[:6], fmt.Sprintf("... %d more", len(parts)-6))
	}
	return "got: " + strings.Join(parts, "; ")
}
