package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
)

// DueStatements returns up to limit (1 to 1000) entries of the xAPI outbox
// that are not sent and due at now, oldest first. Migration 0011 queues an
// entry with every stored scorecard.
func (s *Store) DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error) {
	if limit < 1 || limit > 1000 {
		return nil, fmt.Errorf("due statements: %w: limit %d, want 1 to 1000", drillroom.ErrInvalid, limit)
	}
	return queryAll(ctx, s, "due statements", func(row scanner) (drillroom.OutboxEntry, error) {
		var e drillroom.OutboxEntry
		var queued, next int64
		err := row.Scan(&e.ID, &e.SessionID, &e.ScorecardID, &queued, &e.Attempts, &next, &e.LastError, &e.Current)
		e.QueuedAt, e.NextAt = fromMillis(queued), fromMillis(next)
		return e, err
	}, `SELECT o.id, o.session_id, o.scorecard_id, o.queued_at, o.attempts, o.next_at, o.last_error,
			o.scorecard_id = COALESCE((SELECT MAX(id) FROM scorecards WHERE session_id = o.session_id), o.scorecard_id)
		FROM xapi_outbox o
		WHERE o.sent_at IS NULL AND o.next_at <= ?
		ORDER BY o.next_at, o.id LIMIT ?`, millis(now), limit)
}

// MarkStatementsSent records the outbox entries as delivered: they are
// never due again. Unknown ids are ignored; so are entries already sent.
func (s *Store) MarkStatementsSent(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil // without reading the clock
	}
	return s.updateUnsent(ctx, "mark statements sent", ids, "sent_at = ?, last_error = ''", millis(s.now()))
}

// RetryStatements records a failed delivery of the outbox entries: one
// more attempt, the error (shortened to 500 bytes), and when to try next.
// Entries already sent are left as they are.
func (s *Store) RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error {
	if len(reason) > 500 {
		reason = strings.ToValidUTF8(reason[:500], "")
	}
	return s.updateUnsent(ctx, "retry statements", ids, "attempts = attempts + 1, next_at = ?, last_error = ?", millis(next), reason)
}

// updateUnsent applies set (with its arguments) to the outbox entries ids
// that are not sent yet, in one write; no ids is nothing to do.
func (s *Store) updateUnsent(ctx context.Context, what string, ids []int64, set string, setArgs ...any) error {
	if len(ids) == 0 {
		return nil
	}
	args := setArgs
	for _, id := range ids {
		args = append(args, id)
	}
	err := s.w.do(ctx, func(tx *wtx) error {
		_, err := tx.Exec("UPDATE xapi_outbox SET "+set+" WHERE sent_at IS NULL AND id IN ("+placeholders(len(ids))+")", args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
