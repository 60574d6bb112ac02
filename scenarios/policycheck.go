package scenarios

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// checkPolicy checks a policy file: its ids, its matrix, its escalation
// rules, its bands and its intent patterns.
func checkPolicy(p *Policy, d *decoder, l *diagList) {
	if p.ID != "" && !scenarioIDRE.MatchString(p.ID) {
		l.add(CodeIDFormat, d.at("id"), "id %q must be lower-case words joined by hyphens, like uk-contact-centre", p.ID)
	}
	c := &checker{d: d, l: l}
	checkCategoryIDs(c, p.Taxonomy, "taxonomy")
	seen := map[string]bool{}
	priorityPath := func(i int) string { return fmt.Sprintf("priorities[%d].id", i) }
	priorityFirst := c.firstIn(len(p.Priorities), func(i int) string { return p.Priorities[i].ID }, priorityPath)
	for i, x := range p.Priorities {
		c.id(seen, "priority", x.ID, func() string { return priorityPath(i) }, priorityFirst)
	}
	uniqueStrings(d, l, p.Impacts, "impacts", "impact level")
	uniqueStrings(d, l, p.Urgencies, "urgencies", "urgency level")
	checkMatrix(d, l, p, p.Matrix, "matrix", true)
	checkEscalation(d, l, p, p.Escalation, "escalation")
	checkBands(d, l, p.Bands, "bands")
	if p.PassMark < 0 || p.PassMark > 100 {
		l.add(CodeBands, d.at("pass_mark"), "pass_mark is a percentage, 0 to 100")
	}
	for _, w := range []struct {
		v    float64
		path string
	}{{p.ReplyPace.Speech, "reply_pace.speech"}, {p.ReplyPace.Typing, "reply_pace.typing"}} {
		if w.v < 0 || w.v > 1000 {
			l.add(CodeRange, d.at(w.path), "%s must be between 0 and 1000 words a minute, not %g", w.path, w.v)
		}
	}
	checkDisconnectBudget(d, l, p.DisconnectBudget, "disconnect_budget")
	checkHintCost(d, l, p.HintCost)
	checkWrapUp(d, l, p.WrapUp, "wrap_up")
	checkLabels(d, l, p.Labels, "labels")
	intentPatterns(l, d, p.Intents, "intents")
	intentPatterns(l, d, p.IntentNever, "intent_never")
	if n := intentExamples(l, d, p.IntentExamples, "intent_examples") + intentExamples(l, d, p.IntentCounters, "intent_counterexamples"); n > MaxIntentExamples {
		l.add(CodeRange, d.at("intent_examples"), "%d intent examples and counterexamples; a policy has at most %d", n, MaxIntentExamples)
	}
	intentImplies(l, d, p.IntentImplies, "intent_implies", policyIntents(p))
	if p.IntentThreshold < 0 || p.IntentThreshold > 1 {
		l.add(CodeRange, d.at("intent_threshold"), "intent_threshold is a similarity, 0 to 1")
	}
}

// checkOverride checks a scenario's policy overrides against the policy.
func checkOverride(d *decoder, l *diagList, base *Policy, o *PolicyOverride) {
	if o == nil {
		return
	}
	if o.Taxonomy != nil {
		checkCategoryIDs(&checker{d: d, l: l}, o.Taxonomy, "overrides.taxonomy")
	}
	if base != nil {
		resolved := ApplyOverride(base, o)
		checkMatrix(d, l, resolved, o.Matrix, "overrides.matrix", false)
		checkEscalation(d, l, resolved, o.Escalation, "overrides.escalation")
	}
	checkBands(d, l, o.Bands, "overrides.bands")
	if o.PassMark != nil && (*o.PassMark < 0 || *o.PassMark > 100) {
		l.add(CodeBands, d.at("overrides.pass_mark"), "overrides.pass_mark is a percentage, 0 to 100")
	}
	checkDisconnectBudget(d, l, o.DisconnectBudget, "overrides.disconnect_budget")
	intentPatterns(l, d, o.Intents, "overrides.intents")
}

// MaxDisconnectBudget is the largest disconnect budget a drill or policy
// may give an assessment.
const MaxDisconnectBudget = Duration(4 * 60 * 60 * 1000)

