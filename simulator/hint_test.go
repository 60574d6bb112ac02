package simulator

import (
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
)

// A practice call takes the desk's hints one at a time: each is the
// trainee's action on the log with the hint's text, in the policy's order,
// and none is left after the last; the fold counts them and a replay
// agrees. An assessment refuses a hint with a reason.
func TestHintPractice(t *testing.T) {
	e := startLibrary(t, "gas-smell-flats", "practice")
	hints := scenarios.DeskHints(e.Scenario())
	if len(hints) < 2 {
		t.Fatalf("the policy gives %d desk hints; want several", len(hints))
	}
	for i, want := range hints {
		evs := apply(t, e, Millis(1000*(i+1)), Action{Kind: ActHint})
		got := find(evs, EvAction, "", "")
		if len(got) != 1 || got[0].Action.Kind != ActHint || got[0].Text != want || got[0].Action.By != "" {
			t.Fatalf("hint %d: got %+v, want the trainee's hint action with %q", i+1, evs, want)
		}
	}
	if n := e.Snapshot().HintsTaken; n != len(hints) {
		t.Errorf("HintsTaken = %d, want %d", n, len(hints))
	}
	evs := apply(t, e, 30000, Action{Kind: ActHint})
	if r := find(evs, EvRejected, "", ""); len(r) != 1 || !strings.Contains(r[0].Reason, "no more hints") {
		t.Errorf("a hint after the last: got %v, want a refusal", evs)
	}
	replayed(t, e.Scenario(), e.Log(), e, "")

	a := startLibrary(t, "gas-smell-flats", "assessment")
	evs = apply(t, a, 1000, Action{Kind: ActHint})
	if r := find(evs, EvRejected, "", ""); len(r) != 1 || !strings.Contains(r[0].Reason, "hints are for practice") {
		t.Errorf("assessment: got %v, want a refusal", evs)
	}
	if a.Snapshot().HintsTaken != 0 {
		t.Error("a refused hint was counted")
	}
}
