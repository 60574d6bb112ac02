package xapi

import (
	"strings"
	"testing"
	"time"
)

func validStatement() Statement {
	scaled, raw, lo, hi := 0.5, 50.0, 0.0, 100.0
	yes := true
	return Statement{
		ID:     "6fa459ea-ee8a-5ca4-894e-db77e160355e",
		Actor:  Agent{ObjectType: "Agent", Account: &Account{HomePage: "https://drillroom.example.org", Name: "ann"}},
		Verb:   Verb{ID: VerbPassed, Display: map[string]string{"en-US": "passed"}},
		Object: Activity{ID: "https://drillroom.example.org/xapi/drills/gas", Definition: &Definition{Name: map[string]string{"en": "Gas"}}},
		Result: &Result{Score: &Score{Scaled: &scaled, Raw: &raw, Min: &lo, Max: &hi}, Success: &yes, Duration: "PT4M10S",
			Extensions: map[string]any{"https://drillroom.example.org/xapi/extensions/band": "good"}},
		Context:   &Context{Registration: "6fa459ea-ee8a-5ca4-894e-db77e160355f"},
		Timestamp: "2026-03-01T09:00:00Z",
		Version:   Version,
	}
}

// TestValidate: a valid statement passes; each broken rule of 1.0.3 is
// reported, naming the property.
func TestValidate(t *testing.T) {
	if err := Validate(validStatement()); err != nil {
		t.Fatalf("a valid statement: %v", err)
	}
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name  string
		edit  func(*Statement)
		wants string
	}{
		{"no id", func(s *Statement) { s.ID = "" }, "id"},
		{"id not a UUID", func(s *Statement) { s.ID = "session-1" }, "want a UUID"},
		{"no actor identifier", func(s *Statement) { s.Actor.Account = nil }, "exactly one inverse functional identifier"},
		{"two actor identifiers", func(s *Statement) { s.Actor.Mbox = "mailto:ann@example.org" }, "got 2"},
		{"mbox without mailto", func(s *Statement) { s.Actor.Account = nil; s.Actor.Mbox = "ann@example.org" }, "mailto"},
		{"account home page not an IRL", func(s *Statement) { s.Actor.Account.HomePage = "drillroom" }, "homePage"},
		{"no verb", func(s *Statement) { s.Verb.ID = "" }, "verb.id: required"},
		{"verb not an IRI", func(s *Statement) { s.Verb.ID = "passed" }, "verb.id \"passed\""},
		{"display key not a language", func(s *Statement) { s.Verb.Display = map[string]string{"en_US!": "x"} }, "language tag"},
		{"no object", func(s *Statement) { s.Object.ID = "" }, "object.id: required"},
		{"object with a space", func(s *Statement) { s.Object.ID = "https://x.org/a drill" }, "object.id"},
		{"scaled above 1", func(s *Statement) { s.Result.Score.Scaled = f(1.2) }, "scaled 1.2"},
		{"scaled below -1", func(s *Statement) { s.Result.Score.Scaled = f(-1.01) }, "scaled -1.01"},
		{"raw above max", func(s *Statement) { s.Result.Score.Raw = f(101) }, "above max"},
		{"raw below min", func(s *Statement) { s.Result.Score.Raw = f(-1) }, "below min"},
		{"duration in minutes", func(s *Statement) { s.Result.Duration = "4m10s" }, "ISO 8601 duration"},
		{"duration with a bare T", func(s *Statement) { s.Result.Duration = "P1DT" }, "ISO 8601 duration"},
		{"extension key not an IRI", func(s *Statement) { s.Result.Extensions = map[string]any{"band": 1} }, "not an IRI"},
		{"registration not a UUID", func(s *Statement) { s.Context.Registration = "x" }, "registration"},
		{"timestamp without a zone", func(s *Statement) { s.Timestamp = "2026-03-01T09:00:00" }, "timestamp"},
		{"version 2", func(s *Statement) { s.Version = "2.0.0" }, "version"},
		{"voided with an activity", func(s *Statement) { s.Verb.ID = VerbVoided }, "must be a StatementRef"},
		{"statement ref without a UUID", func(s *Statement) { s.Object = Activity{ObjectType: "StatementRef", ID: "https://x.org/s/1"} }, "by its UUID"},
		{"statement ref with a definition", func(s *Statement) {
			s.Object = Activity{ObjectType: "StatementRef", ID: s.ID, Definition: &Definition{Name: map[string]string{"en": "x"}}}
		}, "has none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := validStatement()
			tc.edit(&s)
			err := Validate(s)
			if err == nil || !strings.Contains(err.Error(), tc.wants) {
				t.Errorf("got %v, want an error about %q", err, tc.wants)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "PT0S"},
		{-time.Second, "PT0S"},
		{250 * time.Second, "PT4M10S"},
		{time.Hour + 2*time.Minute + 3500*time.Millisecond, "PT1H2M3.5S"},
		{2 * time.Hour, "PT2H"},
		{1234 * time.Millisecond, "PT1.23S"},
	} {
		got := Duration(tc.d)
		if got != tc.want {
			t.Errorf("Duration(%s) = %q, want %q", tc.d, got, tc.want)
		}
		if !IsDuration(got) {
			t.Errorf("Duration(%s) = %q, which IsDuration refuses", tc.d, got)
		}
	}
	for _, s := range []string{"P", "PT", "P1DT", "4M", "PT4m", "P1W2D", ""} {
		if IsDuration(s) {
			t.Errorf("IsDuration(%q) = true, want false", s)
		}
	}
	for _, s := range []string{"P1Y2M3DT4H5M6.7S", "P2W", "PT0S", "P1D"} {
		if !IsDuration(s) {
			t.Errorf("IsDuration(%q) = false, want true", s)
		}
	}
}

