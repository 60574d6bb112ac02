package postgres

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// maxAuditField bounds each text field of an audit entry, in bytes.
const maxAuditField = 500

// AppendAudit records an audit entry at the store's current time (At is
// ignored). Over-long fields are cut, never refused.
func (s *Store) AppendAudit(ctx context.Context, e drillroom.AuditEntry) error {
	if e.Action == "" {
		return fmt.Errorf("audit: %w: no action", drillroom.ErrInvalid)
	}
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO audit (at, actor_id, actor, action, target, detail, addr) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			now, e.ActorID, cut(e.Actor), cut(e.Action), cut(e.Target), cut(e.Detail), cut(e.Addr))
		return err
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// cut shortens s to maxAuditField bytes on a character boundary, marked
// with an ellipsis. PostgreSQL refuses invalid UTF-8 and NUL, so those are
// replaced rather than lose the entry.
func cut(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
	if len(s) <= maxAuditField {
		return s
	}
	s = s[:maxAuditField]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// Audit returns the entries f selects, newest first.
func (s *Store) Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Actor != "" {
		where = append(where, "ascii_lower(actor) = ascii_lower("+arg(f.Actor)+")")
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		where = append(where, "left(action, "+arg(utf8.RuneCountInString(f.Action))+") = "+arg(f.Action))
	case f.Action != "":
		where = append(where, "action = "+arg(f.Action))
	}
	if f.Target != "" {
		where = append(where, "strpos(lower(target), lower("+arg(f.Target)+")) > 0")
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= "+arg(millis(f.Since)))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < "+arg(millis(f.Until)))
	}
	q := "SELECT id, at, actor_id, actor, action, target, detail, addr FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at DESC, id DESC LIMIT " + arg(f.Limit)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []drillroom.AuditEntry
	for rows.Next() {
		var e drillroom.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Addr); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, nil
}
