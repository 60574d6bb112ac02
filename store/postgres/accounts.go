package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
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
	hashes := s.hasher.HashAll(pws) // outside the transaction: argon2 is deliberately slow
	now := millis(s.now())
	out := make([]drillroom.User, len(us))
	err = s.write(ctx, func(tx pgx.Tx) error {
		cohorts := map[string]int64{}
		for i, u := range us {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, password_hash, created_at, admin, must_change)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, u.Username, u.DisplayName, string(u.Role), hashes[i], now, u.Admin, u.MustChangePassword).Scan(&id)
			if isUniqueViolation(err) {
				return fmt.Errorf("create user %q: username taken: %w", u.Username, drillroom.ErrConflict)
			}
			if err != nil {
				return fmt.Errorf("create user %q: %w", u.Username, err)
			}
			out[i] = drillroom.User{ID: id, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Admin: u.Admin,
				MustChangePassword: u.MustChangePassword, CreatedAt: fromMillis(now)}
			for _, name := range u.Cohorts {
				key := strings.ToLower(name)
				cid, ok := cohorts[key]
				if !ok {
					// Insert unless the name is taken, then read whichever row holds it.
					err := tx.QueryRow(ctx, `WITH made AS (
							INSERT INTO cohorts (name, description, created_at) VALUES ($1, '', $2) ON CONFLICT DO NOTHING RETURNING id)
						SELECT id FROM made UNION ALL SELECT id FROM cohorts WHERE ascii_lower(name) = ascii_lower($1) LIMIT 1`, name, now).Scan(&cid)
					if err != nil {
						return fmt.Errorf("create cohort %q: %w", name, err)
					}
					cohorts[key] = cid
				}
				if _, err := tx.Exec(ctx, "INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", cid, id, now); err != nil {
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
	var out drillroom.User
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = records.ScanUser(tx.QueryRow(ctx, "UPDATE users SET display_name = $1, role = $2, admin = $3, disabled = $4, must_change = $5 WHERE id = $6 RETURNING "+records.UserColumns,
			u.DisplayName, string(u.Role), u.Admin, u.Disabled, u.MustChangePassword, u.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			if _, err = tx.Exec(ctx, "DELETE FROM logins WHERE user_id = $1", u.ID); err != nil {
				return err
			}
			return notifySignout(ctx, tx, drillroom.Signout{UserID: u.ID})
		}
		return err
	})
	if err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return out, nil
}

// CreateCohort adds a cohort. Names are unique without regard to ASCII case
// (drillroom.ErrConflict).
func (s *Store) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	if err := (drillroom.Cohort{Name: name, Description: description}).Check(); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w", name, err)
	}
	now := millis(s.now())
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "INSERT INTO cohorts (name, description, created_at) VALUES ($1, $2, $3) RETURNING id",
			name, strings.TrimSpace(description), now).Scan(&id)
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		return changeRow(ctx, tx, "UPDATE cohorts SET name = $1, description = $2 WHERE id = $3", c.Name, strings.TrimSpace(c.Description), c.ID)
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
	return queryOne(ctx, s, fmt.Sprintf("cohort %d", id), records.ScanCohort, "SELECT "+records.CohortColumns+" FROM cohorts c WHERE c.id = $1", id)
}

// Cohorts returns every cohort, by name.
func (s *Store) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, "cohorts", "SELECT "+records.CohortColumns+" FROM cohorts c ORDER BY ascii_lower(c.name), c.name")
}

// UserCohorts returns the cohorts a user belongs to, by name.
func (s *Store) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, fmt.Sprintf("cohorts of user %d", userID),
		"SELECT "+records.CohortColumns+" FROM cohorts c JOIN cohort_members cm ON cm.cohort_id = c.id WHERE cm.user_id = $1 ORDER BY ascii_lower(c.name), c.name", userID)
}

func (s *Store) cohorts(ctx context.Context, what, query string, args ...any) ([]drillroom.Cohort, error) {
	return queryAll(ctx, s, what, records.ScanCohort, query, args...)
}

// AddToCohort puts a user in a cohort; adding a member again is a no-op.
// An unknown user or cohort is drillroom.ErrNotFound.
func (s *Store) AddToCohort(ctx context.Context, cohortID, userID int64) error {
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", cohortID, userID, now)
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		return changeRow(ctx, tx, "DELETE FROM cohort_members WHERE cohort_id = $1 AND user_id = $2", cohortID, userID)
	})
	if err != nil {
		return fmt.Errorf("remove user %d from cohort %d: %w", userID, cohortID, err)
	}
	return nil
}

// CohortMembers returns a cohort's members, by username.
func (s *Store) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("members of cohort %d", cohortID),
		"SELECT "+records.Prefixed("u.", records.UserColumns)+" FROM users u JOIN cohort_members cm ON cm.user_id = u.id WHERE cm.cohort_id = $1 ORDER BY ascii_lower(u.username), u.username", cohortID)
}

// TraineesOf returns the trainees who share a cohort with staffID, by
// username.
func (s *Store) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("trainees of user %d", staffID),
		`SELECT `+records.Prefixed("u.", records.UserColumns)+` FROM users u
		WHERE u.role = 'trainee' AND EXISTS (
			SELECT 1 FROM cohort_members t JOIN cohort_members s ON s.cohort_id = t.cohort_id AND s.user_id = $1
			WHERE t.user_id = u.id)
		ORDER BY ascii_lower(u.username), u.username`, staffID)
}

// SharesCohort reports whether two users belong to a common cohort.
func (s *Store) SharesCohort(ctx context.Context, a, b int64) (bool, error) {
	var shares bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohort_members x JOIN cohort_members y ON y.cohort_id = x.cohort_id
		WHERE x.user_id = $1 AND y.user_id = $2)`, a, b).Scan(&shares)
	if err != nil {
		return false, fmt.Errorf("cohorts shared by users %d and %d: %w", a, b, err)
	}
	return shares, nil
}
