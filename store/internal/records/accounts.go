package records

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/password"
)

// UserByID returns the user with id, or drillroom.ErrNotFound.
func (s Common) UserByID(ctx context.Context, id int64) (drillroom.User, error) {
	return One(ctx, s.DB, fmt.Sprintf("user %d", id), ScanUserRow, "SELECT "+UserColumns+" FROM users WHERE id = ?", id)
}

// Cohort returns a cohort with its member counts, or drillroom.ErrNotFound.
func (s Common) Cohort(ctx context.Context, id int64) (drillroom.Cohort, error) {
	return One(ctx, s.DB, fmt.Sprintf("cohort %d", id), ScanCohort, "SELECT "+CohortColumns+" FROM cohorts c WHERE c.id = ?", id)
}

// CreateUser adds an account. Usernames are unique without regard to ASCII
// case; a taken one gives drillroom.ErrConflict. The password must have at least
// MinPasswordLen characters (drillroom.ErrInvalid otherwise).
func (s Common) CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, pw string) (drillroom.User, error) {
	if err := drillroom.CheckUsername(username); err != nil {
		return drillroom.User{}, fmt.Errorf("create user: %w", err)
	}
	if !role.Valid() {
		return drillroom.User{}, fmt.Errorf("create user %s: %w: role %q", username, drillroom.ErrInvalid, role)
	}
	if err := password.Check(pw); err != nil {
		return drillroom.User{}, fmt.Errorf("create user %s: %w", username, err)
	}
	displayName = strings.TrimSpace(displayName)
	if displayName == "" {
		displayName = username
	}
	hash := s.Hasher.Hash(pw) // outside the writer: argon2 is deliberately slow
	now := s.Now()
	var u drillroom.User
	err := s.write(ctx, func(tx Tx) error {
		id, err := tx.Insert("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
			username, displayName, string(role), hash, Millis(now))
		if err != nil {
			return err
		}
		u = drillroom.User{ID: id, Username: username, DisplayName: displayName, Role: role, CreatedAt: FromMillis(Millis(now))}
		return nil
	})
	if errors.Is(err, ErrUnique) {
		return drillroom.User{}, fmt.Errorf("create user %s: username taken: %w", username, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("create user %s: %w", username, err)
	}
	return u, nil
}

// UpdateUser writes a user's display name, role, administrator flag,
// disabled flag and must-change flag (the other fields of u are ignored)
// and returns the stored user. Disabling ends every login of the user. A
// trainee administrator is drillroom.ErrInvalid; an unknown id ErrNotFound.
func (s Common) UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error) {
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if err := u.Check(); err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	err := s.write(ctx, func(tx Tx) error {
		if err := changeRow(tx, "UPDATE users SET display_name = ?, role = ?, admin = ?, disabled = ?, must_change = ? WHERE id = ?",
			u.DisplayName, string(u.Role), u.Admin, u.Disabled, u.MustChangePassword, u.ID); err != nil {
			return err
		}
		if !u.Disabled {
			return nil
		}
		if _, err := tx.Exec("DELETE FROM logins WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return tx.SignedOut(drillroom.Signout{UserID: u.ID})
	})
	if err != nil {
		return drillroom.User{}, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return s.UserByID(ctx, u.ID)
}

// SetPassword replaces a user's password and ends all their logins, so a
// changed password locks out whoever had the old one. mustChange sets
// whether the user must change it at their next sign-in: true when an
// administrator resets it, false when the user chose it.
func (s Common) SetPassword(ctx context.Context, userID int64, pw string, mustChange bool) error {
	if err := password.Check(pw); err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	hash := s.Hasher.Hash(pw)
	err := s.write(ctx, func(tx Tx) error {
		if err := changeRow(tx, "UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?", hash, mustChange, userID); err != nil {
			return err
		}
		if _, err := tx.Exec("DELETE FROM logins WHERE user_id = ?", userID); err != nil {
			return err
		}
		return tx.SignedOut(drillroom.Signout{UserID: userID})
	})
	if err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	return nil
}

// CreateCohort adds a cohort. Names are unique without regard to ASCII case
// (drillroom.ErrConflict).
func (s Common) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	if err := (drillroom.Cohort{Name: name, Description: description}).Check(); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w", name, err)
	}
	now := Millis(s.Now())
	var id int64
	err := s.write(ctx, func(tx Tx) error {
		var err error
		id, err = tx.Insert("INSERT INTO cohorts (name, description, created_at) VALUES (?, ?, ?)", name, strings.TrimSpace(description), now)
		return err
	})
	if errors.Is(err, ErrUnique) {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: name taken: %w", name, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.Cohort{}, fmt.Errorf("create cohort %q: %w", name, err)
	}
	return s.Cohort(ctx, id)
}

