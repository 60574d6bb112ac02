package scenarios

import (
	"reflect"
	"runtime"
	"sync/atomic"

	"github.com/expr-lang/expr/conf"
)

// prefetchMin is the fewest distinct expressions worth compiling on a
// second core: below it the goroutine and its configurations cost more
// than they save.
const prefetchMin = 64

// prefetch compiles the distinct expressions of s ahead of compileAll and
// sets, on two cores, and fills the cache with the results. compileAll
// then finds every program in the cache and reports exactly what it would
// have reported, in the same order: only where the compiling happens
// changes. It leaves files with more than MaxExpressions expressions, and
// files whose diagnostics are full already, to compileAll and its limits.
func (c *compiler) prefetch(s *Scenario) {
	if c.l.full() || runtime.GOMAXPROCS(0) < 2 {
		return
	}
	var jobs []cacheKey
	seen := map[cacheKey]bool{}
	n := 0
	add := func(e *Expr, env EnvKind) {
		if !e.IsSet() || checkExprSource(e.Src) != nil {
			return
		}
		n++
		if env == "" {
			env = EnvGuard
		}
		k := cacheKey{env, e.Src}
		if _, ok := c.cache[k]; !ok && !seen[k] {
			seen[k] = true
			jobs = append(jobs, k)
		}
	}
	exprsIn(reflect.ValueOf(s).Elem(), "", add)
	for _, steps := range stepLists(s) {
		for i := range steps {
			for _, e := range steps[i].Set {
				add(&e, EnvGuard)
			}
		}
	}
	if len(jobs) < prefetchMin || n > MaxExpressions {
		return // too few to share, or a file compileAll stops part way through
	}
	// The main goroutine never waits for the helper: on a busy machine
	// the helper's thread may be descheduled mid-compile. A job the helper
	// has not finished when the main goroutine runs out of jobs is left
	// out of the cache, and compileAll compiles it as before.
	results := make([]cached, len(jobs))
	done := make([]atomic.Bool, len(jobs))
	var next atomic.Int64
	work := func(confs func(EnvKind) *conf.Config) {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(jobs) {
				return
			}
			p, err := compileSafely(jobs[i].src, confs(jobs[i].env))
			results[i] = cached{p, err}
			done[i].Store(true)
		}
	}
	envs := c.envs
	go work(func() func(EnvKind) *conf.Config {
		// expr's configuration caches type information as it checks, so
		// each goroutine needs configurations of its own.
		own := map[EnvKind]*conf.Config{}
		return func(k EnvKind) *conf.Config {
			if own[k] == nil {
				own[k] = newConfig(envs[k])
			}
			return own[k]
		}
	}())
	work(func(k EnvKind) *conf.Config { return c.confs[k] })
	for i, k := range jobs {
		if done[i].Load() {
			c.cache[k] = results[i]
		}
	}
}

// stepLists returns the step lists whose set steps sets compiles.
func stepLists(s *Scenario) [][]Step {
	out := make([][]Step, 0, len(s.Timeline)+len(s.Reactions))
	for i := range s.Timeline {
		out = append(out, s.Timeline[i].Do)
	}
	for i := range s.Reactions {
		out = append(out, s.Reactions[i].Do)
	}
	return out
}

// exprsIn calls fn for every Expr (Text parts included) that compileAll
// compiles in v, with its environment, in the same order.
func exprsIn(v reflect.Value, env EnvKind, fn func(*Expr, EnvKind)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			exprsIn(v.Elem(), env, fn)
		}
	case reflect.Struct:
		switch v.Type() {
		case exprType:
			fn(v.Addr().Interface().(*Expr), env)
			return
		case textType:
			t := v.Addr().Interface().(*Text)
			for i := range t.Parts {
				fn(&t.Parts[i].Expr, env)
			}
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
			exprsIn(v.Field(f.index), e, fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			exprsIn(v.Index(i), env, fn)
		}
	case reflect.Map:
		if !holdsExpr(v.Type().Elem()) {
			return
		}
		it := v.MapRange()
		for it.Next() {
			// Map values are not addressable: a copy is enough to read.
			cp := reflect.New(v.Type().Elem()).Elem()
			cp.Set(it.Value())
			exprsIn(cp, env, fn)
		}
	}
}
