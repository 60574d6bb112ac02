package drilltest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/scoring"
)

var updateLibrary = flag.Bool("update-library", false, "rewrite testdata/library-scores.golden from the shipped library's own tests")

// TestLibraryScores pins how every shipped drill scores its own scripted
// plays: the total, band and pass of each, and every rule's outcome and
// points. A change to the engine, scoring or the language that moves any of
// them fails here; a deliberate recalibration of a drill regenerates the
// file with -update-library and says so in its commit.
func TestLibraryScores(t *testing.T) {
	set := scenariotest.Library(t)
	var out bytes.Buffer
	for _, sc := range set.Scenarios {
		RunScenario(sc, Options{Scored: func(tc *scenarios.Test, card *scoring.Scorecard) {
			fmt.Fprintf(&out, "%s / %s: total %s band %s passed %v\n", sc.ID, tc.Name, scenarios.FormatValue(card.Total), card.Band, card.Passed)
			for _, sec := range card.Sections {
				for _, r := range sec.Rules {
					fmt.Fprintf(&out, "  %s %s %s/%s\n", r.ID, r.Outcome, scenarios.FormatValue(r.Points), scenarios.FormatValue(r.Possible))
				}
			}
		}})
	}
	if out.Len() == 0 {
		t.Fatal("the library's tests produced no scorecards")
	}
	path := filepath.Join("testdata", "library-scores.golden")
	if *updateLibrary {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-library to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		gotLines, wantLines := bytes.Split(out.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(gotLines), len(wantLines)) {
			if !bytes.Equal(gotLines[i], wantLines[i]) {
				t.Fatalf("library scores differ from %s at line %d:\ngot  %s\nwant %s", path, i+1, gotLines[i], wantLines[i])
			}
		}
		t.Fatalf("library scores differ from %s: %d lines, want %d", path, len(gotLines), len(wantLines))
	}
}
