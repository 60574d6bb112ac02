package scenarios

import (
	"fmt"
	"strings"
)

// test checks what test i names.
func (c *checker) test(i int, rules, declared map[string]bool, bands []Band) {
	s := c.s
	t := &s.Tests[i]
	tp := fmt.Sprintf("tests[%d]", i)
	if t.Mistake != "" && contains(ClassicMistakes, t.Mistake) && !declared[t.Mistake] {
		c.l.add(CodeMistakeTag, c.d.at(tp+".mistake"), "%s.mistake: rubric.mistakes declares no rule for %s, so nothing could show this play fails for it; add the rules that catch it to rubric.mistakes.%s", tp, t.Mistake, t.Mistake)
	}
	if t.Mistake != "" && t.Good {
		c.l.add(CodeCombination, c.d.at(tp+".good"), "%s: a test is either a good play or a mistake, not both", tp)
	}
	for j := range t.Steps {
		st := &t.Steps[j]
		sp := fmt.Sprintf("%s.steps[%d]", tp, j)
		if st.Rejected == "" {
			// A step with rejected shows that the engine refuses a bad
			// action: what it names is meant to be wrong.
			c.stepNames(st, sp)
		} else if st.Phase != "" {
			c.phase(st.Phase, sp+".phase")
		}
		if st.Until != nil {
			c.eventMatch(*st.Until, sp+".until")
		}
		for k, m := range st.Expect {
			c.eventMatch(m, fmt.Sprintf("%s.expect[%d]", sp, k))
		}
		for k, m := range st.ExpectNot {
			c.eventMatch(m, fmt.Sprintf("%s.expect_not[%d]", sp, k))
		}
	}
	for _, id := range sortedKeys(t.Coach) {
		if !rules[id] {
			p := tp + ".coach." + id
			c.l.add(CodeUnknownRule, c.d.keyAt(p), "%s: no rule has id %q%s", p, id, suggestKey(id, rules))
		}
	}
	x := t.Expect
	if x == nil {
		return
	}
	xp := tp + ".expect"
	for _, id := range sortedKeys(x.Rules) {
		p := xp + ".rules." + id
		if !rules[id] {
			c.l.add(CodeUnknownRule, c.d.keyAt(p), "%s: no rule has id %q%s", p, id, suggestKey(id, rules))
			continue
		}
		switch x.Rules[id] {
		case "pass", "fail", "na", "pending", "partial":
		default:
			c.l.add(CodeEnum, c.d.at(p), "%s: %q is not an outcome; use pass, fail, na, pending or partial", p, x.Rules[id])
		}
	}
	if x.Band != "" && bands != nil {
		ok := false
		ids := make([]string, 0, len(bands))
		for _, b := range bands {
			ok = ok || b.ID == x.Band
			ids = append(ids, b.ID)
		}
		if !ok {
			c.l.add(CodeUnknownBand, c.d.at(xp+".band"), "%s.band: no band has id %q; the bands are %s%s", xp, x.Band, strings.Join(ids, ", "), suggest(x.Band, ids))
		}
	}
	if x.Ending != "" && !c.endings[x.Ending] {
		c.l.add(CodeUnknownEnding, c.d.at(xp+".ending"), "%s.ending: no ending has id %q%s", xp, x.Ending, suggestKey(x.Ending, c.endings))
	}
	for k, id := range x.Fired {
		if !c.fired[id] {
			p := fmt.Sprintf("%s.fired[%d]", xp, k)
			c.l.add(CodeUnknownFired, c.d.at(p), "%s: no beat or reaction has id %q%s", p, id, suggestKey(id, c.fired))
		}
	}
	for k, id := range x.Silent {
		if !c.fired[id] {
			p := fmt.Sprintf("%s.not_fired[%d]", xp, k)
			c.l.add(CodeUnknownFired, c.d.at(p), "%s: no beat or reaction has id %q%s", p, id, suggestKey(id, c.fired))
		}
	}
	for _, name := range sortedKeys(x.Vars) {
		if _, ok := s.Vars[name]; !ok {
			p := xp + ".vars." + name
			c.l.add(CodeUnknownVar, c.d.keyAt(p), "%s: no variable %q in vars%s", p, name, suggestKey(name, s.Vars))
		}
	}
}

