package scenarios

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// checker runs the semantic checks of one scenario after decoding: ids,
// the shape rules the types cannot say, references and the policy.
type checker struct {
	s   *Scenario
	d   *decoder
	l   *diagList
	pol *Policy // the resolved policy; nil when it could not be loaded

	phases   map[string]bool
	fired    map[string]bool // beat and reaction ids
	endings  map[string]bool
	intents  map[string]bool
	fields   map[string]bool // truth.record fields
	decision map[string]bool
	gotos    map[string]bool // phases some step enters
}

var (
	scenarioIDRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	idRE         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// id checks an id's form and that it is not used twice in its namespace
// (seen holds the ids checked so far). path names where this id is
// written and first describes where an id of the namespace was first
// used; both are called only for a diagnostic, so that checking the
// thousands of ids of a big drill builds no strings.
func (c *checker) id(seen map[string]bool, what, id string, path func() string, first func(id string) string) {
	if id == "" {
		return // missing ids are reported by the decoder
	}
	if !validID(id) {
		p := path()
		c.l.add(CodeIDFormat, c.d.at(p), "%s: %s id %q must be letters, digits, _, - or . (no spaces)", where(p), what, id)
		return
	}
	if seen[id] {
		p := path()
		c.l.add(CodeDuplicateID, c.d.at(p), "%s: %s id %q is already used at %s", where(p), what, id, first(id))
		return
	}
	seen[id] = true
}

// idSet checks the ids of the n items of a list with checker.id (item i's
// id is idOf(i), written at pathOf(i)) and returns them as a set.
func (c *checker) idSet(what string, n int, idOf, pathOf func(i int) string) map[string]bool {
	set, seen := map[string]bool{}, map[string]bool{}
	first := c.firstIn(n, idOf, pathOf)
	for i := range n {
		c.id(seen, what, idOf(i), func() string { return pathOf(i) }, first)
		set[idOf(i)] = true
	}
	return set
}

// lineOf describes where the value at path was written, for messages.
func (c *checker) lineOf(path string) string {
	return fmt.Sprintf("line %d", c.d.at(path).Line)
}

// firstIn returns a describer of the first use of an id among the n
// items of a list, for checker.id: the line of the first item whose id
// (idOf) it is, at the key path pathOf gives. An id is recorded at its
// first use in file order, so the first item with that id is the one.
func (c *checker) firstIn(n int, idOf func(i int) string, pathOf func(i int) string) func(string) string {
	return func(id string) string {
		for i := 0; i < n; i++ {
			if idOf(i) == id {
				return c.lineOf(pathOf(i))
			}
		}
		return ""
	}
}

// validID is idRE without the regexp engine: ids are checked once each,
// thousands of them in a big drill.
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		b := id[i]
		ok := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			i > 0 && (b == '_' || b == '.' || b == '-')
		if !ok {
			return false
		}
	}
	return id != ""
}

