package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// CreateLogin starts a browser login for userID lasting ttl and returns its
// token: 32 random bytes, base64url without padding (43 characters). Only
// its SHA-256 is stored.
func (s *Store) CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("create login for user %d: %w: ttl %v", userID, drillroom.ErrInvalid, ttl)
	}
	token := randomID(32)
	now := s.now()
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("INSERT INTO logins (token_hash, user_id, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?)",
			drillroom.LoginHash(token), userID, millis(now), millis(now.Add(ttl)), millis(now))
		return err
	})
	if isForeignKeyViolation(err) {
		return "", fmt.Errorf("create login for user %d: %w", userID, drillroom.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("create login for user %d: %w", userID, err)
	}
	return token, nil
}

// LoginUser returns the user a login token belongs to. An unknown or expired
// token, or one of a disabled account, is drillroom.ErrUnauthorized.
func (s *Store) LoginUser(ctx context.Context, token string) (drillroom.User, error) {
	if token == "" {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	row := s.rdb.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.admin, u.disabled, u.must_change, u.created_at
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = ? AND l.expires_at > ? AND u.disabled = 0`, drillroom.LoginHash(token), millis(s.now()))
	u, err := records.ScanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", err)
	}
	return u, nil
}

// SeenLogin is LoginUser with an idle timeout: a login not used for idle
// (0: no idle timeout) is drillroom.ErrUnauthorized, like an expired one.
// With touch, the login is being used now and its idle time starts again;
// to spare the disk, the time is written only when it is more than a
// thirtieth of idle (at most a minute) old.
func (s *Store) SeenLogin(ctx context.Context, token string, idle time.Duration, touch bool) (drillroom.User, error) {
	if token == "" {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	now := s.now()
	row := s.rdb.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.admin, u.disabled, u.must_change, u.created_at, l.seen_at
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = ? AND l.expires_at > ? AND u.disabled = 0`, drillroom.LoginHash(token), millis(now))
	var seen int64
	u, err := records.ScanUser(scanExtra{row, &seen})
	if errors.Is(err, sql.ErrNoRows) {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", err)
	}
	age := now.Sub(fromMillis(seen))
	if idle > 0 && age >= idle {
		return drillroom.User{}, fmt.Errorf("login idle for %v: %w", age.Round(time.Second), drillroom.ErrUnauthorized)
	}
	every := time.Minute
	if idle > 0 {
		every = min(idle/30, every)
	}
	if touch && age >= every {
		err := s.w.do(ctx, func(tx *wtx) error {
			_, err := tx.Exec("UPDATE logins SET seen_at = ? WHERE token_hash = ? AND seen_at < ?", millis(now), drillroom.LoginHash(token), millis(now))
			return err
		})
		if err != nil {
			s.logger.Warn("store: note login use", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// scanExtra scans a user row followed by more columns.
type scanExtra struct {
	row   interface{ Scan(...any) error }
	extra *int64
}

func (x scanExtra) Scan(dest ...any) error { return x.row.Scan(append(dest, x.extra)...) }

// DeleteLogin ends a login (log out). Deleting an unknown token is not an error.
func (s *Store) DeleteLogin(ctx context.Context, token string) error {
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("DELETE FROM logins WHERE token_hash = ?", drillroom.LoginHash(token))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete login: %w", err)
	}
	return nil
}

// DeleteExpiredLogins removes expired logins and returns how many.
// LoginUser already refuses them; this only reclaims the rows.
func (s *Store) DeleteExpiredLogins(ctx context.Context) (int64, error) {
	now := millis(s.now())
	var n int64
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("DELETE FROM logins WHERE expires_at <= ?", now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired logins: %w", err)
	}
	return n, nil
}
