package runner

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// loadScenario is the default Config.Scenario: it loads a published version
// from the exact YAML stored with it (drill and policy), so that a session
// is always replayed against what was played, and caches the result.
func (r *Runner) loadScenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
	key := id + "@" + strconv.Itoa(version)
	r.scMu.Lock()
	sc, ok := r.scMap[key]
	r.scMu.Unlock()
	if ok {
		return sc, nil
	}
	v, err := r.cfg.Store.ScenarioVersion(ctx, id, version)
	if errors.Is(err, drillroom.ErrNotFound) {
		return nil, fmt.Errorf("scenario %s v%d: %w", id, version, err)
	}
	if err != nil {
		return nil, fmt.Errorf("scenario %s v%d: %w: %w", id, version, ErrUnavailable, err)
	}
	sc, err = LoadVersion(v)
	if err != nil {
		return nil, err
	}
	r.scMu.Lock()
	r.scMap[key] = sc
	r.scMu.Unlock()
	return sc, nil
}

// drill returns a scenario version prepared for the engine. Every session
// of a version shares one Drill, prepared when the first is hosted and kept
// while the runner lives: the published versions bound how many there are.
func (r *Runner) drill(ctx context.Context, id string, version int) (*simulator.Drill, error) {
	key := id + "@" + strconv.Itoa(version)
	r.scMu.Lock()
	d, ok := r.drills[key]
	r.scMu.Unlock()
	if ok {
		return d, nil
	}
	sc, err := r.cfg.Scenario(ctx, id, version)
	if err != nil {
		return nil, err
	}
	if d, err = simulator.Prepare(sc); err != nil {
		return nil, fmt.Errorf("scenario %s v%d: %w", id, version, err)
	}
	r.scMu.Lock()
	defer r.scMu.Unlock()
	if prev, ok := r.drills[key]; ok {
		return prev, nil // prepared meanwhile by another session
	}
	r.drills[key] = d
	return d, nil
}

// LoadVersion loads a stored scenario version: its policy YAML first (or
// the shipped policy of that id when none was stored), then the drill.
func LoadVersion(v drillroom.ScenarioVersion) (*scenarios.Scenario, error) {
	l := scenarios.NewLoader()
	if len(v.PolicySource) > 0 {
		if _, ds := l.LoadPolicy(v.ScenarioID+".policy.yaml", v.PolicySource); ds.HasErrors() {
			return nil, fmt.Errorf("scenario %s v%d: policy: %s", v.ScenarioID, v.Version, firstError(ds))
		}
	} else {
		pols, _ := scenarios.ShippedPolicies()
		for _, p := range pols {
			if _, ds := l.LoadPolicy(p.File, p.Source); ds.HasErrors() {
				return nil, fmt.Errorf("scenario %s v%d: shipped policy %s: %s", v.ScenarioID, v.Version, p.ID, firstError(ds))
			}
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
