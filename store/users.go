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

// CreateUser adds an account. Usernames are unique without regard to ASCII
// case; a taken one gives drillroom.ErrConflict. The password must have at least
// MinPasswordLen characters (drillroom.ErrInvalid otherwise).
func (s *Store) CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, password string) (drillroom.User, error) {
	if err := drillroom.CheckUsername(username); err != nil {
		return drillroom.User{}, fmt.Errorf("create user: %w", err)
	}
	if !role.Valid() {
		return drillroom.User{}, fmt.Errorf("create user %s: %w: role %q", username, drillroom.ErrInvalid, role)
	}
	if err := checkPassword(password); err != nil {
		return drillroom.User{}, fmt.Errorf("create user %s: %w", username, err)
	}
	displayName = strings.TrimSpace(displayName)
	if displayName == "" {
		displayName = username
	}
	hash := s.hasher.Hash(password) // outside the writer: argon2 is deliberately slow
	now := s.now()
	var u drillroom.User
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
			username, displayName, string(role), hash, millis(now))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		u = drillroom.User{ID: id, Username: username, DisplayName: displayName, Role: role, CreatedAt: fromMillis(millis(now))}
		return nil
	})
	if isUniqueViolation(err) {
		return drillroom.User{}, fmt.Errorf("create user %s: username taken: %w", username, drillroom.ErrConflict)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("create user %s: %w", username, err)
	}
	return u, nil
}

// Authenticate checks a username and password. Any failure, unknown user,
// wrong password or disabled account, is drillroom.ErrUnauthorized after the same argon2id work, so the
// answer's timing does not tell which. A correct password stored with weaker
// parameters than the current ones is re-hashed.
func (s *Store) Authenticate(ctx context.Context, username, password string) (drillroom.User, error) {
	if len(password) > MaxPasswordLen {
		s.hasher.Burn(password[:MaxPasswordLen])
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	var hash string
	u, err := records.ScanUser(s.rdb.QueryRowContext(ctx, "SELECT "+records.UserColumns+", password_hash FROM users WHERE username = ?", username), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		s.hasher.Burn(password)
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, stale := s.hasher.Verify(password, hash)
	if !ok || u.Disabled {
		// A disabled account gets the same answer after the same work.
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if stale {
		if err := s.setHash(ctx, u.ID, s.hasher.Hash(password)); err != nil {
			s.logger.Warn("store: re-hash password", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// UserByID returns the user with id, or drillroom.ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (drillroom.User, error) {
	return queryOne(ctx, s, fmt.Sprintf("user %d", id), records.ScanUserRow, "SELECT "+records.UserColumns+" FROM users WHERE id = ?", id)
}

// UserByUsername returns the user named username (any ASCII case), or drillroom.ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, username string) (drillroom.User, error) {
	return queryOne(ctx, s, fmt.Sprintf("user %q", username), records.ScanUserRow, "SELECT "+records.UserColumns+" FROM users WHERE username = ?", username)
}

// ListUsers returns the users with role, or every user if role is "",
// ordered by username.
func (s *Store) ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error) {
	if role != "" && !role.Valid() {
		return nil, fmt.Errorf("list users: %w: role %q", drillroom.ErrInvalid, role)
	}
	return s.users(ctx, "list users", "SELECT "+records.UserColumns+" FROM users WHERE ? = '' OR role = ? ORDER BY username", string(role), string(role))
}

// SetPassword replaces a user's password and ends all their logins, so a
// changed password locks out whoever had the old one. mustChange sets
// whether the user must change it at their next sign-in: true when an
// administrator resets it, false when the user chose it.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error {
	if err := checkPassword(password); err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	hash := s.hasher.Hash(password)
	err := s.w.do(ctx, func(tx *wtx) error {
		if err := changeRow(tx, "UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?", hash, mustChange, userID); err != nil {
			return err
		}
		_, err := tx.Exec("DELETE FROM logins WHERE user_id = ?", userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	return nil
}

// setHash replaces the stored hash without touching logins (re-hashing the
// same password with stronger parameters).
func (s *Store) setHash(ctx context.Context, userID int64, hash string) error {
	return s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", hash, userID)
		return err
	})
}
