package scenarios

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	exprchecker "github.com/expr-lang/expr/checker"
	exprcompiler "github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

var (
	exprType = reflect.TypeOf(Expr{})
	textType = reflect.TypeOf(Text{})
)

// MaxExpressions bounds the expressions (interpolations included) of one
// file. A 100 KB drill has about 600; a hostile megabyte could hold a
// hundred thousand, each a compile.
const MaxExpressions = 20_000

// refKind is what a string literal in an expression names.
type refKind int

const (
	refIntent refKind = iota
	refService
	refTeam
	refCast // a service or a team
	refFired
	refField
	refDecision
	refGap
	refPhase
	refEnding
	refCategory
	refPriority
)

// exprRef is a name an expression refers to by a string literal, such as
// "gas" in dispatched("gas").
type exprRef struct {
	kind refKind
	name string
	fn   string
	pos  Pos
}

// refFuncs maps vocabulary functions to what their string argument names.
var refFuncs = map[string]struct {
	arg  int
	kind refKind
}{
	"said": {0, refIntent}, "times_said": {0, refIntent}, "said_at": {0, refIntent},
	"dispatched": {0, refService}, "dispatched_at": {0, refService}, "arrived": {0, refService},
	"escalated": {0, refTeam}, "escalated_at": {0, refTeam}, "longest_team_gap": {0, refTeam},
	"contacted": {0, refCast}, "consulted": {0, refCast}, "consulted_at": {0, refCast}, "acknowledged": {0, refCast}, "handover_complete": {0, refCast},
	"fired": {0, refFired}, "fired_at": {0, refFired}, "since": {0, refFired}, "reclassified_after": {0, refFired},
	"field_correct": {0, refField},
	"approved":      {0, refDecision},
	"longest_gap":   {0, refGap}, "updates": {0, refGap}, "gaps_over": {1, refGap}, "gaps": {0, refGap},
	"handover_missing": {0, refCast},
}

// refIdents maps state names compared with string literals (phase == "x")
// to what the literal names.
var refIdents = map[string]refKind{"phase": refPhase, "ending": refEnding, "category": refCategory, "priority": refPriority}

// compiler compiles every expression of one scenario, caching programs by
// source (drills repeat guards such as arrived("gas")), and collects what
// the expressions refer to for the reference checks and lints.
type compiler struct {
	s     *Scenario
	l     *diagList
	envs  map[EnvKind]types.Map
	confs map[EnvKind]*conf.Config
	cache map[cacheKey]cached

	count  int // expressions compiled
	rc     refCollector
	refs   []exprRef
	reads  map[string]bool // vars.NAME read
	varies map[string]bool // vary.NAME read
}

type cacheKey struct {
	env EnvKind
	src string
}

type cached struct {
	prog *vm.Program
	err  error
}

func newCompiler(s *Scenario, l *diagList) *compiler {
	c := &compiler{s: s, l: l, envs: map[EnvKind]types.Map{}, confs: map[EnvKind]*conf.Config{},
		cache: map[cacheKey]cached{}, reads: map[string]bool{}, varies: map[string]bool{}}
	for _, k := range []EnvKind{EnvGuard, EnvReaction, EnvRule} {
		env := EnvTypes(s, k)
		c.envs[k] = env
		c.confs[k] = newConfig(env)
	}
	return c
}

// newConfig builds the expr configuration of one environment once, as
// expr.Compile would for each expression: building it dominated loading.
func newConfig(env types.Map) *conf.Config {
	cfg := conf.CreateNew()
	for _, op := range []expr.Option{expr.Env(env), expr.DisableBuiltin("now"), expr.Timezone("UTC"), expr.MaxNodes(MaxNodes)} {
		op(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	cfg.Check()
	return cfg
}

func (c *compiler) program(src string, env EnvKind) (*vm.Program, error) {
	key := cacheKey{env, src}
	if r, ok := c.cache[key]; ok && (r.prog != nil || r.err != nil) { // not pending (see startPrefetch)
		return r.prog, r.err
	}
	p, err := compileSafely(src, c.confs[env])
	c.cache[key] = cached{p, err}
	return p, err
}

// compileSafely compiles src the way expr.Compile does, with a prepared
// configuration; a panic inside expr becomes an error.
func compileSafely(src string, cfg *conf.Config) (p *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("cannot compile: %v", r)
		}
	}()
	if err := checkExprSource(src); err != nil {
		return nil, err
	}
	tree, err := exprchecker.ParseCheck(src, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Optimize {
		if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				return nil, fe.Bind(tree.Source)
			}
			return nil, err
		}
	}
	return exprcompiler.Compile(tree, cfg)
}

