package scoring

import (
	"reflect"
	"sort"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// TestEnvMatchesVocabulary keeps the rule environment and the vocabulary in
// step: every rule name is provided, with exactly the declared Go type, and
// nothing else is.
func TestEnvMatchesVocabulary(t *testing.T) {
	sc := scenariotest.GasExample(t)
	s, err := newSession(sc, goodCall(sc).ev, false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]reflect.Type{}
	for _, n := range scenarios.Names(scenarios.EnvRule) {
		want[n.Name] = reflect.TypeOf(n.Type)
	}
	for name, typ := range want {
		v, ok := s.env[name]
		if !ok {
			t.Errorf("rule env lacks %s (%v)", name, typ)
			continue
		}
		if got := reflect.TypeOf(v); got != typ {
			t.Errorf("rule env %s: got type %v, want %v", name, got, typ)
		}
	}
	var extra []string
	for name := range s.env {
		if _, ok := want[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("rule env has names the vocabulary does not declare: %v", extra)
	}
}

// TestEnvMapsHaveDeclaredMembers checks the members of truth, policy,
// vars and vary against the types expressions are compiled with.
func TestEnvMapsHaveDeclaredMembers(t *testing.T) {
	sc := scenariotest.GasExample(t)
	s, err := newSession(sc, goodCall(sc).ev, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range scenarios.CheckEnvMaps(sc, scenarios.EnvRule, s.env, "truth", "policy", "vars", "vary") {
		t.Error(p)
	}
}
