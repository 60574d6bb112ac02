package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Loader loads policies and scenarios. Policies must be added before the
// scenarios that use them.
type Loader struct {
	policies map[string]*Policy
	shipped  map[string]bool   // ids whose policy is a shipped one (files may replace it)
	broken   map[string]string // policy id -> file, for policies that failed to load
}

// NewLoader returns a loader with no policies.
func NewLoader() *Loader {
	return &Loader{policies: map[string]*Policy{}, shipped: map[string]bool{}, broken: map[string]string{}}
}

// Policy returns a loaded policy by id.
func (l *Loader) Policy(id string) (*Policy, bool) {
	p, ok := l.policies[id]
	return p, ok
}

// AddShipped makes the shipped policies available to later scenarios. A
// policy file loaded afterwards may replace one with the same id.
func (l *Loader) AddShipped() {
	pols, _ := ShippedPolicies()
	for _, p := range pols {
		if _, ok := l.policies[p.ID]; !ok {
			l.policies[p.ID] = p
			l.shipped[p.ID] = true
		}
	}
}

// UnmarshalYAML reads a duration (for callers that decode with yaml.v3
// directly; the loader has its own decoder).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalYAML reads an expression and where it was written.
func (e *Expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: an expression must be a string", n.Line)
	}
	*e = Expr{Src: n.Value, Pos: Pos{Line: n.Line, Col: n.Column}}
	return nil
}

// UnmarshalYAML reads a text and where it was written.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a text must be a string", n.Line)
	}
	*t = Text{Src: n.Value, Pos: Pos{Line: n.Line, Col: n.Column}}
	return t.Parse()
}

// LoadPolicy decodes and checks a policy and registers it under its id. It
// returns nil when the policy has errors.
func (l *Loader) LoadPolicy(file string, src []byte) (*Policy, Diagnostics) {
	return recovered(file, func() (*Policy, Diagnostics) { return l.loadPolicy(file, src) })
}

func (l *Loader) loadPolicy(file string, data []byte) (*Policy, Diagnostics) {
	var p Policy
	src := newSourceFile(file, data)
	dl := &diagList{src: src}
	root := parse(src, dl)
	if root == nil {
		return nil, dl.sorted()
	}
	d := newDecoder(src, dl, root)
	if hasRootKey(root, "extends") {
		d.inherits = map[string]bool{"id": true, "title": true, "version": true, ".cadence": true}
	}
	d.decodeStruct(root, reflect.ValueOf(&p).Elem(), 0)
	if p.Extends != "" {
		parent, ok := l.policies[p.Extends]
		switch {
		case ok:
			p = *l.extend(parent, &p, d, dl)
		case l.broken[p.Extends] != "":
			dl.add(CodeBadPolicy, d.at("extends"), "policy %q has errors (in %s); fix them first", p.Extends, l.broken[p.Extends])
		default:
			dl.add(CodeNoPolicy, d.at("extends"), "extends: unknown policy %q%s", p.Extends, suggest(p.Extends, sortedKeys(l.policies)))
		}
	} else {
		checkPolicy(&p, d, dl)
	}
	if prev, ok := l.policies[p.ID]; ok && p.ID != "" && !l.shipped[p.ID] {
		dl.add(CodeDupPolicy, d.at("id"), "policy %q is already defined in %s", p.ID, prev.File)
	}
	if dl.hasErrors() {
		if p.ID != "" {
			if _, ok := l.policies[p.ID]; !ok || l.shipped[p.ID] {
				l.broken[p.ID] = file
				delete(l.policies, p.ID)
			}
		}
		return nil, dl.sorted()
	}
	p.File, p.Source = file, data
	l.policies[p.ID] = &p
	delete(l.shipped, p.ID)
	delete(l.broken, p.ID)
	return &p, dl.sorted()
}

