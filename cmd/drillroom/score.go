package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// scoreInputs are what score and explain share: the log file and the
// scenario file, loaded.
type scoreInputs struct {
	sc  *scenarios.Scenario
	log []simulator.Event
}

// loadScoreInputs loads the scenario (with the policies next to it and the
// shipped ones) and reads the JSON Lines log. Problems are printed; ok is
// false when there were any.
func loadScoreInputs(cmd, logPath, scenarioPath string, stderr io.Writer) (scoreInputs, bool) {
	sc, ok := loadScenarioFile(scenarioPath, stderr)
	if !ok || sc == nil {
		fmt.Fprintf(stderr, "drillroom %s: cannot load scenario %s\n", cmd, scenarioPath)
		return scoreInputs{}, false
	}
	f, err := os.Open(logPath)
	if err != nil {
		fmt.Fprintf(stderr, "drillroom %s: %v\n", cmd, err)
		return scoreInputs{}, false
	}
	defer f.Close()
	log, err := simulator.ReadLog(f)
	if err != nil {
		fmt.Fprintf(stderr, "drillroom %s: %s: %v\n", cmd, logPath, err)
		return scoreInputs{}, false
	}
	return scoreInputs{sc: sc, log: log}, true
}

// logProblem prints a scoring error, naming the log file for a bad log.
func logProblem(cmd, logPath string, err error, stderr io.Writer) {
	if errors.Is(err, scoring.ErrBadLog) {
		fmt.Fprintf(stderr, "drillroom %s: %s: %v\n", cmd, logPath, err)
		return
	}
	fmt.Fprintf(stderr, "drillroom %s: %v\n", cmd, err)
}

const scoreUsage = `usage: drillroom score LOG --scenario FILE [--format text|json] [--rescore]

Scores a recorded event log (JSON Lines, as the engine writes it) with the
scenario's rubric. Exit 0 scored, 1 bad scenario or log, 2 usage.`

// runScore prints the scorecard of a recorded log. Exit 0: scored (whether
// or not the trainee passed); 1: the scenario or log is bad; 2: usage.
func runScore(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("score", stdio.Stderr, scoreUsage)
	scenario := fs.String("scenario", "", "the scenario file (*.drill.yaml) whose rubric to apply")
	format := formatFlag(fs)
	rescore := fs.Bool("rescore", false, "accept a log played against another version of the scenario")
	logPath, code := parseScoreArgs(fs, args)
	if code >= 0 {
		return code
	}
	if *scenario == "" || (*format != "text" && *format != "json") {
		fs.Usage()
		return 2
	}
	in, ok := loadScoreInputs("score", logPath, *scenario, stdio.Stderr)
	if !ok {
		return 1
	}
	score := scoring.Score
	if *rescore {
		score = scoring.Rescore
	}
	card, err := score(in.sc, in.log)
	if err != nil {
		logProblem("score", logPath, err, stdio.Stderr)
		return 1
	}
	return writeResult("score", *format, stdio, card, scoring.WriteText)
}

const explainUsage = `usage: drillroom explain LOG --scenario FILE --rule ID [--format text|json]

Shows the values one rule read from the log, the events behind them and
why it passed, failed or did not apply. Exit 0, 1 bad input, 2 usage.`

// runExplain prints why one rule scored as it did.
func runExplain(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("explain", stdio.Stderr, explainUsage)
	scenario := fs.String("scenario", "", "the scenario file (*.drill.yaml) whose rubric to apply")
	rule := fs.String("rule", "", "the rule id to explain")
	format := formatFlag(fs)
	logPath, code := parseScoreArgs(fs, args)
	if code >= 0 {
		return code
	}
	if *scenario == "" || *rule == "" || (*format != "text" && *format != "json") {
		fs.Usage()
		return 2
	}
	in, ok := loadScoreInputs("explain", logPath, *scenario, stdio.Stderr)
	if !ok {
		return 1
	}
	x, err := scoring.Explain(in.sc, in.log, *rule)
	if err != nil {
		logProblem("explain", logPath, err, stdio.Stderr)
		return 1
	}
	return writeResult("explain", *format, stdio, x, scoring.WriteExplanation)
}

// writeResult writes v to stdout as indented JSON (format json) or with
// writeText, and returns cmd's exit code: 0, or 1 when writing failed.
func writeResult[T any](cmd, format string, stdio IO, v T, writeText func(io.Writer, T) error) int {
	var err error
	if format == "json" {
		enc := json.NewEncoder(stdio.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(v)
	} else {
		err = writeText(stdio.Stdout, v)
	}
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// parseScoreArgs accepts the log path before or after the flags: "score
// LOG --scenario F" and "score --scenario F LOG" both work. It returns the
// exit code to use when parsing failed (0 after -h, else 2), or -1.
func parseScoreArgs(fs *flag.FlagSet, args []string) (string, int) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return "", usageCode(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", 2
	}
	return pos[0], -1
}
