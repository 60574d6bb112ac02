package scenarios

import "testing"

func TestLoadExample(t *testing.T) {
	set, ds := LoadPaths("policies", "examples")
	for _, d := range ds {
		t.Log(d)
	}
	if ds.HasErrors() {
		t.Fatal("errors")
	}
	ids := map[string]bool{}
	for _, s := range set.Scenarios {
		ids[s.ID] = true
	}
	for _, id := range []string{"gas-smell-basic", "billing-complaint-basic"} {
		if !ids[id] {
			t.Errorf("example %s did not load; got %v", id, ids)
		}
	}
}

func TestTruthPriorityFromMatrix(t *testing.T) {
	s, ds := LoadFile("examples/billing-complaint-basic.drill.yaml")
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	// The drill leaves priority out: low impact, medium urgency is P4.
	if s.Truth.Priority != "P4" {
		t.Errorf("got truth.priority %q, want P4 from the matrix", s.Truth.Priority)
	}
}
