package scoring

import (
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// TestRuleReadsCoverVocabulary: every name of the rule environment says
// what it reads of the truth and the policy (ruleReads), so that a rule
// function added later cannot be left out of the rule hash by accident,
// and every key it names has a value (ruleInput).
func TestRuleReadsCoverVocabulary(t *testing.T) {
	for _, n := range scenarios.Names(scenarios.EnvRule) {
		if _, ok := ruleReads[n.Name]; !ok {
			t.Errorf("rule name %s is not in ruleReads: say what it reads of the truth and the policy (nil for nothing)", n.Name)
		}
	}
	sc := scenariotest.GasExample(t)
	for name, keys := range ruleReads {
		for _, k := range keys {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("ruleReads[%s] names %s, which ruleInput does not know", name, k)
					}
				}()
				ruleInput(sc, k)
			}()
		}
	}
}

// TestRuleHashFollowsReads: a change to a drill changes the hash of the
// rules whose outcome it can touch, and of no other: the example's rules
// read the truth's category (correct-category, no-unneeded), its priority
// (correct-priority, no-unneeded), its required dispatches (gas-dispatched,
// handover, no-unneeded), its record (record-complete, record-accurate),
// and the policy's waiting_update (updates-while-waiting) and max_silence
// (longest-silence); nothing reads the truth's impact.
func TestRuleHashFollowsReads(t *testing.T) {
	hashes := func(sc *scenarios.Scenario) map[string]string {
		out := map[string]string{}
		for _, s := range sc.Rubric.Sections {
			for i := range s.Rules {
				out[s.Rules[i].ID] = RuleHash(sc, s.ID, &s.Rules[i])
			}
		}
		return out
	}
	load := func() *scenarios.Scenario {
		sc := scenariotest.Load(t, "../scenarios/examples/gas-smell-basic.drill.yaml")
		p := *sc.Resolved // the policy may be shared: change a copy
		sc.Resolved = &p
		return sc
	}
	before := hashes(load())
	for _, tc := range []struct {
		name    string
		change  func(sc *scenarios.Scenario)
		changed []string
	}{
		{"truth.priority", func(sc *scenarios.Scenario) { sc.Truth.Priority = "P2" }, []string{"correct-priority", "no-unneeded"}},
		{"truth.category", func(sc *scenarios.Scenario) { sc.Truth.Category = "power-outage" }, []string{"correct-category", "no-unneeded"}},
		{"truth.required handover", func(sc *scenarios.Scenario) {
			sc.Truth.Required = slices.Clone(sc.Truth.Required)
			sc.Truth.Required[0].Handover = []string{"location"}
		}, []string{"gas-dispatched", "handover", "no-unneeded"}},
		{"truth.record", func(sc *scenarios.Scenario) { sc.Truth.Record = sc.Truth.Record[:2] }, []string{"record-accurate", "record-complete"}},
		{"policy waiting_update", func(sc *scenarios.Scenario) { sc.Resolved.Cadence.WaitingUpdate += 30000 }, []string{"updates-while-waiting"}},
		{"policy max_silence", func(sc *scenarios.Scenario) { sc.Resolved.Cadence.MaxSilence += 5000 }, []string{"longest-silence"}},
		{"policy hold_update (no rule reads it)", func(sc *scenarios.Scenario) { sc.Resolved.Cadence.HoldUpdate += 5000 }, nil},
		{"truth.impact (no rule reads it)", func(sc *scenarios.Scenario) { sc.Truth.Impact = "low" }, nil},
		{"one rule's points", func(sc *scenarios.Scenario) { sc.Rubric.Sections[0].Rules[0].Points++ }, []string{"correct-category"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := load()
			tc.change(sc)
			var changed []string
			for id, h := range hashes(sc) {
				if h != before[id] {
					changed = append(changed, id)
				}
			}
			slices.Sort(changed)
			if !slices.Equal(changed, tc.changed) {
				t.Errorf("rules whose hash changed: %s; want %s", strings.Join(changed, ", "), strings.Join(tc.changed, ", "))
			}
		})
	}
}
