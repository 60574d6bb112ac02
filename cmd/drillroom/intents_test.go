package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/simulator"
)

func writeCorpus(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "corpus.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIntentsEval(t *testing.T) {
	corpus := writeCorpus(t,
		`{"drill": "gas-smell-flats", "text": "Which floor are you on?", "intents": ["ask_location"]}`,
		`{"drill": "gas-smell-flats", "text": "Which floor are you on?", "intents": ["ask_name"]}`,
	)
	code, out, errs := runMain("intents", "eval", corpus)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"2 lines: exact set 50.0%", "micro: precision 0.500 recall 0.500 F1 0.500", "ask_location", `gas-smell-flats: "Which floor are you on?" -ask_name +ask_location`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = runMain("intents", "eval", "--format", "json", corpus, "--scenarios", "../../scenarios/library")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep simulator.EvalReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Lines != 2 || rep.MicroF1 != 0.5 || len(rep.Wrong) != 1 {
		t.Errorf("got %+v", rep)
	}
}

func TestIntentsEvalErrors(t *testing.T) {
	wantRefusals(t, []refusal{
		{"no subcommand", "", []string{"intents"}, 2, "usage: drillroom intents eval"},
		{"eval without a corpus", "", []string{"intents", "eval"}, 2, "usage: drillroom intents eval"},
		{"unknown format", "", []string{"intents", "eval", "--format", "xml", "x.jsonl"}, 2, `unknown format "xml"`},
		{"missing corpus", "", []string{"intents", "eval", "nope.jsonl"}, 1, "no such file"},
		{"unknown drill", "", []string{"intents", "eval", writeCorpus(t, `{"drill": "nope", "text": "hi", "intents": []}`)}, 1, `unknown drill "nope"`},
		{"no intents", "", []string{"intents", "eval", writeCorpus(t, `{"drill": "gas-smell-flats", "text": "hi"}`)}, 1, "line 1: intents is required"},
		{"explain without a scenario", "", []string{"intents", "explain", "hello"}, 2, "usage: drillroom intents explain"},
		{"missing scenario", "", []string{"intents", "explain", "--scenario", "nope.drill.yaml", "hello"}, 1, "nope.drill.yaml"},
	})
}

func TestIntentsExplain(t *testing.T) {
	drill := "../../scenarios/library/gas-smell-flats.drill.yaml"
	code, out, errs := runMain("intents", "explain", "--scenario", drill, "Sorry,", "don't", "use", "the", "lift")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"intents: apologise, safety_advice", "negated: use lift", "safety_advice", "is nearest to the example"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runMain("intents", "explain", "--format", "json", "--scenario", drill, "Which floor are you on?")
	var x simulator.IntentExplanation
	if code != 0 || json.Unmarshal([]byte(out), &x) != nil || len(x.Intents) != 1 || x.Intents[0] != "ask_location" || !x.Sentences[0].Question {
		t.Errorf("json: exit %d, %+v\n%s", code, x, out)
	}
}
