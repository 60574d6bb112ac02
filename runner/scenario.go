package runner

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// loadScenario is the default Config.Scenario: it loads a published version
// from the exact YAML stored with it (drill and policy), so that a session
// is always replayed against what was played, and caches the result.
func (r *Runner) loadScenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
	return r.loaded.get(id, version, func() (*scenarios.Scenario, error) {
		v, err := r.cfg.Store.ScenarioVersion(ctx, id, version)
		if errors.Is(err, drillroom.ErrNotFound) {
			return nil, fmt.Errorf("scenario %s v%d: %w", id, version, err)
		}
		if err != nil {
			return nil, fmt.Errorf("scenario %s v%d: %w: %w", id, version, ErrUnavailable, err)
		}
		return LoadVersion(v)
	})
}

// drill returns a scenario version prepared for the engine. Every session
// of a version shares one Drill, prepared when the first is hosted and kept
// while the runner lives: the published versions bound how many there are.
func (r *Runner) drill(ctx context.Context, id string, version int) (*simulator.Drill, error) {
	return r.drills.get(id, version, func() (*simulator.Drill, error) {
		sc, err := r.cfg.Scenario(ctx, id, version)
		if err != nil {
			return nil, err
		}
		d, err := simulator.Prepare(sc)
		if err != nil {
			return nil, fmt.Errorf("scenario %s v%d: %w", id, version, err)
		}
		return d, nil
	})
}

// versionCache keeps one value per scenario version for the runner's
// lifetime. Two sessions may make the same value at once; the first one
// stored is the one every later caller gets.
type versionCache[T any] struct {
	mu sync.Mutex
	m  map[string]T // "id@version" -> value
}

// get returns the value for id and version, made by load when there is none.
func (c *versionCache[T]) get(id string, version int, load func() (T, error)) (T, error) {
	key := id + "@" + strconv.Itoa(version)
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[key]; ok {
		return prev, nil // made meanwhile for another session
	}
	if c.m == nil {
		c.m = map[string]T{}
	}
	c.m[key] = v
	return v, nil
}

// LoadVersion loads a stored scenario version: the shipped policies, then
// its own policy YAML when one was stored (which replaces a shipped one of
// the same id, and may extend a shipped one: a trainer's policy), then the
// drill.
func LoadVersion(v drillroom.ScenarioVersion) (*scenarios.Scenario, error) {
	l := scenarios.NewLoader()
	l.AddShipped()
	if len(v.PolicySource) > 0 {
		if _, ds := l.LoadPolicy(v.ScenarioID+".policy.yaml", v.PolicySource); ds.HasErrors() {
			return nil, fmt.Errorf("scenario %s v%d: policy: %s", v.ScenarioID, v.Version, firstError(ds))
		}
	}
	sc, ds := l.LoadScenario(v.ScenarioID+".drill.yaml", v.Source)
	if ds.HasErrors() {
		return nil, fmt.Errorf("scenario %s v%d: %s", v.ScenarioID, v.Version, firstError(ds))
	}
	if v.Hash != "" && sc.Hash != v.Hash {
		return nil, fmt.Errorf("scenario %s v%d: stored hash %s does not match its source (%s)", v.ScenarioID, v.Version, v.Hash, sc.Hash)
	}
	return sc, nil
}

func firstError(ds scenarios.Diagnostics) string {
	for _, d := range ds {
		if d.Severity == scenarios.Error {
			return d.String()
		}
	}
	return "invalid"
}

// Drill returns the prepared drill of a published scenario version, the
// one the runner plays (cached), for what a client may know of it.
func (r *Runner) Drill(ctx context.Context, id string, version int) (*simulator.Drill, error) {
	return r.drill(ctx, id, version)
}
