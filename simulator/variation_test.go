package simulator

import (
	"fmt"
	"maps"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
)

var variationBase = map[string]scenarios.Variation{
	"caller": {Pick: []string{"Priya", "Gareth", "Maureen", "Tomasz"}},
	"flat":   {Range: []int{1, 12}},
	"ack":    {Between: []scenarios.Duration{30_000, 75_000}},
}

// TestVariationNamesDrawIndependently checks that a name's value depends
// only on the seed, the name and its own definition: adding, removing or
// renaming another variation leaves it unchanged, for many seeds.
func TestVariationNamesDrawIndependently(t *testing.T) {
	edits := map[string]func(map[string]scenarios.Variation){
		"add a name sorting first": func(m map[string]scenarios.Variation) { m["aaa"] = scenarios.Variation{Range: []int{1, 1000}} },
		"add a name sorting last":  func(m map[string]scenarios.Variation) { m["zzz"] = scenarios.Variation{Pick: []string{"x", "y"}} },
		"add a name in between": func(m map[string]scenarios.Variation) {
			m["d"] = scenarios.Variation{Between: []scenarios.Duration{0, 3_600_000}}
		},
		"remove one":               func(m map[string]scenarios.Variation) { delete(m, "caller") },
		"rename one":               func(m map[string]scenarios.Variation) { m["flat_no"] = m["flat"]; delete(m, "flat") },
		"change another's options": func(m map[string]scenarios.Variation) { m["caller"] = scenarios.Variation{Pick: []string{"Sam"}} },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			edited := maps.Clone(variationBase)
			edit(edited)
			base, other := &scenarios.Scenario{Variation: variationBase}, &scenarios.Scenario{Variation: edited}
			for seed := int64(-50); seed < 500; seed++ {
				before, after := drawVariation(base, seed), drawVariation(other, seed)
				for n, v := range after {
					if _, kept := variationBase[n]; !kept || fmt.Sprint(edited[n]) != fmt.Sprint(variationBase[n]) {
						continue // new, or its own definition changed
					}
					if before[n] != v {
						t.Fatalf("seed %d: %s = %v after the edit, %v before", seed, n, v, before[n])
					}
				}
			}
		})
	}
}

// TestVariationCoversItsRange checks that the values still spread over
// what each variation allows: over enough seeds every pick option and both
// ends of every range appear, and nothing falls outside.
func TestVariationCoversItsRange(t *testing.T) {
	sc := &scenarios.Scenario{Variation: variationBase}
	seen := map[string]map[any]bool{}
	for n := range variationBase {
		seen[n] = map[any]bool{}
	}
	for seed := int64(1); seed <= 2000; seed++ {
		for n, v := range drawVariation(sc, seed) {
			seen[n][v] = true
		}
	}
	for _, opt := range variationBase["caller"].Pick {
		if !seen["caller"][opt] {
			t.Errorf("pick option %q never drawn in 2000 seeds", opt)
		}
	}
	for flat := range seen["flat"] {
		if f := flat.(int); f < 1 || f > 12 {
			t.Errorf("flat %d outside [1, 12]", f)
		}
	}
	if !seen["flat"][1] || !seen["flat"][12] || len(seen["flat"]) != 12 {
		t.Errorf("range [1, 12] drew %d distinct values (ends: 1 %v, 12 %v), want all 12", len(seen["flat"]), seen["flat"][1], seen["flat"][12])
	}
	for ack := range seen["ack"] {
		if a := ack.(float64); a < 30 || a > 75 || a != float64(int(a)) {
			t.Errorf("between [30s, 75s] drew %v", a)
		}
	}
	if !seen["ack"][30.0] || !seen["ack"][75.0] {
		t.Errorf("between [30s, 75s] never drew an end (30: %v, 75: %v)", seen["ack"][30.0], seen["ack"][75.0])
	}
}

// TestVariationStreamsDependOnTheName checks that two names with the same
// definition draw from different streams: they agree about as often as
// chance says, not always.
func TestVariationStreamsDependOnTheName(t *testing.T) {
	same := scenarios.Variation{Range: []int{1, 1000}}
	sc := &scenarios.Scenario{Variation: map[string]scenarios.Variation{"a": same, "b": same, "flat": same}}
	equal := 0
	const seeds = 1000
	for seed := int64(0); seed < seeds; seed++ {
		v := drawVariation(sc, seed)
		if v["a"] == v["b"] || v["a"] == v["flat"] || v["b"] == v["flat"] {
			equal++
		}
	}
	if equal > 20 { // chance: about 3 in 1000
		t.Errorf("names with the same definition drew the same value for %d of %d seeds", equal, seeds)
	}
}
