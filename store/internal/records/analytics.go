package records

// The analytics read scorecard_facts (one row per scored session: its
// newest scorecard's headline) and, through it, the rule outcomes and rule
// notes of that newest scorecard only. Triggers on scorecards keep both
// tables current: SQLite's migration 0010, PostgreSQL's 0004.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
)

// ScoredSessions calls fn with every scored session the filter selects,
// with the headline of its newest scorecard, oldest first (by start, then
// id). An error from fn stops the query and is returned unwrapped.
func (s Common) ScoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.ScoredSession) error) error {
	where, args, err := s.analyticsWhere(ctx, f)
	if err != nil {
		return fmt.Errorf("scored sessions: %w", err)
	}
	q := `SELECT ` + factsColumns + ` FROM scorecard_facts f WHERE ` + where + ` ORDER BY f.started_at, f.session_id`
	return Each(ctx, s.DB, "scored sessions", q, args, func(row Scanner) error {
		x, err := scanFacts(row)
		if err != nil {
			return fmt.Errorf("scored sessions: %w", err)
		}
		return fn(x)
	})
}

// ScoredSessionsSince calls fn with every scored session, of any user,
// whose facts changed at a revision above rev (x.Rev is the revision of
// the row as read), in the order of their revisions; rev 0 or below reads
// them all. Revisions are handed out in the order the writes commit
// (SQLite's migration 0021, PostgreSQL's 0013), so a reader that keeps the
// highest revision it saw and asks for what came after it misses nothing,
// whichever server wrote it. An error from fn stops the query and is
// returned unwrapped.
func (s Common) ScoredSessionsSince(ctx context.Context, rev int64, fn func(drillroom.ScoredSession) error) error {
	q := `SELECT ` + factsColumns + ` FROM scorecard_facts f WHERE f.rev > ? ORDER BY f.rev`
	return Each(ctx, s.DB, "scored sessions since a revision", q, []any{rev}, func(row Scanner) error {
		x, err := scanFacts(row)
		if err != nil {
			return fmt.Errorf("scored sessions since revision %d: %w", rev, err)
		}
		return fn(x)
	})
}

// factsColumns are the columns of scorecard_facts f that scanFacts reads.
const factsColumns = `f.session_id, f.user_id, f.scenario_id, f.version, f.mode, f.started_at, f.scored_at, f.rubric_hash,
		f.total, f.band, f.passed, f.handling_time, f.talk_time, f.hold_time, f.wrap_up, f.fcr, f.csat,
		f.time_to_classify, f.time_to_first_escalation, f.longest_silence, f.outcomes, f.scorecard_id,
		COALESCE(f.released_id, 0), f.rev, ` + officialColumns

// scanFacts reads one row of factsColumns.
func scanFacts(row Scanner) (drillroom.ScoredSession, error) {
	var x drillroom.ScoredSession
	var started, scored, csat int64
	var mode, outcomes string
	var off official
	k := &x.KPIs
	if err := row.Scan(&x.SessionID, &x.UserID, &x.ScenarioID, &x.Version, &mode, &started, &scored, &x.RubricHash,
		&x.Total, &x.Band, &x.Passed, &k.HandlingTime, &k.TalkTime, &k.HoldTime, &k.WrapUp, &k.FirstContactResolution,
		&csat, &k.TimeToClassify, &k.TimeToFirstEscalation, &k.LongestSilence, &outcomes, &x.ScorecardID,
		&x.ReleaseID, &x.Rev, &off.current, &off.total, &off.band, &off.passed, &off.changes); err != nil {
		return x, err
	}
	k.CSAT = int(csat)
	x.Mode, x.CreatedAt, x.ScoredAt = drillroom.Mode(mode), FromMillis(started), FromMillis(scored)
	x.Rules = drillroom.ParseRuleMarks(outcomes)
	x.SetOfficial(off.current, deref(off.total), deref(off.band), deref(off.passed), deref(off.changes))
	return x, nil
}