func (c *checker) ids() {
	s := c.s
	if s.ID != "" && !scenarioIDRE.MatchString(s.ID) {
		c.l.add(CodeIDFormat, c.d.at("id"), "id %q must be lower-case words joined by hyphens, like gas-smell-basic", s.ID)
	}
	// Cast members share their namespace with the customer; a service
	// comes before a team of the same name.
	cast := map[string]bool{"customer": true}
	castFirst := func(id string) string {
		if id == "customer" {
			return "the customer"
		}
		return c.lineOf("cast.services." + id)
	}
	for _, name := range sortedKeys(s.Cast.Services) {
		c.id(cast, "cast member", name, func() string { return "cast.services." + name }, castFirst)
	}
	for _, name := range sortedKeys(s.Cast.Teams) {
		c.id(cast, "cast member", name, func() string { return "cast.teams." + name }, castFirst)
	}
	c.phases = c.idSet("phase", len(s.Phases), func(i int) string { return s.Phases[i].ID },
		func(i int) string { return fmt.Sprintf("phases[%d].id", i) })
	// Beats and reactions share a namespace: the timeline comes first.
	c.fired = map[string]bool{}
	seen := map[string]bool{}
	beatPath := func(i int) string { return fmt.Sprintf("timeline[%d].id", i) }
	reactionPath := func(i int) string { return fmt.Sprintf("reactions[%d].id", i) }
	beatFirst := c.firstIn(len(s.Timeline), func(i int) string { return s.Timeline[i].ID }, beatPath)
	reactionFirst := c.firstIn(len(s.Reactions), func(i int) string { return s.Reactions[i].ID }, reactionPath)
	firedFirst := func(id string) string {
		if first := beatFirst(id); first != "" {
			return first
		}
		return reactionFirst(id)
	}
	for i, b := range s.Timeline {
		c.id(seen, "beat or reaction", b.ID, func() string { return beatPath(i) }, firedFirst)
		c.fired[b.ID] = true
	}
	for i, r := range s.Reactions {
		c.id(seen, "beat or reaction", r.ID, func() string { return reactionPath(i) }, firedFirst)
		c.fired[r.ID] = true
	}
	c.endings = c.idSet("ending", len(s.Endings), func(i int) string { return s.Endings[i].ID },
		func(i int) string { return fmt.Sprintf("endings[%d].id", i) })
	seen = map[string]bool{}
	rules := map[string]bool{}
	secs := s.Rubric.Sections
	sectionPath := func(i int) string { return fmt.Sprintf("rubric.sections[%d].id", i) }
	sectionFirst := c.firstIn(len(secs), func(i int) string { return secs[i].ID }, sectionPath)
	ruleFirst := func(id string) string {
		for i := range secs {
			for j := range secs[i].Rules {
				if secs[i].Rules[j].ID == id {
					return c.lineOf(fmt.Sprintf("rubric.sections[%d].rules[%d].id", i, j))
				}
			}
		}
		return ""
	}
	for i, sec := range secs {
		c.id(seen, "section", sec.ID, func() string { return sectionPath(i) }, sectionFirst)
		for j, r := range sec.Rules {
			c.id(rules, "rule", r.ID, func() string { return fmt.Sprintf("rubric.sections[%d].rules[%d].id", i, j) }, ruleFirst)
		}
	}
	tests := map[string]int{} // name -> index of its first test
	for i, t := range s.Tests {
		if t.Name == "" {
			continue
		}
		if first, ok := tests[t.Name]; ok {
			c.l.add(CodeDuplicateID, c.d.at(fmt.Sprintf("tests[%d].name", i)), "tests[%d].name: test %q is already defined at %s", i, t.Name, c.lineOf(fmt.Sprintf("tests[%d].name", first)))
			continue
		}
		tests[t.Name] = i
	}
	recs := s.Truth.Record
	c.fields = c.idSet("record field", len(recs), func(i int) string { return recs[i].Field },
		func(i int) string { return fmt.Sprintf("truth.record[%d].field", i) })
	c.decision = map[string]bool{}
	for _, d := range s.Decisions() {
		c.decision[d] = true
	}
	for _, t := range s.Cast.Teams {
		for _, d := range t.Approves {
			c.decision[d.Decision] = true
		}
		for _, d := range t.Declines {
			c.decision[d.Decision] = true
		}
	}
}

