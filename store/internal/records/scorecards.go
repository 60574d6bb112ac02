package records

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/drillroom/drillroom"
)

// PutScorecard stores a scorecard for a session with each rule's outcome,
// in one transaction: the outcomes are the scorecard's, in queryable form
// (RuleFailureRates reads them). Re-scoring adds a scorecard rather than
// overwriting, so every scoring is kept for the audit trail; Scorecard
// returns the newest. scorecardJSON must be valid JSON, and every outcome
// must name a rule once, with a known outcome and critical level; an
// outcome's SessionID and RubricHash must be empty or the ones given here
// (drillroom.ErrInvalid otherwise, and nothing is written).
func (s Common) PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error {
	if !json.Valid(scorecardJSON) {
		return fmt.Errorf("put scorecard of session %s: %w: not JSON", sessionID, drillroom.ErrInvalid)
	}
	if err := drillroom.CheckRuleOutcomes(sessionID, rubricHash, outcomes); err != nil {
		return fmt.Errorf("put scorecard of session %s: %w", sessionID, err)
	}
	body := bytes.Clone(scorecardJSON)
	outcomes = slices.Clone(outcomes)
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		id, err := insert(tx, "INSERT INTO scorecards (session_id, rubric_hash, body, created_at) VALUES (?, ?, ?, ?)",
			sessionID, rubricHash, body, now)
		if err != nil || len(outcomes) == 0 {
			return err
		}
		rows := make([][]any, len(outcomes))
		for i, o := range outcomes {
			rows[i] = []any{id, sessionID, rubricHash, o.RuleID, o.Section, o.Title, o.Outcome, o.Points, o.MaxPoints, o.Critical}
		}
		return tx.InsertRows("rule_outcomes",
			[]string{"scorecard_id", "session_id", "rubric_hash", "rule_id", "section", "title", "outcome", "points", "max_points", "critical"}, rows)
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
// and rule id. A scenario nobody was scored on gives an empty slice.
func (s Common) RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error) {
	what := "rule failure rates"
	if scenarioID != "" {
		what += " of scenario " + scenarioID
	}
	return All(ctx, s.DB, what, func(row Scanner) (drillroom.RuleFailureRate, error) {
		var r drillroom.RuleFailureRate
		var scored, failed int64
		err := row.Scan(&r.ScenarioID, &r.RuleID, &r.Title, &r.Section, &r.Critical, &scored, &failed)
		r.Scored, r.Failed = int(scored), int(failed)
		return r, err
	}, `
		WITH newest AS (
			SELECT MAX(sc.id) AS id FROM scorecards sc JOIN sessions x ON x.id = sc.session_id
			WHERE ? = '' OR x.scenario_id = ?
			GROUP BY sc.session_id
		), rates AS (
			SELECT x.scenario_id, o.rule_id, MAX(o.scorecard_id) AS latest,
				SUM(CASE WHEN o.outcome NOT IN ('na', 'pending') THEN 1 ELSE 0 END) AS scored,
				SUM(CASE WHEN o.outcome IN ('fail', 'error') THEN 1 ELSE 0 END) AS failed
			FROM newest n
			JOIN rule_outcomes o ON o.scorecard_id = n.id
			JOIN sessions x ON x.id = o.session_id
			GROUP BY x.scenario_id, o.rule_id
		)
		SELECT r.scenario_id, r.rule_id, l.title, l.section, l.critical, r.scored, r.failed
		FROM rates r JOIN rule_outcomes l ON l.scorecard_id = r.latest AND l.rule_id = r.rule_id
		ORDER BY CAST(r.failed AS DOUBLE PRECISION) / (CASE WHEN r.scored > 1 THEN r.scored ELSE 1 END) DESC, r.failed DESC, r.scenario_id, r.rule_id`, scenarioID, scenarioID)
}