// UpdateCohort renames a cohort and replaces its description.
func (s Common) UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error) {
	if err := c.Check(); err != nil {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w", c.ID, err)
	}
	err := s.write(ctx, func(tx Tx) error {
		return changeRow(tx, "UPDATE cohorts SET name = ?, description = ? WHERE id = ?", c.Name, strings.TrimSpace(c.Description), c.ID)
	})
	if errors.Is(err, ErrUnique) {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: name %q taken: %w", c.ID, c.Name, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.Cohort{}, fmt.Errorf("update cohort %d: %w", c.ID, err)
	}
	return s.Cohort(ctx, c.ID)
}

// AddToCohort puts a user in a cohort; adding a member again is a no-op.
// An unknown user or cohort is drillroom.ErrNotFound.
func (s Common) AddToCohort(ctx context.Context, cohortID, userID int64) error {
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec("INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", cohortID, userID, now)
		return err
	})
	if errors.Is(err, ErrForeignKey) {
		return fmt.Errorf("add user %d to cohort %d: %w", userID, cohortID, drillroom.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add user %d to cohort %d: %w", userID, cohortID, err)
	}
	return nil
}

// RemoveFromCohort takes a user out of a cohort. A user who is not a member
// is drillroom.ErrNotFound.
func (s Common) RemoveFromCohort(ctx context.Context, cohortID, userID int64) error {
	return s.change(ctx, fmt.Sprintf("remove user %d from cohort %d", userID, cohortID),
		"DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?", cohortID, userID)
}

