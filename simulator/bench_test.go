package simulator

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// exemplary is a scripted trainee for the gas example: the same run as its
// "exemplary call" test, a full call of almost 20 virtual minutes with a
// line to the caller every 50 s.
func exemplary() []input {
	ins := []input{
		{5_000, Action{Kind: ActSay, Text: "Gas emergency line, you're through to Sam. Where are you? What's the address?"}},
		{15_000, Action{Kind: ActSay, Text: "Please don't touch any light switches or anything electrical, and leave the building now with your son."}},
		{30_000, Action{Kind: ActClassify, Category: "gas-emergency", Priority: "P1"}},
		{40_000, Action{Kind: ActRecord, Field: "location", Value: "Flat 11, Kingsway Court"}},
		{45_000, Action{Kind: ActRecord, Field: "hazard", Value: "Strong gas smell in the hallway"}},
		{50_000, Action{Kind: ActSay, Text: "What's the best mobile number to call you back on?"}},
		{55_000, Action{Kind: ActRecord, Field: "callback", Value: "mobile given by caller"}},
		{60_000, Action{Kind: ActDispatch, Target: "gas", Info: []string{"location", "hazards"}, Text: "Gas escape, household evacuated."}},
		{85_000, Action{Kind: ActSay, Text: "The gas engineer has been called and is on the way. I'll give you an update within two minutes.", Promise: 205_000}},
	}
	lines := []string{
		"You're doing the right thing staying outside. Stay clear of the building.",
		"Update: the engineer is still on the way to you.",
		"Don't worry, help is on the way. Is your son okay?",
		"Another update: no news yet, the engineer is still on their way.",
	}
	for i, at := 0, Millis(140_000); at <= 1_170_000; i, at = i+1, at+50_000 {
		ins = append(ins, input{at, Action{Kind: ActSay, Text: lines[i%len(lines)]}})
	}
	return append(ins,
		input{1_190_000, Action{Kind: ActSay, Text: "The engineer is there now. Is there anything else I can help with? Take care."}},
		input{1_195_000, Action{Kind: ActClose, Resolution: "Gas engineer on site; household evacuated."}},
		input{1_200_000, Action{Kind: ActReview, Text: "Advice and evacuation early; dispatch at one minute."}},
	)
}

func TestExemplaryRunReachesResolved(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := play(t, sc, 1, exemplary(), 0)
	s := e.Snapshot()
	if s.Ending != "resolved" || s.Review == "" {
		t.Fatalf("ending %q review %q, want resolved with a review", s.Ending, s.Review)
	}
	// About a hundred events; how many the customer's chases add depends
	// on how the recogniser reads the lines (98 since issue 14's).
	if n := len(e.Log()); n < 90 {
		t.Errorf("only %d events: the benchmark drill is meant to be a full call", n)
	}
}

// BenchmarkSimulateDrill plays the full example drill (start to review)
// with a scripted trainee: the engine's cost of one whole session.
func BenchmarkSimulateDrill(b *testing.B) {
	sc := scenariotest.GasExample(b)
	ins := exemplary()
	b.ReportAllocs()
	var events int
	cpu0 := cpuTime()
	for b.Loop() {
		e, _, err := New(sc, Config{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range ins {
			if _, err := e.Apply(in.at, in.a); err != nil {
				b.Fatal(err)
			}
		}
		if !e.Ended() {
			b.Fatal("drill did not end")
		}
		events = len(e.Log())
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(events), "events/op")
}

// Sessions of one scenario share its prepared form (patterns, indexes);
// run several at once under the race detector, and they must all write the
// same log.
func TestConcurrentSessionsShareScenario(t *testing.T) {
	sc := scenariotest.GasExample(t)
	ins := exemplary()
	logs := make([][]byte, 8)
	done := make(chan int)
	for g := range logs {
		go func() {
			defer func() { done <- g }()
			e, _, err := New(sc, Config{Seed: 1})
			if err != nil {
				t.Error(err)
				return
			}
			for _, in := range ins {
				if _, err := e.Apply(in.at, in.a); err != nil {
					t.Error(err)
					return
				}
			}
			logs[g] = logBytes(t, e.Log())
		}()
	}
	for range logs {
		<-done
	}
	for g := range logs {
		if string(logs[g]) != string(logs[0]) {
			t.Fatalf("session %d wrote a different log", g)
		}
	}
}

// BenchmarkReplay rebuilds the engine of a whole session from its log (the
// runner does this to host a session again after a restart).
func BenchmarkReplay(b *testing.B) {
	sc := scenariotest.GasExample(b)
	e := play(b, sc, 1, exemplary(), 0)
	log := e.Log()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Replay(sc, log); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(len(log)), "events/op")
}
