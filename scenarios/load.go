package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Loader loads policies and scenarios. Policies must be added before the
// scenarios that use them.
type Loader struct {
	policies map[string]*Policy
}

// NewLoader returns a loader with no policies.
func NewLoader() *Loader { return &Loader{policies: map[string]*Policy{}} }

// Policy returns a loaded policy by id.
func (l *Loader) Policy(id string) (*Policy, bool) {
	p, ok := l.policies[id]
	return p, ok
}

// UnmarshalYAML reads a duration.
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

// LoadPolicy decodes a policy and registers it under its id.
func (l *Loader) LoadPolicy(file string, src []byte) (*Policy, Diagnostics) {
	var p Policy
	if ds := decodeStrict(file, src, &p); ds.HasErrors() {
		return nil, ds
	}
	p.File, p.Source = file, src
	l.policies[p.ID] = &p
	return &p, nil
}

// LoadScenario decodes a scenario, applies its policy and compiles every
// expression.
func (l *Loader) LoadScenario(file string, src []byte) (*Scenario, Diagnostics) {
	var s Scenario
	if ds := decodeStrict(file, src, &s); ds.HasErrors() {
		return nil, ds
	}
	s.File, s.Source = file, src
	sum := sha256.Sum256(src)
	s.Hash = hex.EncodeToString(sum[:])
	var ds Diagnostics
	p, ok := l.policies[s.Policy]
	if !ok {
		ds = append(ds, Diagnostic{File: file, Line: 1, Col: 1, Code: "DR3001", Severity: Error, Message: fmt.Sprintf("unknown policy %q", s.Policy)})
		return nil, ds
	}
	s.Resolved = ApplyOverride(p, s.Overrides)
	ds = append(ds, compileAll(&s, file, reflect.ValueOf(&s).Elem(), "")...)
	if ds.HasErrors() {
		return nil, ds
	}
	return &s, ds
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
		m := map[string]map[string]string{}
		for k, v := range p.Matrix {
			m[k] = map[string]string{}
			for k2, v2 := range v {
				m[k][k2] = v2
			}
		}
		for k, v := range o.Matrix {
			if m[k] == nil {
				m[k] = map[string]string{}
			}
			for k2, v2 := range v {
				m[k][k2] = v2
			}
		}
		r.Matrix = m
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
	return &r
}

func decodeStrict(file string, src []byte, v any) Diagnostics {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return Diagnostics{{File: file, Line: 1, Col: 1, Code: "DR1001", Severity: Error, Message: err.Error()}}
	}
	return nil
}

var (
	exprType = reflect.TypeOf(Expr{})
	textType = reflect.TypeOf(Text{})
)

// compileAll walks v and compiles every Expr and Text against the
// environment named by the env tag of the field that holds it.
func compileAll(s *Scenario, file string, v reflect.Value, env EnvKind) Diagnostics {
	var ds Diagnostics
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			ds = append(ds, compileAll(s, file, v.Elem(), env)...)
		}
	case reflect.Struct:
		switch v.Type() {
		case exprType:
			e := v.Addr().Interface().(*Expr)
			if e.IsSet() {
				if err := e.Compile(s, env, "bool"); err != nil {
					pos, msg, _ := e.ExprErrorPos(err)
					ds = append(ds, Diagnostic{File: file, Line: pos.Line, Col: pos.Col, Code: "DR4001", Severity: Error, Message: msg})
				}
			}
			return ds
		case textType:
			t := v.Addr().Interface().(*Text)
			for i := range t.Parts {
				if t.Parts[i].Expr.IsSet() {
					if err := t.Parts[i].Expr.Compile(s, env, ""); err != nil {
						pos, msg, _ := t.Parts[i].Expr.ExprErrorPos(err)
						ds = append(ds, Diagnostic{File: file, Line: pos.Line, Col: pos.Col, Code: "DR4001", Severity: Error, Message: msg})
					}
				}
			}
			return ds
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Tag.Get("yaml") == "-" {
				continue
			}
			e := env
			if tag := f.Tag.Get("env"); tag != "" {
				e = EnvKind(tag)
			}
			ds = append(ds, compileAll(s, file, v.Field(i), e)...)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			ds = append(ds, compileAll(s, file, v.Index(i), env)...)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			if v.Type().Elem() == exprType {
				// set steps: any type; the engine checks it against the variable.
				e := v.MapIndex(k).Interface().(Expr)
				if err := e.Compile(s, env, ""); err != nil {
					pos, msg, _ := e.ExprErrorPos(err)
					ds = append(ds, Diagnostic{File: file, Line: pos.Line, Col: pos.Col, Code: "DR4001", Severity: Error, Message: msg})
				}
				v.SetMapIndex(k, reflect.ValueOf(e))
				continue
			}
			// Map values are not addressable: compile a copy and store it back.
			cp := reflect.New(v.Type().Elem()).Elem()
			cp.Set(v.MapIndex(k))
			ds = append(ds, compileAll(s, file, cp, env)...)
			v.SetMapIndex(k, cp)
		}
	}
	return ds
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
	err      error // reading it failed
	implicit bool  // a policy picked up next to a scenario, not named by the user
}

func ioDiagnostic(file string, err error) Diagnostic {
	return Diagnostic{File: file, Line: 0, Col: 0, Code: "DR1000", Severity: Error, Message: err.Error()}
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
			src, err := os.ReadFile(p)
			srcs = append(srcs, source{name: p, src: src, err: err})
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if isPolicyFile(path) || isDrillFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			all = append(all, ioDiagnostic(p, err))
		}
		sort.Strings(files)
		for _, f := range files {
			src, err := os.ReadFile(f)
			srcs = append(srcs, source{name: f, src: src, err: err})
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
	shippedPols, _ := ShippedPolicies()
	for _, p := range shippedPols {
		l.policies[p.ID] = p
	}
	set := &Set{}
	var all, implicitDiags Diagnostics
	for _, s := range srcs {
		if !isPolicyFile(s.name) {
			continue
		}
		if s.err != nil {
			all = append(all, ioDiagnostic(s.name, s.err))
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
		if s.err != nil {
			all = append(all, ioDiagnostic(s.name, s.err))
			continue
		}
		sc, ds := l.LoadScenario(s.name, s.src)
		for _, d := range ds {
			if d.Code == "DR3001" {
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