// shapes checks what the types cannot say: exactly-one-of choices, ranges
// and options that need each other.
func (c *checker) shapes() {
	s := c.s
	c.rangeCheck(s.Cast.Customer.Mood, 0, 100, "cast.customer.mood")
	c.rangeCheck(s.Cast.Customer.Patience, 0, 100, "cast.customer.patience")
	c.rangeCheck(s.Settings.ReplyPace.Speech, 0, 1000, "settings.reply_pace.speech")
	c.rangeCheck(s.Settings.ReplyPace.Typing, 0, 1000, "settings.reply_pace.typing")
	if s.Settings.ReplyPace.React > Duration(time.Minute) && !c.d.bad["settings.reply_pace.react"] {
		c.l.add(CodeRange, c.d.at("settings.reply_pace.react"), "settings.reply_pace.react must be at most 1m, not %s", s.Settings.ReplyPace.React)
	}
	checkDisconnectBudget(c.d, c.l, s.Settings.DisconnectBudget, "settings.disconnect_budget")
	checkWrapUp(c.d, c.l, s.Settings.WrapUp, "settings.wrap_up")
	checkLabels(c.d, c.l, s.Labels, "labels")
	if s.Settings.TimeScale < 0 {
		c.l.add(CodeRange, c.d.at("settings.time_scale"), "settings.time_scale must be positive (1 is real time)")
	}
	for i, p := range s.Phases {
		if p.TimeScale < 0 {
			c.l.add(CodeRange, c.d.at(fmt.Sprintf("phases[%d].time_scale", i)), "phases[%d].time_scale must be positive (1 is real time)", i)
		}
	}
	if s.Version < 1 && c.d.has("version") && !c.d.bad["version"] {
		c.l.add(CodeRange, c.d.at("version"), "version must be 1 or more")
	}
	for _, name := range sortedKeys(s.Variation) {
		c.variation(name, s.Variation[name])
	}
	for _, name := range sortedKeys(s.Vars) {
		c.varValue(name, s.Vars[name])
	}
	for i, r := range s.Truth.Required {
		path := fmt.Sprintf("truth.required[%d]", i)
		if (r.Dispatch == "") == (r.Escalate == "") {
			c.l.add(CodeRequirement, c.d.at(path), "%s: a requirement names exactly one of dispatch (a service) or escalate (a team)", path)
		}
	}
	for i, r := range s.Truth.Record {
		path := fmt.Sprintf("truth.record[%d]", i)
		if r.Match != "any" && !r.Value.IsSet() {
			c.l.add(CodeRequired, c.d.at(path), "%s is missing the required key \"value\" (only match: any records presence without a value)", path)
		}
	}
	for i, b := range s.Timeline {
		path := func() string { return fmt.Sprintf("timeline[%d]", i) } // for diagnostics only
		n := 0
		if b.At != nil {
			n++
		}
		if b.After != "" {
			n++
		}
		// Built in place (short and not kept, so on the stack): this
		// runs for every beat, not only for a diagnostic.
		if b.Every != 0 || c.d.has("timeline["+strconv.Itoa(i)+"].every") {
			n++
			if b.Every == 0 && !c.d.bad["timeline["+strconv.Itoa(i)+"].every"] {
				c.l.add(CodeRange, c.d.at(path()+".every"), "%s.every must be more than 0s", path())
			}
		}
		if n != 1 {
			c.l.add(CodeSchedule, nodeOr(b.Pos, c.d.at(path())), "%s: a beat is scheduled by exactly one of at, after or every (it has %d)", path(), n)
		}
		if !b.Delay.IsZero() && b.After == "" {
			c.l.add(CodeCombination, c.d.at(path()+".delay"), "%s.delay only applies with after", path())
		}
		if b.Times != 0 && b.Every == 0 {
			c.l.add(CodeCombination, c.d.at(path()+".times"), "%s.times only applies with every", path())
		}
		if b.Times < 0 {
			c.l.add(CodeRange, c.d.at(path()+".times"), "%s.times must be positive", path())
		}
		c.steps(b.Do, path)
	}
	for i, r := range s.Reactions {
		path := func() string { return fmt.Sprintf("reactions[%d]", i) } // for diagnostics only
		if r.Intent != "" && r.On != "say" && r.On != "any" {
			c.l.add(CodeCombination, c.d.at(path()+".intent"), "%s.intent only applies with on: say (this reaction is on: %s)", path(), r.On)
		}
		c.steps(r.Do, path)
	}
	if s.Rubric.PassMark < 0 || s.Rubric.PassMark > 100 {
		c.l.add(CodeRange, c.d.at("rubric.pass_mark"), "rubric.pass_mark is a percentage, 0 to 100")
	}
	if len(s.Rubric.Sections) == 0 && c.d.has("rubric.sections") {
		c.l.add(CodeRequired, c.d.at("rubric.sections"), "rubric.sections needs at least one section")
	}
	for i, sec := range s.Rubric.Sections {
		path := func() string { return fmt.Sprintf("rubric.sections[%d]", i) } // for diagnostics only
		if s.Rubric.Scoring == "weighted" && sec.Weight <= 0 {
			c.l.add(CodeCombination, nodeOr(sec.Pos, c.d.at(path())), "%s: with scoring: weighted every section needs a weight above 0", path())
		}
		if sec.Weight < 0 {
			c.l.add(CodeRange, c.d.at(path()+".weight"), "%s.weight must not be negative", path())
		}
		if len(sec.Rules) == 0 && c.d.has(path()+".rules") {
			c.l.add(CodeRequired, c.d.at(path()+".rules"), "%s.rules needs at least one rule", path())
		}
		for j, r := range sec.Rules {
			rp := func() string { return fmt.Sprintf("%s.rules[%d]", path(), j) } // for diagnostics only
			switch {
			case r.Manual && r.Check.IsSet():
				c.l.add(CodeCombination, c.d.at(rp()+".check"), "%s: a manual rule is scored by a coach and has no check", rp())
			case !r.Manual && !r.Check.IsSet():
				c.l.add(CodeCombination, nodeOr(r.Pos, c.d.at(rp())), "%s needs a check expression (or manual: true for a coach to score it)", rp())
			}
			if r.Guidance != "" && !r.Manual {
				c.l.add(CodeCombination, c.d.at(rp()+".guidance"), "%s.guidance is for manual rules", rp())
			}
			if r.Points < 0 {
				c.l.add(CodeRange, c.d.at(rp()+".points"), "%s.points must not be negative", rp())
			}
			if r.Procedure != "" && !scenarioIDRE.MatchString(r.Procedure) {
				c.l.add(CodeIDFormat, c.d.at(rp()+".procedure"), "%s.procedure %q must be lower-case words joined by hyphens, like keep-customer-informed-en-route", rp(), r.Procedure)
			}
		}
	}
}

