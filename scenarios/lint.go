package scenarios

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
)

// lint reports what is legal but almost certainly a mistake. It runs only
// on scenarios without errors: on a broken file its findings would be noise
// (an expression that failed to compile reads nothing, say).
func lint(s *Scenario, d *decoder, l *diagList, c *checker, comp *compiler) {
	for i, p := range s.Phases {
		if i == 0 || c.gotos[p.ID] {
			continue
		}
		l.add(CodeUnreachable, nodeOr(p.Pos, d.at(fmt.Sprintf("phases[%d]", i))), "phase %q is never entered: no goto step leads to it, and only the first phase is entered at the start", p.ID)
	}
	for _, t := range s.Tests {
		for _, st := range t.Steps {
			for name := range st.Vars {
				comp.reads[name] = true // a test checks it
			}
		}
	}
	for _, name := range sortedKeys(s.Vars) {
		if !comp.reads[name] {
			l.add(CodeUnreadVar, d.keyAt("vars."+name), "variable %q is never read: no expression, text or test uses vars.%s", name, name)
		}
	}
	for _, r := range varyTimings(s) {
		comp.varies[r.name] = true // a timing reads it
	}
	for _, name := range sortedKeys(s.Variation) {
		if !comp.varies[name] {
			l.add(CodeUnusedVary, d.keyAt("variation."+name), "variation %q is never used: no expression, text or timing uses vary.%s", name, name)
		}
	}
	for i, sec := range s.Rubric.Sections {
		for j, r := range sec.Rules {
			if v, ok := constant(r.NA); ok {
				if v {
					l.add(CodeNeverApplies, r.NA.Pos, "rule %q never applies: na is always true, so it is never scored", r.ID)
				} else {
					l.add(CodeConstant, r.NA.Pos, "rubric.sections[%d].rules[%d].na is always false; remove it", i, j)
				}
			}
			if v, ok := constant(r.Check); ok {
				l.add(CodeConstant, r.Check.Pos, "rule %q always %s: its check is the constant %t", r.ID, map[bool]string{true: "passes", false: "fails"}[v], v)
			}
		}
	}
	for i, b := range s.Timeline {
		if v, ok := constant(b.When); ok && !v {
			l.add(CodeConstant, b.When.Pos, "timeline[%d].when is always false: beat %q never fires", i, b.ID)
		}
		if v, ok := constant(b.Cancel); ok && v {
			l.add(CodeConstant, b.Cancel.Pos, "timeline[%d].cancel is always true: beat %q never fires", i, b.ID)
		}
	}
	for i, r := range s.Reactions {
		if v, ok := constant(r.When); ok && !v {
			l.add(CodeConstant, r.When.Pos, "reactions[%d].when is always false: reaction %q never fires", i, r.ID)
		}
	}
}

// constant reports whether a compiled condition is a constant, and which.
func constant(e Expr) (value, ok bool) {
	if e.prog == nil {
		return false, false
	}
	switch n := e.prog.Node().(type) {
	case *ast.BoolNode:
		return n.Value, true
	case *ast.ConstantNode:
		b, isBool := n.Value.(bool)
		return b, isBool
	}
	return false, false
}

// lintChase warns when the customer starts chasing before the policy's
// silence standard has passed: a trainee who updates on time would hear
// "Hello? Are you still there?" on top of an on-time update.
func lintChase(s *Scenario, d *decoder, l *diagList) {
	ch := s.Cast.Customer.Chase
	if s.Resolved == nil || ch.After <= 0 || len(ch.Lines)+len(ch.Cues) == 0 {
		return
	}
	if max := s.Resolved.Cadence.MaxSilence; ch.After <= max {
		l.add(CodeEarlyChase, d.at("cast.customer.chase.after"), "cast.customer.chase.after is %s, but the silence standard (max_silence) is %s: the customer would chase a trainee who is not late yet; make it longer than %s", ch.After, max, max)
	}
}
