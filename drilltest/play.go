package drilltest

import (
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Play plays one of a drill's scripted tests as a trainee would, with the
// given seed and mode instead of the test's own, and runs the clock to the
// end of the call. It returns the event log, without checking any of the
// test's expectations: it is how a generator fills a database with
// realistic sessions (drillroom seed), each made of a real play of a real
// drill. A test that is a random walk has no script and is refused.
func Play(d *simulator.Drill, t *scenarios.Test, seed int64, mode string) ([]simulator.Event, error) {
	if t.Walk != nil || len(t.Steps) == 0 {
		return nil, fmt.Errorf("play %q: not a scripted test", t.Name)
	}
	e, _, err := d.Start(simulator.Config{Seed: seed, Mode: mode})
	if err != nil {
		return nil, fmt.Errorf("play %q: start: %w", t.Name, err)
	}
	for i := range t.Steps {
		st := &t.Steps[i]
		at := e.Now()
		if st.At != nil && simulator.Millis(*st.At) > at {
			at = simulator.Millis(*st.At)
		}
		if st.Wait != nil {
			at += simulator.Millis(*st.Wait)
		}
		actions, err := stepActions(st, at)
		if err != nil {
			return nil, fmt.Errorf("play %q: step %d: %w", t.Name, i+1, err)
		}
		if len(actions) == 0 {
			e.Advance(at)
		}
		for _, a := range actions {
			if err := interpolate(e, &a); err != nil {
				return nil, fmt.Errorf("play %q: step %d: %w", t.Name, i+1, err)
			}
			// Another seed may draw another course of the call: an action
			// the engine refuses in this one is skipped, as a trainee's
			// would be.
			e.Apply(at, a)
		}
	}
	if !e.Ended() {
		e.Advance(farFuture)
	}
	return e.Log(), nil
}