func nodeOr(p, alt Pos) Pos {
	if p.Line > 0 {
		return p
	}
	return alt
}

func (c *checker) rangeCheck(v, lo, hi float64, path string) {
	if (v < lo || v > hi) && !c.d.bad[path] {
		c.l.add(CodeRange, c.d.at(path), "%s must be between %g and %g, not %g", path, lo, hi, v)
	}
}

func (c *checker) variation(name string, v Variation) {
	path := "variation." + name
	n := 0
	if v.Pick != nil {
		n++
		if len(v.Pick) == 0 {
			c.l.add(CodeVariation, c.d.at(path+".pick"), "%s.pick needs at least one value", path)
		}
	}
	if v.Range != nil {
		n++
		if len(v.Range) != 2 || v.Range[0] > v.Range[1] {
			c.l.add(CodeVariation, c.d.at(path+".range"), "%s.range is [min, max] with min <= max", path)
		}
	}
	if v.Between != nil {
		n++
		if len(v.Between) != 2 || v.Between[0] > v.Between[1] {
			c.l.add(CodeVariation, c.d.at(path+".between"), "%s.between is [min, max] with min <= max", path)
		}
	}
	if n != 1 {
		c.l.add(CodeVariation, c.d.keyAt(path), "%s: a variation has exactly one of pick, range or between (it has %d)", path, n)
	}
}

func (c *checker) varValue(name string, v VarDecl) {
	if v.Value == nil {
		return
	}
	ok := false
	switch v.Type {
	case "bool":
		_, ok = v.Value.(bool)
	case "int":
		_, ok = v.Value.(int)
	case "float":
		switch v.Value.(type) {
		case int, float64:
			ok = true
		}
	case "string":
		_, ok = v.Value.(string)
	default:
		return // an unknown type is reported by the decoder
	}
	if !ok {
		c.l.add(CodeVarValue, c.d.at("vars."+name+".value"), "vars.%s.value must be %s (the variable's type is %s), not %v", name, varTypeName(v.Type), v.Type, v.Value)
	}
}

func varTypeName(t string) string {
	switch t {
	case "bool":
		return "true or false"
	case "int":
		return "a whole number"
	case "float":
		return "a number"
	}
	return "a string"
}

// stepKinds are the keys that make a step's kind.
var stepKinds = []string{"say", "set", "mood", "patience", "goto", "end", "eta", "arrive", "resolve"}

