package scenarios

import (
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr/conf"
)

// prefetchMin is the fewest distinct expressions worth compiling on a
// second core: below it the goroutine and its configurations cost more
// than they save.
const prefetchMin = 64

// prefetcher compiles the distinct expressions of a scenario ahead of
// compileAll and sets, on a helper goroutine that starts while the loader
// runs its checks, and on the loading goroutine once it reaches compiling.
// The results fill the compiler's cache: compileAll then finds every
// program there and reports exactly what it would have reported, in the
// same order; only where the compiling happens changes.
type prefetcher struct {
	c       *compiler
	jobs    []cacheKey
	results []cached
	done    []atomic.Bool
	next    atomic.Int64
	helper  sync.WaitGroup // the helper goroutine; finish waits for it
}

// startPrefetch gathers the jobs and starts the helper. It returns nil for
// files not worth it and for files compileAll stops part way through (more
// than MaxExpressions expressions, or diagnostics full already), which
// compileAll handles with its limits as before.
func (c *compiler) startPrefetch(s *Scenario) *prefetcher {
	if c.l.full() || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	pf := &prefetcher{c: c}
	n := 0
	add := func(e *Expr, env EnvKind) {
		if !e.IsSet() || checkExprSource(e.Src) != nil {
			return
		}
		n++
		if env == "" {
			env = EnvGuard
		}
		// The cache itself tells the distinct expressions apart: a job's
		// entry is pending (zero) until finish fills it in, and program
		// compiles a pending one itself, so an entry left pending by a
		// load that stops early costs nothing.
		k := cacheKey{env, e.Src}
		if _, ok := c.cache[k]; !ok {
			c.cache[k] = cached{}
			pf.jobs = append(pf.jobs, k)
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
	if c.refs == nil {
		c.refs = make([]exprRef, 0, n) // about one per expression: grown once at most
	}
	if len(pf.jobs) < prefetchMin || n > MaxExpressions {
		return nil
	}
	pf.results = make([]cached, len(pf.jobs))
	pf.done = make([]atomic.Bool, len(pf.jobs))
	envs := c.envs
	// The helper owns nothing of the loader's: it reads the jobs and the
	// environments, writes its own results, and ends after at most one
	// more compile once the jobs run out (finish takes the rest, then
	// waits for it, so no goroutine outlives the load).
	confs := func() func(EnvKind) *conf.Config {
		// expr's configuration caches type information as it checks, so
		// each goroutine needs configurations of its own.
		own := map[EnvKind]*conf.Config{}
		return func(k EnvKind) *conf.Config {
			if own[k] == nil {
				own[k] = newConfig(envs[k])
			}
			return own[k]
		}
	}()
	pf.helper.Go(func() { pf.work(confs) })
	return pf
}

func (pf *prefetcher) work(confs func(EnvKind) *conf.Config) {
	for {
		i := int(pf.next.Add(1)) - 1
		if i >= len(pf.jobs) {
			return
		}
		p, err := compileSafely(pf.jobs[i].src, confs(pf.jobs[i].env))
		pf.results[i] = cached{p, err}
		pf.done[i].Store(true)
	}
}

// finish compiles the jobs the helper has not taken, waits for the helper
// to end (at most the one compile it has in hand) and fills the cache. When
// the checks filled the diagnostics, compileAll compiles nothing and
// neither does finish: the helper is told to stop after its current job.
func (pf *prefetcher) finish() {
	if pf == nil {
		return
	}
	c := pf.c
	if c.l.full() {
		pf.next.Store(int64(len(pf.jobs))) // the helper stops after its current job
		pf.helper.Wait()
		return
	}
	pf.work(func(k EnvKind) *conf.Config { return c.confs[k] })
	pf.helper.Wait()
	for i, k := range pf.jobs {
		if pf.done[i].Load() {
			c.cache[k] = pf.results[i]
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
// compiles in v, with its environment, in the same order: both use
// exprWalker.
func exprsIn(v reflect.Value, env EnvKind, fn func(*Expr, EnvKind)) {
	w := exprWalker{visit: func(x reflect.Value, env EnvKind) {
		if x.Type() == exprType {
			fn(x.Addr().Interface().(*Expr), env)
			return
		}
		t := x.Addr().Interface().(*Text)
		for i := range t.Parts {
			fn(&t.Parts[i].Expr, env)
		}
	}}
	w.walk(v, planOf(v.Type()), env)
}
