package scoring

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// checkCard asserts what holds for every scorecard, whatever the log.
func checkCard(t *testing.T, c *Scorecard) {
	t.Helper()
	if math.IsNaN(c.Total) || math.IsInf(c.Total, 0) || c.Total < 0 {
		t.Fatalf("total %v", c.Total)
	}
	valid := map[string]bool{Pass: true, Fail: true, NA: true, Pending: true, Partial: true, Error: true}
	for _, s := range c.Sections {
		if !s.Bonus && s.Points > s.Possible {
			t.Fatalf("section %s: %v points of %v possible", s.ID, s.Points, s.Possible)
		}
		for _, r := range s.Rules {
			if !valid[r.Outcome] {
				t.Fatalf("rule %s: outcome %q", r.ID, r.Outcome)
			}
			if r.Outcome == Error && r.Error == "" {
				t.Fatalf("rule %s: error outcome without a message", r.ID)
			}
			if r.Outcome == Pass && r.Points != r.Max {
				t.Fatalf("rule %s passed with %v of %v", r.ID, r.Points, r.Max)
			}
		}
	}
	if c.KPIs.CSAT < 1 || c.KPIs.CSAT > 5 {
		t.Fatalf("csat %d", c.KPIs.CSAT)
	}
}

// FuzzScore feeds arbitrary JSON Lines logs to Score and Rescore: they must
// never panic, and what they score must make sense and be deterministic.
func FuzzScore(f *testing.F) {
	logs, _ := filepath.Glob(filepath.Join("testdata", "*.log.jsonl"))
	for _, p := range logs {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{"seq":1,"t":0,"type":"start","scenario":"gas-smell-basic","version":1}` + "\n" +
		`{"seq":2,"t":5,"type":"action","action":{"kind":"hold"}}` + "\n" +
		`{"seq":3,"t":5,"type":"action","action":{"kind":"say","promise":-4}}` + "\n"))
	gas := loadFrozenExample(f)
	outage := loadOutage(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		log, err := simulator.ReadLog(bytes.NewReader(data))
		if err != nil || len(log) == 0 {
			return
		}
		for _, sc := range []*scenarios.Scenario{gas, outage} {
			log[0].Scenario = sc.ID
			c1, err := Rescore(sc, log)
			if err != nil {
				continue
			}
			checkCard(t, c1)
			c2, _ := Rescore(sc, log)
			j1, _ := json.Marshal(c1)
			j2, _ := json.Marshal(c2)
			if !bytes.Equal(j1, j2) {
				t.Fatalf("two scorings of one log differ:\n%s\n%s", j1, j2)
			}
			for _, id := range []string{"handover", "updates-while-waiting", "silence"} {
				if _, ok := c1.Rule(id); ok {
					if _, err := Explain(sc, log, id); err != nil {
						t.Fatalf("explain %s: %v", id, err)
					}
				}
			}
		}
	})
}

// randomLog is a well-formed log of n random events: any type, any action
// kind, targets and intents drawn from the scenario and from nonsense.
func randomLog(sc *scenarios.Scenario, r *rand.Rand, n int) []simulator.Event {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	types := []simulator.EventType{simulator.EvAction, simulator.EvAction, simulator.EvAction, simulator.EvLine, simulator.EvBeat,
		simulator.EvReaction, simulator.EvSet, simulator.EvPhase, simulator.EvMood, simulator.EvAck, simulator.EvArrive,
		simulator.EvApprove, simulator.EvEnd, simulator.EvReview, simulator.EvRejected, simulator.EvPause, "weird"}
	kinds := []simulator.ActionKind{simulator.ActSay, simulator.ActHold, simulator.ActResume, simulator.ActClassify, simulator.ActRecord,
		simulator.ActDispatch, simulator.ActEscalate, simulator.ActContact, simulator.ActRequest, simulator.ActDecide,
		simulator.ActTransfer, simulator.ActClose, simulator.ActReview, simulator.ActSetVar, "dance"}
	ids := []string{"gas", "dno", "police", "supervisor", "network", "nobody", "", "smell_worse"}
	intents := []string{"hold", "update", "safety_advice", "location", "medical_need", "greet", "x"}
	log := []simulator.Event{{Seq: 1, Type: simulator.EvStart, Scenario: sc.ID, Version: sc.Version, Seed: r.Int64N(100)}}
	t := int64(0)
	for i := 1; i < n; i++ {
		t += r.Int64N(90_000)
		e := simulator.Event{Seq: int64(i + 1), T: t, Type: types[r.IntN(len(types))], From: pick(ids...), ID: pick(ids...)}
		switch e.Type {
		case simulator.EvAction:
			a := &simulator.Action{Kind: kinds[r.IntN(len(kinds))], Target: pick(ids...), Text: pick("", "hello", "leave now"),
				Category: pick("", "gas-emergency", "fire", "vulnerable-power-outage"), Priority: pick("", "P1", "P2"),
				Field: pick("location", "hazard", "callback", "medical_need"), Value: pick("", "Flat 1", "oxygen", "12 Elm Street"),
				Decision: "goodwill_payment", Amount: float64(r.IntN(200)), Info: []string{pick(intents...)}, By: drillroom.Actor(pick("", "", "trainer"))}
			if r.IntN(4) == 0 {
				a.Promise = t + r.Int64N(300_000) - 60_000
			}
			e.Action = a
			e.Intents = []string{pick(intents...), pick(intents...)}
		case simulator.EvMood:
			m, p := r.Float64()*140-20, r.Float64()*100
			e.Mood, e.Patience = &m, &p
		case simulator.EvSet:
			e.ID = pick("evacuated", "advice_given", "unknown")
			e.Value = []any{true, 3.0, "x", nil}[r.IntN(4)]
		case simulator.EvEnd:
			e.Reason = pick("resolved", "hangup", "closed")
		}
		log = append(log, e)
	}
	return log
}

// TestScoreRandomLogs is the property: any well-formed log scores without a
// panic, every rule gets a valid outcome, and scoring is deterministic.
func TestScoreRandomLogs(t *testing.T) {
	for _, sc := range []*scenarios.Scenario{loadFrozenExample(t), loadOutage(t)} {
		r := rand.New(rand.NewPCG(1, uint64(len(sc.ID))))
		for i := 0; i < 300; i++ {
			log := randomLog(sc, r, 1+r.IntN(80))
			c1, err := Score(sc, log)
			if err != nil {
				t.Fatalf("%s log %d: %v", sc.ID, i, err)
			}
			checkCard(t, c1)
			c2, _ := Score(sc, log)
			j1, _ := json.Marshal(c1)
			j2, _ := json.Marshal(c2)
			if !bytes.Equal(j1, j2) {
				t.Fatalf("%s log %d scored twice differently", sc.ID, i)
			}
		}
	}
}