func (c *checker) steps(steps []Step, owner func() string) {
	if len(steps) == 0 && c.d.has(owner()+".do") {
		c.l.add(CodeStepKind, c.d.at(owner()+".do"), "%s.do has no steps", owner())
	}
	si := infoOf(stepType)
	for i := range steps {
		st := &steps[i]
		path := func() string { return fmt.Sprintf("%s.do[%d]", owner(), i) } // for diagnostics only
		// As many as stepKinds, so that kinds stays on the stack.
		var buf [9]string
		kinds := buf[:0]
		v := reflect.ValueOf(st).Elem()
		for _, k := range stepKinds {
			f := v.Field(si.byName[k].index)
			if !f.IsZero() { // the kinds are pointers, maps and ids: set when written
				kinds = append(kinds, k)
			}
		}
		if len(kinds) != 1 {
			msg := "has none"
			if len(kinds) > 1 {
				msg = "has " + strings.Join(kinds, " and ") + "; split it into one step each"
			}
			c.l.add(CodeStepKind, c.d.at(path()), "%s: a step does exactly one of %s; it %s", path(), strings.Join(stepKinds, ", "), msg)
		}
		if st.As != "" && st.Say == nil {
			c.l.add(CodeCombination, c.d.at(path()+".as"), "%s.as only applies to a say step", path())
		}
		if st.When.IsSet() && st.Say == nil {
			c.l.add(CodeCombination, c.d.at(path()+".when"), "%s.when only applies to a say step", path())
		}
		if st.Set != nil && len(st.Set) == 0 {
			c.l.add(CodeStepKind, c.d.at(path()+".set"), "%s.set sets no variables", path())
		}
	}
}