// CreateUsers adds accounts, all or none, in one transaction, and puts each
// in its cohorts, creating the cohorts that do not exist. A taken username
// (also twice in us) is drillroom.ErrConflict and nothing is written; the
// error names the first offending user.
func (s Common) CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error) {
	pws, err := NewUsers(us)
	if err != nil {
		return nil, err
	}
	hashes := s.Hasher.HashAll(pws) // outside the transaction: argon2 is deliberately slow
	now := Millis(s.Now())
	out := make([]drillroom.User, len(us))
	err = s.write(ctx, func(tx Tx) error {
		cohorts := map[string]int64{}
		for i, u := range us {
			id, err := tx.Insert(`INSERT INTO users (username, display_name, role, password_hash, created_at, admin, must_change)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, string(u.Role), hashes[i], now, u.Admin, u.MustChangePassword)
			if errors.Is(err, ErrUnique) {
				return fmt.Errorf("create user %q: username taken: %w", u.Username, drillroom.ErrConflict)
			}
			if err != nil {
				return fmt.Errorf("create user %q: %w", u.Username, err)
			}
			out[i] = drillroom.User{ID: id, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Admin: u.Admin,
				MustChangePassword: u.MustChangePassword, CreatedAt: FromMillis(now)}
			for _, name := range u.Cohorts {
				key := strings.ToLower(name)
				cid, ok := cohorts[key]
				if !ok {
					// Insert unless the name is taken, then read whichever row
					// holds it (one another writer may have just committed).
					if _, err := tx.Exec("INSERT INTO cohorts (name, description, created_at) VALUES (?, '', ?) ON CONFLICT DO NOTHING", name, now); err != nil {
						return fmt.Errorf("create cohort %q: %w", name, err)
					}
					if err := tx.QueryRow("SELECT id FROM cohorts WHERE "+s.DB.Fold("name")+" = "+s.DB.Fold("?"), name).Scan(&cid); err != nil {
						return fmt.Errorf("create cohort %q: %w", name, err)
					}
					cohorts[key] = cid
				}
				if _, err := tx.Exec("INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", cid, id, now); err != nil {
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

// Authenticate checks a username and password. Any failure, unknown user,
// wrong password or disabled account, is drillroom.ErrUnauthorized after the
// same argon2id work. A correct password stored with weaker parameters than
// the current ones is re-hashed.
func (s Common) Authenticate(ctx context.Context, username, pw string) (drillroom.User, error) {
	if len(pw) > password.MaxLen {
		s.Hasher.Burn(pw[:password.MaxLen])
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	var hash string
	u, err := ScanUser(s.DB.QueryRow(ctx, "SELECT "+UserColumns+", password_hash FROM users WHERE "+s.DB.Fold("username")+" = "+s.DB.Fold("?"), username), &hash)
	if errors.Is(err, ErrNoRows) {
		s.Hasher.Burn(pw)
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, stale := s.Hasher.Verify(pw, hash)
	if !ok || u.Disabled {
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if stale {
		newHash := s.Hasher.Hash(pw)
		err := s.write(ctx, func(tx Tx) error {
			// Only if the hash is still the one verified: a password set
			// meanwhile is not overwritten with the old one.
			_, err := tx.Exec("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", newHash, u.ID, hash)
			return err
		})
		if err != nil {
			s.Logger.Warn("store: re-hash password", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// UserByUsername returns the user named username (any ASCII case), or drillroom.ErrNotFound.
func (s Common) UserByUsername(ctx context.Context, username string) (drillroom.User, error) {
	return One(ctx, s.DB, fmt.Sprintf("user %q", username), ScanUserRow, "SELECT "+UserColumns+" FROM users WHERE "+s.DB.Fold("username")+" = "+s.DB.Fold("?"), username)
}

// ListUsers returns the users with role, or every user if role is "",
// ordered by username.
func (s Common) ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error) {
	if role != "" && !role.Valid() {
		return nil, fmt.Errorf("list users: %w: role %q", drillroom.ErrInvalid, role)
	}
	return s.users(ctx, "list users", "SELECT "+UserColumns+" FROM users WHERE ? = '' OR role = ? ORDER BY "+s.DB.Fold("username")+", username", string(role), string(role))
}

// Cohorts returns every cohort, by name.
func (s Common) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, "cohorts", "SELECT "+CohortColumns+" FROM cohorts c ORDER BY "+s.DB.Fold("c.name")+", c.name")
}

// UserCohorts returns the cohorts a user belongs to, by name.
func (s Common) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	return s.cohorts(ctx, fmt.Sprintf("cohorts of user %d", userID),
		"SELECT "+CohortColumns+" FROM cohorts c JOIN cohort_members cm ON cm.cohort_id = c.id WHERE cm.user_id = ? ORDER BY "+s.DB.Fold("c.name")+", c.name", userID)
}

func (s Common) cohorts(ctx context.Context, what, query string, args ...any) ([]drillroom.Cohort, error) {
	return All(ctx, s.DB, what, ScanCohort, query, args...)
}

// CohortMembers returns a cohort's members, by username.
func (s Common) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("members of cohort %d", cohortID),
		"SELECT "+Prefixed("u.", UserColumns)+" FROM users u JOIN cohort_members cm ON cm.user_id = u.id WHERE cm.cohort_id = ? ORDER BY "+s.DB.Fold("u.username")+", u.username", cohortID)
}

// TraineesOf returns the trainees who share a cohort with staffID, by
// username.
func (s Common) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	return s.users(ctx, fmt.Sprintf("trainees of user %d", staffID),
		`SELECT `+Prefixed("u.", UserColumns)+` FROM users u
		WHERE u.role = 'trainee' AND EXISTS (
			SELECT 1 FROM cohort_members t JOIN cohort_members s ON s.cohort_id = t.cohort_id AND s.user_id = ?
			WHERE t.user_id = u.id)
		ORDER BY `+s.DB.Fold("u.username")+`, u.username`, staffID)
}

// SharesCohort reports whether two users belong to a common cohort.
func (s Common) SharesCohort(ctx context.Context, a, b int64) (bool, error) {
	var shares bool
	err := s.DB.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohort_members x JOIN cohort_members y ON y.cohort_id = x.cohort_id
		WHERE x.user_id = ? AND y.user_id = ?)`, a, b).Scan(&shares)
	if err != nil {
		return false, fmt.Errorf("cohorts shared by users %d and %d: %w", a, b, err)
	}
	return shares, nil
}

func (s Common) users(ctx context.Context, what, query string, args ...any) ([]drillroom.User, error) {
	return All(ctx, s.DB, what, ScanUserRow, query, args...)
}
