package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// MaxDisplayName bounds a display name, in characters.
const MaxDisplayName = 100

func checkNewUser(u drillroom.NewUser) (drillroom.NewUser, error) {
	if err := checkUsername(u.Username); err != nil {
		return u, err
	}
	if !u.Role.Valid() {
		return u, fmt.Errorf("%w: role %q: want trainee, trainer or coach", drillroom.ErrInvalid, u.Role)
	}
	if u.Admin && u.Role == drillroom.RoleTrainee {
		return u, fmt.Errorf("%w: a trainee cannot be an administrator", drillroom.ErrInvalid)
	}
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if utf8.RuneCountInString(u.DisplayName) > MaxDisplayName {
		return u, fmt.Errorf("%w: display name longer than %d characters", drillroom.ErrInvalid, MaxDisplayName)
	}
	if err := checkPassword(u.Password); err != nil {
		return u, err
	}
	for _, c := range u.Cohorts {
		if err := checkCohortName(c); err != nil {
			return u, err
		}
	}
	return u, nil
}

// CreateUsers adds accounts, all or none, in one transaction, and puts each
// in its cohorts, creating the cohorts that do not exist. A taken username
// (also twice in us) is drillroom.ErrConflict and nothing is written; the
// error names the first offending user.
func (s *Store) CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error) {
	for i := range us {
		u, err := checkNewUser(us[i])
		if err != nil {
			return nil, fmt.Errorf("create user %q: %w", us[i].Username, err)
		}
		us[i] = u
	}
	pws := make([]string, len(us))
	for i := range us {
		pws[i] = us[i].Password
	}
	hashes := s.hasher.HashAll(pws) // outside the writer: argon2 is deliberately slow
	now := millis(s.now())
	out := make([]drillroom.User, len(us))
	err := s.w.do(ctx, func(tx *wtx) error {
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
	switch {
	case !u.Role.Valid():
		return drillroom.User{}, fmt.Errorf("update user %d: %w: role %q", u.ID, drillroom.ErrInvalid, u.Role)
	case u.Admin && u.Role == drillroom.RoleTrainee:
		return drillroom.User{}, fmt.Errorf("update user %d: %w: a trainee cannot be an administrator", u.ID, drillroom.ErrInvalid)
	case u.DisplayName == "" || utf8.RuneCountInString(u.DisplayName) > MaxDisplayName:
		return drillroom.User{}, fmt.Errorf("update user %d: %w: display name must be 1 to %d characters", u.ID, drillroom.ErrInvalid, MaxDisplayName)
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("UPDATE users SET display_name = ?, role = ?, admin = ?, disabled = ?, must_change = ? WHERE id = ?",
			u.DisplayName, string(u.Role), u.Admin, u.Disabled, u.MustChangePassword, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return drillroom.ErrNotFound
		}
		if u.Disabled {
			_, err = tx.Exec("DELETE FROM logins WHERE user_id = ?", u.ID)
		}
		return err
	})
	if err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return s.UserByID(ctx, u.ID)
}

func checkCohortName(name string) error {
	if strings.TrimSpace(name) != name || name == "" || utf8.RuneCountInString(name) > 80 {
		return fmt.Errorf("%w: cohort name %q must be 1 to 80 characters without leading or trailing spaces", drillroom.ErrInvalid, name)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("%w: cohort name %q has a control character", drillroom.ErrInvalid, name)
		}
	}
	return nil
}

const cohortColumns = `c.id, c.name, c.description, c.created_at,
	(SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = c.id AND u.role = 'trainee'),
	(SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = c.id AND u.role <> 'trainee')`

func scanCohort(row scanner) (drillroom.Cohort, error) {
	var c drillroom.Cohort
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.Description, &created, &c.Trainees, &c.Staff); err != nil {
		return drillroom.Cohort{}, err
	}
	c.CreatedAt = fromMillis(created)
	return c, nil
}

// CreateCohort adds a cohort. Names are unique without regard to ASCII case
// (drillroom.ErrConflict).
func (s *Store) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	if err := checkCohortName(name); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort: %w", err)
	}
	if utf8.RuneCountInString(description) > 500 {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w: description longer than 500 characters", name, drillroom.ErrInvalid)
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
	if err := checkCohortName(c.Name); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w", c.ID, err)
	}
	if utf8.RuneCountInString(c.Description) > 500 {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w: description longer than 500 characters", c.ID, drillroom.ErrInvalid)
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("UPDATE cohorts SET name = ?, description = ? WHERE id = ?", c.Name, strings.TrimSpace(c.Description), c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return drillroom.ErrNotFound
		}
		return nil
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
	return queryOne(ctx, s, fmt.Sprintf("cohort %d", id), scanCohort, "SELECT "+cohortColumns+" FROM cohorts c WHERE c.id = ?", id)
}

// Cohorts returns every cohort, by name.
func (s *Store) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, "cohorts", "SELECT "+cohortColumns+" FROM cohorts c ORDER BY c.name")
}

// UserCohorts returns the cohorts a user belongs to, by name.
func (s *Store) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, fmt.Sprintf("cohorts of user %d", userID),
		"SELECT "+cohortColumns+" FROM cohorts c JOIN cohort_members cm ON cm.cohort_id = c.id WHERE cm.user_id = ? ORDER BY c.name", userID)
}

func (s *Store) cohorts(ctx context.Context, what, query string, args ...any) ([]drillroom.Cohort, error) {
	return queryAll(ctx, s, what, scanCohort, query, args...)
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
		res, err := tx.Exec("DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?", cohortID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return drillroom.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove user %d from cohort %d: %w", userID, cohortID, err)
	}
	return nil
}

// CohortMembers returns a cohort's members, by username.
func (s *Store) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("members of cohort %d", cohortID),
		"SELECT "+prefixed("u.", userColumns)+" FROM users u JOIN cohort_members cm ON cm.user_id = u.id WHERE cm.cohort_id = ? ORDER BY u.username", cohortID)
}

// TraineesOf returns the trainees who share a cohort with staffID, by
// username.
func (s *Store) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("trainees of user %d", staffID),
		`SELECT DISTINCT `+prefixed("u.", userColumns)+` FROM users u
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
	return queryAll(ctx, s, what, scanUserRow, query, args...)
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}