// refs checks every reference the scenario makes by name, in its fields
// and in its expressions.
func (c *checker) refs(exprRefs []exprRef) {
	s := c.s
	if s.Settings.Speaker != "" {
		c.cast(s.Settings.Speaker, "settings.speaker", true)
	}
	for i, r := range s.Truth.Required {
		path := fmt.Sprintf("truth.required[%d]", i)
		if r.From != "" && !c.fired[r.From] {
			c.l.add(CodeUnknownFired, c.d.at(path+".from"), "%s.from: no beat or reaction has id %q%s", path, r.From, suggestKey(r.From, c.fired))
		}
		if r.Dispatch != "" {
			c.service(r.Dispatch, path+".dispatch")
		}
		if r.Escalate != "" {
			c.team(r.Escalate, path+".escalate")
		}
	}
	for i, a := range s.Truth.Authority {
		if a.Approver != "" {
			c.team(a.Approver, fmt.Sprintf("truth.authority[%d].approver", i))
		}
		if a.Promise != "" && c.intents != nil && !c.intents[a.Promise] {
			p := fmt.Sprintf("truth.authority[%d].promise", i)
			c.intent(a.Promise, c.d.at(p), p)
		}
	}
	for i, b := range s.Timeline {
		path := func() string { return fmt.Sprintf("timeline[%d]", i) } // for diagnostics only
		if b.Phase != "" && !c.phases[b.Phase] {
			c.phase(b.Phase, path()+".phase")
		}
		if b.After != "" && !c.fired[b.After] {
			c.l.add(CodeUnknownFired, c.d.at(path()+".after"), "%s.after: no beat or reaction has id %q%s", path(), b.After, suggestKey(b.After, c.fired))
		}
		if b.After == b.ID && b.After != "" {
			c.l.add(CodeUnknownFired, c.d.at(path()+".after"), "%s.after: a beat cannot follow itself", path())
		}
		c.stepRefs(b.Do, path)
	}
	for i, r := range s.Reactions {
		path := func() string { return fmt.Sprintf("reactions[%d]", i) } // for diagnostics only
		if r.Phase != "" && !c.phases[r.Phase] {
			c.phase(r.Phase, path()+".phase")
		}
		if r.Target != "" {
			c.cast(r.Target, path()+".target", false)
		}
		if r.Intent != "" && c.intents != nil && !c.intents[r.Intent] {
			c.intent(r.Intent, c.d.at(path()+".intent"), path()+".intent")
		}
		c.stepRefs(r.Do, path)
	}
	for i, t := range s.Tests {
		for j, st := range t.Steps {
			for _, name := range sortedKeys(st.Vars) {
				if _, ok := s.Vars[name]; !ok {
					vp := fmt.Sprintf("tests[%d].steps[%d].vars.%s", i, j, name)
					c.l.add(CodeUnknownVar, c.d.keyAt(vp), "%s: no variable %q in vars%s", vp, name, suggestKey(name, s.Vars))
				}
			}
		}
	}
	if c.intents != nil {
		for _, k := range sortedKeys(s.Cast.Customer.Answers) {
			c.intent(k, c.d.keyAt("cast.customer.answers."+k), "cast.customer.answers")
		}
	}
	for _, r := range exprRefs {
		what := func() string { return fmt.Sprintf("%s(%q)", r.fn, r.name) } // for diagnostics only
		switch r.kind {
		case refIntent:
			if c.intents != nil && !c.intents[r.name] {
				c.intent(r.name, r.pos, what())
			}
		case refService:
			if _, ok := s.Cast.Services[r.name]; !ok {
				c.l.add(CodeUnknownSvc, r.pos, "%s: no service %q in cast.services%s", what(), r.name, suggestKey(r.name, s.Cast.Services))
			}
		case refTeam:
			if _, ok := s.Cast.Teams[r.name]; !ok {
				c.l.add(CodeUnknownTeam, r.pos, "%s: no team %q in cast.teams%s", what(), r.name, suggestKey(r.name, s.Cast.Teams))
			}
		case refCast:
			_, svc := s.Cast.Services[r.name]
			_, team := s.Cast.Teams[r.name]
			if !svc && !team {
				c.l.add(CodeUnknownCast, r.pos, "%s: no service or team %q%s", what(), r.name, suggest(r.name, c.castNames(false)))
			}
		case refFired:
			if !c.fired[r.name] {
				c.l.add(CodeUnknownFired, r.pos, "%s: no beat or reaction has id %q%s", what(), r.name, suggestKey(r.name, c.fired))
			}
		case refField:
			if !c.fields[r.name] {
				c.l.add(CodeUnknownField, r.pos, "%s: %q is not a truth.record field%s", what(), r.name, suggestKey(r.name, c.fields))
			}
		case refDecision:
			if !c.decision[r.name] {
				w := what()
				if r.fn == "action.decision" {
					w = fmt.Sprintf("action.decision == %q", r.name)
				}
				c.l.add(CodeUnknownDecide, r.pos, "%s: no truth.decisions entry, authority limit or team approves or declines %q, so the console would not offer it%s", w, r.name, suggestKey(r.name, c.decision))
			}
		case refGap:
			kind, svc, hasSvc := strings.Cut(r.name, ":")
			switch {
			case hasSvc && kind == "waiting":
				_, isSvc := s.Cast.Services[svc]
				_, isTeam := s.Cast.Teams[svc]
				if !isSvc && !isTeam {
					c.l.add(CodeUnknownCast, r.pos, "%s: no service or team %q%s", what(), svc, suggest(svc, c.castNames(false)))
				}
			case !hasSvc && (kind == "call" || kind == "hold" || kind == "waiting"):
			default:
				c.l.add(CodeUnknownGap, r.pos, "%s: the interval kinds are \"call\", \"hold\", \"waiting\" and \"waiting:ID\" (a service or team)", what())
			}
		case refPhase:
			if !c.phases[r.name] {
				c.l.add(CodeUnknownPhase, r.pos, "%s == %q: no phase has that id%s", r.fn, r.name, suggestKey(r.name, c.phases))
			}
		case refEnding:
			if !c.endings[r.name] {
				c.l.add(CodeUnknownEnding, r.pos, "%s == %q: no ending has that id%s", r.fn, r.name, suggestKey(r.name, c.endings))
			}
		case refCategory:
			if c.pol != nil && !hasCategory(c.pol, r.name) {
				c.l.add(CodeCategory, r.pos, "category == %q: not a category of policy %s%s", r.name, c.pol.ID, suggest(r.name, categoryIDs(c.pol)))
			}
		case refPriority:
			if c.pol != nil && !hasPriority(c.pol, r.name) {
				c.l.add(CodePriority, r.pos, "priority == %q: not a priority of policy %s (%s)", r.name, c.pol.ID, strings.Join(priorityIDs(c.pol), ", "))
			}
		}
	}
}

