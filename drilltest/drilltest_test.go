package drilltest

import (
	"time"

	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// lineOf returns the 1-based line of the first line of src containing s
// after the line containing after.
func lineOf(t *testing.T, src []byte, after, s string) int {
	t.Helper()
	seen := after == ""
	for i, l := range strings.Split(string(src), "\n") {
		if !seen {
			seen = strings.Contains(l, after)
			continue
		}
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("no line %q after %q", s, after)
	return 0
}

// runTests loads the drill file and runs its tests; byName holds the
// results by test name.
func runTests(t *testing.T, file string) (sc *scenarios.Scenario, results []Result, byName map[string]Result) {
	t.Helper()
	sc = scenariotest.Load(t, file)
	results, _ = RunScenario(sc, Options{})
	byName = map[string]Result{}
	for _, r := range results {
		byName[r.Test] = r
	}
	return sc, results, byName
}

func TestRunnerReportsFailures(t *testing.T) {
	sc, results, byName := runTests(t, "testdata/checks.drill.yaml")
	cases := []struct {
		test   string
		reason string
		line   string // text on the line the failure must point at ("" : the test's name line)
	}{
		{"missing line", `expected type line, from gas, text "*nope*"`, `text: "*nope*"`},
		{"unexpected line", "unexpected type reply, from customer at 00:05: customer: Flat", "expect_not"},
		{"accidental rejection", "action rejected: the customer is not on hold", "resume: true"},
		{"rejection expected but accepted", "want the action rejected", "rejected: unknown service"},
		{"wrong variable", "vars.told is false, want true", "say: hello, vars"},
		{"wrong rule outcome", "rule dispatched: got fail, want pass", "rules: {dispatched: pass}"},
		{"wrong ending", `ending is "closed" (closed), want "resolved"`, "ending: resolved"},
		{"score out of range", "score is 50%, want between 90 and 100; failed: dispatched", "score: [90, 100]"},
		{"run-time error", "run-time error in timeline.broken.when", "at: 5m"},
		{"two actions in one step", "a step takes one action; this one has say and dispatch", "say: hello, dispatch"},
		{"golden file missing", "run drillroom test -update", ""},
		{"clock goes back", "at 40s is before the clock (50s)", "at: 40s"},
		{"coach scores an automatic rule", `coach: manual score for "category": the rule is scored automatically`, ""},
	}
	for _, c := range cases {
		t.Run(c.test, func(t *testing.T) {
			r, ok := byName[c.test]
			if !ok {
				t.Fatal("test did not run")
			}
			if r.Passed {
				t.Fatalf("passed, want a failure containing %q", c.reason)
			}
			if !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q, want it to contain %q", r.Reason, c.reason)
			}
			want := lineOf(t, sc.Source, "- name: "+c.test, c.line)
			if c.line == "" {
				want = lineOf(t, sc.Source, "", "- name: "+c.test)
			}
			if r.Pos.Line != want {
				t.Errorf("points at line %d, want %d", r.Pos.Line, want)
			}
			if s := r.String(); !strings.HasPrefix(s, "FAIL testdata/checks.drill.yaml "+c.test+": ") || !strings.HasSuffix(s, ")") {
				t.Errorf("line format: %s", s)
			}
		})
	}
	for _, name := range []string{"passes", "coach scores the review"} {
		if r := byName[name]; !r.Passed {
			t.Errorf("%s failed: %s", name, r)
		}
	}
	if len(results) != len(cases)+2 {
		t.Errorf("%d results, want %d", len(results), len(cases)+2)
	}
}

func TestRunSelectsAndCovers(t *testing.T) {
	sc := scenariotest.Load(t, "testdata/checks.drill.yaml")
	results, cov := RunScenario(sc, Options{Run: regexp.MustCompile("^passes$")})
	if len(results) != 1 || !results[0].Passed || results[0].String() != "ok   testdata/checks.drill.yaml passes" {
		t.Fatalf("results: %v", results)
	}
	if cov.Beats["opening"] != 1 || cov.Reactions["told"] != 1 || cov.Beats["broken"] != 0 {
		t.Errorf("coverage: beats %v reactions %v", cov.Beats, cov.Reactions)
	}
	missed := strings.Join(cov.Missed(), "; ")
	if want := "beat broken (line 37); rule review (line 53)"; missed != want {
		t.Errorf("missed: got %q, want %q (a manual rule no coach scored is not exercised)", missed, want)
	}
	if got, want := cov.Summary(), "testdata/checks.drill.yaml: beats 1/2, reactions 1/1, rules 2/3"; got != want {
		t.Errorf("summary: got %q, want %q", got, want)
	}

	// A test whose coach scores the manual rule exercises it.
	_, cov = RunScenario(sc, Options{Run: regexp.MustCompile("^(passes|coach scores the review)$")})
	if cov.Rules["review"] != 1 {
		t.Errorf("review exercised in %d runs, want 1", cov.Rules["review"])
	}
	if got, want := cov.Summary(), "testdata/checks.drill.yaml: beats 1/2, reactions 1/1, rules 3/3"; got != want {
		t.Errorf("summary with a coach: got %q, want %q", got, want)
	}
}

func TestGoldenUpdateThenCompare(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/checks.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "checks.drill.yaml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	sc := scenariotest.Load(t, file)
	only := Options{Run: regexp.MustCompile("^golden file missing$")}
	if r, _ := RunScenario(sc, only); r[0].Passed {
		t.Fatal("golden test passed without its file")
	}
	only.Update = true
	r, _ := RunScenario(sc, only)
	if !r[0].Passed || !r[0].Updated {
		t.Fatalf("update: %v", r[0])
	}
	path := filepath.Join(dir, "testdata", "runner-checks", "golden-file-missing.golden")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"00:00 customer: I smell gas.", "00:05 trainee: close done", "[call ended: closed (closed)]", "-- rule dispatched: fail"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("golden lacks %q:\n%s", want, got)
		}
	}
	only.Update = false
	if r, _ := RunScenario(sc, only); !r[0].Passed {
		t.Fatalf("compare after update: %v", r[0])
	}
	os.WriteFile(path, []byte(strings.Replace(string(got), "I smell gas.", "I smell smoke.", 1)), 0o644)
	r, _ = RunScenario(sc, only)
	if r[0].Passed || !strings.Contains(r[0].Reason, `at line 3: got "00:00 customer: I smell gas.", want "00:00 customer: I smell smoke."`) {
		t.Fatalf("changed golden: %v", r[0])
	}
}

