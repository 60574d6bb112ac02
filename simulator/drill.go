package simulator

import (
	"errors"
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
)

// Drill is a scenario prepared for the engine: its intent recogniser
// compiled and its script indexed. Preparing costs milliseconds, so a host
// prepares each scenario version once and starts or replays every session
// of it from the same Drill (the runner caches them per version). A Drill
// is immutable and safe for concurrent use.
type Drill struct {
	sc *scenarios.Scenario
	p  *prepared
}

// Prepare prepares a loaded scenario for the engine.
func Prepare(sc *scenarios.Scenario) (*Drill, error) {
	if sc == nil {
		return nil, errors.New("simulator: nil scenario")
	}
	p, err := buildPrepared(sc)
	if err != nil {
		return nil, fmt.Errorf("simulator: %w", err)
	}
	return &Drill{sc: sc, p: p}, nil
}

// Scenario returns the scenario the drill was prepared from.
func (d *Drill) Scenario() *scenarios.Scenario { return d.sc }
