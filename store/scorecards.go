package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/drillroom/drillroom"
)

// PutScorecard stores a scorecard for a session. Re-scoring adds a row
// rather than overwriting, so every scoring is kept for the audit trail;
// Scorecard returns the newest. scorecardJSON must be valid JSON (drillroom.ErrInvalid otherwise).
func (s *Store) PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte) error {
	if !json.Valid(scorecardJSON) {
		return fmt.Errorf("put scorecard of session %s: %w: not JSON", sessionID, drillroom.ErrInvalid)
	}
	body := bytes.Clone(scorecardJSON)
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("INSERT INTO scorecards (session_id, rubric_hash, body, created_at) VALUES (?, ?, ?, ?)",
			sessionID, rubricHash, body, now)
		if isForeignKeyViolation(err) {
			return drillroom.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("put scorecard of session %s: %w", sessionID, err)
	}
	return nil
}

// Scorecard returns the newest scorecard JSON of a session, or drillroom.ErrNotFound.
func (s *Store) Scorecard(ctx context.Context, sessionID string) ([]byte, error) {
	var b []byte
	err := s.rdb.QueryRowContext(ctx, "SELECT body FROM scorecards WHERE session_id = ? ORDER BY id DESC LIMIT 1", sessionID).Scan(&b)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("scorecard of session %s", sessionID))
	}
	return b, nil
}

// PutReview stores (or replaces) the trainee's post-incident review text.
// The session's event log holds each submission too (a review event); this
// row is the current text for pages that list reviews.
func (s *Store) PutReview(ctx context.Context, sessionID, text string) error {
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec(`INSERT INTO reviews (session_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			sessionID, text, now, now)
		if isForeignKeyViolation(err) {
			return drillroom.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("put review of session %s: %w", sessionID, err)
	}
	return nil
}

// Review returns a session's review, or drillroom.ErrNotFound.
func (s *Store) Review(ctx context.Context, sessionID string) (drillroom.Review, error) {
	r := drillroom.Review{SessionID: sessionID}
	var created, updated int64
	err := s.rdb.QueryRowContext(ctx, "SELECT text, created_at, updated_at FROM reviews WHERE session_id = ?", sessionID).Scan(&r.Text, &created, &updated)
	if err != nil {
		return drillroom.Review{}, notFound(err, fmt.Sprintf("review of session %s", sessionID))
	}
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	return r, nil
}
