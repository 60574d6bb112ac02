package simulator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// randomAction draws a trainee or trainer input, valid or not.
func randomAction(r *rand.Rand, sc *scenarios.Scenario) Action {
	services := []string{"nope"}
	for id := range sc.Cast.Services {
		services = append(services, id)
	}
	teams := []string{"ghost"}
	for id := range sc.Cast.Teams {
		teams = append(teams, id)
	}
	// Map iteration order is random; sort for a reproducible draw.
	sortStrings(services)
	sortStrings(teams)
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	lines := []string{
		"Hello, you're through to the emergency line",
		"Where are you? What's the address?",
		"Please don't touch any light switches and leave the building",
		"Don't worry, help is on the way",
		"Quick update: the engineer is on their way",
		"Bear with me, I'll put you on a short hold",
		"What's your phone number?",
		"moving to phase b",
		"don't be rude",
		"ok",
	}
	cats := []string{"gas-emergency", "fire", "complaint", "made-up"}
	prios := []string{"P1", "P2", "P4", "P7", ""}
	switch r.IntN(16) {
	case 0, 1, 2, 3:
		a := Action{Kind: ActSay, Text: pick(lines)}
		if r.IntN(4) == 0 {
			a.Intents = []string{pick([]string{"update", "reassure", "hold", "bogus"})}
		}
		return a
	case 4:
		return Action{Kind: ActHold, Text: pick([]string{"", "one moment please"})}
	case 5:
		return Action{Kind: ActResume}
	case 6:
		return Action{Kind: ActClassify, Category: pick(cats), Priority: pick(prios)}
	case 7:
		return Action{Kind: ActRecord, Field: pick([]string{"location", "hazard", "callback", "boom", "bad field"}), Value: pick([]string{"Flat 3", "gas smell", ""})}
	case 8:
		return Action{Kind: ActDispatch, Target: pick(services), Info: []string{"location"}}
	case 9:
		return Action{Kind: ActEscalate, Target: pick(teams), Text: "please help"}
	case 10:
		return Action{Kind: ActContact, Target: pick(append(services, teams...)), Text: "update please"}
	case 11:
		return Action{Kind: ActRequest, Target: pick(teams), Decision: pick([]string{"goodwill", "refund"}), Amount: float64(r.IntN(100))}
	case 12:
		if r.IntN(3) == 0 {
			return Action{Kind: ActClose, Resolution: "resolved"}
		}
		return Action{Kind: ActReview, Text: "lessons"}
	case 13:
		return Action{Kind: pick2(r, ActPause, ActResumeClock), By: "trainer"}
	case 14:
		return Action{Kind: pick2(r, ActTakeover, ActHandback), As: pick(append([]string{"customer"}, services...)), By: "trainer"}
	default:
		switch r.IntN(3) {
		case 0:
			return Action{Kind: ActInject, As: "customer", Text: "trainer line", By: "trainer"}
		case 1:
			return Action{Kind: ActSetScale, Amount: float64(r.IntN(5)), By: "trainer"}
		}
		return Action{Kind: ActSetVar, Field: pick([]string{"evacuated", "flag", "count", "stop"}), Value: pick([]string{"true", "3", "x"}), By: "trainer"}
	}
}

