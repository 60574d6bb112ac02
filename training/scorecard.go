package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// StoredScorecard returns the current stored scorecard of a session; an
// error wrapping drillroom.ErrNotFound when none is stored yet.
func (s *Service) StoredScorecard(ctx context.Context, sessionID string) (*scoring.Scorecard, error) {
	b, err := s.store.Scorecard(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	var c scoring.Scorecard
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("scorecard of %s: %w", sessionID, err)
	}
	return &c, nil
}

// Scorecard returns session x's scorecard: the stored one, or, until the
// runner has stored it when the call ended, the log scored now (scoring is
// pure and the same log gives the same card).
func (s *Service) Scorecard(ctx context.Context, x drillroom.Session, sc *scenarios.Scenario, events []simulator.Event) (*scoring.Scorecard, error) {
	card, err := s.StoredScorecard(ctx, x.ID)
	if errors.Is(err, drillroom.ErrNotFound) {
		card, err = scoring.Score(sc, events)
	}
	return card, err
}

// ScenarioLog returns the scenario version session x plays and its event
// log: what scoring, the debrief and a replay start from.
func (s *Service) ScenarioLog(ctx context.Context, x drillroom.Session) (*scenarios.Scenario, []simulator.Event, error) {
	sc, err := s.Scenario(ctx, x)
	if err != nil {
		return nil, nil, err
	}
	events, err := s.Events(ctx, x)
	if err != nil {
		return nil, nil, err
	}
	return sc, events, nil
}

// Events returns session x's event log.
func (s *Service) Events(ctx context.Context, x drillroom.Session) ([]simulator.Event, error) {
	evs, err := s.store.Events(ctx, x.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", x.ID, err)
	}
	return evs, nil
}