// TestVoidingStatements: the statements that void a report are valid
// voiding statements (verb voided, a StatementRef to each id, by
// drillroom's own account), one per id, the same when built again, and
// another voiding report of the same statements has other ids.
func TestVoidingStatements(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	targets := []string{"6fa459ea-ee8a-5ca4-894e-db77e160355e", "6fa459ea-ee8a-5ca4-894e-db77e1603560"}
	vs, err := Voiding(Config{BaseIRI: "https://drillroom.example.org"}, "sess-1", 7, targets, "6fa459ea-ee8a-5ca4-894e-db77e1603561", at)
	if err != nil || len(vs) != 2 {
		t.Fatalf("Voiding: %d statements, %v; want 2", len(vs), err)
	}
	for i, v := range vs {
		if err := Validate(v); err != nil {
			t.Errorf("voiding statement %d: %v", i, err)
		}
		if v.Verb.ID != VerbVoided || v.Object.ObjectType != "StatementRef" || v.Object.ID != targets[i] || v.Object.Definition != nil ||
			v.Actor.Account == nil || v.Actor.Account.Name != "drillroom" || v.Timestamp != "2026-03-01T09:30:00Z" {
			t.Errorf("voiding statement %d: %+v, want voided, a StatementRef to %s, by drillroom, at 09:30", i, v, targets[i])
		}
	}
	again, _ := Voiding(Config{BaseIRI: "https://drillroom.example.org/"}, "sess-1", 7, targets, "6fa459ea-ee8a-5ca4-894e-db77e1603561", at)
	if again[0].ID != vs[0].ID || again[1].ID != vs[1].ID || vs[0].ID == vs[1].ID {
		t.Errorf("ids %s %s, again %s %s: want stable and distinct", vs[0].ID, vs[1].ID, again[0].ID, again[1].ID)
	}
	other, _ := Voiding(Config{BaseIRI: "https://drillroom.example.org"}, "sess-1", 8, targets, "6fa459ea-ee8a-5ca4-894e-db77e1603561", at)
	if other[0].ID == vs[0].ID {
		t.Error("another report's voiding statement has the same id")
	}
	if _, err := Voiding(Config{BaseIRI: "drillroom"}, "sess-1", 7, targets, "x", at); err == nil {
		t.Error("Voiding took a base IRI that is not absolute")
	}
}
