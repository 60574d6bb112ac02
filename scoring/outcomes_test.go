package scoring

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/drillroom/drillroom"
)

// Scorecard.RuleOutcomes lists every rule of the card, in order, as the store keeps it.
func TestScorecardRuleOutcomes(t *testing.T) {
	b, err := os.ReadFile("testdata/gas-poor.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var c Scorecard
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	got := c.RuleOutcomes()
	var n int
	for _, sec := range c.Sections {
		for _, r := range sec.Rules {
			if n >= len(got) {
				t.Fatalf("got %d outcomes, want one per rule", len(got))
			}
			want := drillroom.RuleOutcome{RubricHash: c.RubricHash, RuleID: r.ID, Section: sec.ID, Title: r.Title,
				Outcome: r.Outcome, Points: r.Points, MaxPoints: r.Max, Critical: r.Critical}
			if got[n] != want {
				t.Errorf("outcome %d: got %+v, want %+v", n, got[n], want)
			}
			if !drillroom.ValidRuleOutcome(got[n].Outcome) {
				t.Errorf("outcome %d: %q is not a valid rule outcome", n, got[n].Outcome)
			}
			n++
		}
	}
	if n != len(got) || n != 11 {
		t.Errorf("got %d outcomes for %d rules, want 11", len(got), n)
	}
	safety, ok := c.Rule("safety-advice-first-minute")
	if !ok || safety.Critical != "section" || got[2].RuleID != safety.ID || got[2].Outcome != Fail || got[2].Critical != "section" {
		t.Errorf("safety-advice-first-minute: got %+v, want a failed section-critical rule", got[2])
	}
}