// stepNames checks what a test step's action and checks name.
func (c *checker) stepNames(st *TestStep, sp string) {
	if st.Dispatch != "" {
		c.service(st.Dispatch, sp+".dispatch")
	}
	if st.Escalate != "" {
		c.team(st.Escalate, sp+".escalate")
	}
	if st.Contact != "" {
		c.cast(st.Contact, sp+".contact", false)
	}
	if st.Consult != "" {
		c.cast(st.Consult, sp+".consult", false)
	}
	if w := st.WrapUp; w != nil && w.Code != "" && !c.s.WrapUpRules().HasCode(w.Code) {
		var ids []string
		for _, x := range c.s.WrapUpRules().Codes {
			ids = append(ids, x.ID)
		}
		have := "none"
		if len(ids) > 0 {
			have = strings.Join(ids, ", ")
		}
		c.l.add(CodeUnknownWrapUp, c.d.at(sp+".wrap_up.code"), "%s.wrap_up.code: no wrap-up code %q (this drill has: %s)%s", sp, w.Code, have, suggest(w.Code, ids))
	}
	if st.Request != nil && st.Request.Team != "" {
		c.team(st.Request.Team, sp+".request.team")
	}
	if st.Decide != nil && st.Decide.Team != "" {
		c.team(st.Decide.Team, sp+".decide.team")
	}
	if st.Takeover != "" {
		c.cast(st.Takeover, sp+".takeover", true)
	}
	if st.Handback != "" {
		c.cast(st.Handback, sp+".handback", true)
	}
	if st.Inject != nil {
		if st.Inject.As != "" {
			c.cast(st.Inject.As, sp+".inject.as", true)
		}
		if st.Inject.Line != "" && !c.fired[st.Inject.Line] {
			c.l.add(CodeUnknownFired, c.d.at(sp+".inject.line"), "%s.inject.line: no beat or reaction has id %q%s", sp, st.Inject.Line, suggestKey(st.Inject.Line, c.fired))
		}
	}
	if st.Phase != "" {
		c.phase(st.Phase, sp+".phase")
	}
	for k, in := range st.Intents {
		c.intent(in, c.d.at(fmt.Sprintf("%s.intents[%d]", sp, k)), sp+".intents")
	}
	if st.Classify != nil && c.pol != nil {
		if cat := st.Classify.Category; cat != "" && !hasCategory(c.pol, cat) {
			c.l.add(CodeCategory, c.d.at(sp+".classify.category"), "%s.classify.category: %q is not in the taxonomy of policy %s%s", sp, cat, c.pol.ID, suggest(cat, categoryIDs(c.pol)))
		}
		if pr := st.Classify.Priority; pr != "" && !hasPriority(c.pol, pr) {
			c.l.add(CodePriority, c.d.at(sp+".classify.priority"), "%s.classify.priority: %q is not a priority of policy %s (%s)", sp, pr, c.pol.ID, strings.Join(priorityIDs(c.pol), ", "))
		}
	}
}

// eventMatch checks the ids an expected event names: a beat or reaction
// (for beat and reaction events), a phase or an ending.
func (c *checker) eventMatch(m EventMatch, path string) {
	if m.ID == "" {
		return
	}
	switch m.Type {
	case "beat", "reaction":
		if !c.fired[m.ID] {
			c.l.add(CodeUnknownFired, c.d.at(path+".id"), "%s.id: no beat or reaction has id %q%s", path, m.ID, suggestKey(m.ID, c.fired))
		}
	case "phase":
		c.phase(m.ID, path+".id")
	case "end":
		if !c.endings[m.ID] {
			c.l.add(CodeUnknownEnding, c.d.at(path+".id"), "%s.id: no ending has id %q%s", path, m.ID, suggestKey(m.ID, c.endings))
		}
	}
}
