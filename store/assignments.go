package store

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
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

// Assignments returns a user's assignments, oldest first: the per-user
// ones of Assign, then a trainer's (AddAssignment) given to the user or to
// one of their cohorts.
func (s *Store) Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error) {
	what := fmt.Sprintf("assignments of user %d", userID)
	legacy, err := queryAll(ctx, s, what, func(r scanner) (drillroom.Assignment, error) {
		var a drillroom.Assignment
		var at int64
		err := r.Scan(&a.ScenarioID, &a.Mode, &at)
		a.AssignedAt = fromMillis(at)
		return a, err
	}, "SELECT scenario_id, mode, assigned_at FROM assignments WHERE user_id = ? ORDER BY assigned_at, scenario_id, mode", userID)
	if err != nil {
		return nil, err
	}
	given, err := queryAll(ctx, s, what, records.ScanAssignment, "SELECT "+records.AssignmentColumns+` FROM drill_assignments
		WHERE user_id = ? OR cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id = ?)
		ORDER BY assigned_at, id`, userID, userID)
	if err != nil {
		return nil, err
	}
	return append(legacy, given...), nil
}

// AddAssignment stores a trainer's assignment: to a cohort or to one user
// (exactly one of CohortID and UserID), a version (0: the latest) in a
// mode, with an optional due date and number of attempts (0: any). The
// scenario (and a pinned version), the cohort or user and the trainer must
// exist (drillroom.ErrNotFound); the rest is drillroom.ErrInvalid.
func (s *Store) AddAssignment(ctx context.Context, a drillroom.Assignment) (drillroom.Assignment, error) {
	if !a.Mode.Valid() || a.ScenarioID == "" || a.Version < 0 || a.Attempts < 0 || a.AssignedBy <= 0 ||
		(a.CohortID == 0) == (a.UserID == 0) {
		return drillroom.Assignment{}, fmt.Errorf("add assignment of %s: %w: a scenario, a mode, a version >= 0, attempts >= 0, who assigns it and exactly one of a cohort and a user are required",
			a.ScenarioID, drillroom.ErrInvalid)
	}
	now := millis(s.now())
	var due, cohort, user any
	if !a.DueAt.IsZero() {
		due = millis(a.DueAt)
	}
	if a.CohortID != 0 {
		cohort = a.CohortID
	}
	if a.UserID != 0 {
		user = a.UserID
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = ? AND (? = 0 OR version = ?)", a.ScenarioID, a.Version, a.Version).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("scenario %s v%d: %w", a.ScenarioID, a.Version, drillroom.ErrNotFound)
		}
		res, err := tx.Exec("INSERT INTO drill_assignments (scenario_id, version, mode, cohort_id, user_id, due_at, attempts, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			a.ScenarioID, a.Version, a.Mode, cohort, user, due, a.Attempts, a.AssignedBy, now)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("cohort %d, user %d or user %d: %w", a.CohortID, a.UserID, a.AssignedBy, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return drillroom.Assignment{}, fmt.Errorf("add assignment of %s: %w", a.ScenarioID, err)
	}
	a.AssignedAt = fromMillis(now)
	if !a.DueAt.IsZero() {
		a.DueAt = fromMillis(millis(a.DueAt))
	}
	return a, nil
}

// ListAssignments returns every trainer's assignment (AddAssignment), the
// newest first.
func (s *Store) ListAssignments(ctx context.Context) ([]drillroom.Assignment, error) {
	return queryAll(ctx, s, "assignments", records.ScanAssignment, "SELECT "+records.AssignmentColumns+" FROM drill_assignments ORDER BY assigned_at DESC, id DESC")
}

// DeleteAssignment withdraws a trainer's assignment; the sessions played
// for it stay. A missing one is drillroom.ErrNotFound.
func (s *Store) DeleteAssignment(ctx context.Context, id int64) error {
	err := s.w.do(ctx, func(tx *wtx) error {
		return changeRow(tx, "DELETE FROM drill_assignments WHERE id = ?", id)
	})
	if err != nil {
		return fmt.Errorf("delete assignment %d: %w", id, err)
	}
	return nil
}
