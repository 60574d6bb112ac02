package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// DueStatements returns up to limit (1 to 1000) entries of the xAPI outbox
// that are not sent and due at now, oldest first. Migration 0005 queues an
// entry with every stored scorecard.
func (s *Store) DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error) {
	if limit < 1 || limit > 1000 {
		return nil, fmt.Errorf("due statements: %w: limit %d, want 1 to 1000", drillroom.ErrInvalid, limit)
	}
	return queryAll(ctx, s, "due statements", func(row scanner) (drillroom.OutboxEntry, error) {
		var e drillroom.OutboxEntry
		var queued, next int64
		var attempts int32
		err := row.Scan(&e.ID, &e.SessionID, &e.ScorecardID, &queued, &attempts, &next, &e.LastError, &e.Current)
		e.QueuedAt, e.NextAt, e.Attempts = fromMillis(queued), fromMillis(next), int(attempts)
		return e, err
	}, `SELECT o.id, o.session_id, o.scorecard_id, o.queued_at, o.attempts, o.next_at, o.last_error,
			o.scorecard_id = COALESCE((SELECT MAX(id) FROM scorecards WHERE session_id = o.session_id), o.scorecard_id)
		FROM xapi_outbox o
		WHERE o.sent_at IS NULL AND o.next_at <= $1
		ORDER BY o.next_at, o.id LIMIT $2`, millis(now), limit)
}

// MarkStatementsSent records the outbox entries as delivered: they are
// never due again. Unknown ids are ignored; so are entries already sent.
func (s *Store) MarkStatementsSent(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE xapi_outbox SET sent_at = $1, last_error = '' WHERE sent_at IS NULL AND id = ANY ($2::bigint[])", now, ids)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark statements sent: %w", err)
	}
	return nil
}

// RetryStatements records a failed delivery of the outbox entries: one
// more attempt, the error (shortened to 500 bytes), and when to try next.
// Entries already sent are left as they are.
func (s *Store) RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error {
	if len(ids) == 0 {
		return nil
	}
	if len(reason) > 500 {
		reason = strings.ToValidUTF8(reason[:500], "")
	}
	// PostgreSQL's text holds no NUL and only valid UTF-8: an error message
	// from an LRS may have either.
	reason = strings.ReplaceAll(strings.ToValidUTF8(reason, "\uFFFD"), "\x00", "")
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE xapi_outbox SET attempts = attempts + 1, next_at = $1, last_error = $2 WHERE sent_at IS NULL AND id = ANY ($3::bigint[])",
			millis(next), reason, ids)
		return err
	})
	if err != nil {
		return fmt.Errorf("retry statements: %w", err)
	}
	return nil
}
