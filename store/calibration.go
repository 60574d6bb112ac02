package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/drillroom/drillroom"
)

// CreateRound opens a calibration round on a session with its members, at
// the store's current time (r.ID, r.CreatedAt and r.Lead are filled in).
// A round needs at least two distinct members (drillroom.ErrInvalid); the
// session, the lead and every member must exist (drillroom.ErrNotFound).
func (s *Store) CreateRound(ctx context.Context, r drillroom.Round) (drillroom.Round, error) {
	members := slices.Clone(r.Members)
	slices.Sort(members)
	members = slices.Compact(members)
	if len(members) < 2 {
		return drillroom.Round{}, fmt.Errorf("create round on session %s: %w: %d markers, want at least 2", r.SessionID, drillroom.ErrInvalid, len(members))
	}
	r.Members = members
	r.CreatedAt, r.PublishedAt = fromMillis(millis(s.now())), time.Time{}
	err := s.w.do(ctx, func(tx *wtx) (err error) {
		r.ID, err = insertRow(tx, "INSERT INTO calibration_rounds (session_id, lead_id, created_at, published_at) VALUES (?, ?, ?, 0)",
			r.SessionID, r.LeadID, millis(r.CreatedAt))
		if err != nil {
			return err
		}
		for _, m := range members {
			if _, err := insertRow(tx, "INSERT INTO calibration_members (round_id, user_id) VALUES (?, ?)", r.ID, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return drillroom.Round{}, fmt.Errorf("create round on session %s: %w", r.SessionID, err)
	}
	r.Lead = s.nameOf(ctx, r.LeadID, r.Lead)
	return r, nil
}

// Round returns calibration round id, or drillroom.ErrNotFound.
func (s *Store) Round(ctx context.Context, id int64) (drillroom.Round, error) {
	rs, err := s.rounds(ctx, fmt.Sprintf("calibration round %d", id), "r.id = ?", id)
	if err != nil {
		return drillroom.Round{}, err
	}
	if len(rs) == 0 {
		return drillroom.Round{}, fmt.Errorf("calibration round %d: %w", id, drillroom.ErrNotFound)
	}
	return rs[0], nil
}

// SessionRounds returns the calibration rounds of a session, oldest first
// (an empty slice when there are none).
func (s *Store) SessionRounds(ctx context.Context, sessionID string) ([]drillroom.Round, error) {
	return s.rounds(ctx, "calibration rounds of session "+sessionID, "r.session_id = ?", sessionID)
}

// UserRounds returns the calibration rounds userID leads or marks, oldest
// first (an empty slice when none).
func (s *Store) UserRounds(ctx context.Context, userID int64) ([]drillroom.Round, error) {
	return s.rounds(ctx, fmt.Sprintf("calibration rounds of user %d", userID),
		"r.lead_id = ? OR r.id IN (SELECT round_id FROM calibration_members WHERE user_id = ?)", userID, userID)
}

func (s *Store) rounds(ctx context.Context, what, where string, args ...any) ([]drillroom.Round, error) {
	out, err := queryAll(ctx, s, what, func(row scanner) (drillroom.Round, error) {
		var r drillroom.Round
		var created, published int64
		err := row.Scan(&r.ID, &r.SessionID, &r.LeadID, &r.Lead, &created, &published)
		r.CreatedAt = fromMillis(created)
		if published != 0 {
			r.PublishedAt = fromMillis(published)
		}
		return r, err
	}, `SELECT r.id, r.session_id, r.lead_id, COALESCE(u.display_name, ''), r.created_at, r.published_at
		FROM calibration_rounds r LEFT JOIN users u ON u.id = r.lead_id WHERE `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Members, err = queryAll(ctx, s, what, func(row scanner) (id int64, err error) {
			err = row.Scan(&id)
			return id, err
		}, "SELECT user_id FROM calibration_members WHERE round_id = ? ORDER BY user_id", out[i].ID)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PutRoundMark records (or replaces) a member's outcome for one rule of a
// calibration round, at the store's current time. The round must exist
// (drillroom.ErrNotFound) and still be blind (drillroom.ErrConflict once
// published); the user must be a member and the mark needs a rule and an
// outcome of pass, fail, partial or na (drillroom.ErrInvalid).
func (s *Store) PutRoundMark(ctx context.Context, m drillroom.RoundMark) error {
	if err := m.Check(); err != nil {
		return fmt.Errorf("calibration mark in round %d: %w", m.RoundID, err)
	}
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		var published int64
		err := tx.QueryRow("SELECT published_at FROM calibration_rounds WHERE id = ?", m.RoundID).Scan(&published)
		if errors.Is(err, sql.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if published != 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is published: its markings are final.")
		}
		var member int
		if err := tx.QueryRow("SELECT COUNT(*) FROM calibration_members WHERE round_id = ? AND user_id = ?", m.RoundID, m.UserID).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return fmt.Errorf("%w: user %d is not a marker of this round", drillroom.ErrInvalid, m.UserID)
		}
		_, err = tx.Exec(`INSERT INTO calibration_marks (round_id, user_id, rule_id, outcome, points, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (round_id, user_id, rule_id) DO UPDATE SET outcome = excluded.outcome, points = excluded.points, at = excluded.at`,
			m.RoundID, m.UserID, m.RuleID, m.Outcome, m.Points, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("calibration mark in round %d: %w", m.RoundID, err)
	}
	return nil
}

// RoundMarks returns every mark of a calibration round, by marker and rule
// (an empty slice when there are none).
func (s *Store) RoundMarks(ctx context.Context, roundID int64) ([]drillroom.RoundMark, error) {
	return queryAll(ctx, s, fmt.Sprintf("marks of calibration round %d", roundID), func(row scanner) (drillroom.RoundMark, error) {
		var m drillroom.RoundMark
		var at int64
		err := row.Scan(&m.RoundID, &m.UserID, &m.By, &m.RuleID, &m.Outcome, &m.Points, &at)
		m.At = fromMillis(at)
		return m, err
	}, `SELECT m.round_id, m.user_id, COALESCE(u.display_name, ''), m.rule_id, m.outcome, m.points, m.at
		FROM calibration_marks m LEFT JOIN users u ON u.id = m.user_id WHERE m.round_id = ? ORDER BY m.user_id, m.rule_id`, roundID)
}

// PublishRound ends the blind marking of a round at the store's current
// time, with the lead's official marking: official are appended to the
// round's session as AddMark would, at the same time, in the same
// transaction, so that the round is published with all of them or not at
// all. It returns the round and the marks as stored. An unknown round is
// drillroom.ErrNotFound, one already published drillroom.ErrConflict; a
// mark of another session, or one drillroom.Mark.Check refuses, is
// drillroom.ErrInvalid; a mark by an unknown user drillroom.ErrNotFound.
func (s *Store) PublishRound(ctx context.Context, id int64, official []drillroom.Mark) (drillroom.Round, []drillroom.Mark, error) {
	for i, m := range official {
		if err := m.Check(); err != nil {
			return drillroom.Round{}, nil, fmt.Errorf("publish calibration round %d: official mark %d: %w", id, i+1, err)
		}
	}
	at := fromMillis(millis(s.now()))
	marks := slices.Clone(official)
	err := s.w.do(ctx, func(tx *wtx) error {
		var session string
		var published int64
		err := tx.QueryRow("SELECT session_id, published_at FROM calibration_rounds WHERE id = ?", id).Scan(&session, &published)
		if errors.Is(err, sql.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if published != 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is already published.")
		}
		for i := range marks {
			if marks[i].SessionID != session {
				return fmt.Errorf("%w: official mark %d is on session %s, the round on %s", drillroom.ErrInvalid, i+1, marks[i].SessionID, session)
			}
			marks[i].At = at
			if marks[i].ID, err = insertMark(tx, marks[i]); err != nil {
				return fmt.Errorf("official mark %d: %w", i+1, err)
			}
		}
		_, err = tx.Exec("UPDATE calibration_rounds SET published_at = ? WHERE id = ?", millis(at), id)
		return err
	})
	if err != nil {
		return drillroom.Round{}, nil, fmt.Errorf("publish calibration round %d: %w", id, err)
	}
	for i := range marks {
		marks[i].By = s.nameOf(ctx, marks[i].ByID, marks[i].By)
	}
	r, err := s.Round(ctx, id)
	return r, marks, err
}
