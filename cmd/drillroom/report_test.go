package main

import (
	"strings"
	"testing"
)

func TestReportRules(t *testing.T) {
	dir, st := liveDatabase(t)
	scoredSession(t, st, "ann", "gas-poor")
	scoredSession(t, st, "bob", "gas-good")

	code, out, errs := runMain("report", "rules", "--data", dir)
	wantExit0(t, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	got := []string{strings.Join(strings.Fields(lines[0]), " ")}
	for _, line := range lines[1:] {
		f := strings.Fields(line) // rate, "F of S", scenario, rule, critical, title...
		if len(f) < 8 {
			t.Fatalf("line %q: want rate, failures of scored, scenario, rule, critical, title", line)
		}
		got = append(got, strings.Join(f[:7], " "))
	}
	want := []string{
		"RATE FAILED SCENARIO RULE CRITICAL TITLE",
		"100.0% 2 of 2 gas-smell-basic longest-silence -",
		"50.0% 1 of 2 gas-smell-basic correct-priority -",
		"50.0% 1 of 2 gas-smell-basic gas-dispatched drill",
		"50.0% 1 of 2 gas-smell-basic handover -",
		"50.0% 1 of 2 gas-smell-basic record-accurate -",
		"50.0% 1 of 2 gas-smell-basic record-complete -",
		"50.0% 1 of 2 gas-smell-basic safety-advice-first-minute section",
		"50.0% 1 of 2 gas-smell-basic updates-while-waiting -",
		"0.0% 0 of 2 gas-smell-basic correct-category drill",
		"0.0% 0 of 2 gas-smell-basic no-unneeded -",
		"- 0 of 0 gas-smell-basic review-quality -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("report rules:\n got %s\nwant %s\n(output:\n%s)", strings.Join(got, "\n"), strings.Join(want, "\n"), out)
	}

	code, out, _ = runMain("report", "rules", "--scenario", "gas-smell-basic", "--data", dir)
	if code != 0 || !strings.Contains(out, "longest-silence") {
		t.Errorf("--scenario gas-smell-basic: exit %d, output %q", code, out)
	}
	code, out, _ = runMain("report", "rules", "--scenario", "nope", "--data", dir)
	if code != 0 || out != "no scored sessions of scenario nope\n" {
		t.Errorf("--scenario nope: exit %d, output %q; want 0 and a sentence", code, out)
	}

	wantRefusals(t, []refusal{
		{"no report", "", []string{"report", "--data", dir}, 2, "usage: drillroom report rules"},
		{"unknown report", "", []string{"report", "sessions", "--data", dir}, 2, `unknown report "sessions"`},
		{"no database", "", []string{"report", "rules", "--data", t.TempDir()}, 1, "no database at"},
	})
}
