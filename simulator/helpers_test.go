package simulator

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// loadMechanics loads the engine's own fixture, a drill that exercises
// every mechanic.
func loadMechanics(t testing.TB) *scenarios.Scenario {
	t.Helper()
	return scenariotest.Load(t, "testdata/engine.drill.yaml")
}

func start(t testing.TB, sc *scenarios.Scenario, seed int64) *Engine {
	t.Helper()
	e, _, err := New(sc, Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func apply(t testing.TB, e *Engine, at Millis, a Action) []Event {
	t.Helper()
	evs, err := e.Apply(at, a)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// find returns the events of type typ whose ID (if id != "") and Text (if
// text != "", substring) match.
func find(evs []Event, typ EventType, id, text string) []Event {
	var out []Event
	for _, ev := range evs {
		if ev.Type != typ || (id != "" && ev.ID != id) || (text != "" && !strings.Contains(ev.Text, text)) {
			continue
		}
		out = append(out, ev)
	}
	return out
}

// typeIDs lists "type:id" of the events of the given types, in order.
func typeIDs(evs []Event, types ...EventType) []string {
	var out []string
	for _, ev := range evs {
		if slices.Contains(types, ev.Type) {
			out = append(out, string(ev.Type)+":"+ev.ID)
		}
	}
	return out
}

func logBytes(t testing.TB, evs []Event) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteLog(&b, evs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// replayed replays log with sc's rules and fails t unless the replay's
// state is live's (their snapshots agree); it returns the replay. when
// names the moment in a failure ("" for none).
func replayed(t testing.TB, sc *scenarios.Scenario, log []Event, live *Engine, when string) *Engine {
	t.Helper()
	re, err := Replay(sc, log)
	if err != nil {
		t.Fatalf("replay%s: %v", when, err)
	}
	if got, want := snapJSON(t, re.Snapshot()), snapJSON(t, live.Snapshot()); got != want {
		t.Fatalf("replayed state differs%s:\n got %s\nwant %s", when, got, want)
	}
	return re
}

func snapJSON(t testing.TB, s Snapshot) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// transcript is the log for a failure message (the readable transcript
// lives in package transcript, which imports this one).
func transcript(evs []Event) string {
	var b strings.Builder
	WriteLog(&b, evs)
	return b.String()
}