// expr compiles e in env. want is "bool" for conditions, "" for any value.
// It reports problems and returns the program's result type (nil on error).
func (c *compiler) expr(e *Expr, env EnvKind, want string, path func() string) reflect.Type {
	if !e.IsSet() {
		if want == "bool" && e.Src != "" {
			c.l.add(CodeExpr, e.Pos, "%s: the expression is blank", where(path()))
		}
		return nil
	}
	if env == "" {
		env = EnvGuard
	}
	if c.l.full() {
		c.l.dropped++ // the file has failed already: spare the compiler
		return nil
	}
	if err := checkExprSource(e.Src); err != nil {
		pos, msg, _ := e.ExprErrorPos(err)
		c.l.add(CodeExpr, pos, "%s: %s", where(path()), msg)
		return nil
	}
	if c.count++; c.count > MaxExpressions {
		if c.count == MaxExpressions+1 {
			c.l.add(CodeExpr, e.Pos, "%s: more than %d expressions in one file; the rest are not compiled", where(path()), MaxExpressions)
		}
		return nil
	}
	p, err := c.program(e.Src, env)
	if err != nil {
		pos, msg, _ := e.ExprErrorPos(err)
		c.l.add(CodeExpr, pos, "%s: %s%s", where(path()), msg, c.hint(e.Src, env, err))
		return nil
	}
	e.prog = p
	t := p.Node().Type()
	if want == "bool" && t.Kind() != reflect.Bool && t.Kind() != reflect.Interface {
		c.l.add(CodeNotBool, e.Pos, "%s must be true or false, but this expression gives %s", where(path()), exprTypeName(t))
	}
	c.collect(e)
	return t
}

// text compiles the interpolations of t.
func (c *compiler) text(t *Text, env EnvKind, path func() string) {
	for i := range t.Parts {
		if t.Parts[i].Expr.IsSet() {
			c.expr(&t.Parts[i].Expr, env, "", path)
		}
	}
}

// collect records the names e refers to.
func (c *compiler) collect(e *Expr) {
	c.rc.c, c.rc.e, c.rc.root = c, *e, e.prog.Node()
	ast.Walk(&c.rc.root, &c.rc)
	c.rc.e, c.rc.root = Expr{}, nil
}

// refCollector is collect's visitor. Each compiler has one, so that
// walking an expression's tree allocates nothing (ast.Find allocates a
// visitor and its callback for every expression).
type refCollector struct {
	c    *compiler
	e    Expr // a copy, so that the caller's Expr may stay on its stack
	root ast.Node
}

func (r *refCollector) Visit(node *ast.Node) {
	c, e := r.c, r.e
	switch n := (*node).(type) {
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			break
		}
		c.bareIDs(e, id.Value, n.Arguments)
		rf, ok := refFuncs[id.Value]
		if !ok || rf.arg >= len(n.Arguments) {
			break
		}
		if s, ok := n.Arguments[rf.arg].(*ast.StringNode); ok {
			c.refs = append(c.refs, exprRef{kind: rf.kind, name: s.Value, fn: id.Value, pos: e.PosAt(s.Location().From)})
		}
	case *ast.MemberNode:
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok {
			break
		}
		if s, ok := n.Property.(*ast.StringNode); ok {
			switch id.Value {
			case "vars":
				c.reads[s.Value] = true
			case "vary":
				c.varies[s.Value] = true
			}
		}
	case *ast.BinaryNode:
		if n.Operator != "==" && n.Operator != "!=" {
			break
		}
		for _, pair := range [2][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
			s, ok2 := pair[1].(*ast.StringNode)
			if !ok2 || s.Value == "" {
				continue
			}
			// action.decision == "x": a decision the script reacts to must
			// be one the drill declares, so that the console offers it.
			if m, ok := pair[0].(*ast.MemberNode); ok {
				obj, ok1 := m.Node.(*ast.IdentifierNode)
				prop, ok3 := m.Property.(*ast.StringNode)
				if ok1 && ok3 && obj.Value == "action" && prop.Value == "decision" {
					c.refs = append(c.refs, exprRef{kind: refDecision, name: s.Value, fn: "action.decision", pos: e.PosAt(s.Location().From)})
				}
				continue
			}
			id, ok1 := pair[0].(*ast.IdentifierNode)
			if !ok1 {
				continue
			}
			if k, ok := refIdents[id.Value]; ok {
				c.refs = append(c.refs, exprRef{kind: k, name: s.Value, fn: id.Value, pos: e.PosAt(s.Location().From)})
			}
		}
	}
}

