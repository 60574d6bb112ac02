package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

func TestTestCommand(t *testing.T) {
	code, out, errs := runMainInput("", "test", "--cover", gasExample)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if got := lines[len(lines)-1]; got != "8 passed, 0 failed" {
		t.Errorf("summary: got %q, want %q", got, "8 passed, 0 failed")
	}
	if strings.Contains(out, "never exercised") {
		t.Errorf("the gas example's tests exercise everything, got:\n%s", out)
	}
	wantContains(t, out,
		"ok   ../../scenarios/examples/gas-smell-basic.drill.yaml exemplary call\n",
		"coverage:\n"+gasExample+": beats 4/4, reactions 5/5, rules 11/11\n",
	)
}

func TestTestCommandFailures(t *testing.T) {
	code, out, _ := runMainInput("", "test", "--run", "passes|missing line", "../../scenarios/policies", "../../drilltest/testdata/checks.drill.yaml")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	// The customer's answer says the flat the test's seed (1) draws.
	flat := simulator.Variation(scenariotest.Load(t, "../../drilltest/testdata/checks.drill.yaml"), 1)["flat"]
	want := "ok   ../../drilltest/testdata/checks.drill.yaml passes\n" +
		fmt.Sprintf("FAIL ../../drilltest/testdata/checks.drill.yaml missing line: step 1: expected type line, from gas, text \"*nope*\"; got: 00:00 [beat opening]; 00:00 customer: I smell gas.; 00:07 customer: Flat %v. (queued at 00:05) (../../drilltest/testdata/checks.drill.yaml:78)\n", flat) +
		"1 passed, 1 failed\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTestCommandUsage(t *testing.T) {
	if code, _, _ := runMainInput("", "test"); code != 2 {
		t.Errorf("no paths: exit %d, want 2", code)
	}
	if code, _, _ := runMainInput("", "test", "--run", "(", "x"); code != 2 {
		t.Errorf("bad regexp: exit %d, want 2", code)
	}
}
