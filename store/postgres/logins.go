package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO logins (token_hash, user_id, created_at, expires_at, seen_at) VALUES ($1, $2, $3, $4, $3)",
			drillroom.LoginHash(token), userID, millis(now), millis(now.Add(ttl)))
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
	row := s.pool.QueryRow(ctx, "SELECT "+records.Prefixed("u.", records.UserColumns)+`
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = $1 AND l.expires_at > $2 AND NOT u.disabled`, drillroom.LoginHash(token), millis(s.now()))
	u, err := records.ScanUser(row)
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", notFoundAs(err, drillroom.ErrUnauthorized))
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
	var seen int64
	u, err := records.ScanUser(s.pool.QueryRow(ctx, "SELECT "+records.Prefixed("u.", records.UserColumns)+`, l.seen_at
		FROM logins l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = $1 AND l.expires_at > $2 AND NOT u.disabled`, drillroom.LoginHash(token), millis(now)), &seen)
	if err != nil {
		return drillroom.User{}, fmt.Errorf("login: %w", notFoundAs(err, drillroom.ErrUnauthorized))
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
		err := s.write(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE logins SET seen_at = $1 WHERE token_hash = $2 AND seen_at < $1", millis(now), drillroom.LoginHash(token))
			return err
		})
		if err != nil {
			s.logger.Warn("store: note login use", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// DeleteLogin ends a login (log out). Deleting an unknown token is not an error.
func (s *Store) DeleteLogin(ctx context.Context, token string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		h := drillroom.LoginHash(token)
		if _, err := tx.Exec(ctx, "DELETE FROM logins WHERE token_hash = $1", h); err != nil {
			return err
		}
		return notifySignout(ctx, tx, drillroom.Signout{Login: h})
	})
	if err != nil {
		return fmt.Errorf("delete login: %w", err)
	}
	return nil
}

// DeleteExpiredLogins removes expired logins and returns how many.
func (s *Store) DeleteExpiredLogins(ctx context.Context) (int64, error) {
	now := millis(s.now())
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM logins WHERE expires_at <= $1", now)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired logins: %w", err)
	}
	return n, nil
}
