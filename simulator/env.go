package simulator

import (
	"fmt"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// The expression environments the engine provides: the guard names of
// scenarios.Vocabulary, plus action for reactions. They are maps of a few
// dozen names (functions that read the live state, the scalar names
// refreshed before each evaluation), about 5 KB an engine: an engine
// borrows a set from its drill's pool for the step it takes and gives it
// back at the end, so a server of thousands of sessions holds a set per
// step under way rather than per session.

// envSet is one set of expression environments. Its functions read the
// state of the engine that holds it (e).
type envSet struct {
	e              *Engine
	genv, renv     map[string]any
	genvAt, renvAt [2]int64       // Seq and clock the maps were refreshed at
	act            map[string]any // the reaction environment's action, reused
}

func newEnvSet(p *prepared) *envSet {
	es := &envSet{}
	st := func() *Snapshot { return &es.e.f.s }
	sec := func(ms Millis) float64 { return float64(ms) / 1000 }
	// at is a cast member's time in seconds, or -1 when it has none (< 0).
	at := func(t Millis) float64 {
		if t < 0 {
			return -1
		}
		return sec(t)
	}
	castTime := func(id string, pick func(CastState) Millis) float64 {
		s := st()
		if c, ok := s.Services[id]; ok {
			return at(pick(c))
		}
		if c, ok := s.Teams[id]; ok {
			return at(pick(c))
		}
		return -1
	}
	// engagedAt is when a service was dispatched or a team escalated to, or -1.
	engagedAt := func(cast map[string]CastState, id string) float64 {
		if c, ok := cast[id]; ok {
			return at(c.Engaged)
		}
		return -1
	}
	fns := map[string]any{
		"said": func(in string) bool { return st().Said[in].Count > 0 },
		"times_said": func(in string) int {
			return st().Said[in].Count
		},
		"said_at": func(in string) float64 {
			if u, ok := st().Said[in]; ok {
				return sec(u.First)
			}
			return -1
		},
		"dispatched":    func(id string) bool { return engagedAt(st().Services, id) >= 0 },
		"dispatched_at": func(id string) float64 { return engagedAt(st().Services, id) },
		"escalated":     func(id string) bool { return engagedAt(st().Teams, id) >= 0 },
		"escalated_at":  func(id string) float64 { return engagedAt(st().Teams, id) },
		"consulted":     func(id string) bool { return castTime(id, func(c CastState) Millis { return c.Consulted }) >= 0 },
		"consulted_at":  func(id string) float64 { return castTime(id, func(c CastState) Millis { return c.Consulted }) },
		"contacted": func(id string) bool {
			s := st()
			if c, ok := s.Services[id]; ok {
				return c.Contacts > 0
			}
			c, ok := s.Teams[id]
			return ok && c.Contacts > 0
		},
		"acknowledged": func(id string) bool {
			return castTime(id, func(c CastState) Millis { return c.Acked }) >= 0
		},
		"arrived": func(id string) bool {
			c, ok := st().Services[id]
			return ok && c.Arrived >= 0
		},
		"approved": func(decision string) bool {
			for _, r := range st().Requests {
				if r.Decision == decision && r.Outcome == string(EvApprove) {
					return true
				}
			}
			return false
		},
		"recorded": func(f string) bool { _, ok := st().Record[f]; return ok },
		"field":    func(f string) string { return st().Record[f] },
		"fired":    func(id string) bool { return st().Fired[id].Count > 0 },
		"fired_at": func(id string) float64 {
			if f, ok := st().Fired[id]; ok {
				return sec(f.First)
			}
			return -1
		},
		"since": func(id string) float64 {
			if f, ok := st().Fired[id]; ok {
				return sec(es.e.now - f.Last)
			}
			return -1
		},
	}
	size := len(fns) + 16 // the scalars refreshed by env, and action
	es.genv = make(map[string]any, size)
	es.renv = make(map[string]any, size)
	for _, m := range []map[string]any{es.genv, es.renv} {
		m["truth"], m["policy"] = p.truth, p.policy
	}
	for k, v := range fns {
		es.genv[k] = v
		es.renv[k] = v
	}
	return es
}

// envs returns the engine's environments for the step it takes, borrowed
// from the drill's pool (or made) on first use in the step.
func (e *Engine) envs() *envSet {
	if e.es == nil {
		es, _ := e.p.envs.Get().(*envSet)
		if es == nil {
			es = newEnvSet(e.p)
		}
		es.e = e
		// Another engine's values: refresh everything on first use.
		es.genvAt, es.renvAt = [2]int64{-1, -1}, [2]int64{-1, -1}
		e.es = es
	}
	return e.es
}

// releaseEnv gives the environments back to the pool at the end of a step.
func (e *Engine) releaseEnv() {
	es := e.es
	if es == nil {
		return
	}
	e.es = nil
	es.e = nil
	// Let go of what belongs to this engine's state.
	for _, m := range []map[string]any{es.genv, es.renv} {
		m["vars"], m["vary"] = nil, nil
	}
	es.renv["action"] = nil
	clear(es.act)
	e.p.envs.Put(es)
}

// actionEnv is the reaction environment for action a (with its intents),
// refreshed to the current state.
func (e *Engine) actionEnv(a *Action, intents []string) map[string]any {
	es := e.envs()
	if es.act == nil {
		es.act = make(map[string]any, 13)
	}
	fillAction(es.act, a, intents)
	es.renvAt = [2]int64{-1, -1} // a new action: refresh
	return e.env(es.act)
}

// env returns the guard environment, or the reaction environment when
// action is not nil, refreshed to the current state.
func (e *Engine) env(action map[string]any) map[string]any {
	s := &e.f.s
	es := e.envs()
	m := es.genv
	stamp := &es.genvAt
	if action != nil {
		m = es.renv
		m["action"] = action
		stamp = &es.renvAt
	}
	// The state changes only through events (Seq) and the clock: refresh
	// the scalar names only when one of them moved.
	if *stamp == [2]int64{s.Seq, e.now} {
		return m
	}
	*stamp = [2]int64{s.Seq, e.now}
	// Boxing a value into the map allocates: only replace what changed.
	setStr := func(k, v string) {
		if old, ok := m[k].(string); !ok || old != v {
			m[k] = v
		}
	}
	setNum := func(k string, v float64) {
		if old, ok := m[k].(float64); !ok || old != v {
			m[k] = v
		}
	}
	setBool := func(k string, v bool) {
		if old, ok := m[k].(bool); !ok || old != v {
			m[k] = v
		}
	}
	setNum("t", float64(e.now)/1000)
	setStr("phase", s.Phase)
	setNum("mood", s.Mood)
	setNum("patience", s.Patience)
	setBool("on_hold", s.OnHold)
	setNum("silence", float64(e.now-s.LastSpoke)/1000)
	setStr("category", s.Category)
	setStr("priority", s.Priority)
	m["vars"] = s.Vars
	m["vary"] = s.Vary
	setBool("ended", s.Ended)
	setStr("ending", s.Ending)
	return m
}

// Interpolate renders {{ expressions }} in s against the current guard
// environment (vary, vars, truth, ...). Scenario tests use it so that a
// step can say or record what the seed drew. It compiles s on each call:
// it is for tests and tools, not the live path.
func (e *Engine) Interpolate(s string) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	t := scenarios.Text{Src: s}
	if err := t.Parse(); err != nil {
		return "", err
	}
	for i := range t.Parts {
		if t.Parts[i].Expr.IsSet() {
			if err := t.Parts[i].Expr.Compile(e.sc, scenarios.EnvGuard, ""); err != nil {
				return "", fmt.Errorf("{{%s}}: %w", t.Parts[i].Expr.Src, err)
			}
		}
	}
	defer e.releaseEnv()
	return t.Render(e.env(nil))
}
