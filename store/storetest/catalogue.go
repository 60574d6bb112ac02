package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func testScenarioVersions(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	v1 := drillroom.ScenarioVersion{ScenarioID: "gas-leak", Version: 1, Hash: "h1", Title: "Gas leak", Summary: "A smell of gas", Briefing: "A tenant is calling",
		Difficulty: "easy", DurationMs: 600000, Tags: []string{"safety", "utility"}, Source: []byte("id: gas-leak\n"), PolicySource: []byte("id: p\n")}
	got, err := s.PutScenarioVersion(ctx, v1)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt.IsZero() {
		t.Errorf("PutScenarioVersion: CreatedAt not set")
	}
	checkWrites(t, "", s.PutScenarioVersion, []writeCase[drillroom.ScenarioVersion]{
		{"same content again", v1, nil},
		{"same hash under another version number", func() drillroom.ScenarioVersion { v := v1; v.Version = 7; return v }(), nil},
		{"same version, other content", func() drillroom.ScenarioVersion { v := v1; v.Hash = "h1b"; return v }(), drillroom.ErrConflict},
		{"no id", func() drillroom.ScenarioVersion { v := v1; v.ScenarioID = ""; return v }(), drillroom.ErrInvalid},
		{"no hash", func() drillroom.ScenarioVersion { v := v1; v.Hash = ""; return v }(), drillroom.ErrInvalid},
		{"version 0", func() drillroom.ScenarioVersion { v := v1; v.Version = 0; return v }(), drillroom.ErrInvalid},
		{"no source", func() drillroom.ScenarioVersion { v := v1; v.Source = nil; return v }(), drillroom.ErrInvalid},
		{"version 2", func() drillroom.ScenarioVersion {
			v := v1
			v.Version, v.Hash, v.Title = 2, "h2", "Gas leak (revised)"
			return v
		}(), nil},
	})
	again, err := s.PutScenarioVersion(ctx, func() drillroom.ScenarioVersion { v := v1; v.Version = 7; return v }())
	if err != nil || again.Version != 1 || !again.CreatedAt.Equal(got.CreatedAt) {
		t.Errorf("re-put of stored content: got version %d (created %v), %v; want the stored version 1 (created %v)", again.Version, again.CreatedAt, err, got.CreatedAt)
	}
	if _, err := s.ScenarioVersion(ctx, "gas-leak", 7); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("ScenarioVersion(gas-leak, 7): got %v, want drillroom.ErrNotFound (idempotent put must not store a copy)", err)
	}
	read, err := s.ScenarioVersion(ctx, "gas-leak", 1)
	if err != nil {
		t.Fatal(err)
	}
	if read.Title != "Gas leak" || read.Summary != "A smell of gas" || read.Briefing != "A tenant is calling" || read.Difficulty != "easy" || read.DurationMs != 600000 ||
		len(read.Tags) != 2 || read.Tags[1] != "utility" || string(read.Source) != "id: gas-leak\n" || string(read.PolicySource) != "id: p\n" {
		t.Errorf("ScenarioVersion: got %+v, want what was put", read)
	}
	if _, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: "outage", Version: 1, Hash: "o1", Source: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	// A draft play's version is stored like any (sessions are pinned to
	// it) but is never listed as a published drill.
	draft := drillroom.DraftPlayID(3)
	if _, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: draft, Version: 1, Hash: "d1", Title: "Draft", Source: []byte("id: gas-leak\n")}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.ScenarioVersion(ctx, draft, 1); err != nil || v.Title != "Draft" {
		t.Errorf("ScenarioVersion(%s, 1): got %+v, %v; want the draft play's version", draft, v, err)
	}
	latest, err := s.LatestScenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].ScenarioID != "gas-leak" || latest[0].Version != 2 || latest[1].ScenarioID != "outage" || latest[1].Tags == nil {
		t.Errorf("LatestScenarios: got %+v, want gas-leak v2 and outage v1 (with non-nil Tags), and no draft play", latest)
	}
	if v, err := s.LatestScenarioVersion(ctx, "gas-leak"); err != nil || v.Version != 2 || v.Title != "Gas leak (revised)" {
		t.Errorf("LatestScenarioVersion: got v%d %q, %v; want v2", v.Version, v.Title, err)
	}
}

