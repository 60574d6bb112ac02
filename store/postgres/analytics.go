package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
)

// The analytics read scorecard_facts (one row per scored session: its
// newest scorecard's headline) and, through it, the rule outcomes and rule
// notes of that newest scorecard only. Migration 0004 keeps both tables
// current with a trigger on scorecards, as SQLite's 0010 does.

// analyticsWhere is the WHERE clause (over scorecard_facts f) and its
// arguments for a filter. Only trainees' sessions count: a trainer who
// played a drill to try it is not in the cohort's figures.
func analyticsWhere(f drillroom.AnalyticsFilter) (string, []any, error) {
	if err := f.Check(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch {
	case f.Cohorts == nil:
		conds = append(conds, "f.user_id IN (SELECT id FROM users WHERE role = 'trainee')")
	case len(f.Cohorts) == 0:
		conds = append(conds, "false")
	default:
		conds = append(conds, `f.user_id IN (SELECT m.user_id FROM cohort_members m JOIN users u ON u.id = m.user_id
			WHERE u.role = 'trainee' AND m.cohort_id = ANY (`+arg(f.Cohorts)+`::bigint[]))`)
	}
	if f.UserID != 0 {
		conds = append(conds, "f.user_id = "+arg(f.UserID))
	}
	if f.ScenarioID != "" {
		conds = append(conds, "f.scenario_id = "+arg(f.ScenarioID))
	}
	if f.Version != 0 {
		conds = append(conds, "f.version = "+arg(f.Version))
	}
	if f.Mode != "" {
		conds = append(conds, "f.mode = "+arg(string(f.Mode)))
	}
	if !f.Since.IsZero() {
		conds = append(conds, "f.started_at >= "+arg(millis(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "f.started_at < "+arg(millis(f.Until)))
	}
	return strings.Join(conds, " AND "), args, nil
}

// ScoredSessions calls fn with every scored session the filter selects,
// with the headline of its newest scorecard, oldest first (by start, then
// id). An error from fn stops the query and is returned unwrapped.
func (s *Store) ScoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.ScoredSession) error) error {
	where, args, err := analyticsWhere(f)
	if err != nil {
		return fmt.Errorf("scored sessions: %w", err)
	}
	q := `SELECT f.session_id, f.user_id, f.scenario_id, f.version, f.mode, f.started_at, f.scored_at, f.rubric_hash,
		f.total, f.band, f.passed, f.handling_time, f.talk_time, f.hold_time, f.wrap_up, f.fcr, f.csat,
		f.time_to_classify, f.time_to_first_escalation, f.longest_silence, f.outcomes, f.scorecard_id
		FROM scorecard_facts f WHERE ` + where + ` ORDER BY f.started_at, f.session_id`
	return forEach(ctx, s, "scored sessions", q, args, func(row scanner) error {
		var x drillroom.ScoredSession
		var started, scored, csat int64
		var mode, outcomes string
		k := &x.KPIs
		if err := row.Scan(&x.SessionID, &x.UserID, &x.ScenarioID, &x.Version, &mode, &started, &scored, &x.RubricHash,
			&x.Total, &x.Band, &x.Passed, &k.HandlingTime, &k.TalkTime, &k.HoldTime, &k.WrapUp, &k.FirstContactResolution,
			&csat, &k.TimeToClassify, &k.TimeToFirstEscalation, &k.LongestSilence, &outcomes, &x.ScorecardID); err != nil {
			return fmt.Errorf("scored sessions: %w", err)
		}
		k.CSAT = int(csat)
		x.Mode, x.CreatedAt, x.ScoredAt = drillroom.Mode(mode), fromMillis(started), fromMillis(scored)
		x.Rules = drillroom.ParseRuleMarks(outcomes)
		return fn(x)
	})
}

// ScoredOutcomes calls fn with every rule outcome of the newest scorecards
// of the sessions the filter selects, with the feedback given: by session
// (oldest first) and, within a session, by rule id (as SQLite). An error
// from fn stops the query and is returned unwrapped.
func (s *Store) ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error {
	where, args, err := analyticsWhere(f)
	if err != nil {
		return fmt.Errorf("scored outcomes: %w", err)
	}
	q := `SELECT f.session_id, f.user_id, f.scenario_id, f.version, f.mode, f.started_at, o.rubric_hash,
		o.rule_id, o.section, o.title, o.outcome, o.points, o.max_points, o.critical, COALESCE(n.feedback, '')
		FROM scorecard_facts f
		JOIN rule_outcomes o ON o.scorecard_id = f.scorecard_id
		LEFT JOIN rule_notes n ON n.scorecard_id = o.scorecard_id AND n.rule_id = o.rule_id
		WHERE ` + where + ` ORDER BY f.started_at, f.session_id, o.rule_id`
	return forEach(ctx, s, "scored outcomes", q, args, func(row scanner) error {
		var o drillroom.OutcomeRecord
		var started int64
		var mode string
		if err := row.Scan(&o.SessionID, &o.UserID, &o.ScenarioID, &o.Version, &mode, &started, &o.RubricHash,
			&o.RuleID, &o.Section, &o.Title, &o.Outcome, &o.Points, &o.MaxPoints, &o.Critical, &o.Feedback); err != nil {
			return fmt.Errorf("scored outcomes: %w", err)
		}
		o.Mode, o.CreatedAt = drillroom.Mode(mode), fromMillis(started)
		return fn(o)
	})
}

// FeedbackCounts returns the lines of feedback given in the newest
// scorecards of the sessions the filter selects, each with the number of
// sessions it was given in, most given first (then by scenario, rule and
// text), at most limit of them (1 to 500; 50 when 0). Only failed rules'
// feedback counts.
func (s *Store) FeedbackCounts(ctx context.Context, f drillroom.AnalyticsFilter, limit int) ([]drillroom.FeedbackCount, error) {
	where, args, err := analyticsWhere(f)
	if err != nil {
		return nil, fmt.Errorf("feedback counts: %w", err)
	}
	switch {
	case limit == 0:
		limit = 50
	case limit < 0 || limit > 500:
		return nil, fmt.Errorf("feedback counts: %w: limit %d, want 1 to 500", drillroom.ErrInvalid, limit)
	}
	args = append(args, limit)
	q := `SELECT f.scenario_id, o.rule_id, o.outcome, n.feedback, COUNT(*) AS n
		FROM scorecard_facts f
		JOIN rule_outcomes o ON o.scorecard_id = f.scorecard_id
		JOIN rule_notes n ON n.scorecard_id = o.scorecard_id AND n.rule_id = o.rule_id
		WHERE ` + where + ` AND o.outcome IN ('fail', 'error') AND n.feedback <> ''
		GROUP BY f.scenario_id, o.rule_id, o.outcome, n.feedback
		ORDER BY n DESC, f.scenario_id, o.rule_id, n.feedback COLLATE "C"
		LIMIT $` + strconv.Itoa(len(args))
	return queryAll(ctx, s, "feedback counts", func(row scanner) (drillroom.FeedbackCount, error) {
		var c drillroom.FeedbackCount
		var n int64
		err := row.Scan(&c.ScenarioID, &c.RuleID, &c.Outcome, &c.Feedback, &n)
		c.Sessions = int(n)
		return c, err
	}, q, args...)
}