// hint explains a compile error about an unknown name: which environment
// has it, or the closest name this one has.
func (c *compiler) hint(src string, env EnvKind, err error) string {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return ""
	}
	tree, perr := parser.Parse(src)
	if perr != nil {
		return ""
	}
	names := c.envs[env]
	out := ""
	ast.Find(tree.Node, func(n ast.Node) bool {
		if out != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.IdentifierNode:
			if n.Location().From != fe.From {
				return false
			}
			if _, ok := names[n.Value]; ok {
				return false
			}
			for _, v := range Vocabulary {
				if v.Name == n.Value {
					out = fmt.Sprintf(" (%s is not available in %s; it is available in %s)", n.Value, envTitle(env), envList(v.Envs))
					return false
				}
			}
			out = suggest(n.Value, sortedKeys(names))
		case *ast.MemberNode:
			id, ok := n.Node.(*ast.IdentifierNode)
			s, ok2 := n.Property.(*ast.StringNode)
			if !ok || !ok2 || n.Property.Location().From != fe.From {
				return false
			}
			m, ok := names[id.Value].(types.Map)
			if !ok {
				return false
			}
			keys := sortedKeys(m)
			if len(keys) == 0 {
				out = fmt.Sprintf(" (this scenario declares no %s)", id.Value)
				return false
			}
			if s := suggest(s.Value, keys); s != "" {
				out = s
			} else {
				out = fmt.Sprintf(" (%s has %s)", id.Value, strings.Join(keys, ", "))
			}
		}
		return false
	})
	return out
}

// envTitle names an environment for authors.
func envTitle(k EnvKind) string {
	switch k {
	case EnvGuard:
		return "guards and texts (env guard)"
	case EnvReaction:
		return "reaction conditions (env reaction)"
	case EnvRule:
		return "rubric rules (env rule)"
	}
	return string(k)
}

func envList(ks []EnvKind) string {
	var s []string
	for _, k := range ks {
		s = append(s, envTitle(k))
	}
	return orList(s)
}

// exprTypeName says what an expression of type t gives, for authors.
func exprTypeName(t reflect.Type) string {
	if w, ok := kindWords[t.Kind()]; ok {
		return w.one
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.Func:
		return "a function (did you forget the ()?)"
	}
	return t.String()
}

// compileAll compiles every Expr and Text in v, each against the
// environment named by the env tag of the field that holds it. Set steps
// are compiled by the step walker in check.go.
func (c *compiler) compileAll(v reflect.Value, env EnvKind, path string) {
	w := exprWalker{buf: append(make([]byte, 0, 64), path...)}
	w.visit = func(x reflect.Value, env EnvKind) {
		if x.Type() == exprType {
			c.expr(x.Addr().Interface().(*Expr), env, "bool", w.path)
		} else {
			c.text(x.Addr().Interface().(*Text), env, w.path)
		}
	}
	w.walk(v, planOf(v.Type()), env)
}

// exprWalker calls visit, in file order, for every Expr and Text in a value
// (set steps aside), with the environment named by the env tag of the field
// that holds it. Map values are visited on a copy that is stored back, so
// what visit sets on them (a compiled program) stays. The key path of the
// value being visited, such as "timeline[2].do[0].say", is kept in one
// buffer as the walk goes depth first; path makes it a string, which only
// diagnostics need.
type exprWalker struct {
	buf   []byte
	visit func(x reflect.Value, env EnvKind)
}

// path returns the key path of the value being visited.
func (w *exprWalker) path() string { return string(w.buf) }

