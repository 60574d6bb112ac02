package scenarios

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

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

// A directory given through a symbolic link (a deployment's scenarios
// directory often is one) is walked like the directory itself, and the
// files are named under the path as given.
func TestLoadPathsSymlinkedDirectory(t *testing.T) {
	examples, err := filepath.Abs("examples")
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "drills")
	if err := os.Symlink(examples, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	set, ds := LoadPaths("policies", link)
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	want := filepath.Join(link, "gas-smell-basic.drill.yaml")
	var files []string
	for _, s := range set.Scenarios {
		files = append(files, s.File)
	}
	if !slices.Contains(files, want) {
		t.Errorf("got scenarios from %v, want %s among them", files, want)
	}
}
