package scenarios

import (
	"os"
	"strings"
	"testing"
)

// loadEdited loads the gas example with edits applied (old, new pairs).
func loadEdited(t *testing.T, edits ...string) (*Scenario, Diagnostics) {
	t.Helper()
	src, err := os.ReadFile("examples/gas-smell-basic.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("the example has no %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	l := NewLoader()
	l.AddShipped()
	return l.LoadScenario("edited.drill.yaml", []byte(s))
}

// loadEditedOK is loadEdited for edits that must load without errors.
func loadEditedOK(t *testing.T, edits ...string) *Scenario {
	t.Helper()
	s, ds := loadEdited(t, edits...)
	if ds.HasErrors() {
		t.Fatalf("got errors:\n%v", ds)
	}
	return s
}

func TestVendorKeysAreIgnored(t *testing.T) {
	s := loadEditedOK(t,
		"title: Smell of gas", "x-author: R. Patel\nx-notes: {source: incident 113}\ntitle: Smell of gas",
		"    kind: gas\n", "    kind: gas\n      x-contact: 0800 111 999\n")
	if s.Title != "Smell of gas in a ground-floor flat" {
		t.Errorf("got title %q", s.Title)
	}
}

func TestAliasesReuseValues(t *testing.T) {
	s := loadEditedOK(t,
		"    do:\n      - say: \"Hello? I think", "    do:\n      - &hello\n        say: \"Hello? I think",
		"  - id: thanks\n    on: close\n    do:\n      - say: \"Thank you so much for your help.\"", "  - id: thanks\n    on: close\n    do:\n      - *hello")
	var thanks *Reaction
	for i := range s.Reactions {
		if s.Reactions[i].ID == "thanks" {
			thanks = &s.Reactions[i]
		}
	}
	if thanks == nil || thanks.Do[0].Say == nil || !strings.Contains(thanks.Do[0].Say.Src, "smell gas") {
		t.Fatalf("got %+v, want the opening line reused", thanks)
	}
}

func TestScalarForms(t *testing.T) {
	s := loadEditedOK(t,
		"version: 1", "version: 0x2",
		"  time_scale: 1", "  time_scale: 1_5",
		"    mood: 40", "    mood: !!float 40",
		"duration: 12m", "duration: 720")
	if s.Version != 2 || s.Settings.TimeScale != 15 || s.Cast.Customer.Mood != 40 || s.Duration != 720_000 {
		t.Errorf("got version %d, time_scale %v, mood %v, duration %v", s.Version, s.Settings.TimeScale, s.Cast.Customer.Mood, s.Duration)
	}
}

func TestTypeErrorsNameThePathAndType(t *testing.T) {
	_, ds := loadEdited(t,
		"    patience: 80", "    patience: [80]",
		"  evacuated: {type: bool,", "  evacuated: {type: bool, value: 3,")
	want := map[string]string{
		"cast.customer.patience: expected a number, got a list": CodeType,
		"vars.evacuated.value must be true or false":            CodeVarValue,
	}
	for msg, code := range want {
		found := false
		for _, d := range ds {
			found = found || (d.Code == code && strings.Contains(d.Message, msg))
		}
		if !found {
			t.Errorf("got %v, want %s %q", ds, code, msg)
		}
	}
}
