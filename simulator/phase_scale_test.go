package simulator

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// TestPhaseTimeScale: entering a phase with a time_scale sets the clock's
// speed; leaving it returns to the session's starting scale; a replay of
// the log has the same speed.
func TestPhaseTimeScale(t *testing.T) {
	sc := scenariotest.Load(t, "testdata/phase-scale.drill.yaml")
	e := start(t, sc, 1)
	steps := []struct {
		at   Millis
		a    Action
		want float64
	}{
		{1000, Action{Kind: ActSay, Text: "hello"}, 2},
		{5000, Action{Kind: ActDispatch, Target: "gas"}, 30},
		{60000, Action{Kind: ActSay, Text: "update: they're on their way", Intents: []string{"update"}}, 2},
	}
	for _, st := range steps {
		apply(t, e, st.at, st.a)
		if got := e.Scale(); got != st.want {
			t.Errorf("after %s at %d: scale %v, want %v (phase %s)", st.a.Kind, st.at, got, st.want, e.Snapshot().Phase)
		}
	}
	d, err := Prepare(sc)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Replay(e.Log())
	if err != nil {
		t.Fatal(err)
	}
	if r.Scale() != 2 {
		t.Errorf("replayed scale %v, want 2", r.Scale())
	}
}