func TestWalkFindsBrokenScript(t *testing.T) {
	sc := scenariotest.Load(t, "testdata/checks.drill.yaml")
	sc.Tests = []scenarios.Test{{Name: "walk", Seed: 1, Walk: &scenarios.Walk{Runs: 30}}}
	r, cov := RunScenario(sc, Options{})
	// Random trainees who give safety advice and stay past 4 minutes reach
	// the broken guard; the walk must report it.
	if r[0].Passed || !strings.Contains(r[0].Reason, "run-time error in timeline.broken.when") || !strings.Contains(r[0].Reason, "walk run") {
		t.Fatalf("walk: %v", r[0])
	}
	if cov.Beats["opening"] == 0 {
		t.Error("walk runs not counted in coverage")
	}
}

func TestWalkPassesOnExample(t *testing.T) {
	sc := scenariotest.Load(t, "../scenarios/examples/gas-smell-basic.drill.yaml")
	sc.Tests = []scenarios.Test{{Name: "walk", Seed: 9, Walk: &scenarios.Walk{Runs: 40, MaxActions: 60}}}
	r, cov := RunScenario(sc, Options{})
	if !r[0].Passed {
		t.Fatalf("walk: %v", r[0])
	}
	if cov.Reactions["dispatched"] == 0 || cov.Rules["correct-category"] == 0 {
		t.Errorf("40 random runs never dispatched or never scored: %v %v", cov.Reactions, cov.Rules)
	}
}

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"hello", "Hello", true},
		{"hello", "hello there", false},
		{"*there", "hello there", true},
		{"h*o*e", "hello there", true},
		{"*gas*", "I smell GAS now", true},
		{"a*b*c", "acb", false},
		{"*", "", true},
	}
	for _, c := range cases {
		if got := matchGlob(c.pattern, c.s); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestCalibrationChecks(t *testing.T) {
	_, results, byName := runTests(t, "testdata/calibration.drill.yaml")
	cases := []struct {
		test   string
		reason string // "" : the test must pass
	}{
		{"good play", ""},
		{"misclassification fails the drill", ""},
		{"good play below the top band (must fail)", `calibration: a good play must pass in the top band "high-compliance"; got score 0%, band "non-compliant", passed false`},
		{"incomplete record still passes (must fail)", "calibration: incomplete_record alone must fail the drill; got score 95%, band \"high-compliance\""},
		{"tagged rule does not fail (must fail)", "calibration: a play tagged not_involved must fail one of the rules that catch it (dispatched); none failed"},
		{"over-escalation keeps the top band (must fail)", `calibration: over_escalation must cost the top band "high-compliance"; got score 95%`},
		{"calibration", "no test tagged mistake: uninformed"},
	}
	for _, c := range cases {
		t.Run(c.test, func(t *testing.T) {
			r, ok := byName[c.test]
			switch {
			case !ok:
				t.Fatal("test did not run")
			case c.reason == "" && !r.Passed:
				t.Fatalf("failed: %s", r.Reason)
			case c.reason != "" && r.Passed:
				t.Fatalf("passed, want a failure containing %q", c.reason)
			case !strings.Contains(r.Reason, c.reason):
				t.Errorf("reason %q, want it to contain %q", r.Reason, c.reason)
			}
		})
	}
	if len(results) != len(cases) {
		t.Errorf("got %d results, want %d", len(results), len(cases))
	}
}

func TestUntil(t *testing.T) {
	sc := scenariotest.Load(t, "testdata/until.drill.yaml")
	results, _ := RunScenario(sc, Options{})
	if len(results) != 2 {
		t.Fatalf("got %d results, want 2", len(results))
	}
	if !results[0].Passed {
		t.Errorf("%s: %s", results[0].Test, results[0].Reason)
	}
	if results[1].Passed || !strings.Contains(results[1].Reason, "step 2: until type arrive, from gas: no such event before the call") {
		t.Errorf("%s: passed %v, reason %q; want a failure naming the event it waited for", results[1].Test, results[1].Passed, results[1].Reason)
	}
}

// TestConsultAndWrapUpSteps: a scenario test consults the gas desk while
// the caller holds, expects its answer, goes back, closes and wraps up
// with one of the policy's codes; a wrap-up without its notes is refused.
func TestConsultAndWrapUpSteps(t *testing.T) {
	sc := scenariotest.Load(t, "../scenarios/examples/gas-smell-basic.drill.yaml")
	at := func(d time.Duration) *scenarios.Duration { x := scenarios.Duration(d.Milliseconds()); return &x }
	closed := "handed_over"
	sc.Tests = []scenarios.Test{{Name: "consult and wrap up", Seed: 1, Steps: []scenarios.TestStep{
		{At: at(5 * time.Second), Say: "One moment, I'll put you on a short hold.", Intents: []string{"hold"}},
		{At: at(6 * time.Second), Hold: true},
		{At: at(7 * time.Second), Consult: "gas", Message: "Can they use a mobile outside?"},
		{At: at(30 * time.Second), EndConsult: true, Expect: []scenarios.EventMatch{{Type: "line", From: "gas", Text: "Gas Emergency Service: nothing to add*"}}},
		{At: at(31 * time.Second), Resume: true},
		{At: at(40 * time.Second), Close: &closed},
		{At: at(50 * time.Second), WrapUp: &scenarios.TestWrapUp{Code: "emergency_referred"}, Rejected: "needs notes"},
		{At: at(60 * time.Second), WrapUp: &scenarios.TestWrapUp{Code: "emergency_referred", Notes: "Engineer on the way."}},
	}}}
	r, _ := RunScenario(sc, Options{})
	if !r[0].Passed {
		t.Fatalf("consult and wrap-up steps: %v", r[0])
	}
}
