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
	if len(set.Scenarios) != 1 {
		t.Fatalf("got %d scenarios", len(set.Scenarios))
	}
}
