package postgres

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// Assign assigns a scenario to a user in a mode. Assigning it again is a
// no-op that keeps the first AssignedAt. The user and at least one version
// of the scenario must exist (drillroom.ErrNotFound).
func (s *Store) Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error {
	if !mode.Valid() {
		return fmt.Errorf("assign %s to user %d: %w: mode %q", scenarioID, userID, drillroom.ErrInvalid, mode)
	}
	now := s.now()
	err := s.write(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM scenario_versions WHERE scenario_id = $1)", scenarioID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("scenario %s: %w", scenarioID, drillroom.ErrNotFound)
		}
		_, err := tx.Exec(ctx, "INSERT INTO assignments (user_id, scenario_id, mode, assigned_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			userID, scenarioID, string(mode), millis(now))
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
	rows, err := s.pool.Query(ctx, "SELECT scenario_id, mode, assigned_at FROM assignments WHERE user_id = $1 ORDER BY assigned_at, scenario_id, mode", userID)
	if err != nil {
		return nil, fmt.Errorf("assignments of user %d: %w", userID, err)
	}
	defer rows.Close()
	var as []drillroom.Assignment
	for rows.Next() {
		var a drillroom.Assignment
		var at int64
		var mode string
		if err := rows.Scan(&a.ScenarioID, &mode, &at); err != nil {
			return nil, fmt.Errorf("assignments of user %d: %w", userID, err)
		}
		a.Mode, a.AssignedAt = drillroom.Mode(mode), fromMillis(at)
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("assignments of user %d: %w", userID, err)
	}
	return as, nil
}