// LoadScenario decodes a scenario, applies its policy, compiles every
// expression and runs the checks and lints. It returns nil when the
// scenario has errors; warnings come with a loaded scenario.
func (l *Loader) LoadScenario(file string, src []byte) (*Scenario, Diagnostics) {
	return recovered(file, func() (*Scenario, Diagnostics) { return l.loadScenario(file, src) })
}

func (l *Loader) loadScenario(file string, data []byte) (*Scenario, Diagnostics) {
	var s Scenario
	d, dl := decodeFile(file, data, &s)
	if d == nil {
		return nil, dl.sorted()
	}
	s.File, s.Source = file, data
	sum := sha256.Sum256(data)
	s.Hash = hex.EncodeToString(sum[:])

	// The compiler's environments need only the decoded vars and
	// variation, so compiling can start on a second core during the checks.
	comp := newCompiler(&s, dl)
	pf := comp.startPrefetch(&s)
	c := &checker{s: &s, d: d, l: dl}
	c.ids()
	c.shapes()
	if s.Policy != "" {
		switch p, ok := l.policies[s.Policy]; {
		case ok:
			checkOverride(d, dl, p, s.Overrides)
			s.Resolved = ApplyOverride(p, s.Overrides)
			c.pol = s.Resolved
			c.intents = knownIntents(s.Resolved, &s)
		case l.broken[s.Policy] != "":
			dl.add(CodeBadPolicy, d.at("policy"), "policy %q has errors (in %s); fix them first", s.Policy, l.broken[s.Policy])
		default:
			ids := make([]string, 0, len(l.policies))
			for id := range l.policies {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			hint := suggest(s.Policy, ids)
			if hint == "" && len(ids) > 0 {
				hint = " (known policies: " + strings.Join(ids, ", ") + ")"
			}
			dl.add(CodeNoPolicy, d.at("policy"), "unknown policy %q%s", s.Policy, hint)
		}
	}
	intentPatterns(dl, d, s.Intents, "intents")
	intentPatterns(dl, d, s.IntentNever, "intent_never")
	n := intentExamples(dl, d, s.IntentExamples, "intent_examples") + intentExamples(dl, d, s.IntentCounters, "intent_counterexamples")
	if s.Resolved != nil {
		for _, m := range []map[string][]string{s.Resolved.IntentExamples, s.Resolved.IntentCounters} {
			for _, v := range m {
				n += len(v)
			}
		}
		intentImplies(dl, d, s.IntentImplies, "intent_implies", c.intents)
	}
	if n > MaxIntentExamples {
		dl.add(CodeRange, d.at("intent_examples"), "%d intent examples and counterexamples with the policy's; a drill has at most %d", n, MaxIntentExamples)
	}
	c.truth()
	pf.finish()
	comp.compileAll(reflect.ValueOf(&s).Elem(), "", "")
	c.sets(comp)
	c.refs(comp.refs)
	c.calibration()
	checkTimings(&s, d, dl)
	if !dl.hasErrors() {
		lint(&s, d, dl, c, comp)
		lintMistakes(&s, d, dl)
		lintChase(&s, d, dl)
	}
	ds := dl.sorted()
	if ds.HasErrors() {
		return nil, ds
	}
	return &s, ds
}

// decodeFile parses data, the contents of file, and decodes it into v, a
// pointer to a Policy or a Scenario. The decoder is nil when the file did
// not parse; the list holds the diagnostics so far either way.
func decodeFile(file string, data []byte, v any) (*decoder, *diagList) {
	src := newSourceFile(file, data)
	dl := &diagList{src: src}
	root := parse(src, dl)
	if root == nil {
		return nil, dl
	}
	d := newDecoder(src, dl, root)
	d.decodeStruct(root, reflect.ValueOf(v).Elem(), 0)
	return d, dl
}

// recovered runs load and turns a panic in it into an internal-error
// diagnostic for file, so that a bug the author's file trips does not take
// down the server or the command that loads it.
func recovered[T any](file string, load func() (*T, Diagnostics)) (v *T, ds Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			v, ds = nil, Diagnostics{internalError(file, r)}
		}
	}()
	return load()
}

