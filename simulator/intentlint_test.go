package simulator

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// Each fixture in testdata/intentlint is named after the lint it must
// produce, in the fixture itself.
func TestIntentLintFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/intentlint/*.drill.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		code := strings.SplitN(filepath.Base(f), "-", 2)[0]
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, ds := scenarios.LoadFile(f)
			if ds.HasErrors() {
				t.Fatalf("fixture does not load: %v", ds.Err())
			}
			d, err := Prepare(sc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			found := false
			for _, x := range d.IntentLints() {
				got = append(got, x.String())
				if x.Code == code && x.File == f && x.Line > 0 && x.Source != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("got %v, want a %s placed in %s", got, code, f)
			}
		})
	}
}

// The shipped drills and policy lint clean.
func TestLibraryIntentLintsClean(t *testing.T) {
	set := scenariotest.Library(t)
	for _, sc := range set.Scenarios {
		d, err := Prepare(sc)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range d.IntentLints() {
			t.Errorf("%s: %s", sc.ID, x)
		}
	}
}
