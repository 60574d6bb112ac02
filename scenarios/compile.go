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
	"contacted": {0, refCast}, "acknowledged": {0, refCast}, "handover_complete": {0, refCast},
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
	if r, ok := c.cache[key]; ok {
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
func (c *compiler) expr(e *Expr, env EnvKind, want, path string) reflect.Type {
	if !e.IsSet() {
		if want == "bool" && e.Src != "" {
			c.l.add(CodeExpr, e.Pos, "%s: the expression is blank", where(path))
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
		c.l.add(CodeExpr, pos, "%s: %s", where(path), msg)
		return nil
	}
	if c.count++; c.count > MaxExpressions {
		if c.count == MaxExpressions+1 {
			c.l.add(CodeExpr, e.Pos, "%s: more than %d expressions in one file; the rest are not compiled", where(path), MaxExpressions)
		}
		return nil
	}
	p, err := c.program(e.Src, env)
	if err != nil {
		pos, msg, _ := e.ExprErrorPos(err)
		c.l.add(CodeExpr, pos, "%s: %s%s", where(path), msg, c.hint(e.Src, env, err))
		return nil
	}
	e.prog = p
	t := p.Node().Type()
	if want == "bool" && t.Kind() != reflect.Bool && t.Kind() != reflect.Interface {
		c.l.add(CodeNotBool, e.Pos, "%s must be true or false, but this expression gives %s", where(path), exprTypeName(t))
	}
	c.collect(e)
	return t
}

// text compiles the interpolations of t.
func (c *compiler) text(t *Text, env EnvKind, path string) {
	for i := range t.Parts {
		if t.Parts[i].Expr.IsSet() {
			c.expr(&t.Parts[i].Expr, env, "", path)
		}
	}
}

// collect records the names e refers to.
func (c *compiler) collect(e *Expr) {
	node := e.prog.Node()
	ast.Find(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallNode:
			id, ok := n.Callee.(*ast.IdentifierNode)
			if !ok {
				break
			}
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
				id, ok1 := pair[0].(*ast.IdentifierNode)
				s, ok2 := pair[1].(*ast.StringNode)
				if !ok1 || !ok2 || s.Value == "" {
					continue
				}
				if k, ok := refIdents[id.Value]; ok {
					c.refs = append(c.refs, exprRef{kind: k, name: s.Value, fn: id.Value, pos: e.PosAt(s.Location().From)})
				}
			}
		}
		return false
	})
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
			out = suggest(n.Value, mapKeys(names))
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
			keys := mapKeys(m)
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

func mapKeys(m types.Map) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
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

func exprTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
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
	walkExprs(v, env, path, true, func(x reflect.Value, env EnvKind, path string) {
		if x.Type() == exprType {
			c.expr(x.Addr().Interface().(*Expr), env, "bool", path)
		} else {
			c.text(x.Addr().Interface().(*Text), env, path)
		}
	})
}

// walkExprs calls visit, in file order, for every Expr and Text in v (set
// steps aside), with the environment named by the env tag of the field that
// holds it and, when paths is set, its key path (building paths costs, and
// only diagnostics need them). Map values are visited on a copy that is
// stored back, so what visit sets on them (a compiled program) stays.
func walkExprs(v reflect.Value, env EnvKind, path string, paths bool, visit func(reflect.Value, EnvKind, string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkExprs(v.Elem(), env, path, paths, visit)
		}
	case reflect.Struct:
		if t := v.Type(); t == exprType || t == textType {
			visit(v, env, path)
			return
		}
		si := infoOf(v.Type())
		for _, f := range si.fields {
			if !holdsExpr(f.typ) || (v.Type() == stepType && f.name == "set") {
				continue
			}
			e := env
			if f.env != "" {
				e = f.env
			}
			p := path
			if paths {
				p = join(path, f.name)
			}
			walkExprs(v.Field(f.index), e, p, paths, visit)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			p := path
			if paths {
				p = path + "[" + strconv.Itoa(i) + "]"
			}
			walkExprs(v.Index(i), env, p, paths, visit)
		}
	case reflect.Map:
		if !holdsExpr(v.Type().Elem()) {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			cp := reflect.New(v.Type().Elem()).Elem()
			cp.Set(v.MapIndex(k))
			p := path
			if paths {
				p = join(path, k.String())
			}
			walkExprs(cp, env, p, paths, visit)
			v.SetMapIndex(k, cp)
		}
	}
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
