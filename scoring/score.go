package scoring

import (
	"fmt"
	"math"
	"sort"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Score applies sc's rubric to a log played against this very scenario
// version (and file, when the log records its hash).
func Score(sc *scenarios.Scenario, log []simulator.Event) (*Scorecard, error) {
	return score(sc, log, false)
}

// Rescore applies sc's rubric to a log of the same scenario played against
// any version of it: a newer rubric on an old session, for example. The
// scorecard records both versions and the rubric's hash.
func Rescore(sc *scenarios.Scenario, log []simulator.Event) (*Scorecard, error) {
	return score(sc, log, true)
}

// session is one scoring run: the facts, the rule environment over them
// and the recorder the rule functions report to.
type session struct {
	sc  *scenarios.Scenario
	f   *facts
	env map[string]any
	rec *recorder
	// words rewrites the drill's ids in evidence notes (wordsOf).
	words func(string) string
}

func newSession(sc *scenarios.Scenario, log []simulator.Event, anyVersion bool) (*session, error) {
	if sc == nil {
		return nil, fmt.Errorf("score: no scenario")
	}
	if err := CheckLog(sc, log, anyVersion); err != nil {
		return nil, err
	}
	s := &session{sc: sc, f: newFacts(sc, log), rec: &recorder{}, words: wordsOf(sc)}
	s.env = s.f.ruleEnv(s.rec)
	s.f.evalWhen = func(e scenarios.Expr) (bool, error) {
		on := s.rec.on
		s.rec.on = false // a requirement's own reads are not the rule's evidence
		defer func() { s.rec.on = on }()
		return e.Bool(s.env)
	}
	var guard map[string]any
	s.f.renderTruth = func(t scenarios.Text) (string, error) {
		if guard == nil {
			guard = s.guardEnv()
		}
		return t.Render(guard)
	}
	return s, nil
}

// guardEnv is the environment truth.record values are rendered in: they
// are written against the guard names, read here at the end of the call.
func (s *session) guardEnv() map[string]any {
	g := make(map[string]any, len(s.env)+2)
	for k, v := range s.env {
		g[k] = v
	}
	f := s.f
	last := f.start.T
	if n := len(f.lines); n > 0 {
		last = f.lines[n-1].T
	}
	g["silence"] = secs(f.end.T - last)
	g["since"] = func(id string) float64 {
		// Beats and reactions are indexed by first firing only; since is
		// measured from it.
		if r, ok := f.fired[id]; ok {
			return secs(f.end.T - r.T)
		}
		return -1
	}
	return g
}

func score(sc *scenarios.Scenario, log []simulator.Event, anyVersion bool) (*Scorecard, error) {
	s, err := newSession(sc, log, anyVersion)
	if err != nil {
		return nil, err
	}
	c := &Scorecard{
		Scenario:     sc.ID,
		Version:      sc.Version,
		LogVersion:   s.f.start.Version,
		ScenarioHash: sc.Hash,
		RubricHash:   RubricHash(sc),
		Scoring:      method(sc),
		PassMark:     sc.PassMark(),
		Bands:        bands(sc),
	}
	for i := range sc.Rubric.Sections {
		sec := &sc.Rubric.Sections[i]
		sr := SectionResult{ID: sec.ID, Title: sec.Title, Weight: sec.Weight, Bonus: sec.Bonus, Rules: make([]RuleResult, 0, len(sec.Rules))}
		for j := range sec.Rules {
			r := s.rule(&sec.Rules[j], sec.ID)
			sr.Rules = append(sr.Rules, r)
		}
		c.Sections = append(c.Sections, sr)
	}
	c.KPIs = s.kpis()
	c.Hints = hintCost(sc, log)
	c.recompute()
	Interventions(log, c)
	return c, nil
}

// rule evaluates one rule, with the evidence its reads recorded.
func (s *session) rule(rule *scenarios.Rule, section string) RuleResult {
	r := RuleResult{ID: rule.ID, Title: rule.Title, Section: section, Possible: rule.Points, Max: rule.Points,
		Critical: rule.Critical, Manual: rule.Manual, Hash: RuleHash(s.sc, section, rule)}
	s.rec.reads = s.rec.reads[:0]
	s.rec.on = true
	var names []string
	na := false
	var err error
	if rule.NA.IsSet() {
		names = append(names, valueNames(rule.NA.Src)...)
		na, err = rule.NA.Bool(s.env)
		if err != nil {
			err = fmt.Errorf("na: %w", err)
		}
	}
	switch {
	case err != nil:
	case na:
		r.Outcome, r.Possible = NA, 0
	case rule.Manual:
		r.Outcome, r.Possible = Pending, 0
	case !rule.Check.IsSet():
		err = fmt.Errorf("rule has neither a check nor manual: true")
	default:
		names = append(names, valueNames(rule.Check.Src)...)
		var ok bool
		ok, err = rule.Check.Bool(s.env)
		if err == nil {
			r.Outcome = Fail
			if ok {
				r.Outcome, r.Points = Pass, rule.Points
			}
		}
	}
	s.rec.on = false
	if err != nil {
		r.Outcome, r.Error, r.Points = Error, err.Error(), 0
	}
	var extra []Evidence
	for _, n := range names {
		extra = append(extra, s.f.valueEvidence(n)...)
	}
	r.Evidence = mergeEvidence(s.rec.reads, extra)
	for i := range r.Evidence {
		r.Evidence[i].Note = s.words(r.Evidence[i].Note)
	}
	var fb scenarios.Text
	switch r.Outcome {
	case Pass:
		fb = rule.Pass
	case Fail:
		fb = rule.Fail
	}
	if fb.IsSet() {
		txt, ferr := fb.Render(s.env)
		if ferr != nil {
			r.Error = "feedback: " + ferr.Error()
		}
		// The values a feedback interpolates (missing_fields()) are ids;
		// the trainee reads them as words.
		r.Feedback = s.words(txt)
	}
	return r
}

// recompute derives the section and total scores, the critical failures,
// the pending list, the band and the verdict from the rule results.
func (c *Scorecard) recompute() {
	c.CriticalFailed, c.Pending = []string{}, []string{}
	drillFailed := false
	var pts, poss, bonus float64
	var wsum, wpct float64
	weighted := c.Scoring == MethodWeighted
	allZero := true
	for i := range c.Sections {
		if c.Sections[i].Weight != 0 {
			allZero = false
		}
	}
	for i := range c.Sections {
		s := &c.Sections[i]
		s.Points, s.Possible, s.Zeroed = 0, 0, false
		for j := range s.Rules {
			r := &s.Rules[j]
			s.Points += r.Points
			s.Possible += r.Possible
			if r.Outcome == Pending {
				c.Pending = append(c.Pending, r.ID)
			}
			if r.Critical != "" && (r.Outcome == Fail || r.Outcome == Error) {
				c.CriticalFailed = append(c.CriticalFailed, r.ID)
				switch r.Critical {
				case "section":
					s.Zeroed = true
				case "drill":
					drillFailed = true
				}
			}
		}
		if s.Zeroed {
			s.Points = 0
		}
		s.Percent = 0
		if s.Possible > 0 {
			s.Percent = round2(s.Points / s.Possible * 100)
		}
		w := s.Weight
		if allZero {
			w = 1
		}
		if s.Bonus {
			bonus += s.Points
			if s.Possible > 0 {
				wpct += s.Points / s.Possible * 100 * w
			}
			continue
		}
		pts += s.Points
		poss += s.Possible
		if s.Possible > 0 {
			wsum += w
			wpct += s.Points / s.Possible * 100 * w
		}
	}
	// The practice hints taken come off the points; a weighted total
	// loses the same share of the possible points.
	var hint float64
	if c.Hints != nil {
		hint = c.Hints.Points
	}
	c.Points, c.Possible = round2(pts+bonus-hint), round2(poss)
	c.Total = 0
	switch {
	case weighted && wsum > 0 && poss > 0:
		c.Total = round2(wpct/wsum - hint/poss*100)
	case weighted && wsum > 0:
		c.Total = round2(wpct / wsum)
	case !weighted && poss > 0:
		c.Total = round2((pts + bonus - hint) / poss * 100)
	}
	if hint > 0 && c.Total < 0 {
		c.Total = 0
	}
	if drillFailed {
		c.Total = 0
	}
	c.Passed = !drillFailed && poss > 0 && c.Total >= c.PassMark
	c.Band, c.BandTitle = band(c.Bands, c.Total, c.Passed, c.PassMark)
}

// band is the band a total earns. Bands are highest first; band i holds
// totals from its min up to band i-1's min. A failed drill earns only a
// band that lies wholly below the pass mark, so that a pass mark inside a
// band (validate warns, DR5007) never prints "Compliant" beside FAIL: the
// band follows the verdict.
func band(bands []Band, total float64, passed bool, passMark float64) (id, title string) {
	for i, b := range bands {
		if total < b.Min {
			continue
		}
		if !passed && (i == 0 || bands[i-1].Min > passMark) {
			continue
		}
		return b.ID, b.Title
	}
	return "", ""
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func method(sc *scenarios.Scenario) string {
	if sc.Rubric.Scoring == MethodWeighted {
		return MethodWeighted
	}
	return MethodPoints
}

// bands are the policy's bands, highest first.
func bands(sc *scenarios.Scenario) []Band {
	out := []Band{}
	if sc.Resolved == nil {
		return out
	}
	for _, b := range sc.Resolved.Bands {
		out = append(out, Band{ID: b.ID, Title: b.Title, Min: b.Min})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Min > out[j].Min })
	return out
}
