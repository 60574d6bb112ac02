package scoring

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

var (
	update = flag.Bool("update", false, "rewrite the golden scorecards in testdata")
	record = flag.Bool("record", false, "re-record the engine logs in testdata by playing the scripts")
)

// play is a scripted trainee: steps at virtual seconds, played through the
// engine; vary gives the seed's variation so a script can record it.
type play struct {
	name     string
	scenario func(testing.TB) *scenarios.Scenario
	seed     int64
	script   func(vary map[string]any) []step
	until    float64 // advance the clock to here after the script (if the call goes on)
	review   string
}

type step struct {
	at float64
	a  simulator.Action
}

func say(at float64, text string, intents ...string) step {
	return step{at, simulator.Action{Kind: simulator.ActSay, Text: text, Intents: intents}}
}

func do(at float64, a simulator.Action) step { return step{at, a} }

var plays = []play{
	{
		name: "gas-good", scenario: loadFrozenExample, seed: 1, until: 1200, review: "Advice and dispatch were quick; I should have taken the callback number earlier.",
		script: func(v map[string]any) []step {
			loc := fmt.Sprintf("Flat %v, %v", v["flat"], v["street"])
			s := []step{
				say(4, "Hello, emergency line. Please don't touch any light switches and leave the flat now, get everyone out."),
				say(15, "Which flat and street are you at?", "ask_location"),
				do(25, simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: loc + ", ground floor"}),
				do(30, simulator.Action{Kind: simulator.ActRecord, Field: "hazard", Value: "Strong gas smell in the hallway"}),
				do(35, simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"}),
				do(50, simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}, Text: "Gas smell at " + loc}),
				say(60, "The gas engineer is on their way to you now.", "update"),
				say(100, "Can I take a contact number?", "ask_callback"),
				do(110, simulator.Action{Kind: simulator.ActRecord, Field: "callback", Value: "07700 900248"}),
			}
			for t := 200.0; t <= 1100; t += 100 {
				s = append(s, say(t, "Update: the engineer is still on their way, stay outside.", "update"))
			}
			return append(s, say(1180, "The engineer has just arrived; they will knock on your door.", "update"),
				do(1190, simulator.Action{Kind: simulator.ActClose, Text: "Take care, goodbye.", Resolution: "engineer on site, household outside"}))
		},
	},
	{
		name: "gas-poor", scenario: loadFrozenExample, seed: 2, until: 900, review: "Too slow.",
		script: func(v map[string]any) []step {
			return []step{
				say(30, "Hello, what's happening?", "greet", "ask_details"),
				say(75, "OK, please don't use any switches.", "safety_advice"),
				do(100, simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P2"}),
				do(150, simulator.Action{Kind: simulator.ActHold}),
				do(200, simulator.Action{Kind: simulator.ActResume}),
				do(240, simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location"}}),
				do(250, simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 99, Nowhere Road"}),
				say(600, "They're coming.", "update"),
				do(720, simulator.Action{Kind: simulator.ActClose, Resolution: "passed to gas engineer"}),
			}
		},
	},
	{
		name: "outage-teams", scenario: loadOutage, seed: 3, until: 1000, review: "Involved the supervisor for the payment.",
		script: func(v map[string]any) []step {
			loc := fmt.Sprintf("%v %v", v["house"], v["street"])
			return []step{
				say(5, "Hello, you're through to the power line.", "greet"),
				do(20, simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: loc}),
				do(30, simulator.Action{Kind: simulator.ActRecord, Field: "medical_need", Value: "Home oxygen concentrator"}),
				do(40, simulator.Action{Kind: simulator.ActClassify, Category: "vulnerable-power-outage", Priority: "P1"}),
				do(60, simulator.Action{Kind: simulator.ActDispatch, Target: "dno", Info: []string{"location"}}),
				say(70, "I'm going to put you on a short hold while I speak to my supervisor.", "hold"),
				do(75, simulator.Action{Kind: simulator.ActHold}),
				do(80, simulator.Action{Kind: simulator.ActEscalate, Target: "supervisor", Text: "Customer on oxygen without power"}),
				do(140, simulator.Action{Kind: simulator.ActResume, Text: "Thanks for holding."}),
				do(150, simulator.Action{Kind: simulator.ActEscalate, Target: "network", Info: []string{"location"}}),
				say(190, "Update: the network team is on it.", "update"),
				say(240, "Still working on it.", "update"),
				say(290, "The engineer is being sent out.", "update"),
				say(340, "Update: they are still working on it.", "update"),
				do(400, simulator.Action{Kind: simulator.ActContact, Target: "network", Text: "Any news on restoration?"}),
				say(420, "I've asked the network team for news.", "update"),
				say(470, "Update: still waiting to hear back.", "update"),
				do(500, simulator.Action{Kind: simulator.ActClose, Text: "Is there anything else? Take care.", Resolution: "engineer dispatched, supervisor informed"}),
			}
		},
	},
}

// TestRecordLogs plays the scripts through the engine and rewrites the
// recorded logs (only with -record).
func TestRecordLogs(t *testing.T) {
	if !*record {
		t.Skip("run with -record to re-record the engine logs")
	}
	for _, p := range plays {
		sc := p.scenario(t)
		e, _, err := simulator.New(sc, simulator.Config{Seed: p.seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.script(e.Snapshot().Vary) {
			if e.Ended() {
				break
			}
			if _, err := e.Apply(ms(s.at), s.a); err != nil {
				t.Fatalf("%s: step at %vs: %v", p.name, s.at, err)
			}
		}
		if !e.Ended() {
			e.Advance(ms(p.until))
		}
		if !e.Ended() {
			e.Apply(ms(p.until), simulator.Action{Kind: simulator.ActClose, Resolution: "end of script"})
		}
		e.Apply(e.Now()+90_000, simulator.Action{Kind: simulator.ActReview, Text: p.review})
		var buf bytes.Buffer
		if err := simulator.WriteLog(&buf, e.Log()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", p.name+".log.jsonl"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scenarioFor picks the scenario a recorded log belongs to.
func scenarioFor(t testing.TB, log []simulator.Event) *scenarios.Scenario {
	switch log[0].Scenario {
	case "gas-smell-basic":
		return loadFrozenExample(t)
	case "vulnerable-outage":
		return loadOutage(t)
	}
	t.Fatalf("no scenario %q", log[0].Scenario)
	return nil
}

func readLogFile(t testing.TB, path string) []simulator.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := simulator.ReadLog(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return log
}

// TestGoldenScorecards scores every recorded log in testdata and compares
// the JSON and text scorecards with the golden files (-update rewrites them).
func TestGoldenScorecards(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join("testdata", "*.log.jsonl"))
	if len(logs) == 0 {
		t.Fatal("no recorded logs in testdata")
	}
	for _, path := range logs {
		name := strings.TrimSuffix(filepath.Base(path), ".log.jsonl")
		t.Run(name, func(t *testing.T) {
			log := readLogFile(t, path)
			card, err := Score(scenarioFor(t, log), log)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(card, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var txt bytes.Buffer
			if err := WriteText(&txt, card); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", name+".golden.json"), append(js, '\n'))
			golden(t, filepath.Join("testdata", name+".golden.txt"), txt.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the scorecard (run with -update to accept):\n%s", path, got)
	}
}

// TestLiveExampleRescoresRecordedLogs applies the live example's rubric to
// the logs recorded against the frozen copy: re-scoring must work across
// edits of the drill, and no rule may fail at run time.
func TestLiveExampleRescoresRecordedLogs(t *testing.T) {
	sc := scenariotest.GasExample(t)
	logs, _ := filepath.Glob(filepath.Join("testdata", "gas-*.log.jsonl"))
	if len(logs) == 0 {
		t.Fatal("no recorded gas-* logs in testdata")
	}
	for _, path := range logs {
		card, err := Rescore(sc, readLogFile(t, path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, s := range card.Sections {
			for _, r := range s.Rules {
				if r.Outcome == Error {
					t.Errorf("%s: rule %s: %s", path, r.ID, r.Error)
				}
			}
		}
	}
}