// checkDisconnectBudget checks a disconnect budget at path: zero (the
// clock never stands still for an absence) to MaxDisconnectBudget.
func checkDisconnectBudget(d *decoder, l *diagList, b *Duration, path string) {
	if b == nil || d.bad[path] {
		return
	}
	if *b < 0 || *b > MaxDisconnectBudget {
		l.add(CodeRange, d.at(path), "%s must be between 0s and %s, not %s", path, MaxDisconnectBudget, *b)
	}
}

// MaxWrapUpTarget bounds a wrap-up target.
const MaxWrapUpTarget = Duration(time.Hour)

// checkWrapUp checks a wrap_up block at path: codes with well-formed,
// distinct ids and a title each; a target of at most MaxWrapUpTarget.
func checkWrapUp(d *decoder, l *diagList, w *WrapUp, path string) {
	if w == nil {
		return
	}
	seen := map[string]int{}
	for i, c := range w.Codes {
		p := fmt.Sprintf("%s.codes[%d]", path, i)
		switch {
		case c.ID == "":
		case !validID(c.ID):
			l.add(CodeIDFormat, d.at(p+".id"), "%s.id: wrap-up code %q must be letters, digits, _, - or . (no spaces)", p, c.ID)
		default:
			if j, dup := seen[c.ID]; dup {
				l.add(CodeDuplicateID, d.at(p+".id"), "%s.id: wrap-up code %q is already used at %s.codes[%d]", p, c.ID, path, j)
			}
			seen[c.ID] = i
		}
		if strings.TrimSpace(c.Title) == "" && !d.bad[p+".title"] {
			l.add(CodeRange, d.at(p), "%s: wrap-up code %q needs a title: it is what the trainee reads", p, c.ID)
		}
	}
	if (w.Target < 0 || w.Target > MaxWrapUpTarget) && !d.bad[path+".target"] {
		l.add(CodeRange, d.at(path+".target"), "%s.target must be between 0s and %s, not %s", path, MaxWrapUpTarget, w.Target)
	}
}

// checkHintCost checks a policy's hint_cost: 0 to MaxHintCost points.
func checkHintCost(d *decoder, l *diagList, c *float64) {
	if c != nil && (*c < 0 || *c > MaxHintCost) {
		l.add(CodeRange, d.at("hint_cost"), "hint_cost must be between 0 and %g points, not %g", float64(MaxHintCost), *c)
	}
}

// checkCategoryIDs checks the ids of a taxonomy at path.
func checkCategoryIDs(c *checker, cats []Category, path string) {
	seen := map[string]bool{}
	catPath := func(i int) string { return fmt.Sprintf("%s[%d].id", path, i) }
	first := c.firstIn(len(cats), func(i int) string { return cats[i].ID }, catPath)
	for i, cat := range cats {
		c.id(seen, "category", cat.ID, func() string { return catPath(i) }, first)
	}
}

func uniqueStrings(d *decoder, l *diagList, list []string, path, what string) {
	seen := map[string]int{}
	for i, s := range list {
		if j, ok := seen[s]; ok {
			l.add(CodeDuplicateID, d.at(fmt.Sprintf("%s[%d]", path, i)), "%s[%d]: %s %q is already listed at %s[%d]", path, i, what, s, path, j)
			continue
		}
		seen[s] = i
	}
}

// checkMatrix checks that m names only the policy's levels and priorities;
// full also requires every impact and urgency to have a cell.
func checkMatrix(d *decoder, l *diagList, p *Policy, m map[string]map[string]string, path string, full bool) {
	for _, imp := range sortedKeys(m) {
		ip := path + "." + imp
		if !contains(p.Impacts, imp) {
			l.add(CodeMatrix, d.keyAt(ip), "%s: %q is not one of the impacts (%s)", path, imp, strings.Join(p.Impacts, ", "))
			continue
		}
		for _, urg := range sortedKeys(m[imp]) {
			up := ip + "." + urg
			if !contains(p.Urgencies, urg) {
				l.add(CodeMatrix, d.keyAt(up), "%s: %q is not one of the urgencies (%s)", ip, urg, strings.Join(p.Urgencies, ", "))
				continue
			}
			if pr := m[imp][urg]; !hasPriority(p, pr) {
				l.add(CodeMatrix, d.at(up), "%s: %q is not one of the priorities (%s)", up, pr, strings.Join(priorityIDs(p), ", "))
			}
		}
	}
	if !full {
		return
	}
	for _, imp := range p.Impacts {
		for _, urg := range p.Urgencies {
			if _, ok := m[imp][urg]; !ok {
				l.add(CodeMatrix, d.at(path), "%s has no priority for impact %s and urgency %s", path, imp, urg)
			}
		}
	}
}