func internalError(file string, r any) Diagnostic {
	return Diagnostic{File: file, Line: 1, Col: 1, Code: CodeSyntax, Severity: Error,
		Message: fmt.Sprintf("internal error while loading this file (please report it with the file): %v", r)}
}

// mergeMatrix returns a new priority matrix with base's cells, then over's
// merged in cell by cell.
func mergeMatrix(base, over map[string]map[string]string) map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, src := range []map[string]map[string]string{base, over} {
		for k, v := range src {
			if m[k] == nil {
				m[k] = map[string]string{}
			}
			maps.Copy(m[k], v)
		}
	}
	return m
}

// ApplyOverride returns a copy of p with o applied.
func ApplyOverride(p *Policy, o *PolicyOverride) *Policy {
	r := *p
	if o == nil {
		return &r
	}
	if o.Taxonomy != nil {
		r.Taxonomy = o.Taxonomy
	}
	if o.Matrix != nil {
		r.Matrix = mergeMatrix(p.Matrix, o.Matrix)
	}
	if o.Escalation != nil {
		r.Escalation = o.Escalation
	}
	if c := o.Cadence; c != nil {
		set := func(dst *Duration, src *Duration) {
			if src != nil {
				*dst = *src
			}
		}
		set(&r.Cadence.FirstResponse, c.FirstResponse)
		set(&r.Cadence.MaxSilence, c.MaxSilence)
		set(&r.Cadence.HoldUpdate, c.HoldUpdate)
		set(&r.Cadence.WaitingUpdate, c.WaitingUpdate)
		set(&r.Cadence.TeamUpdate, c.TeamUpdate)
		set(&r.Cadence.PromiseGrace, c.PromiseGrace)
	}
	if o.Bands != nil {
		r.Bands = o.Bands
	}
	if o.PassMark != nil {
		r.PassMark = *o.PassMark
	}
	if o.Mood != nil {
		r.Mood = *o.Mood
	}
	if o.Intents != nil {
		m := map[string][]string{}
		for k, v := range p.Intents {
			m[k] = v
		}
		for k, v := range o.Intents {
			m[k] = v
		}
		r.Intents = m
	}
	if o.Disconnect != "" {
		r.Disconnect = o.Disconnect
	}
	if o.DisconnectBudget != nil {
		r.DisconnectBudget = o.DisconnectBudget
	}
	return &r
}

// Set is what LoadPaths found.
type Set struct {
	Policies  []*Policy
	Scenarios []*Scenario
}

// source is one file to load.
type source struct {
	name     string
	src      []byte
	diag     *Diagnostic // reading it failed
	implicit bool        // a policy picked up next to a scenario, not named by the user
}

func readSource(name string, implicit bool) source {
	data, d := readFile(name)
	return source{name: name, src: data, diag: d, implicit: implicit}
}

func ioDiagnostic(file string, err error) Diagnostic {
	return Diagnostic{File: file, Line: 0, Col: 0, Code: CodeRead, Severity: Error, Message: err.Error()}
}

// readFile reads a file of at most MaxFileSize bytes.
func readFile(name string) ([]byte, *Diagnostic) {
	f, err := os.Open(name)
	if err != nil {
		d := ioDiagnostic(name, err)
		return nil, &d
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		d := ioDiagnostic(name, err)
		return nil, &d
	}
	if len(data) > MaxFileSize {
		size := len(data)
		if fi, err := f.Stat(); err == nil {
			size = int(fi.Size())
		}
		d := Diagnostic{File: name, Line: 1, Col: 1, Code: CodeTooLarge, Severity: Error,
			Message: fmt.Sprintf("file is %s; the limit is 1 MiB", byteSize(size))}
		return nil, &d
	}
	return data, nil
}

