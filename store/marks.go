package store

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
)

// AddMark appends a coach's mark on a session's rule, at the store's
// current time (m.ID, m.At and m.By are ignored and filled in), and
// returns it as stored. Marks are never changed or deleted: a later mark
// of the same rule supersedes it. The session and the marking user must
// exist (drillroom.ErrNotFound); a mark needs a rule id, a known kind, an
// outcome that fits the kind (none for a withdrawal), a reason, and a coach
// or trainer as its actor (drillroom.ErrInvalid otherwise).
func (s *Store) AddMark(ctx context.Context, m drillroom.Mark) (drillroom.Mark, error) {
	if err := m.Check(); err != nil {
		return drillroom.Mark{}, fmt.Errorf("add mark on session %s: %w", m.SessionID, err)
	}
	m.At = fromMillis(millis(s.now()))
	err := s.w.do(ctx, func(tx *wtx) (err error) {
		m.ID, err = insertMark(tx, m)
		return err
	})
	if err != nil {
		return drillroom.Mark{}, fmt.Errorf("add mark on session %s: %w", m.SessionID, err)
	}
	m.By = s.nameOf(ctx, m.ByID, m.By)
	return m, nil
}

// insertMark appends m (checked, with its time) in tx and returns its id.
func insertMark(tx *wtx, m drillroom.Mark) (int64, error) {
	return insertRow(tx, `INSERT INTO marks (session_id, rule_id, kind, outcome, points, old_outcome, old_points, reason, rubric_hash, rule_hash, by_id, actor, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.SessionID, m.RuleID, string(m.Kind), m.Outcome, m.Points, m.OldOutcome, m.OldPoints, m.Reason, m.RubricHash, m.RuleHash, m.ByID, string(m.Actor), millis(m.At))
}

// Marks returns every mark of a session, oldest first, with the marking
// users' display names; an empty slice when there are none (or no such
// session).
func (s *Store) Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error) {
	return queryAll(ctx, s, "marks of session "+sessionID, func(row scanner) (drillroom.Mark, error) {
		var m drillroom.Mark
		var kind, actor string
		var at int64
		err := row.Scan(&m.ID, &m.SessionID, &m.RuleID, &kind, &m.Outcome, &m.Points, &m.OldOutcome, &m.OldPoints,
			&m.Reason, &m.RubricHash, &m.RuleHash, &m.ByID, &m.By, &actor, &at)
		m.Kind, m.Actor, m.At = drillroom.MarkKind(kind), drillroom.Actor(actor), fromMillis(at)
		return m, err
	}, `SELECT m.id, m.session_id, m.rule_id, m.kind, m.outcome, m.points, m.old_outcome, m.old_points,
			m.reason, m.rubric_hash, m.rule_hash, m.by_id, COALESCE(u.display_name, ''), m.actor, m.at
		FROM marks m LEFT JOIN users u ON u.id = m.by_id WHERE m.session_id = ? ORDER BY m.id`, sessionID)
}