var (
	serviceKinds = strings.Split(fieldTag(Service{}, "Kind", "enum"), ",")
	teamKinds    = strings.Split(fieldTag(Team{}, "Kind", "enum"), ",")
)

func checkEscalation(d *decoder, l *diagList, p *Policy, rules []EscalationRule, path string) {
	for i, r := range rules {
		rp := fmt.Sprintf("%s[%d]", path, i)
		if r.Category != "" && !hasCategory(p, r.Category) {
			l.add(CodeEscalation, d.at(rp+".category"), "%s.category: %q is not in the taxonomy%s", rp, r.Category, suggest(r.Category, categoryIDs(p)))
		}
		if r.Priority != "" && !hasPriority(p, r.Priority) {
			l.add(CodeEscalation, d.at(rp+".priority"), "%s.priority: %q is not one of the priorities (%s)", rp, r.Priority, strings.Join(priorityIDs(p), ", "))
		}
		for j, k := range r.Dispatch {
			if !contains(serviceKinds, k) {
				l.add(CodeEscalation, d.at(fmt.Sprintf("%s.dispatch[%d]", rp, j)), "%s.dispatch: %q is not a service kind; use %s", rp, k, orList(serviceKinds))
			}
		}
		for j, k := range r.Escalate {
			if !contains(teamKinds, k) {
				l.add(CodeEscalation, d.at(fmt.Sprintf("%s.escalate[%d]", rp, j)), "%s.escalate: %q is not a team kind; use %s", rp, k, orList(teamKinds))
			}
		}
	}
}

func checkBands(d *decoder, l *diagList, bands []Band, path string) {
	c := &checker{d: d, l: l}
	seen := map[string]bool{}
	bandPath := func(i int) string { return fmt.Sprintf("%s[%d].id", path, i) }
	first := c.firstIn(len(bands), func(i int) string { return bands[i].ID }, bandPath)
	for i, b := range bands {
		bp := fmt.Sprintf("%s[%d]", path, i)
		c.id(seen, "band", b.ID, func() string { return bandPath(i) }, first)
		if b.Min < 0 || b.Min > 100 {
			l.add(CodeBands, d.at(bp+".min"), "%s.min is a percentage, 0 to 100", bp)
		}
		if i > 0 && b.Min >= bands[i-1].Min {
			l.add(CodeBands, d.at(bp+".min"), "%s: bands go highest first; %g is not below %g", bp, b.Min, bands[i-1].Min)
		}
	}
}

// fieldTag returns a struct tag of a field of v's type.
func fieldTag(v any, name, key string) string {
	f, ok := reflect.TypeOf(v).FieldByName(name)
	if !ok {
		return ""
	}
	return f.Tag.Get(key)
}

// knownIntents is the set of intents a scenario may name: its policy's and
// its own.
func knownIntents(p *Policy, s *Scenario) map[string]bool {
	m := map[string]bool{}
	for k := range p.Intents {
		m[k] = true
	}
	for _, src := range []map[string][]string{p.IntentExamples, p.IntentCounters, p.IntentImplies, s.Intents, s.IntentExamples, s.IntentCounters, s.IntentImplies} {
		for k := range src {
			m[k] = true
		}
	}
	return m
}

// MaxLabel is the longest label, in characters.
const MaxLabel = 120

// checkLabels checks the labels at path: each one line of text, not empty
// and at most MaxLabel characters.
func checkLabels(d *decoder, l *diagList, labels map[string]string, path string) {
	for _, id := range sortedKeys(labels) {
		v, at := labels[id], path+"."+id
		switch {
		case strings.TrimSpace(v) == "":
			l.add(CodeRange, d.at(at), "%s is empty: write how a person reads %q, or leave it out", at, id)
		case utf8.RuneCountInString(v) > MaxLabel:
			l.add(CodeRange, d.at(at), "%s is %d characters; a label has at most %d", at, utf8.RuneCountInString(v), MaxLabel)
		case strings.ContainsAny(v, "\r\n"):
			l.add(CodeRange, d.at(at), "%s must be one line", at)
		}
	}
}