func (w *exprWalker) walk(v reflect.Value, p *exprPlan, env EnvKind) {
	switch p.kind {
	case planExpr:
		w.visit(v, env)
	case planPointer:
		if !v.IsNil() {
			w.walk(v.Elem(), p.elem, env)
		}
	case planStruct:
		pl := len(w.buf)
		for i := range p.fields {
			f := &p.fields[i]
			e := env
			if f.env != "" {
				e = f.env
			}
			if pl > 0 {
				w.buf = append(w.buf, '.')
			}
			w.buf = append(w.buf, f.name...)
			w.walk(v.Field(f.index), f.plan, e)
			w.buf = w.buf[:pl]
		}
	case planSlice:
		pl := len(w.buf)
		for i := 0; i < v.Len(); i++ {
			w.buf = append(w.buf, '[')
			w.buf = strconv.AppendInt(w.buf, int64(i), 10)
			w.buf = append(w.buf, ']')
			w.walk(v.Index(i), p.elem, env)
			w.buf = w.buf[:pl]
		}
	case planMap:
		if v.Len() == 0 {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		pl := len(w.buf)
		cp := reflect.New(v.Type().Elem()).Elem()
		for _, k := range keys {
			cp.Set(v.MapIndex(k))
			if pl > 0 {
				w.buf = append(w.buf, '.')
			}
			w.buf = append(w.buf, k.String()...)
			w.walk(cp, p.elem, env)
			w.buf = w.buf[:pl]
			v.SetMapIndex(k, cp)
		}
	}
}

// exprPlan is where the expressions are in values of one type, worked out
// once per type so that walking a scenario looks nothing up by type.
// Only types that can hold an Expr or a Text have a plan.
type exprPlan struct {
	kind   planKind
	elem   *exprPlan   // planPointer, planSlice, planMap
	fields []planField // planStruct: the fields that can hold an expression
}

type planKind uint8

const (
	planNone planKind = iota // holds no expression
	planExpr                 // an Expr or a Text
	planPointer
	planSlice
	planMap
	planStruct
)

// planField is a struct field that can hold an expression.
type planField struct {
	index int
	name  string
	env   EnvKind // from the env tag; "" keeps the enclosing environment
	plan  *exprPlan
}

var (
	exprPlans  sync.Map   // reflect.Type -> *exprPlan
	exprPlanMu sync.Mutex // serialises building plans
)

// planOf returns the plan of t, which must be able to hold an expression.
func planOf(t reflect.Type) *exprPlan {
	if p, ok := exprPlans.Load(t); ok {
		return p.(*exprPlan)
	}
	exprPlanMu.Lock()
	defer exprPlanMu.Unlock()
	if p, ok := exprPlans.Load(t); ok {
		return p.(*exprPlan)
	}
	// Plans are published only once complete: types may refer to
	// themselves, so the ones being built are kept aside until then.
	building := map[reflect.Type]*exprPlan{}
	p := buildPlan(t, building)
	for t, p := range building {
		exprPlans.Store(t, p)
	}
	return p
}

func buildPlan(t reflect.Type, building map[reflect.Type]*exprPlan) *exprPlan {
	if p, ok := exprPlans.Load(t); ok {
		return p.(*exprPlan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &exprPlan{}
	building[t] = p
	if !holdsExpr(t) {
		return p
	}
	switch t.Kind() {
	case reflect.Pointer:
		p.kind, p.elem = planPointer, buildPlan(t.Elem(), building)
	case reflect.Slice:
		p.kind, p.elem = planSlice, buildPlan(t.Elem(), building)
	case reflect.Map:
		p.kind, p.elem = planMap, buildPlan(t.Elem(), building)
	case reflect.Struct:
		if t == exprType || t == textType {
			p.kind = planExpr
			break
		}
		p.kind = planStruct
		for _, f := range infoOf(t).fields {
			if !holdsExpr(f.typ) || (t == stepType && f.name == "set") {
				continue
			}
			p.fields = append(p.fields, planField{index: f.index, name: f.name, env: f.env, plan: buildPlan(f.typ, building)})
		}
	}
	return p
}

var stepType = reflect.TypeOf(Step{})

var holdsExprCache sync.Map // reflect.Type -> bool

// holdsExpr reports whether values of t can contain an Expr or a Text.
func holdsExpr(t reflect.Type) bool {
	if v, ok := holdsExprCache.Load(t); ok {
		return v.(bool)
	}
	h := holdsExprSeen(t, map[reflect.Type]bool{})
	holdsExprCache.Store(t, h)
	return h
}

func holdsExprSeen(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return holdsExprSeen(t.Elem(), seen)
	case reflect.Struct:
		if t == exprType || t == textType {
			return true
		}
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && holdsExprSeen(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// bareIDs reports arguments of a vocabulary function written as a bare
// name that no environment has, such as arrived(engineer): expr's checker
// lets such a name through inside a call, and the function would then be
// handed nil at run time. The id is checked too, as if quoted.
func (c *compiler) bareIDs(e Expr, fn string, args []ast.Node) {
	if _, ok := c.envs[EnvRule][fn]; !ok {
		if _, ok := c.envs[EnvGuard][fn]; !ok {
			return
		}
	}
	for i, a := range args {
		id, ok := a.(*ast.IdentifierNode)
		if !ok || c.known(id.Value) {
			continue
		}
		if t := id.Type(); t != nil && t.Kind() != reflect.Interface {
			continue // a let variable: it has a type
		}
		pos := e.PosAt(id.Location().From)
		c.l.add(CodeBareID, pos, "%s(%s): %s is not a name expressions know; an id is written in quotes: %s(%q)", fn, id.Value, id.Value, fn, id.Value)
		if rf, ok := refFuncs[fn]; ok && rf.arg == i {
			c.refs = append(c.refs, exprRef{kind: rf.kind, name: id.Value, fn: fn, pos: pos})
		}
	}
}

// known reports whether any expression environment has name.
func (c *compiler) known(name string) bool {
	for _, env := range c.envs {
		if _, ok := env[name]; ok {
			return true
		}
	}
	return false
}
