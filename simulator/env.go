package simulator

import (
	"fmt"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// The expression environments the engine provides: the guard names of
// scenarios.Vocabulary, plus action for reactions. The maps are built once
// per engine; functions read the live state, and the scalar names are
// refreshed before each evaluation.

func (e *Engine) buildEnv() {
	s := &e.f.s
	sec := func(ms Millis) float64 { return float64(ms) / 1000 }
	// at is a cast member's time in seconds, or -1 when it has none (< 0).
	at := func(t Millis) float64 {
		if t < 0 {
			return -1
		}
		return sec(t)
	}
	castTime := func(id string, pick func(CastState) Millis) float64 {
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
		"said": func(in string) bool { return s.Said[in].Count > 0 },
		"times_said": func(in string) int {
			return s.Said[in].Count
		},
		"said_at": func(in string) float64 {
			if u, ok := s.Said[in]; ok {
				return sec(u.First)
			}
			return -1
		},
		"dispatched":    func(id string) bool { return engagedAt(s.Services, id) >= 0 },
		"dispatched_at": func(id string) float64 { return engagedAt(s.Services, id) },
		"escalated":     func(id string) bool { return engagedAt(s.Teams, id) >= 0 },
		"escalated_at":  func(id string) float64 { return engagedAt(s.Teams, id) },
		"contacted": func(id string) bool {
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
			c, ok := s.Services[id]
			return ok && c.Arrived >= 0
		},
		"approved": func(decision string) bool {
			for _, r := range s.Requests {
				if r.Decision == decision && r.Outcome == string(EvApprove) {
					return true
				}
			}
			return false
		},
		"recorded": func(f string) bool { _, ok := s.Record[f]; return ok },
		"field":    func(f string) string { return s.Record[f] },
		"fired":    func(id string) bool { return s.Fired[id].Count > 0 },
		"fired_at": func(id string) float64 {
			if f, ok := s.Fired[id]; ok {
				return sec(f.First)
			}
			return -1
		},
		"since": func(id string) float64 {
			if f, ok := s.Fired[id]; ok {
				return sec(e.now - f.Last)
			}
			return -1
		},
	}
	size := len(fns) + 16 // the scalars refreshed by env, and action
	e.genv = make(map[string]any, size)
	e.renv = make(map[string]any, size)
	for _, m := range []map[string]any{e.genv, e.renv} {
		m["truth"], m["policy"] = e.p.truth, e.p.policy
	}
	for k, v := range fns {
		e.genv[k] = v
		e.renv[k] = v
	}
}

// env returns the guard environment, or the reaction environment when
// action is not nil, refreshed to the current state.
func (e *Engine) env(action map[string]any) map[string]any {
	s := &e.f.s
	m := e.genv
	stamp := &e.genvAt
	if action != nil {
		m = e.renv
		m["action"] = action
		stamp = &e.renvAt
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
	return t.Render(e.env(nil))
}
