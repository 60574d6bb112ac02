package scenarios

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
)

func TestShippedPolicies(t *testing.T) {
	pols, ds := ShippedPolicies()
	if len(ds) > 0 {
		t.Fatalf("shipped policies have diagnostics:\n%v", ds)
	}
	ids := map[string]bool{}
	for _, p := range pols {
		ids[p.ID] = true
	}
	if !ids["uk-contact-centre"] {
		t.Fatalf("got policies %v, want uk-contact-centre among them", ids)
	}
}

func TestLibraryLoads(t *testing.T) {
	if _, err := fs.Stat(Library(), "policies/uk-contact-centre.policy.yaml"); err != nil {
		t.Fatalf("library misses the shipped policy: %v", err)
	}
	set, ds := LoadFS(Library())
	if ds.HasErrors() {
		t.Fatalf("library does not load:\n%v", ds)
	}
	if len(set.Policies) == 0 {
		t.Fatal("got no policies from the library")
	}
}

func TestLoadFile(t *testing.T) {
	s, ds := LoadFile("examples/gas-smell-basic.drill.yaml")
	if ds.HasErrors() {
		t.Fatalf("got errors:\n%v", ds)
	}
	if s == nil || s.ID != "gas-smell-basic" {
		t.Fatalf("got %+v, want the gas-smell-basic scenario", s)
	}
	if s.Resolved == nil || s.Resolved.ID != "uk-contact-centre" {
		t.Fatalf("got resolved policy %v, want uk-contact-centre", s.Resolved)
	}
}

func TestLoadFSUsesShippedPolicies(t *testing.T) {
	drill, err := fs.ReadFile(fsysOS("examples"), "gas-smell-basic.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, ds := LoadFS(fstest.MapFS{"a/gas.drill.yaml": {Data: drill}})
	if ds.HasErrors() {
		t.Fatalf("got errors:\n%v", ds)
	}
	if len(set.Scenarios) != 1 {
		t.Fatalf("got %d scenarios, want 1", len(set.Scenarios))
	}
}

func fsysOS(dir string) fs.FS { return os.DirFS(dir) }
