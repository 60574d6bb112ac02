package simulator

import (
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
)

// Replay rebuilds an engine from a stored log by folding its events, in
// order, into a fresh state: nothing is simulated again. The engine's clock
// is the time of the last event; the runner advances it from there. The
// log must belong to sc (same scenario id) and be a log this engine could
// have written (sequence numbers, known beats, pending timers).
//
// Replay prepares sc first (Prepare); a host that replays many sessions of
// one scenario prepares it once and calls Drill.Replay.
func Replay(sc *scenarios.Scenario, log []Event) (*Engine, error) {
	d, err := Prepare(sc)
	if err != nil {
		return nil, err
	}
	return d.Replay(log)
}

// Replay rebuilds an engine of d from a stored log (see the function Replay).
func (d *Drill) Replay(log []Event) (*Engine, error) {
	sc := d.sc
	if len(log) == 0 {
		return nil, fmt.Errorf("simulator: replay %s: empty log", sc.ID)
	}
	e := newEngine(d, len(log)+16)
	for i := range log {
		ev := log[i]
		if err := e.f.apply(&ev); err != nil {
			return nil, fmt.Errorf("simulator: replay %s: %w", sc.ID, err)
		}
		e.log = append(e.log, ev)
		e.now = ev.T
	}
	return e, nil
}