func (c *checker) stepRefs(steps []Step, owner func() string) {
	c.gotos = nonNil(c.gotos)
	for i := range steps {
		st := &steps[i]
		path := func() string { return fmt.Sprintf("%s.do[%d]", owner(), i) } // for diagnostics only
		if st.As != "" {
			c.cast(st.As, path()+".as", true)
		}
		if st.Goto != "" {
			c.phase(st.Goto, path()+".goto")
			c.gotos[st.Goto] = true
		}
		if st.End != "" && !c.endings[st.End] {
			c.l.add(CodeUnknownEnding, c.d.at(path()+".end"), "%s.end: no ending has id %q%s", path(), st.End, suggestKey(st.End, c.endings))
		}
		if st.Arrive != "" {
			c.service(st.Arrive, path()+".arrive")
		}
		if st.Resolve != "" {
			c.cast(st.Resolve, path()+".resolve", false)
		}
		if st.ETA != nil && st.ETA.Service != "" {
			c.service(st.ETA.Service, path()+".eta.service")
		}
	}
}

func nonNil(m map[string]bool) map[string]bool {
	if m == nil {
		return map[string]bool{}
	}
	return m
}

func (c *checker) service(id, path string) {
	if _, ok := c.s.Cast.Services[id]; !ok {
		c.l.add(CodeUnknownSvc, c.d.at(path), "%s: no service %q in cast.services%s", path, id, suggestKey(id, c.s.Cast.Services))
	}
}

func (c *checker) team(id, path string) {
	if _, ok := c.s.Cast.Teams[id]; !ok {
		c.l.add(CodeUnknownTeam, c.d.at(path), "%s: no team %q in cast.teams%s", path, id, suggestKey(id, c.s.Cast.Teams))
	}
}

func (c *checker) castNames(withCustomer bool) []string {
	names := append(sortedKeys(c.s.Cast.Services), sortedKeys(c.s.Cast.Teams)...)
	if withCustomer {
		names = append(names, "customer")
	}
	return names
}

func (c *checker) cast(id, path string, withCustomer bool) {
	if withCustomer && id == "customer" {
		return
	}
	_, svc := c.s.Cast.Services[id]
	_, team := c.s.Cast.Teams[id]
	if !svc && !team {
		who := "service or team"
		if withCustomer {
			who = "cast member (customer, a service or a team)"
		}
		c.l.add(CodeUnknownCast, c.d.at(path), "%s: no %s %q%s", path, who, id, suggest(id, c.castNames(withCustomer)))
	}
}

func (c *checker) phase(id, path string) {
	if !c.phases[id] {
		c.l.add(CodeUnknownPhase, c.d.at(path), "%s: no phase has id %q%s", path, id, suggestKey(id, c.phases))
	}
}

func (c *checker) intent(id string, p Pos, what string) {
	if c.intents == nil || c.intents[id] {
		return
	}
	c.l.add(CodeUnknownIntent, p, "%s: %q is not an intent of the policy or of this scenario's intents%s", what, id, suggestKey(id, c.intents))
}

// truth checks the classification against the policy and fills in the
// priority from the matrix when it was left out.
func (c *checker) truth() {
	p, t := c.pol, &c.s.Truth
	if p == nil {
		return
	}
	if t.Category != "" && !hasCategory(p, t.Category) {
		c.l.add(CodeCategory, c.d.at("truth.category"), "truth.category: %q is not in the taxonomy of policy %s%s", t.Category, p.ID, suggest(t.Category, categoryIDs(p)))
	}
	okI := t.Impact == "" || contains(p.Impacts, t.Impact)
	okU := t.Urgency == "" || contains(p.Urgencies, t.Urgency)
	if !okI {
		c.l.add(CodeImpact, c.d.at("truth.impact"), "truth.impact: %q is not an impact level of policy %s; use %s", t.Impact, p.ID, orList(p.Impacts))
	}
	if !okU {
		c.l.add(CodeUrgency, c.d.at("truth.urgency"), "truth.urgency: %q is not an urgency level of policy %s; use %s", t.Urgency, p.ID, orList(p.Urgencies))
	}
	if !okI || !okU || t.Impact == "" || t.Urgency == "" {
		return
	}
	want := p.Matrix[t.Impact][t.Urgency]
	switch {
	case t.Priority == "":
		t.Priority = want
	case want != "" && t.Priority != want:
		c.l.add(CodePriority, c.d.at("truth.priority"), "truth.priority is %s, but policy %s gives %s for impact %s and urgency %s", t.Priority, p.ID, want, t.Impact, t.Urgency)
	}
}

