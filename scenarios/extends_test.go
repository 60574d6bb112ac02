package scenarios

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestPolicyExtends(t *testing.T) {
	set, ds := LoadPaths("testdata/extends")
	if ds.HasErrors() || len(ds) != 0 {
		t.Fatalf("got diagnostics %v, want none", ds)
	}
	var acme *Policy
	for _, p := range set.Policies {
		if p.ID == "acme-contact-centre" {
			acme = p
		}
	}
	if acme == nil {
		t.Fatal("policy acme-contact-centre not loaded")
	}
	ids := categoryIDs(acme)
	for _, want := range []string{"gas-emergency", "smart-meter-fault", "complaint"} {
		if !slices.Contains(ids, want) {
			t.Errorf("taxonomy lacks %q: %v", want, ids)
		}
	}
	for _, gone := range []string{"general-enquiry", "safety-incident"} {
		if slices.Contains(ids, gone) {
			t.Errorf("taxonomy still has removed %q", gone)
		}
	}
	if i := slices.Index(ids, "complaint"); i < 0 || acme.Taxonomy[i].Title != "Complaint or expression of dissatisfaction" {
		t.Errorf("complaint was not replaced in place: %v", acme.Taxonomy)
	}
	if ids[len(ids)-1] != "smart-meter-fault" {
		t.Errorf("a new category goes at the end; got %v", ids)
	}
	for _, e := range acme.Escalation {
		if e.Category == "safety-incident" {
			t.Error("the escalation rule for a removed category was kept")
		}
	}
	if _, ok := acme.Intents["close"]; ok {
		t.Error("removed intent close is still there")
	}
	if len(acme.Intents["ask_meter"]) != 1 || len(acme.Intents["greet"]) == 0 {
		t.Errorf("intents: got ask_meter %v greet %v, want the added one and the inherited ones", acme.Intents["ask_meter"], acme.Intents["greet"])
	}
	if got := acme.Cadence.MaxSilence; got != mustDuration(t, "45s") {
		t.Errorf("max_silence %v, want 45s", got)
	}
	if got := acme.Cadence.WaitingUpdate; got != mustDuration(t, "2m") {
		t.Errorf("waiting_update %v, want the parent's 2m", got)
	}
	if acme.DisconnectBudget == nil || *acme.DisconnectBudget != mustDuration(t, "90s") {
		t.Errorf("disconnect_budget %v, want 90s", acme.DisconnectBudget)
	}
	for id, want := range map[string]string{"ask_meter": "Asking for the meter reading", "callback": "Number to call back", "safety_advice": "Safety advice"} {
		if got := acme.Labels[id]; got != want {
			t.Errorf("label of %s: %q, want %q (added, replaced, inherited)", id, got, want)
		}
	}
	if acme.PassMark != 75 || len(acme.Bands) != 5 || acme.Matrix["high"]["high"] != "P1" {
		t.Errorf("inherited pass mark, bands or matrix lost: %v %v %v", acme.PassMark, acme.Bands, acme.Matrix)
	}
	var north *Policy
	for _, p := range set.Policies {
		if p.ID == "acme-north" {
			north = p
		}
	}
	if north == nil || !slices.Contains(categoryIDs(north), "smart-meter-fault") || north.Intents["ask_meter"][0] != `\b(meter|serial) number\b` {
		t.Errorf("a policy extending an extension in a file sorted before it: %+v", north)
	}
	if len(set.Scenarios) != 1 || set.Scenarios[0].Resolved.Cadence.MaxSilence != mustDuration(t, "45s") {
		t.Error("the drill did not load against the extended policy")
	}
}

func TestPolicyExtendsErrors(t *testing.T) {
	_, ds := LoadPaths("testdata/extends-bad")
	want := map[string]bool{CodeCategory: false, CodeUnknownIntent: false, CodeNoPolicy: false}
	for _, d := range ds {
		if _, ok := want[d.Code]; ok {
			want[d.Code] = true
		}
	}
	for code, seen := range want {
		if !seen {
			t.Errorf("no %s diagnostic; got %v", code, ds)
		}
	}
}

func mustDuration(t *testing.T, s string) Duration {
	t.Helper()
	d, err := ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A policy sets what a practice hint costs; an extending policy inherits
// or replaces it; a cost out of range is refused where it is written.
func TestPolicyHintCost(t *testing.T) {
	set, ds := LoadPaths("testdata/extends")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, p := range set.Policies {
		// acme sets it; acme-north, extending acme, inherits it.
		if p.HintCost == nil || *p.HintCost != 0.5 {
			t.Errorf("%s hint_cost %v, want 0.5", p.ID, p.HintCost)
		}
	}
	if c := (&Scenario{}).HintCost(); c != DefaultHintCost {
		t.Errorf("no policy: hint cost %v, want the default %v", c, DefaultHintCost)
	}
	src, err := os.ReadFile("testdata/extends/acme.policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"-1", "101"} {
		l := NewLoader()
		l.AddShipped()
		_, ds := l.LoadPolicy("acme.policy.yaml", []byte(strings.Replace(string(src), "hint_cost: 0.5", "hint_cost: "+bad, 1)))
		if err := ds.Err(); err == nil || !strings.Contains(err.Error(), "hint_cost must be between 0 and 100 points") || !strings.Contains(err.Error(), "acme.policy.yaml") {
			t.Errorf("hint_cost %s: got %v, want a range error naming the file", bad, ds)
		}
	}
}
