package training

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
)

// Catalogue is where published scenario versions go. *store.Store
// satisfies it.
type Catalogue interface {
	PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error)
}

// VersionOf is the catalogue record of a loaded scenario: its metadata and
// the exact YAML of the drill and its policy, so that every session of it
// can be replayed and re-scored against what was played.
func VersionOf(sc *scenarios.Scenario) drillroom.ScenarioVersion {
	var policy []byte
	if sc.Resolved != nil {
		policy = sc.Resolved.Source
	}
	return drillroom.ScenarioVersion{
		ScenarioID: sc.ID, Version: sc.Version, Hash: sc.Hash, Title: sc.Title, Summary: sc.Summary, Briefing: sc.Briefing,
		Difficulty: sc.Difficulty, DurationMs: sc.Duration.Millis(), Tags: sc.Tags,
		Source: sc.Source, PolicySource: policy,
	}
}

// publishWith is Publish of a drill that may use one of its author's
// policies, which its version then carries.
func publishWith(ctx context.Context, c Catalogue, sc *scenarios.Scenario, policies []PolicyFile) (drillroom.ScenarioVersion, error) {
	v, err := versionWith(sc, policies)
	if err != nil {
		return drillroom.ScenarioVersion{}, err
	}
	if v, err = c.PutScenarioVersion(ctx, v); err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("publish %s v%d: %w", sc.ID, sc.Version, err)
	}
	return v, nil
}

// Publish stores a loaded scenario as a published version. Publishing the
// same version again is a no-op; the same version number with other
// content is drillroom.ErrConflict.
func Publish(ctx context.Context, c Catalogue, sc *scenarios.Scenario) (drillroom.ScenarioVersion, error) {
	v, err := c.PutScenarioVersion(ctx, VersionOf(sc))
	if err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("publish %s v%d: %w", sc.ID, sc.Version, err)
	}
	return v, nil
}
