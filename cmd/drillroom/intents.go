package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

func runIntents(ctx context.Context, args []string, stdio IO) int {
	if len(args) > 0 {
		switch args[0] {
		case "eval":
			return runIntentsEval(ctx, args[1:], stdio)
		case "explain":
			return runIntentsExplain(args[1:], stdio)
		}
	}
	fmt.Fprintln(stdio.Stderr, "usage: drillroom intents eval FILE.jsonl [--scenarios DIR] [--format text|json]")
	fmt.Fprintln(stdio.Stderr, "       drillroom intents explain --scenario FILE [--format text|json] TEXT")
	return 2
}

// maxCorpusFile bounds the corpus file eval reads.
const maxCorpusFile = 64 << 20

func runIntentsEval(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("intents eval", stdio.Stderr,
		"usage: drillroom intents eval FILE.jsonl [--scenarios DIR] [--format text|json]",
		"\nRuns each drill's intent recogniser over a labelled corpus (one JSON object a line:",
		`{"drill": ID, "text": LINE, "intents": [...]}) and prints per-intent precision,`,
		"recall and F1, micro and macro figures, exact-set accuracy, misses and false hits.")
	dir := fs.String("scenarios", "", "directory of the drills the corpus names (default: the shipped library)")
	format := formatFlag(fs)
	args, code := parseFormatFlags(fs, args, format, stdio.Stderr)
	if code >= 0 {
		return code
	}
	if len(args) != 1 {
		fs.Usage()
		return 2
	}
	lines, err := readCorpusFile(args[0])
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom intents eval: %v\n", err)
		return 1
	}
	set, ok := loadDrills(*dir, stdio.Stderr)
	if !ok {
		return 1
	}
	if ctx.Err() != nil {
		return 1
	}
	byID := map[string]*simulator.Drill{}
	for _, sc := range set.Scenarios {
		d, err := simulator.Prepare(sc)
		if err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom intents eval: %v\n", err)
			return 1
		}
		byID[sc.ID] = d
	}
	rep, err := simulator.Evaluate(lines, func(id string) (*simulator.Drill, bool) {
		d, ok := byID[id]
		return d, ok
	})
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom intents eval: %s: %v\n", args[0], err)
		return 1
	}
	return writeResult("intents eval", *format, stdio, rep, func(w io.Writer, rep *simulator.EvalReport) error {
		writeEvalReport(w, rep)
		return nil
	})
}