// LoadPaths loads files and directories (recursing into *.policy.yaml and
// *.drill.yaml files, skipping testdata directories); policies first.
// Scenarios may use the policies found and the shipped ones.
func LoadPaths(paths ...string) (*Set, Diagnostics) {
	var srcs []source
	var all Diagnostics
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			all = append(all, ioDiagnostic(p, err))
			continue
		}
		if !fi.IsDir() {
			srcs = append(srcs, readSource(p, false))
			continue
		}
		// Walked through os.DirFS so that a directory given as a symbolic
		// link is walked too (filepath.WalkDir does not follow the root).
		files, err := fsFiles(os.DirFS(p), ".")
		if err != nil {
			all = append(all, ioDiagnostic(p, err))
		}
		for _, f := range files {
			srcs = append(srcs, readSource(filepath.Join(p, filepath.FromSlash(f)), false))
		}
	}
	set, ds := loadSources(srcs)
	return set, append(all, ds...)
}

// loadSources loads policies first (a file named *.policy.yaml is a
// policy, anything else a scenario), then scenarios against the shipped
// policies and the ones loaded.
func loadSources(srcs []source) (*Set, Diagnostics) {
	l := NewLoader()
	l.AddShipped()
	set := &Set{}
	var all, implicitDiags Diagnostics
	for _, s := range policyOrder(srcs) {
		if s.diag != nil {
			if s.implicit {
				implicitDiags = append(implicitDiags, *s.diag)
			} else {
				all = append(all, *s.diag)
			}
			continue
		}
		pol, ds := l.LoadPolicy(s.name, s.src)
		if s.implicit {
			implicitDiags = append(implicitDiags, ds...)
		} else {
			all = append(all, ds...)
		}
		if pol != nil {
			set.Policies = append(set.Policies, pol)
		}
	}
	for _, s := range srcs {
		if isPolicyFile(s.name) {
			continue
		}
		if s.diag != nil {
			all = append(all, *s.diag)
			continue
		}
		sc, ds := l.LoadScenario(s.name, s.src)
		for _, d := range ds {
			if d.Code == CodeNoPolicy || d.Code == CodeBadPolicy {
				all = append(all, implicitDiags.Errors()...)
				break
			}
		}
		all = append(all, ds...)
		if sc != nil {
			set.Scenarios = append(set.Scenarios, sc)
		}
	}
	return set, all
}

var (
	extendsLine = regexp.MustCompile(`(?m)^extends:[ \t]*["']?([A-Za-z0-9_.-]+)`)
	idLine      = regexp.MustCompile(`(?m)^id:[ \t]*["']?([A-Za-z0-9_.-]+)`)
)

// policyOrder returns the policy sources of srcs in an order that loads a
// policy after the one it extends when both are files here: a policy
// waits while another pending file declares the id it extends. Whatever
// cannot be ordered (a cycle, a missing parent) comes last, in file
// order, and is reported when it loads.
func policyOrder(srcs []source) []source {
	var pending, out []source
	for _, s := range srcs {
		if isPolicyFile(s.name) {
			pending = append(pending, s)
		}
	}
	declares := func(list []source, id string) bool {
		for _, s := range list {
			if m := idLine.FindSubmatch(s.src); m != nil && string(m[1]) == id {
				return true
			}
		}
		return false
	}
	for len(pending) > 0 {
		var rest []source
		for _, s := range pending {
			m := extendsLine.FindSubmatch(s.src)
			if s.diag == nil && m != nil && declares(others(pending, s), string(m[1])) {
				rest = append(rest, s)
				continue
			}
			out = append(out, s)
		}
		if len(rest) == len(pending) {
			return append(out, rest...)
		}
		pending = rest
	}
	return out
}

// others is list without s.
func others(list []source, s source) []source {
	var out []source
	for _, x := range list {
		if x.name != s.name {
			out = append(out, x)
		}
	}
	return out
}
