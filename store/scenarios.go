package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// PutScenarioVersion stores a scenario version and returns it as stored.
// It is idempotent: putting the same (ScenarioID, Hash) again returns the
// stored version unchanged (whatever Version the caller passed). The same
// ScenarioID and Version with a different Hash is drillroom.ErrConflict: a published
// version never changes.
func (s *Store) PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error) {
	if v.ScenarioID == "" || v.Version <= 0 || v.Hash == "" || len(v.Source) == 0 {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %q v%d: %w: id, version > 0, hash and source are required", v.ScenarioID, v.Version, drillroom.ErrInvalid)
	}
	tags := v.Tags
	if tags == nil {
		tags = []string{}
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %s v%d: %w", v.ScenarioID, v.Version, err)
	}
	policy := v.PolicySource
	if policy == nil {
		policy = []byte{}
	}
	now := s.now()
	var stored drillroom.ScenarioVersion
	err = s.w.do(ctx, func(tx *wtx) error {
		got, err := records.ScanScenario(tx.QueryRow("SELECT "+records.ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND hash = ?", v.ScenarioID, v.Hash))
		if err == nil {
			stored = got
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var otherHash string
		err = tx.QueryRow("SELECT hash FROM scenario_versions WHERE scenario_id = ? AND version = ?", v.ScenarioID, v.Version).Scan(&otherHash)
		if err == nil {
			return fmt.Errorf("%w: version %d is already published with hash %s", drillroom.ErrConflict, v.Version, otherHash)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec("INSERT INTO scenario_versions ("+records.ScenarioColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			v.ScenarioID, v.Version, v.Hash, v.Title, v.Summary, v.Briefing, v.Difficulty, v.DurationMs, string(tagsJSON),
			v.Source, policy, millis(now)); err != nil {
			return err
		}
		stored = v
		stored.Tags = tags
		stored.Source = bytes.Clone(v.Source)
		stored.PolicySource = bytes.Clone(policy)
		stored.CreatedAt = fromMillis(millis(now))
		return nil
	})
	if err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %s v%d: %w", v.ScenarioID, v.Version, err)
	}
	return stored, nil
}

// ScenarioVersion returns one version of a scenario, or drillroom.ErrNotFound.
func (s *Store) ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error) {
	return queryOne(ctx, s, fmt.Sprintf("scenario %s v%d", id, version), records.ScanScenario, "SELECT "+records.ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND version = ?", id, version)
}

// LatestScenarioVersion returns the highest version of a scenario that is
// not retired, or drillroom.ErrNotFound.
func (s *Store) LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error) {
	return queryOne(ctx, s, fmt.Sprintf("scenario %s", id), records.ScanScenario, "SELECT "+records.ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND retired_at IS NULL ORDER BY version DESC LIMIT 1", id)
}

// LatestScenarios returns the highest version that is not retired of
// every scenario, ordered by id. A scenario whose versions are all retired
// is not listed, nor are the versions of draft plays (drillroom.IsDraftPlay).
func (s *Store) LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error) {
	return queryAll(ctx, s, "latest scenarios", records.ScanScenario, "SELECT "+records.ScenarioRead+` FROM scenario_versions v
		WHERE version = (SELECT MAX(version) FROM scenario_versions w WHERE w.scenario_id = v.scenario_id AND w.retired_at IS NULL)
		AND scenario_id NOT LIKE ?
		ORDER BY scenario_id`, drillroom.DraftPlayPattern)
}

// ScenarioVersions returns every version of a scenario, retired ones
// included, highest first; none is an empty list.
func (s *Store) ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error) {
	return queryAll(ctx, s, "versions of scenario "+id, records.ScanScenario,
		"SELECT "+records.ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? ORDER BY version DESC", id)
}

// RetireScenarioVersion retires one version: it can no longer be started,
// and the Latest methods skip it. Retiring it again keeps the first time.
// A missing version is drillroom.ErrNotFound.
func (s *Store) RetireScenarioVersion(ctx context.Context, id string, version int) error {
	now := s.now()
	err := s.w.do(ctx, func(tx *wtx) error {
		return changeRow(tx, "UPDATE scenario_versions SET retired_at = COALESCE(retired_at, ?) WHERE scenario_id = ? AND version = ?",
			millis(now), id, version)
	})
	if err != nil {
		return fmt.Errorf("retire scenario %s v%d: %w", id, version, err)
	}
	return nil
}
