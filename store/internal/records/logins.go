package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"
)

// LoginUser returns the user a login token belongs to. An unknown or expired
// token, or one of a disabled account, is drillroom.ErrUnauthorized.
func (s Common) LoginUser(ctx context.Context, token string) (drillroom.User, error) {
	if token == "" {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	row := s.DB.QueryRow(ctx, "SELECT "+Prefixed("u.", UserColumns)+`
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = ? AND l.expires_at > ? AND NOT u.disabled`, drillroom.LoginHash(token), Millis(s.Now()))
	u, err := ScanUser(row)
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", unauthorized(err))
	}
	return u, nil
}

// SeenLogin is LoginUser with an idle timeout: a login not used for idle
// (0: no idle timeout) is drillroom.ErrUnauthorized, like an expired one.
// With touch, the login is being used now and its idle time starts again;
// to spare the disk, the time is written only when it is more than a
// thirtieth of idle (at most a minute) old.
func (s Common) SeenLogin(ctx context.Context, token string, idle time.Duration, touch bool) (drillroom.User, error) {
	if token == "" {
		return drillroom.User{}, fmt.Errorf("login: %w", drillroom.ErrUnauthorized)
	}
	now := s.Now()
	var seen int64
	u, err := ScanUser(s.DB.QueryRow(ctx, "SELECT "+Prefixed("u.", UserColumns)+`, l.seen_at
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = ? AND l.expires_at > ? AND NOT u.disabled`, drillroom.LoginHash(token), Millis(now)), &seen)
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", unauthorized(err))
	}
	age := now.Sub(FromMillis(seen))
	if idle > 0 && age >= idle {
		return drillroom.User{}, fmt.Errorf("login idle for %v: %w", age.Round(time.Second), drillroom.ErrUnauthorized)
	}
	every := time.Minute
	if idle > 0 {
		every = min(idle/30, every)
	}
	if touch && age >= every {
		err := s.write(ctx, func(tx Tx) error {
			_, err := tx.Exec("UPDATE logins SET seen_at = ? WHERE token_hash = ? AND seen_at < ?", Millis(now), drillroom.LoginHash(token), Millis(now))
			return err
		})
		if err != nil {
			s.Logger.Warn("store: note login use", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// CreateLogin starts a browser login for userID lasting ttl and returns its
// token: 32 random bytes, base64url without padding (43 characters). Only
// its SHA-256 is stored.
func (s Common) CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("create login for user %d: %w: ttl %v", userID, drillroom.ErrInvalid, ttl)
	}
	token := RandomID(32)
	now := s.Now()
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec("INSERT INTO logins (token_hash, user_id, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?)",
			drillroom.LoginHash(token), userID, Millis(now), Millis(now.Add(ttl)), Millis(now))
		return err
	})
	if errors.Is(err, ErrForeignKey) {
		return "", fmt.Errorf("create login for user %d: %w", userID, drillroom.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("create login for user %d: %w", userID, err)
	}
	return token, nil
}

// DeleteLogin ends a login (log out). Deleting an unknown token is not an error.
func (s Common) DeleteLogin(ctx context.Context, token string) error {
	err := s.write(ctx, func(tx Tx) error {
		h := drillroom.LoginHash(token)
		if _, err := tx.Exec("DELETE FROM logins WHERE token_hash = ?", h); err != nil {
			return err
		}
		return tx.SignedOut(drillroom.Signout{Login: h})
	})
	if err != nil {
		return fmt.Errorf("delete login: %w", err)
	}
	return nil
}

// DeleteExpiredLogins removes expired logins and returns how many.
// LoginUser already refuses them; this only reclaims the rows.
func (s Common) DeleteExpiredLogins(ctx context.Context) (int64, error) {
	now := Millis(s.Now())
	var n int64
	err := s.write(ctx, func(tx Tx) error {
		var err error
		n, err = tx.Exec("DELETE FROM logins WHERE expires_at <= ?", now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired logins: %w", err)
	}
	return n, nil
}

// unauthorized makes a login that is not there drillroom.ErrUnauthorized.
func unauthorized(err error) error {
	if errors.Is(err, ErrNoRows) {
		return drillroom.ErrUnauthorized
	}
	return err
}
