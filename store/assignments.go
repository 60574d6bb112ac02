package store

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
)

// Assign assigns a scenario to a user in a mode. Assigning it again is a
// no-op that keeps the first AssignedAt. The user and at least one version
// of the scenario must exist (drillroom.ErrNotFound).
func (s *Store) Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error {
	if !mode.Valid() {
		return fmt.Errorf("assign %s to user %d: %w: mode %q", scenarioID, userID, drillroom.ErrInvalid, mode)
	}
	now := s.now()
	err := s.w.do(ctx, func(tx *wtx) error {
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = ?", scenarioID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("scenario %s: %w", scenarioID, drillroom.ErrNotFound)
		}
		_, err := tx.Exec("INSERT INTO assignments (user_id, scenario_id, mode, assigned_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			userID, scenarioID, mode, millis(now))
		if isForeignKeyViolation(err) {
			return fmt.Errorf("user %d: %w", userID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("assign %s to user %d: %w", scenarioID, userID, err)
	}
	return nil
}

// Assignments returns a user's assignments, oldest first.
func (s *Store) Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error) {
	return queryAll(ctx, s, fmt.Sprintf("assignments of user %d", userID), func(r scanner) (drillroom.Assignment, error) {
		var a drillroom.Assignment
		var at int64
		err := r.Scan(&a.ScenarioID, &a.Mode, &at)
		a.AssignedAt = fromMillis(at)
		return a, err
	}, "SELECT scenario_id, mode, assigned_at FROM assignments WHERE user_id = ? ORDER BY assigned_at, scenario_id, mode", userID)
}