func pick2(r *rand.Rand, a, b ActionKind) ActionKind {
	if r.IntN(2) == 0 {
		return a
	}
	return b
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

type input struct {
	at Millis
	a  Action
}

func randomInputs(r *rand.Rand, sc *scenarios.Scenario, n int) []input {
	var out []input
	at := Millis(0)
	for i := 0; i < n; i++ {
		at += Millis(r.IntN(90_000))
		out = append(out, input{at, randomAction(r, sc)})
	}
	return out
}

func play(t testing.TB, sc *scenarios.Scenario, seed int64, ins []input, until Millis) *Engine {
	t.Helper()
	e := start(t, sc, seed)
	for _, in := range ins {
		if _, err := e.Apply(in.at, in.a); err != nil {
			t.Fatal(err)
		}
	}
	e.Advance(until)
	return e
}

// The replay property: folding a written-and-read log gives the state the
// live engine had, at every prefix, and the rebuilt engine then behaves
// exactly as the live one.
func TestReplayRebuildsLiveState(t *testing.T) {
	for _, sc := range []*scenarios.Scenario{scenariotest.GasExample(t), loadMechanics(t)} {
		for i := 0; i < 60; i++ {
			t.Run(fmt.Sprintf("%s/%d", sc.ID, i), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(i), 99))
				ins := randomInputs(r, sc, 5+r.IntN(30))
				cut := r.IntN(len(ins))
				live := start(t, sc, int64(i))
				for k, in := range ins {
					if _, err := live.Apply(in.at, in.a); err != nil {
						t.Fatal(err)
					}
					if k != cut {
						continue
					}
					// Through JSON Lines, as the store keeps it.
					read, err := ReadLog(bytes.NewReader(logBytes(t, live.Log())))
					if err != nil {
						t.Fatal(err)
					}
					re := replayed(t, sc, read, live, "")
					// Both continue identically.
					for _, rest := range ins[k+1:] {
						a1, err1 := live.Apply(rest.at, rest.a)
						a2, err2 := re.Apply(rest.at, rest.a)
						if err1 != nil || err2 != nil {
							t.Fatal(err1, err2)
						}
						if !bytes.Equal(logBytes(t, a1), logBytes(t, a2)) {
							t.Fatalf("after replay the engines diverge:\n%s\n%s", logBytes(t, a1), logBytes(t, a2))
						}
					}
					live.Advance(3 * 3600_000)
					re.Advance(3 * 3600_000)
					if got, want := snapJSON(t, re.Snapshot()), snapJSON(t, live.Snapshot()); got != want {
						t.Fatalf("final states differ:\n got %s\nwant %s", got, want)
					}
					return
				}
			})
		}
	}
}

func TestReplayRejectsForeignLogs(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "hello"})
	log := append([]Event(nil), e.Log()...)
	cases := map[string]func([]Event) []Event{
		"gap in seq":     func(l []Event) []Event { return append(l[:2:2], l[3:]...) },
		"other scenario": func(l []Event) []Event { l[0].Scenario = "other"; return l },
		"unknown beat":   func(l []Event) []Event { l[2].ID = "ghost"; return l },
		"no start":       func(l []Event) []Event { return l[1:] },
		"time goes back": func(l []Event) []Event { l[len(l)-1].T = -5; return l },
		"timer not due": func(l []Event) []Event {
			return append(l, Event{Seq: int64(len(l) + 1), T: 9000, Type: EvTimer, ID: "nope"})
		},
		"unknown variable": func(l []Event) []Event {
			return append(l, Event{Seq: int64(len(l) + 1), T: 9000, Type: EvSet, ID: "nope", Value: true})
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			l := make([]Event, len(log))
			copy(l, log)
			if _, err := Replay(sc, mutate(l)); err == nil {
				t.Fatal("replay accepted a corrupt log")
			}
		})
	}
}

func TestDeterministicLog(t *testing.T) {
	sc := scenariotest.GasExample(t)
	r := rand.New(rand.NewPCG(5, 5))
	ins := randomInputs(r, sc, 40)
	a := logBytes(t, play(t, sc, 42, ins, 3600_000).Log())
	b := logBytes(t, play(t, sc, 42, ins, 3600_000).Log())
	if !bytes.Equal(a, b) {
		t.Fatal("same scenario, seed and inputs gave different logs")
	}
	// Slicing time differently changes nothing.
	e := start(t, sc, 42)
	for _, in := range ins {
		for at := e.Now(); at < in.at; at += 7_000 {
			e.Advance(at)
		}
		if _, err := e.Apply(in.at, in.a); err != nil {
			t.Fatal(err)
		}
	}
	e.Advance(3600_000)
	if c := logBytes(t, e.Log()); !bytes.Equal(a, c) {
		t.Fatal("advancing in small steps changed the log")
	}
}

