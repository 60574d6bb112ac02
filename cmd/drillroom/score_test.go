package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	frozenGas  = "../../scoring/testdata/frozen/gas-smell-basic.drill.yaml"
	gasPoorLog = "../../scoring/testdata/gas-poor.log.jsonl"
)

// runMain runs the program with args and no standard input, and returns
// its exit code and output.
func runMain(args ...string) (code int, stdout, stderr string) {
	return runMainContext(context.Background(), "", args...)
}

// runMainInput is runMain with stdin as the standard input.
func runMainInput(stdin string, args ...string) (code int, stdout, stderr string) {
	return runMainContext(context.Background(), stdin, args...)
}

// runMainContext runs the program in ctx with args and the standard input
// stdin, and returns its exit code and output.
func runMainContext(ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(ctx, args, IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// wantExit0 fails the test unless the program exited 0; errs is what it
// wrote to stderr.
func wantExit0(t *testing.T, code int, errs string) {
	t.Helper()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

// wantContains reports every string of wants that the output out does not
// contain.
func wantContains(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// refusal is a command line the program must refuse: what it reads on
// standard input, its exit code and a part of what it writes to stderr.
type refusal struct {
	name, stdin string
	args        []string
	code        int
	wantErr     string
}

// wantRefusals runs each refusal as a subtest and checks its exit code and
// stderr.
func wantRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runMainInput(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.wantErr)
			}
		})
	}
}

func TestScoreCommand(t *testing.T) {
	code, out, errs := runMain("score", gasPoorLog, "--scenario", frozenGas)
	wantExit0(t, code, errs)
	wantContains(t, out, "Total 0% (15 of 90 points)", "Critical failures: safety-advice-first-minute, gas-dispatched", "FAIL    updates-while-waiting")

	code, out, errs = runMain("score", "--format", "json", "--scenario", frozenGas, gasPoorLog)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var card struct {
		Scenario string  `json:"scenario"`
		Total    float64 `json:"total"`
		Passed   bool    `json:"passed"`
	}
	if err := json.Unmarshal([]byte(out), &card); err != nil {
		t.Fatalf("json output: %v", err)
	}
	if card.Scenario != "gas-smell-basic" || card.Total != 0 || card.Passed {
		t.Errorf("json card %+v, want gas-smell-basic, total 0, not passed", card)
	}
}

func TestScoreCommandBadLog(t *testing.T) {
	src, err := os.ReadFile(gasPoorLog)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	dir := t.TempDir()
	cases := []struct {
		name, log, want string
	}{
		{"gap", lines[0] + lines[1] + lines[3], "line 3: seq 4 does not follow 2"},
		{"not json", lines[0] + "{\"seq\":2,\n", "line 2"},
		{"no start", strings.Join(lines[1:4], ""), `event log line 1 (seq 2): first event is`},
		{"other version", strings.Replace(lines[0], `"version":1`, `"version":7`, 1) + lines[1], "played against version 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".jsonl")
			if err := os.WriteFile(path, []byte(c.log), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runMain("score", path, "--scenario", frozenGas)
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, c.want)
			}
		})
	}
	// The other version re-scores with --rescore.
	path := filepath.Join(dir, "other version.jsonl")
	if code, out, errs := runMain("score", "--rescore", path, "--scenario", frozenGas); code != 0 || !strings.Contains(out, "re-scored: log played against v7") {
		t.Errorf("--rescore: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestScoreCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"score"},
		{"score", gasPoorLog},
		{"score", gasPoorLog, "--scenario", frozenGas, "--format", "xml"},
		{"explain", gasPoorLog, "--scenario", frozenGas},
	} {
		if code, _, _ := runMain(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := runMain("score", "-h"); code != 0 {
		t.Errorf("score -h: exit %d, want 0", code)
	}
}

func TestExplainCommand(t *testing.T) {
	code, out, errs := runMain("explain", gasPoorLog, "--scenario", frozenGas, "--rule", "gas-dispatched")
	wantExit0(t, code, errs)
	wantContains(t, out,
		"outcome FAIL, 0 of 15 points",
		"[check] requirements_met() = false",
		"dispatch gas at 4:00, 1:00 after the 3:00 deadline",
		"critical (drill): its failure sets the total to 0",
	)
	if code, _, errs := runMain("explain", gasPoorLog, "--scenario", frozenGas, "--rule", "nope"); code != 1 || !strings.Contains(errs, `no rule "nope"`) {
		t.Errorf("unknown rule: exit %d, stderr %q", code, errs)
	}
}