func hasCategory(p *Policy, id string) bool { return slices.Contains(categoryIDs(p), id) }

func hasPriority(p *Policy, id string) bool { return slices.Contains(priorityIDs(p), id) }

// categoryIDs and priorityIDs list the ids of p's taxonomy and priorities,
// in order.
func categoryIDs(p *Policy) []string {
	return idsOf(p.Taxonomy, func(c Category) string { return c.ID })
}

func priorityIDs(p *Policy) []string {
	return idsOf(p.Priorities, func(x Priority) string { return x.ID })
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// sets compiles the set steps of beats and reactions and checks each value
// against its variable's declared type.
func (c *checker) sets(comp *compiler) {
	for i := range c.s.Timeline {
		c.stepSets(comp, c.s.Timeline[i].Do, func() string { return fmt.Sprintf("timeline[%d]", i) }, EnvGuard)
	}
	for i := range c.s.Reactions {
		// Set steps read the guard environment: the action is over by then.
		c.stepSets(comp, c.s.Reactions[i].Do, func() string { return fmt.Sprintf("reactions[%d]", i) }, EnvGuard)
	}
}

func (c *checker) stepSets(comp *compiler, steps []Step, owner func() string, env EnvKind) {
	for i := range steps {
		st := &steps[i]
		if len(st.Set) == 0 {
			continue
		}
		// Paths for diagnostics only.
		path := func() string { return fmt.Sprintf("%s.do[%d].set", owner(), i) }
		var buf [8]string // a set step sets a few variables: their names stay on the stack
		names := buf[:0]
		for name := range st.Set {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			e := st.Set[name]
			vp := func() string { return path() + "." + name }
			decl, declared := c.s.Vars[name]
			if !declared {
				c.l.add(CodeUnknownVar, c.d.keyAt(vp()), "%s: no variable %q in vars%s", path(), name, suggestKey(name, c.s.Vars))
			}
			if !e.IsSet() {
				c.l.add(CodeExpr, c.d.at(vp()), "%s: the expression is blank", vp())
				continue
			}
			t := comp.expr(&e, env, "", vp)
			st.Set[name] = e
			if t == nil || !declared || t.Kind() == reflect.Interface {
				continue
			}
			if !assignable(t, decl.Type) {
				c.l.add(CodeSetType, e.Pos, "%s: variable %s is %s, but this expression gives %s", vp(), name, decl.Type, exprTypeName(t))
			}
		}
	}
}

func assignable(t reflect.Type, varType string) bool {
	switch varType {
	case "bool":
		return t.Kind() == reflect.Bool
	case "int":
		switch t.Kind() {
		case reflect.Int, reflect.Int64, reflect.Int32:
			return true
		}
	case "float":
		switch t.Kind() {
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Float32:
			return true
		}
	case "string":
		return t.Kind() == reflect.String
	default:
		return true // an unknown type is reported by the decoder
	}
	return false
}

// intentSet builds the intents the scenario may refer to and checks that
// each pattern is a valid regular expression.
func intentPatterns(l *diagList, d *decoder, m map[string][]string, path string) {
	for _, name := range sortedKeys(m) {
		for i, pat := range m[name] {
			if _, err := regexp.Compile(pat); err != nil {
				l.add(CodeRegexp, d.at(fmt.Sprintf("%s.%s[%d]", path, name, i)), "%s.%s[%d]: not a valid regular expression: %v", path, name, i, err)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m)) // never nil
	slices.Sort(out)
	return out
}

// suggestKey is suggest over the keys of m. A real drill has at most a
// few hundred ids of a kind; beyond that (a hostile file) it does not look.
func suggestKey[V any](name string, m map[string]V) string {
	if len(m) > maxSuggestCandidates {
		return ""
	}
	return suggest(name, sortedKeys(m))
}