func TestReadLogNamesBadLine(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	good := logBytes(t, e.Log())
	lines := strings.Split(strings.TrimSpace(string(good)), "\n")
	cases := []struct {
		name, in, want string
	}{
		{"bad json", strings.Join(lines[:2], "\n") + "\n{not json\n", "line 3:"},
		{"no type", lines[0] + "\n" + `{"seq":2,"t":0}` + "\n", "line 2: event without a type"},
		{"seq gap", lines[0] + "\n" + lines[2] + "\n", "line 2: seq 3 does not follow 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadLog(strings.NewReader(c.in))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want %q...", err, c.want)
			}
		})
	}
	evs, err := ReadLog(bytes.NewReader(append(good, '\n', '\n')))
	if err != nil || len(evs) != len(e.Log()) {
		t.Fatalf("round trip: %d events, %v; want %d", len(evs), err, len(e.Log()))
	}
	if !bytes.Equal(logBytes(t, evs), good) {
		t.Error("write(read(log)) != log")
	}
}

// FuzzEngine plays random input sequences twice: the engine must never
// panic or fail, and both runs must write the same log.
func FuzzEngine(f *testing.F) {
	sc := scenariotest.GasExample(f)
	mech := loadMechanics(f)
	f.Add(uint64(1), uint64(2), false)
	f.Add(uint64(7), uint64(99), true)
	f.Add(uint64(12345), uint64(0), false)
	f.Fuzz(func(t *testing.T, seed, draw uint64, mechanics bool) {
		s := sc
		if mechanics {
			s = mech
		}
		r := rand.New(rand.NewPCG(draw, seed))
		ins := randomInputs(r, s, 1+r.IntN(60))
		a := play(t, s, int64(seed), ins, 4*3600_000)
		b := play(t, s, int64(seed), ins, 4*3600_000)
		la, lb := logBytes(t, a.Log()), logBytes(t, b.Log())
		if !bytes.Equal(la, lb) {
			t.Fatal("non-deterministic log")
		}
		if !a.Ended() && !a.Paused() {
			t.Fatalf("not ended after 4 h of virtual time")
		}
		for _, ev := range a.Log() {
			if ev.Type == EvError && ev.ID == "engine" {
				t.Fatalf("engine fault: %s", ev.Reason)
			}
		}
		replayed(t, s, a.Log(), a, "")
	})
}

func TestStartRecordsVariation(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 11)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "Where are you?"})
	read, err := ReadLog(bytes.NewReader(logBytes(t, e.Log())))
	if err != nil {
		t.Fatal(err)
	}
	logged, ok := read[0].Value.(map[string]any)
	if !ok || logged["caller_name"] != Variation(sc, 11)["caller_name"] {
		t.Fatalf("start value %v, want the variation %v", read[0].Value, Variation(sc, 11))
	}
	// The fold takes the logged values (typed), not a new draw.
	read[0].Value = map[string]any{"caller_name": "Zed", "flat": 3.0, "street": "Elm Row", "gas_ack": 40.0}
	re, err := Replay(sc, read)
	if err != nil {
		t.Fatal(err)
	}
	if v := re.Snapshot().Vary; v["caller_name"] != "Zed" || v["flat"] != 3 {
		t.Errorf("replayed variation %v, want the logged one", v)
	}
	// A log without it is drawn again from the seed.
	read[0].Value = nil
	re, err = Replay(sc, read)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snapJSON(t, re.Snapshot()), snapJSON(t, e.Snapshot()); got != want {
		t.Errorf("replay without logged variation differs:\n%s\n%s", got, want)
	}
	read[0].Value = map[string]any{"flat": "three"}
	if _, err := Replay(sc, read); err == nil {
		t.Error("replay accepted a variation of the wrong type")
	}
	if tv, _ := read[0].ForTrainee(); tv.Value != nil {
		t.Error("the trainee sees the variation")
	}
}
