package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// PutScorecard stores a scorecard for a session with each rule's outcome,
// in one transaction. Re-scoring adds a scorecard rather than overwriting;
// Scorecard returns the newest. scorecardJSON must be valid JSON, and every
// outcome must name a rule once, with a known outcome and critical level;
// an outcome's SessionID and RubricHash must be empty or the ones given
// here (drillroom.ErrInvalid otherwise, and nothing is written).
func (s *Store) PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error {
	if !json.Valid(scorecardJSON) {
		return fmt.Errorf("put scorecard of session %s: %w: not JSON", sessionID, drillroom.ErrInvalid)
	}
	if err := drillroom.CheckRuleOutcomes(sessionID, rubricHash, outcomes); err != nil {
		return fmt.Errorf("put scorecard of session %s: %w", sessionID, err)
	}
	body := bytes.Clone(scorecardJSON)
	outcomes = slices.Clone(outcomes)
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, "INSERT INTO scorecards (session_id, rubric_hash, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			sessionID, rubricHash, body, now).Scan(&id)
		if isForeignKeyViolation(err) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if len(outcomes) == 0 {
			return nil
		}
		rows := make([][]any, len(outcomes))
		for i, o := range outcomes {
			rows[i] = []any{id, sessionID, rubricHash, o.RuleID, o.Section, o.Title, o.Outcome, o.Points, o.MaxPoints, o.Critical}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"rule_outcomes"},
			[]string{"scorecard_id", "session_id", "rubric_hash", "rule_id", "section", "title", "outcome", "points", "max_points", "critical"},
			pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("put scorecard of session %s: %w", sessionID, err)
	}
	return nil
}

// RuleFailureRates returns, for each rule of each scenario (or of one
// scenario, if scenarioID is not empty), how many sessions scored it and how
// many failed it, counting only each session's newest scorecard; a rule's
// title, section and critical level are those of its newest scoring. The
// most failed rules come first: by failure rate, then by failures, scenario
// and rule id.
func (s *Store) RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error) {
	what := "rule failure rates"
	if scenarioID != "" {
		what += " of scenario " + scenarioID
	}
	rows, err := s.pool.Query(ctx, `
		WITH newest AS (
			SELECT MAX(sc.id) AS id FROM scorecards sc JOIN sessions x ON x.id = sc.session_id
			WHERE $1 = '' OR x.scenario_id = $1
			GROUP BY sc.session_id
		), rates AS (
			SELECT x.scenario_id, o.rule_id, MAX(o.scorecard_id) AS latest,
				count(*) FILTER (WHERE o.outcome NOT IN ('na', 'pending')) AS scored,
				count(*) FILTER (WHERE o.outcome IN ('fail', 'error')) AS failed
			FROM newest n
			JOIN rule_outcomes o ON o.scorecard_id = n.id
			JOIN sessions x ON x.id = o.session_id
			GROUP BY x.scenario_id, o.rule_id
		)
		SELECT r.scenario_id, r.rule_id, l.title, l.section, l.critical, r.scored, r.failed
		FROM rates r JOIN rule_outcomes l ON l.scorecard_id = r.latest AND l.rule_id = r.rule_id
		ORDER BY r.failed::float8 / greatest(r.scored, 1) DESC, r.failed DESC, r.scenario_id, r.rule_id`, scenarioID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	rates := []drillroom.RuleFailureRate{}
	for rows.Next() {
		var r drillroom.RuleFailureRate
		var scored, failed int64
		if err := rows.Scan(&r.ScenarioID, &r.RuleID, &r.Title, &r.Section, &r.Critical, &scored, &failed); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		r.Scored, r.Failed = int(scored), int(failed)
		rates = append(rates, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return rates, nil
}

// Scorecard returns the newest scorecard JSON of a session, or drillroom.ErrNotFound.
func (s *Store) Scorecard(ctx context.Context, sessionID string) ([]byte, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, "SELECT body FROM scorecards WHERE session_id = $1 ORDER BY id DESC LIMIT 1", sessionID).Scan(&b)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("scorecard of session %s", sessionID))
	}
	return b, nil
}

// PutReview stores (or replaces) the trainee's post-incident review text.
func (s *Store) PutReview(ctx context.Context, sessionID, text string) error {
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO reviews (session_id, text, created_at, updated_at) VALUES ($1, $2, $3, $3)
			ON CONFLICT (session_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			sessionID, text, now)
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
	err := s.pool.QueryRow(ctx, "SELECT text, created_at, updated_at FROM reviews WHERE session_id = $1", sessionID).Scan(&r.Text, &created, &updated)
	if err != nil {
		return drillroom.Review{}, notFound(err, fmt.Sprintf("review of session %s", sessionID))
	}
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	return r, nil
}