func testAssignments(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	start := clock.Now()
	f := NewFixture(t, s, "ann")
	if as, err := s.Assignments(ctx, f.User.ID); err != nil || len(as) != 0 {
		t.Errorf("Assignments before any: got %+v, %v; want none", as, err)
	}
	tests := []struct {
		name, scenario string
		mode           drillroom.Mode
		user           int64
		want           error
	}{
		{"assign", "gas-leak", drillroom.ModePractice, f.User.ID, nil},
		{"again is a no-op", "gas-leak", drillroom.ModePractice, f.User.ID, nil},
		{"same drill for assessment", "gas-leak", drillroom.ModeAssessment, f.User.ID, nil},
		{"unknown scenario", "nope", drillroom.ModePractice, f.User.ID, drillroom.ErrNotFound},
		{"unknown user", "gas-leak", drillroom.ModePractice, 9999, drillroom.ErrNotFound},
		{"bad mode", "gas-leak", "exam", f.User.ID, drillroom.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Assign(ctx, tc.user, tc.scenario, tc.mode)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			clock.Advance(time.Minute)
		})
	}
	as, err := s.Assignments(ctx, f.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Mode != drillroom.ModePractice || as[1].Mode != drillroom.ModeAssessment ||
		!as[0].AssignedAt.Equal(start) || !as[1].AssignedAt.Equal(start.Add(2*time.Minute)) {
		t.Errorf("Assignments: got %+v, want practice (first time kept, %v) then assessment", as, start)
	}
}

func testSessions(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	clock.SetStep(time.Second)
	f := NewFixture(t, s, "ann")
	bob := CreateUser(t, s, "bob", "Bob", drillroom.RoleTrainee)

	if f.Session.ID == "" || len(f.Session.ID) != 22 || f.Session.State != drillroom.StateLive || f.Session.Hash != "sha256:aaaa" ||
		f.Session.Scale != 1 || f.Session.LastSeq != 0 || f.Session.Seed != 42 || f.Session.CreatedAt.IsZero() {
		t.Errorf("CreateSession: got %+v; want a 22-character id, live, the version's hash, scale 1, seed 42, no events", f.Session)
	}
	if got, err := s.Session(ctx, f.Session.ID); err != nil || got != f.Session {
		t.Errorf("Session: got %+v, %v; want what CreateSession returned, %+v", got, err, f.Session)
	}
	checkWrites(t, "", s.CreateSession, []writeCase[drillroom.Session]{
		{"unknown version", drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 2}, drillroom.ErrNotFound},
		{"unknown scenario", drillroom.Session{UserID: f.User.ID, ScenarioID: "nope", Version: 1}, drillroom.ErrNotFound},
		{"unknown user", drillroom.Session{UserID: 9999, ScenarioID: "gas-leak", Version: 1}, drillroom.ErrNotFound},
		{"hash of another version", drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Hash: "other"}, drillroom.ErrConflict},
		{"bad mode", drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Mode: "exam"}, drillroom.ErrInvalid},
		{"negative scale", drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Scale: -1}, drillroom.ErrInvalid},
		{"assessment at double speed", drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Hash: "sha256:aaaa", Mode: drillroom.ModeAssessment, Scale: 2}, nil},
	})
	third, err := s.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := s.CreateSession(ctx, drillroom.Session{UserID: bob.ID, ScenarioID: "gas-leak", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.SessionsForUser(ctx, f.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 3 || mine[0].ID != third.ID || mine[2].ID != f.Session.ID {
		t.Errorf("SessionsForUser: got %d sessions, newest %v; want 3, newest %s, oldest %s", len(mine), mine, third.ID, f.Session.ID)
	}
	if len(mine) == 3 && (mine[1].Mode != drillroom.ModeAssessment || mine[1].Scale != 2) {
		t.Errorf("assessment session: got mode %s scale %v", mine[1].Mode, mine[1].Scale)
	}
	if none, err := s.SessionsForUser(ctx, 9999); err != nil || len(none) != 0 {
		t.Errorf("SessionsForUser(unknown user): got %v, %v; want none", none, err)
	}

	if err := s.EndSession(ctx, f.Session.ID, "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, f.Session.ID, "resolved"); err != nil {
		t.Errorf("EndSession again with the same ending: %v, want nil", err)
	}
	if err := s.EndSession(ctx, f.Session.ID, "abandoned"); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("EndSession with another ending: got %v, want drillroom.ErrConflict", err)
	}
	ended, _ := s.Session(ctx, f.Session.ID)
	if ended.State != drillroom.StateEnded || ended.Ending != "resolved" || !ended.UpdatedAt.After(ended.CreatedAt) {
		t.Errorf("ended session: got %+v", ended)
	}
	live, err := s.LiveSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range live {
		ids = append(ids, x.ID)
	}
	// Oldest first: the assessment, then third, then bob's.
	if len(live) != 3 || live[0].Mode != drillroom.ModeAssessment || live[1].ID != third.ID || live[2].ID != bobs.ID {
		t.Errorf("LiveSessions: got %v, want the assessment, %s, then bob's %s", ids, third.ID, bobs.ID)
	}
	for _, x := range live {
		if x.ID == f.Session.ID {
			t.Errorf("LiveSessions includes the ended session %s", x.ID)
		}
	}
}