// DueStatements returns up to limit (1 to 1000) entries of the xAPI outbox
// that are not sent and due at now, oldest first. Triggers queue an entry
// with every stored scorecard and every release of a coach's review
// (SQLite's migrations 0011 and 0019, PostgreSQL's 0005 and 0011).
func (s Common) DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error) {
	if limit < 1 || limit > 1000 {
		return nil, fmt.Errorf("due statements: %w: limit %d, want 1 to 1000", drillroom.ErrInvalid, limit)
	}
	return All(ctx, s.DB, "due statements", func(row Scanner) (drillroom.OutboxEntry, error) {
		var e drillroom.OutboxEntry
		var queued, next int64
		var attempts int32
		err := row.Scan(&e.ID, &e.SessionID, &e.ScorecardID, &e.ReleaseID, &queued, &attempts, &next, &e.LastError, &e.Current)
		e.QueuedAt, e.NextAt, e.Attempts = FromMillis(queued), FromMillis(next), int(attempts)
		return e, err
	}, `SELECT o.id, o.session_id, o.scorecard_id, o.release_id, o.queued_at, o.attempts, o.next_at, o.last_error,
			o.scorecard_id = COALESCE((SELECT MAX(id) FROM scorecards WHERE session_id = o.session_id), o.scorecard_id)
			AND o.release_id = COALESCE((SELECT MAX(id) FROM releases WHERE session_id = o.session_id), 0)
		FROM xapi_outbox o
		WHERE o.sent_at IS NULL AND o.next_at <= ?
		ORDER BY o.next_at, o.id LIMIT ?`, Millis(now), limit)
}

// ScoredOutcomes calls fn with every rule outcome of the newest scorecards
// of the sessions the filter selects, with the feedback given: by session
// (oldest first) and, within a session, in the rubric's order. An error
// from fn stops the query and is returned unwrapped.
func (s Common) ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error {
	where, args, err := s.analyticsWhere(ctx, f)
	if err != nil {
		return fmt.Errorf("scored outcomes: %w", err)
	}
	// rowid is not available on WITHOUT ROWID tables; the rubric's order
	// is the order the outcomes were written, which the primary key
	// (scorecard_id, rule_id) does not keep, so sort by rule id instead:
	// stable, and what a spreadsheet would do.
	q := `SELECT f.session_id, f.user_id, f.scenario_id, f.version, f.mode, f.started_at, o.rubric_hash,
		o.rule_id, o.section, o.title, o.outcome, o.points, o.max_points, o.critical, COALESCE(n.feedback, ''),
		` + officialColumns + `
		FROM scorecard_facts f
		JOIN rule_outcomes o ON o.scorecard_id = f.scorecard_id
		LEFT JOIN rule_notes n ON n.scorecard_id = o.scorecard_id AND n.rule_id = o.rule_id
		WHERE ` + where + ` ORDER BY f.started_at, f.session_id, o.rule_id`
	// The session's official changes come with each of its rows; they are
	// parsed once per session (the rows come session by session).
	var lastSession string
	var changes []drillroom.RuleChange
	return Each(ctx, s.DB, "scored outcomes", q, args, func(row Scanner) error {
		var o drillroom.OutcomeRecord
		var started int64
		var mode string
		var off official
		if err := row.Scan(&o.SessionID, &o.UserID, &o.ScenarioID, &o.Version, &mode, &started, &o.RubricHash,
			&o.RuleID, &o.Section, &o.Title, &o.Outcome, &o.Points, &o.MaxPoints, &o.Critical, &o.Feedback,
			&off.current, &off.total, &off.band, &off.passed, &off.changes); err != nil {
			return fmt.Errorf("scored outcomes: %w", err)
		}
		o.Mode, o.CreatedAt = drillroom.Mode(mode), FromMillis(started)
		if o.SessionID != lastSession {
			lastSession, changes = o.SessionID, nil
			if off.current {
				changes = drillroom.ParseRuleChanges(deref(off.changes))
			}
		}
		o.SetOfficial(off.current, changes)
		return fn(o)
	})
}

