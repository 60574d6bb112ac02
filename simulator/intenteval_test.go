package simulator

import (
	"os"
	"strings"
	"testing"
)

func readCorpusFile(t testing.TB, path string) []CorpusLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := ReadCorpus(f)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func evaluate(t *testing.T, lines []CorpusLine) *EvalReport {
	t.Helper()
	ds, err := libraryDrills()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(lines, func(id string) (*Drill, bool) { d, ok := ds[id]; return d, ok })
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The targets of issue 14, measured by the real evaluation of the shipped
// drills on the corpora in testdata/intents.
func TestIntentCorpusTargets(t *testing.T) {
	dev := evaluate(t, readCorpusFile(t, "testdata/intents/corpus-dev.jsonl"))
	t.Logf("dev: %d lines, exact %.3f, micro P %.3f R %.3f F1 %.3f", dev.Lines, dev.ExactSet, dev.MicroPrecision, dev.MicroRecall, dev.MicroF1)
	if dev.Lines < 398 {
		t.Errorf("dev corpus has %d lines, want the 398 of the shared corpus at least", dev.Lines)
	}
	if dev.MicroF1 < 0.95 {
		t.Errorf("dev micro F1 %.3f, want at least 0.95", dev.MicroF1)
	}
	if dev.MicroPrecision < 0.95 {
		t.Errorf("dev micro precision %.3f, want at least 0.95", dev.MicroPrecision)
	}
	for _, s := range dev.Intents {
		if s.Support > 0 && s.Recall < 0.85 {
			t.Errorf("dev recall of %s %.3f (%d of %d), want at least 0.85", s.Intent, s.Recall, s.TP, s.Support)
		}
	}
	held := evaluate(t, readCorpusFile(t, "testdata/intents/corpus-heldout.jsonl"))
	t.Logf("held-out: %d lines, exact %.3f, micro P %.3f R %.3f F1 %.3f", held.Lines, held.ExactSet, held.MicroPrecision, held.MicroRecall, held.MicroF1)
	if held.MicroF1 < 0.90 {
		t.Errorf("held-out micro F1 %.3f, want at least 0.90", held.MicroF1)
	}
}

// The measures on a corpus whose outcome is known line by line.
func TestEvaluateCounts(t *testing.T) {
	lines := []CorpusLine{
		{Drill: "gas-smell-flats", Text: "Bear with me a moment", Intents: []string{"hold"}},                       // hold TP
		{Drill: "gas-smell-flats", Text: "Bear with me a moment", Intents: []string{"apologise"}},                  // apologise FN, hold FP
		{Drill: "gas-smell-flats", Text: "Which floor are you on?", Intents: []string{"ask_location", "ask_name"}}, // ask_location TP, ask_name FN
		{Drill: "gas-smell-flats", Text: "zzz", Intents: []string{}},                                               // nothing: exact
	}
	rep := evaluate(t, lines)
	get := func(in string) IntentStats {
		for _, s := range rep.Intents {
			if s.Intent == in {
				return s
			}
		}
		t.Fatalf("no stats for %s in %+v", in, rep.Intents)
		return IntentStats{}
	}
	if s := get("hold"); s.TP != 1 || s.FP != 1 || s.FN != 0 || s.Precision != 0.5 || s.Recall != 1 || s.HitFor["apologise"] != 1 {
		t.Errorf("hold: %+v", s)
	}
	if s := get("apologise"); s.TP != 0 || s.FN != 1 || s.Recall != 0 || s.F1 != 0 || s.MissedAs["hold"] != 1 {
		t.Errorf("apologise: %+v", s)
	}
	if s := get("ask_name"); s.FN != 1 || s.MissedAs["(nothing)"] != 1 {
		t.Errorf("ask_name: %+v", s)
	}
	// micro: tp 2 (hold, ask_location), fp 1, fn 2.
	if rep.MicroPrecision != 2.0/3 || rep.MicroRecall != 0.5 || rep.ExactSet != 0.5 || len(rep.Wrong) != 2 {
		t.Errorf("got micro P %v R %v exact %v wrong %d, want 2/3, 1/2, 1/2, 2", rep.MicroPrecision, rep.MicroRecall, rep.ExactSet, len(rep.Wrong))
	}
	if _, err := Evaluate([]CorpusLine{{Drill: "nope", Text: "x", Intents: []string{}}}, func(string) (*Drill, bool) { return nil, false }); err == nil || !strings.Contains(err.Error(), `unknown drill "nope"`) {
		t.Errorf("unknown drill: got %v", err)
	}
	ds, _ := libraryDrills()
	if _, err := Evaluate([]CorpusLine{{Drill: "gas-smell-flats", Text: "x", Intents: []string{"generator"}}}, func(id string) (*Drill, bool) { d, ok := ds[id]; return d, ok }); err == nil || !strings.Contains(err.Error(), `no intent "generator"`) {
		t.Errorf("intent of another drill: got %v", err)
	}
}

func TestReadCorpusErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"drill": "a", "text": "x"}`, "line 1: intents is required"},
		{`{"drill": "a", "text": "x", "intents": [], "extra": 1}`, `line 1: json: unknown field "extra"`},
		{"\n" + `{"drill": "a", "text": " ", "intents": []}`, "line 2: drill and text are required"},
		{`{"drill": "a"`, "line 1: unexpected EOF"},
		{`{"drill": "a", "text": "` + strings.Repeat("x", 9000) + `", "intents": []}`, "longer than"},
	}
	for _, tt := range tests {
		_, err := ReadCorpus(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.40q: got %v, want %q", tt.in, err, tt.want)
		}
	}
	lines, err := ReadCorpus(strings.NewReader(`{"drill": "a", "text": "x", "intents": ["b"], "note": "why"}` + "\n\n"))
	if err != nil || len(lines) != 1 || lines[0].Note != "why" {
		t.Errorf("got %v %v", lines, err)
	}
}
