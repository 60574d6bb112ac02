package storetest

import (
	"slices"
	"testing"
)

// The coverage check of Run must be able to fail.
func TestRecorderReportsUncalled(t *testing.T) {
	r := newRecorder()
	all := Methods()
	if len(all) < 20 || !slices.Contains(all, "AppendEvents") || !slices.Contains(all, "Close") {
		t.Fatalf("Methods: got %v, want every method of Store", all)
	}
	for _, m := range all {
		if m != "Ping" && m != "Review" {
			r.note(m)
		}
	}
	if got := r.uncalled(); !slices.Equal(got, []string{"Ping", "Review"}) {
		t.Errorf("uncalled: got %v, want [Ping Review]", got)
	}
	r.note("Ping")
	r.note("Review")
	if got := r.uncalled(); len(got) != 0 {
		t.Errorf("uncalled after every method: got %v, want none", got)
	}
}