// FeedbackCounts returns the lines of feedback given in the newest
// scorecards of the sessions the filter selects, each with the number of
// sessions it was given in, most given first (then by scenario, rule and
// text), at most limit of them (1 to 500; 50 when 0). Only failed rules'
// feedback counts: it is what a trainee was told to do differently; a rule
// whose outcome a coach's released mark changed is left out (its automatic
// feedback no longer stands: the official changes name it).
func (s Common) FeedbackCounts(ctx context.Context, f drillroom.AnalyticsFilter, limit int) ([]drillroom.FeedbackCount, error) {
	where, args, err := s.analyticsWhere(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("feedback counts: %w", err)
	}
	switch {
	case limit == 0:
		limit = 50
	case limit < 0 || limit > 500:
		return nil, fmt.Errorf("feedback counts: %w: limit %d, want 1 to 500", drillroom.ErrInvalid, limit)
	}
	q := `SELECT f.scenario_id, o.rule_id, o.outcome, n.feedback, COUNT(*) AS n
		FROM scorecard_facts f
		JOIN rule_outcomes o ON o.scorecard_id = f.scorecard_id
		JOIN rule_notes n ON n.scorecard_id = o.scorecard_id AND n.rule_id = o.rule_id
		WHERE ` + where + ` AND o.outcome IN ('fail', 'error') AND n.feedback != ''
			AND NOT (` + officialCurrent + ` AND length(' ' || f.official_changes || ' ')
				<> length(replace(' ' || f.official_changes || ' ', ' ' || o.rule_id || '=', '')))
		GROUP BY f.scenario_id, o.rule_id, o.outcome, n.feedback
		ORDER BY n DESC, f.scenario_id, o.rule_id, ` + s.DB.Bytewise("n.feedback") + `
		LIMIT ?`
	return All(ctx, s.DB, "feedback counts", func(row Scanner) (drillroom.FeedbackCount, error) {
		var c drillroom.FeedbackCount
		var n int64
		err := row.Scan(&c.ScenarioID, &c.RuleID, &c.Outcome, &c.Feedback, &n)
		c.Sessions = int(n)
		return c, err
	}, q, append(args, limit)...)
}

// MarkStatementsSent records the outbox entries as delivered: they are
// never due again. Unknown ids are ignored; so are entries already sent.
func (s Common) MarkStatementsSent(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil // without reading the clock
	}
	return s.updateUnsent(ctx, "mark statements sent", ids, "sent_at = ?, last_error = ''", Millis(s.Now()))
}

