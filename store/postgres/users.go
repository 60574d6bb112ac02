package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
	"github.com/drillroom/drillroom/store/password"

	"github.com/jackc/pgx/v5"
)

// CreateUser adds an account. Usernames are unique without regard to ASCII
// case; a taken one gives drillroom.ErrConflict. The password must have at
// least password.MinLen characters (drillroom.ErrInvalid otherwise).
func (s *Store) CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, pw string) (drillroom.User, error) {
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
	hash := s.hasher.Hash(pw) // outside the transaction: argon2 is deliberately slow
	now := millis(s.now())
	var u drillroom.User
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			username, displayName, string(role), hash, now).Scan(&id)
		if err != nil {
			return err
		}
		u = drillroom.User{ID: id, Username: username, DisplayName: displayName, Role: role, CreatedAt: fromMillis(now)}
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
// wrong password or disabled account, is drillroom.ErrUnauthorized after the
// same argon2id work. A correct password stored with weaker parameters than
// the current ones is re-hashed.
func (s *Store) Authenticate(ctx context.Context, username, pw string) (drillroom.User, error) {
	if len(pw) > password.MaxLen {
		s.hasher.Burn(pw[:password.MaxLen])
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	var hash string
	u, err := records.ScanUser(s.pool.QueryRow(ctx, "SELECT "+records.UserColumns+", password_hash FROM users WHERE ascii_lower(username) = ascii_lower($1)", username), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		s.hasher.Burn(pw)
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, stale := s.hasher.Verify(pw, hash)
	if !ok || u.Disabled {
		return drillroom.User{}, fmt.Errorf("authenticate: %w", drillroom.ErrUnauthorized)
	}
	if stale {
		newHash := s.hasher.Hash(pw)
		err := s.write(ctx, func(tx pgx.Tx) error {
			// Only if the hash is still the one verified: a password set
			// meanwhile is not overwritten with the old one.
			_, err := tx.Exec(ctx, "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3", newHash, u.ID, hash)
			return err
		})
		if err != nil {
			s.logger.Warn("store: re-hash password", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// UserByID returns the user with id, or drillroom.ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (drillroom.User, error) {
	return queryOne(ctx, s, fmt.Sprintf("user %d", id), records.ScanUserRow, "SELECT "+records.UserColumns+" FROM users WHERE id = $1", id)
}

// UserByUsername returns the user named username (any ASCII case), or drillroom.ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, username string) (drillroom.User, error) {
	return queryOne(ctx, s, fmt.Sprintf("user %q", username), records.ScanUserRow, "SELECT "+records.UserColumns+" FROM users WHERE ascii_lower(username) = ascii_lower($1)", username)
}

// ListUsers returns the users with role, or every user if role is "",
// ordered by username.
func (s *Store) ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error) {
	if role != "" && !role.Valid() {
		return nil, fmt.Errorf("list users: %w: role %q", drillroom.ErrInvalid, role)
	}
	return s.users(ctx, "list users", "SELECT "+records.UserColumns+" FROM users WHERE $1 = '' OR role = $1 ORDER BY ascii_lower(username), username", string(role))
}

// SetPassword replaces a user's password and ends all their logins.
// mustChange sets whether the user must change it at their next sign-in.
func (s *Store) SetPassword(ctx context.Context, userID int64, pw string, mustChange bool) error {
	if err := password.Check(pw); err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	hash := s.hasher.Hash(pw)
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := changeRow(ctx, tx, "UPDATE users SET password_hash = $1, must_change = $2 WHERE id = $3", hash, mustChange, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM logins WHERE user_id = $1", userID); err != nil {
			return err
		}
		return notifySignout(ctx, tx, drillroom.Signout{UserID: userID})
	})
	if err != nil {
		return fmt.Errorf("set password for user %d: %w", userID, err)
	}
	return nil
}

func (s *Store) users(ctx context.Context, what, query string, args ...any) ([]drillroom.User, error) {
	return queryAll(ctx, s, what, records.ScanUserRow, query, args...)
}
