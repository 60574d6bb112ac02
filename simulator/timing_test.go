package simulator

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// timingSession plays the drawn-timings fixture: dispatch gas at 60 s,
// escalate to the supervisor at 200 s (its reaction revises the gas ETA
// with an eta step), then let the clock run to 12 minutes.
func timingSession(t *testing.T, seed int64) *Engine {
	t.Helper()
	sc := scenariotest.Load(t, "testdata/timing.drill.yaml")
	e := start(t, sc, seed)
	apply(t, e, 60_000, Action{Kind: ActDispatch, Target: "gas"})
	apply(t, e, 200_000, Action{Kind: ActEscalate, Target: "supervisor"})
	e.Advance(720_000)
	return e
}

// TestDrawnTimings checks every timing written vary.NAME against what the
// seed drew: when beats fire, when the service and the team acknowledge
// and ask, and every ETA they give.
func TestDrawnTimings(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 99, 12345} {
		e := timingSession(t, seed)
		v := e.Snapshot().Vary
		ms := func(name string) Millis { return Millis(v[name].(float64) * 1000) }
		log := e.Log()
		at := func(typ EventType, id, from string) []Millis {
			var out []Millis
			for _, ev := range log {
				if ev.Type == typ && (id == "" || ev.ID == id) && (from == "" || ev.From == from) {
					out = append(out, ev.T)
				}
			}
			return out
		}
		one := func(what string, got []Millis, want Millis) {
			t.Helper()
			if len(got) != 1 || got[0] != want {
				t.Errorf("seed %d: %s at %v, want once at %d", seed, what, got, want)
			}
		}
		opening := ms("opening_at")
		one("beat opening", at(EvBeat, "opening", ""), opening)
		one("beat follow (after opening, delay)", at(EvBeat, "follow", ""), opening+ms("follow_delay"))
		gasAck := 60_000 + ms("gas_ack")
		one("gas ack", at(EvAck, "", "gas"), gasAck)
		one("gas ask", at(EvAsk, "", "gas"), gasAck+ms("ask_after"))
		teamAck := 200_000 + ms("team_ack")
		one("supervisor ack", at(EvAck, "", "supervisor"), teamAck)
		one("supervisor ask", at(EvAsk, "", "supervisor"), teamAck+ms("team_ask"))

		revAt := gasAck + ms("rev_after")
		want := map[Millis]Millis{ // time of an eta event -> the ETA it gives
			gasAck:  gasAck + ms("gas_eta"),
			revAt:   revAt + ms("rev_eta"),
			200_000: 200_000 + ms("step_eta"),
		}
		etas := 0
		for _, ev := range log {
			if ev.Type != EvETA {
				continue
			}
			etas++
			if w, ok := want[ev.T]; !ok || ev.ETA != w {
				t.Errorf("seed %d: eta event at %d gives %d; want the eta events %v (time: ETA)", seed, ev.T, ev.ETA, want)
			}
		}
		if etas != len(want) {
			t.Errorf("seed %d: %d eta events, want %d", seed, etas, len(want))
		}
	}
}

// TestDrawnTimingsDifferBySeedNotByRun checks that two seeds that draw
// different timings play at different times, and that one seed always
// gives the same log, byte for byte, and the same state on replay.
func TestDrawnTimingsDifferBySeedNotByRun(t *testing.T) {
	a1, a2 := timingSession(t, 1), timingSession(t, 1)
	if !bytes.Equal(logBytes(t, a1.Log()), logBytes(t, a2.Log())) {
		t.Fatal("the same seed and inputs gave different logs")
	}
	va := a1.Snapshot().Vary
	var b *Engine
	for seed := int64(2); seed < 100 && b == nil; seed++ {
		if e := timingSession(t, seed); e.Snapshot().Vary["gas_ack"] != va["gas_ack"] {
			b = e
		}
	}
	if b == nil {
		t.Fatal("no seed in 2..99 draws another gas_ack")
	}
	ackAt := func(e *Engine) Millis {
		for _, ev := range e.Log() {
			if ev.Type == EvAck && ev.From == "gas" {
				return ev.T
			}
		}
		return -1
	}
	if ackAt(a1) == ackAt(b) {
		t.Errorf("gas_ack %v and %v, but the gas service acknowledged at %d in both", va["gas_ack"], b.Snapshot().Vary["gas_ack"], ackAt(a1))
	}

	// Replay, at every prefix of the log, rebuilds the live state: the
	// pending timers were scheduled from the logged variation.
	sc := scenariotest.Load(t, "testdata/timing.drill.yaml")
	live := start(t, sc, 1)
	apply(t, live, 60_000, Action{Kind: ActDispatch, Target: "gas"})
	apply(t, live, 200_000, Action{Kind: ActEscalate, Target: "supervisor"})
	for at := Millis(210_000); at <= 720_000; at += 30_000 {
		live.Advance(at)
		replayed(t, sc, live.Log(), live, fmt.Sprintf(" at %d", at))
	}
}

// TestReplayTakesTimingsFromTheLog checks that a replay schedules from the
// variation the start event recorded, not from a new draw for the seed.
func TestReplayTakesTimingsFromTheLog(t *testing.T) {
	sc := scenariotest.Load(t, "testdata/timing.drill.yaml")
	e := start(t, sc, 1)
	apply(t, e, 60_000, Action{Kind: ActDispatch, Target: "gas"})
	log := append([]Event(nil), e.Log()...)
	logged := map[string]any{}
	for k, v := range log[0].Value.(map[string]any) {
		logged[k] = v
	}
	logged["gas_ack"] = 33.0
	if e.Snapshot().Vary["gas_ack"] == 33.0 {
		logged["gas_ack"] = 34.0
	}
	log[0].Value = logged
	re, err := Replay(sc, log)
	if err != nil {
		t.Fatal(err)
	}
	want := 60_000 + Millis(logged["gas_ack"].(float64)*1000)
	for _, tm := range re.Snapshot().Timers {
		if tm.Key == keySvc+"gas:ack" {
			if tm.Due != want {
				t.Errorf("replayed gas ack due at %d, want %d (from the logged gas_ack %v)", tm.Due, want, logged["gas_ack"])
			}
			return
		}
	}
	t.Errorf("no gas ack timer after replay: %+v", re.Snapshot().Timers)
}