// PlanStatements records the ids of the statements an unsent outbox entry
// is about to post: from then on they may reach the LRS (an answer can be
// lost), so StandingStatements lists them until a newer entry of the
// session voids them. An entry already sent is left as it is; an unknown
// one is drillroom.ErrNotFound.
func (s Common) PlanStatements(ctx context.Context, entryID int64, statementIDs []string) error {
	if len(statementIDs) == 0 || len(statementIDs) > maxStatements {
		return fmt.Errorf("plan statements of outbox entry %d: %w: %d statement ids, want 1 to %d", entryID, drillroom.ErrInvalid, len(statementIDs), maxStatements)
	}
	for _, id := range statementIDs {
		if id == "" || len(id) > 64 || strings.ContainsAny(id, " \t\n") {
			return fmt.Errorf("plan statements of outbox entry %d: %w: statement id %q", entryID, drillroom.ErrInvalid, id)
		}
	}
	err := s.write(ctx, func(tx Tx) error {
		if _, err := tx.Exec("UPDATE xapi_outbox SET statements = ? WHERE id = ? AND sent_at IS NULL", strings.Join(statementIDs, " "), entryID); err != nil {
			return err
		}
		var one int64
		if err := tx.QueryRow("SELECT 1 FROM xapi_outbox WHERE id = ?", entryID).Scan(&one); err != nil {
			return NotFound(err, fmt.Sprintf("outbox entry %d", entryID))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("plan statements of outbox entry %d: %w", entryID, err)
	}
	return nil
}

// maxStatements bounds the statements of one outbox entry: a session's and
// one per rule of its rubric.
const maxStatements = 1000

// StandingStatements returns the entries of a session, but except, whose
// statements may be in the LRS and are not voided (PlanStatements), oldest
// first.
func (s Common) StandingStatements(ctx context.Context, sessionID string, except int64) ([]drillroom.StandingStatements, error) {
	return All(ctx, s.DB, "standing statements of session "+sessionID, func(row Scanner) (drillroom.StandingStatements, error) {
		var st drillroom.StandingStatements
		var ids string
		err := row.Scan(&st.EntryID, &st.ReleaseID, &ids)
		st.StatementIDs = strings.Fields(ids)
		return st, err
	}, `SELECT id, release_id, statements FROM xapi_outbox
		WHERE session_id = ? AND id <> ? AND statements <> '' AND voided_at IS NULL ORDER BY id`, sessionID, except)
}

// MarkStatementsDelivered records, in one transaction, that outbox entry
// id was delivered and that its request voided the statements of the
// entries voided. Entries already sent, or already voided, are left as
// they are.
func (s Common) MarkStatementsDelivered(ctx context.Context, id int64, voided []int64) error {
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		if _, err := tx.Exec("UPDATE xapi_outbox SET sent_at = ?, last_error = '' WHERE id = ? AND sent_at IS NULL", now, id); err != nil {
			return err
		}
		if len(voided) == 0 {
			return nil
		}
		args := []any{now}
		for _, v := range voided {
			args = append(args, v)
		}
		_, err := tx.Exec("UPDATE xapi_outbox SET voided_at = ? WHERE voided_at IS NULL AND id IN ("+Placeholders(len(voided))+")", args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark outbox entry %d delivered: %w", id, err)
	}
	return nil
}

// RetryStatements records a failed delivery of the outbox entries: one
// more attempt, the error (shortened to 500 bytes), and when to try next.
// Entries already sent are left as they are.
func (s Common) RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error {
	if len(reason) > 500 {
		reason = strings.ToValidUTF8(reason[:500], "")
	}
	// PostgreSQL's text holds no NUL and only valid UTF-8 (and what SQLite
	// keeps should read the same): an error message from an LRS may have
	// either.
	reason = strings.ReplaceAll(strings.ToValidUTF8(reason, "\uFFFD"), "\x00", "")
	return s.updateUnsent(ctx, "retry statements", ids, "attempts = attempts + 1, next_at = ?, last_error = ?", Millis(next), reason)
}

// updateUnsent applies set (with its arguments) to the outbox entries ids
// that are not sent yet, in one write; no ids is nothing to do.
func (s Common) updateUnsent(ctx context.Context, what string, ids []int64, set string, setArgs ...any) error {
	if len(ids) == 0 {
		return nil
	}
	args := setArgs
	for _, id := range ids {
		args = append(args, id)
	}
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec("UPDATE xapi_outbox SET "+set+" WHERE sent_at IS NULL AND id IN ("+Placeholders(len(ids))+")", args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// analyticsWhere is the WHERE clause (over scorecard_facts f) and its
// arguments for a filter. Only trainees' sessions count: a trainer who
// played a drill to try it is not in the cohort's figures.
//
// The trainees of the cohorts are one IN list per row (a lookup in a small
// temporary index). When they are a good share of all trainees, the list
// is kept from choosing the index by trainee (the unary + in front of the
// column): SQLite's planner otherwise looked every session up through that
// index (a second b-tree search each, the facts being WITHOUT ROWID) and
// sorted them by start, about twice the cost of reading the table in its
// own order (by start) and skipping the others (docs/performance.md). A
// small cohort in a large database keeps the index.
func (s Common) analyticsWhere(ctx context.Context, f drillroom.AnalyticsFilter) (string, []any, error) {
	if err := f.Check(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	switch {
	case f.Cohorts == nil:
		conds = append(conds, "+f.user_id IN (SELECT id FROM users WHERE role = 'trainee')")
	case len(f.Cohorts) == 0:
		conds = append(conds, "false")
	default:
		col := "f.user_id"
		if f.UserID == 0 && s.largeCohorts(ctx, f.Cohorts) {
			col = "+f.user_id"
		}
		conds = append(conds, col+` IN (SELECT m.user_id FROM cohort_members m JOIN users u ON u.id = m.user_id
			WHERE u.role = 'trainee' AND m.cohort_id IN (`+Placeholders(len(f.Cohorts))+`))`)
		for _, c := range f.Cohorts {
			args = append(args, c)
		}
	}
	if f.UserID != 0 {
		conds = append(conds, "f.user_id = ?")
		args = append(args, f.UserID)
	}
	if f.ScenarioID != "" {
		conds = append(conds, "f.scenario_id = ?")
		args = append(args, f.ScenarioID)
	}
	if f.Version != 0 {
		conds = append(conds, "f.version = ?")
		args = append(args, f.Version)
	}
	if f.Mode != "" {
		conds = append(conds, "f.mode = ?")
		args = append(args, string(f.Mode))
	}
	if !f.Since.IsZero() {
		conds = append(conds, "f.started_at >= ?")
		args = append(args, Millis(f.Since))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "f.started_at < ?")
		args = append(args, Millis(f.Until))
	}
	return strings.Join(conds, " AND "), args, nil
}

// Placeholders is n ? placeholders separated by commas, for an IN list
// or a VALUES row.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// largeCohorts reports whether the cohorts hold at least a fifth of all
// trainees (two counts over covering indexes); on an error it says yes,
// which only costs a scan.
func (s Common) largeCohorts(ctx context.Context, cohorts []int64) bool {
	args := make([]any, len(cohorts))
	for i, c := range cohorts {
		args[i] = c
	}
	var in, all int64
	err := s.DB.QueryRow(ctx, `SELECT
		(SELECT COUNT(DISTINCT m.user_id) FROM cohort_members m JOIN users u ON u.id = m.user_id
			WHERE u.role = 'trainee' AND m.cohort_id IN (`+Placeholders(len(cohorts))+`)),
		(SELECT COUNT(*) FROM users WHERE role = 'trainee')`, args...).Scan(&in, &all)
	return err != nil || in*5 >= all
}

// officialCurrent is true when a row's official result is the one of its
// newest scorecard and newest release: what analytics report. (SQLite
// reads IS NOT DISTINCT FROM as its IS.)
const officialCurrent = `(f.released_id IS NOT NULL AND f.official_release_id IS NOT DISTINCT FROM f.released_id
	AND f.official_scorecard_id IS NOT DISTINCT FROM f.scorecard_id)`

// officialColumns are the official result's columns that official scans.
const officialColumns = officialCurrent + `, f.official_total, f.official_band, f.official_passed, f.official_changes`

// official is a facts row's official result as read (NULL: none).
type official struct {
	current bool
	total   *float64
	band    *string
	passed  *bool
	changes *string
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// StaleOfficial returns up to limit (1 to 1000) sessions whose official
// result must be computed: they have a release, and no official result of
// their newest scorecard and release. The partial index
// scorecard_facts_stale (SQLite's migration 0019, PostgreSQL's 0011) holds
// exactly those, so this costs nothing when there are none.
func (s Common) StaleOfficial(ctx context.Context, limit int) ([]drillroom.OfficialRef, error) {
	if limit < 1 || limit > 1000 {
		return nil, fmt.Errorf("stale official results: %w: limit %d, want 1 to 1000", drillroom.ErrInvalid, limit)
	}
	return All(ctx, s.DB, "stale official results", func(row Scanner) (drillroom.OfficialRef, error) {
		var r drillroom.OfficialRef
		err := row.Scan(&r.SessionID, &r.ScorecardID, &r.ReleaseID)
		return r, err
	}, `SELECT session_id, scorecard_id, released_id FROM scorecard_facts
		WHERE released_id IS NOT NULL
		  AND (official_release_id IS DISTINCT FROM released_id OR official_scorecard_id IS DISTINCT FROM scorecard_id)
		ORDER BY session_id LIMIT ?`, limit)
}

// PutOfficialResult records a session's official result, if r's scorecard
// and release are still the session's newest (otherwise it is stale
// already and nothing is written: the next StaleOfficial lists it again).
// A session with no scorecard is drillroom.ErrNotFound.
func (s Common) PutOfficialResult(ctx context.Context, r drillroom.OfficialResult) error {
	if r.SessionID == "" || r.ScorecardID <= 0 || r.ReleaseID <= 0 {
		return fmt.Errorf("put official result of %q: %w: want a session, scorecard and release", r.SessionID, drillroom.ErrInvalid)
	}
	err := s.DB.Write(ctx, func(tx Tx) error {
		n, err := tx.Exec(`UPDATE scorecard_facts SET official_scorecard_id = ?, official_release_id = ?,
				official_total = ?, official_band = ?, official_passed = ?, official_changes = ?
			WHERE session_id = ? AND scorecard_id = ? AND released_id = ?`,
			r.ScorecardID, r.ReleaseID, r.Total, r.Band, r.Passed, drillroom.FormatRuleChanges(r.Changes),
			r.SessionID, r.ScorecardID, r.ReleaseID)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int64
			if err := tx.QueryRow("SELECT 1 FROM scorecard_facts WHERE session_id = ?", r.SessionID).Scan(&one); err != nil {
				return NotFound(err, "scored session "+r.SessionID)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put official result of %s: %w", r.SessionID, err)
	}
	return nil
}
