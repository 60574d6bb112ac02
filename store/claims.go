package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"
)

// ClaimSession gives userID the claim on a session for ttl from the
// store's current time, or renews their own claim. A claim another user
// holds that has not lapsed is drillroom.ErrConflict (with the holder's
// name in the message); a lapsed one is taken over. An unknown session or
// user is drillroom.ErrNotFound, a ttl that is not positive ErrInvalid.
func (s *Store) ClaimSession(ctx context.Context, sessionID string, userID int64, ttl time.Duration) (drillroom.Claim, error) {
	if ttl <= 0 {
		return drillroom.Claim{}, fmt.Errorf("claim session %s: %w: ttl %v", sessionID, drillroom.ErrInvalid, ttl)
	}
	now := s.now()
	c := drillroom.Claim{SessionID: sessionID, UserID: userID, At: fromMillis(millis(now)), Until: fromMillis(millis(now.Add(ttl)))}
	err := s.w.do(ctx, func(tx *wtx) error {
		var holder int64
		var until int64
		var name string
		err := tx.QueryRow(`SELECT c.user_id, c.until, COALESCE(u.display_name, '') FROM claims c LEFT JOIN users u ON u.id = c.user_id
			WHERE c.session_id = ?`, sessionID).Scan(&holder, &until, &name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case holder != userID && until > millis(now):
			return &drillroom.Error{Code: drillroom.CodeConflict,
				Message: fmt.Sprintf("%s is reviewing this session (claimed until %s UTC).", name, fromMillis(until).Format("15:04"))}
		}
		_, err = insertRow(tx, `INSERT INTO claims (session_id, user_id, at, until) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at, until = excluded.until`,
			sessionID, userID, millis(c.At), millis(c.Until))
		return err
	})
	if err != nil {
		return drillroom.Claim{}, fmt.Errorf("claim session %s: %w", sessionID, err)
	}
	c.By = s.nameOf(ctx, userID, c.By)
	return c, nil
}

// ReleaseClaim ends userID's claim on a session. Releasing a claim one
// does not hold is a no-op, unless another user holds a claim that has
// not lapsed: drillroom.ErrConflict.
func (s *Store) ReleaseClaim(ctx context.Context, sessionID string, userID int64) error {
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		res, err := tx.Exec("DELETE FROM claims WHERE session_id = ? AND (user_id = ? OR until <= ?)", sessionID, userID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var held int
		if err := tx.QueryRow("SELECT COUNT(*) FROM claims WHERE session_id = ?", sessionID).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "Another coach holds the claim on this session.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release claim on session %s: %w", sessionID, err)
	}
	return nil
}

// SessionClaim returns the claim on a session that has not lapsed, or
// drillroom.ErrNotFound.
func (s *Store) SessionClaim(ctx context.Context, sessionID string) (drillroom.Claim, error) {
	cs, err := s.claims(ctx, "claim on session "+sessionID, "c.session_id = ? AND c.until > ?", sessionID, millis(s.now()))
	if err != nil {
		return drillroom.Claim{}, err
	}
	if len(cs) == 0 {
		return drillroom.Claim{}, fmt.Errorf("claim on session %s: %w", sessionID, drillroom.ErrNotFound)
	}
	return cs[0], nil
}

// ActiveClaims returns every claim that has not lapsed, by session id.
func (s *Store) ActiveClaims(ctx context.Context) ([]drillroom.Claim, error) {
	return s.claims(ctx, "active claims", "c.until > ?", millis(s.now()))
}

func (s *Store) claims(ctx context.Context, what, where string, args ...any) ([]drillroom.Claim, error) {
	return queryAll(ctx, s, what, func(row scanner) (drillroom.Claim, error) {
		var c drillroom.Claim
		var at, until int64
		err := row.Scan(&c.SessionID, &c.UserID, &c.By, &at, &until)
		c.At, c.Until = fromMillis(at), fromMillis(until)
		return c, err
	}, `SELECT c.session_id, c.user_id, COALESCE(u.display_name, ''), c.at, c.until
		FROM claims c LEFT JOIN users u ON u.id = c.user_id WHERE `+where+` ORDER BY c.session_id`, args...)
}
