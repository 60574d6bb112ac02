package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// CreateUsers adds accounts, all or none, in one transaction, and puts each
// in its cohorts, creating the cohorts that do not exist. A taken username
// (also twice in us) is drillroom.ErrConflict and nothing is written; the
// error names the first offending user.
func (s *Store) CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error) {
	pws, err := records.NewUsers(us)
	if err != nil {
		return nil, err
	}
	hashes := s.hasher.HashAll(pws) // outside the writer: argon2 is deliberately slow
	now := millis(s.now())
	out := make([]drillroom.User, len(us))
	err = s.w.do(ctx, func(tx *wtx) error {
		cohorts := map[string]int64{}
		for i, u := range us {
			res, err := tx.Exec(`INSERT INTO users (username, display_name, role, password_hash, created_at, admin, must_change)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, string(u.Role), hashes[i], now, u.Admin, u.MustChangePassword)
			if isUniqueViolation(err) {
				return fmt.Errorf("create user %q: username taken: %w", u.Username, drillroom.ErrConflict)
			}
			if err != nil {
				return fmt.Errorf("create user %q: %w", u.Username, err)
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			out[i] = drillroom.User{ID: id, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Admin: u.Admin,
				MustChangePassword: u.MustChangePassword, CreatedAt: fromMillis(now)}
			for _, name := range u.Cohorts {
				key := strings.ToLower(name)
				cid, ok := cohorts[key]
				if !ok {
					err := tx.QueryRow("SELECT id FROM cohorts WHERE name = ?", name).Scan(&cid)
					if err != nil {
						res, err := tx.Exec("INSERT INTO cohorts (name, description, created_at) VALUES (?, '', ?)", name, now)
						if err != nil {
							return fmt.Errorf("create cohort %q: %w", name, err)
						}
						if cid, err = res.LastInsertId(); err != nil {
							return err
						}
					}
					cohorts[key] = cid
				}
				if _, err := tx.Exec("INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)", cid, id, now); err != nil {
					return fmt.Errorf("add %q to cohort %q: %w", u.Username, name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateUser writes a user's display name, role, administrator flag,
// disabled flag and must-change flag (the other fields of u are ignored)
// and returns the stored user. Disabling ends every login of the user. A
// trainee administrator is drillroom.ErrInvalid; an unknown id ErrNotFound.
func (s *Store) UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error) {
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if err := u.Check(); err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		if err := changeRow(tx, "UPDATE users SET display_name = ?, role = ?, admin = ?, disabled = ?, must_change = ? WHERE id = ?",
			u.DisplayName, string(u.Role), u.Admin, u.Disabled, u.MustChangePassword, u.ID); err != nil {
			return err
		}
		if !u.Disabled {
			return nil
		}
		_, err := tx.Exec("DELETE FROM logins WHERE user_id = ?", u.ID)
		return err
	})
	if err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return s.UserByID(ctx, u.ID)
}

// CreateCohort adds a cohort. Names are unique without regard to ASCII case
// (drillroom.ErrConflict).
func (s *Store) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	if err := (drillroom.Cohort{Name: name, Description: description}).Check(); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w", name, err)
	}
	now := millis(s.now())
	var id int64
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("INSERT INTO cohorts (name, description, created_at) VALUES (?, ?, ?)", name, strings.TrimSpace(description), now)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if isUniqueViolation(err) {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: name taken: %w", name, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w", name, err)
	}
	return s.Cohort(ctx, id)
}

// UpdateCohort renames a cohort and replaces its description.
func (s *Store) UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error) {
	if err := c.Check(); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w", c.ID, err)
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		return changeRow(tx, "UPDATE cohorts SET name = ?, description = ? WHERE id = ?", c.Name, strings.TrimSpace(c.Description), c.ID)
	})
	if isUniqueViolation(err) {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: name %q taken: %w", c.ID, c.Name, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w", c.ID, err)
	}
	return s.Cohort(ctx, c.ID)
}

// Cohort returns a cohort with its member counts, or drillroom.ErrNotFound.
func (s *Store) Cohort(ctx context.Context, id int64) (drillroom.Cohort, error) {
	return queryOne(ctx, s, fmt.Sprintf("cohort %d", id), records.ScanCohort, "SELECT "+records.CohortColumns+" FROM cohorts c WHERE c.id = ?", id)
}

// Cohorts returns every cohort, by name.
func (s *Store) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, "cohorts", "SELECT "+records.CohortColumns+" FROM cohorts c ORDER BY c.name")
}

// UserCohorts returns the cohorts a user belongs to, by name.
func (s *Store) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, fmt.Sprintf("cohorts of user %d", userID),
		"SELECT "+records.CohortColumns+" FROM cohorts c JOIN cohort_members cm ON cm.cohort_id = c.id WHERE cm.user_id = ? ORDER BY c.name", userID)
}

func (s *Store) cohorts(ctx context.Context, what, query string, args ...any) ([]drillroom.Cohort, error) {
	return queryAll(ctx, s, what, records.ScanCohort, query, args...)
}

// AddToCohort puts a user in a cohort; adding a member again is a no-op.
// An unknown user or cohort is drillroom.ErrNotFound.
func (s *Store) AddToCohort(ctx context.Context, cohortID, userID int64) error {
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)", cohortID, userID, now)
		return err
	})
	if isForeignKeyViolation(err) {
		return fmt.Errorf("add user %d to cohort %d: %w", userID, cohortID, drillroom.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add user %d to cohort %d: %w", userID, cohortID, err)
	}
	return nil
}

// RemoveFromCohort takes a user out of a cohort. A user who is not a member
// is drillroom.ErrNotFound.
func (s *Store) RemoveFromCohort(ctx context.Context, cohortID, userID int64) error {
	err := s.w.do(ctx, func(tx *wtx) error {
		return changeRow(tx, "DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?", cohortID, userID)
	})
	if err != nil {
		return fmt.Errorf("remove user %d from cohort %d: %w", userID, cohortID, err)
	}
	return nil
}

// CohortMembers returns a cohort's members, by username.
func (s *Store) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("members of cohort %d", cohortID),
		"SELECT "+records.Prefixed("u.", records.UserColumns)+" FROM users u JOIN cohort_members cm ON cm.user_id = u.id WHERE cm.cohort_id = ? ORDER BY u.username", cohortID)
}

// TraineesOf returns the trainees who share a cohort with staffID, by
// username.
func (s *Store) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("trainees of user %d", staffID),
		`SELECT DISTINCT `+records.Prefixed("u.", records.UserColumns)+` FROM users u
		JOIN cohort_members t ON t.user_id = u.id
		JOIN cohort_members s ON s.cohort_id = t.cohort_id AND s.user_id = ?
		WHERE u.role = 'trainee' ORDER BY u.username`, staffID)
}

// SharesCohort reports whether two users belong to a common cohort.
func (s *Store) SharesCohort(ctx context.Context, a, b int64) (bool, error) {
	var one int
	err := s.rdb.QueryRowContext(ctx, `SELECT 1 FROM cohort_members x JOIN cohort_members y ON y.cohort_id = x.cohort_id
		WHERE x.user_id = ? AND y.user_id = ? LIMIT 1`, a, b).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cohorts shared by users %d and %d: %w", a, b, err)
	}
	return true, nil
}

func (s *Store) users(ctx context.Context, what, query string, args ...any) ([]drillroom.User, error) {
	return queryAll(ctx, s, what, records.ScanUserRow, query, args...)
}
