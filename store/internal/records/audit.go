package records

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// AppendAudit records an audit entry at the store's current time (At is
// ignored). Over-long fields are cut, never refused: the log must not lose
// an entry because of what someone typed.
func (s Common) AppendAudit(ctx context.Context, e drillroom.AuditEntry) error {
	if e.Action == "" {
		return fmt.Errorf("audit: %w: no action", drillroom.ErrInvalid)
	}
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec("INSERT INTO audit (at, actor_id, actor, action, target, detail, addr) VALUES (?, ?, ?, ?, ?, ?, ?)",
			now, e.ActorID, cut(e.Actor), cut(e.Action), cut(e.Target), cut(e.Detail), cut(e.Addr))
		return err
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// maxAuditField bounds each text field of an audit entry, in bytes: what an
// attacker types as a username at the sign-in page ends up here.
const maxAuditField = 500

// cut shortens s to maxAuditField bytes on a character boundary, marked
// with an ellipsis.
func cut(s string) string {
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
func (s Common) Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, s.DB.Fold("actor")+" = "+s.DB.Fold("?")), append(args, f.Actor)
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		where, args = append(where, "substr(action, 1, ?) = ?"), append(args, utf8.RuneCountInString(f.Action), f.Action)
	case f.Action != "":
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.Target != "" {
		where, args = append(where, `lower(target) LIKE '%' || lower(?) || '%' ESCAPE '\'`), append(args, likeEscaper.Replace(f.Target))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, Millis(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, Millis(f.Until))
	}
	q := "SELECT id, at, actor_id, actor, action, target, detail, addr FROM audit"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at DESC, id DESC LIMIT ?"
	return All(ctx, s.DB, "audit", func(r Scanner) (drillroom.AuditEntry, error) {
		var e drillroom.AuditEntry
		var at int64
		err := r.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Addr)
		e.At = FromMillis(at)
		return e, err
	}, q, append(args, f.Limit)...)
}

// likeEscaper makes a text a literal LIKE pattern (with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