func readCorpusFile(path string) ([]simulator.CorpusLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxCorpusFile {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a corpus may have", path, st.Size(), maxCorpusFile)
	}
	lines, err := simulator.ReadCorpus(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lines, nil
}

// loadDrills loads dir, or the shipped library when dir is "", and prints
// its errors.
func loadDrills(dir string, stderr io.Writer) (*scenarios.Set, bool) {
	var set *scenarios.Set
	var ds scenarios.Diagnostics
	if dir == "" {
		set, ds = scenarios.LoadFS(scenarios.Library())
	} else {
		set, ds = scenarios.LoadPaths(dir)
	}
	for _, d := range ds.Errors() {
		fmt.Fprintln(stderr, d.String())
	}
	return set, !ds.HasErrors()
}

// loadScenarioFile loads one drill file (with the policies next to it and
// the shipped ones) and prints its errors.
func loadScenarioFile(path string, stderr io.Writer) (*scenarios.Scenario, bool) {
	sc, ds := scenarios.LoadFile(path)
	for _, d := range ds.Errors() {
		fmt.Fprintln(stderr, d.String())
	}
	return sc, !ds.HasErrors()
}

func writeEvalReport(w io.Writer, rep *simulator.EvalReport) {
	fmt.Fprintf(w, "%d lines: exact set %.1f%%\n", rep.Lines, 100*rep.ExactSet)
	fmt.Fprintf(w, "micro: precision %.3f recall %.3f F1 %.3f\n", rep.MicroPrecision, rep.MicroRecall, rep.MicroF1)
	fmt.Fprintf(w, "macro: precision %.3f recall %.3f F1 %.3f\n\n", rep.MacroPrecision, rep.MacroRecall, rep.MacroF1)
	fmt.Fprintf(w, "%-22s %7s %4s %4s %4s %9s %6s %6s\n", "intent", "support", "tp", "fp", "fn", "precision", "recall", "F1")
	for _, s := range rep.Intents {
		fmt.Fprintf(w, "%-22s %7d %4d %4d %4d %9.3f %6.3f %6.3f\n", s.Intent, s.Support, s.TP, s.FP, s.FN, s.Precision, s.Recall, s.F1)
	}
	if len(rep.Unscored) > 0 {
		var us []string
		for _, in := range sortedNames(rep.Unscored) {
			us = append(us, fmt.Sprintf("%s (%d lines)", in, rep.Unscored[in]))
		}
		fmt.Fprintf(w, "\nnot scored (no line of the corpus is labelled with them): %s\n", strings.Join(us, ", "))
	}
	if len(rep.Wrong) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d lines read differently from their labels (- missed, + false hit):\n", len(rep.Wrong))
	for _, l := range rep.Wrong {
		var marks []string
		for _, m := range l.Missing {
			marks = append(marks, "-"+m)
		}
		for _, e := range l.Extra {
			marks = append(marks, "+"+e)
		}
		fmt.Fprintf(w, "  %s: %q %s\n", l.Drill, l.Text, strings.Join(marks, " "))
	}
}

func runIntentsExplain(args []string, stdio IO) int {
	fs := newFlagSet("intents explain", stdio.Stderr,
		"usage: drillroom intents explain --scenario FILE [--format text|json] TEXT",
		"\nShows the intents the drill's recogniser gives TEXT and why: how it read each",
		"sentence (negation, conditions, question), the nearest examples and the scores.")
	file := fs.String("scenario", "", "the drill file (*.drill.yaml) whose recogniser reads the line")
	format := formatFlag(fs)
	args, code := parseFormatFlags(fs, args, format, stdio.Stderr)
	if code >= 0 {
		return code
	}
	if *file == "" || len(args) == 0 {
		fs.Usage()
		return 2
	}
	text := strings.Join(args, " ")
	sc, ok := loadScenarioFile(*file, stdio.Stderr)
	if !ok {
		return 1
	}
	d, err := simulator.Prepare(sc)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom intents explain: %v\n", err)
		return 1
	}
	return writeResult("intents explain", *format, stdio, d.ExplainIntents(text), func(w io.Writer, x *simulator.IntentExplanation) error {
		writeExplanation(w, x)
		return nil
	})
}

func writeExplanation(w io.Writer, x *simulator.IntentExplanation) {
	if len(x.Intents) == 0 {
		fmt.Fprintln(w, "intents: (none)")
	} else {
		fmt.Fprintf(w, "intents: %s\n", strings.Join(x.Intents, ", "))
	}
	fmt.Fprintf(w, "\nread as (threshold %.2f):\n", x.Threshold)
	for _, s := range x.Sentences {
		kind := "statement"
		if s.Question {
			kind = "question"
		}
		fmt.Fprintf(w, "  %q (%s)\n", s.Text, kind)
		for _, p := range s.Pieces {
			fmt.Fprintf(w, "    [%s]\n", p)
		}
		if len(s.Negated) > 0 {
			fmt.Fprintf(w, "    negated: %s\n", strings.Join(s.Negated, " "))
		}
		if len(s.If) > 0 {
			fmt.Fprintf(w, "    hypothetical: %s\n", strings.Join(s.If, " "))
		}
	}
	fmt.Fprintln(w, "\nscores:")
	for _, e := range x.Scores {
		fmt.Fprintf(w, "  %-20s %.3f  %s", e.Intent, e.Score, e.Verdict)
		if e.Rule != "" {
			fmt.Fprintf(w, " (%s)", e.Rule)
		}
		fmt.Fprintln(w)
		if e.Example != "" {
			fmt.Fprintf(w, "      %q is nearest to the example %q\n", e.Segment, e.Example)
		}
		if e.Counter != "" {
			fmt.Fprintf(w, "      counterexample %q scores %.3f\n", e.Counter, e.CScore)
		}
	}
}

func sortedNames(m map[string]int) []string {
	out := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m)) // never nil
	slices.Sort(out)
	return out
}
