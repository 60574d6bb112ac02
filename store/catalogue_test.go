package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func TestScenarioVersions(t *testing.T) {
	s := openTest(t)
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
	tests := []struct {
		name string
		v    drillroom.ScenarioVersion
		want error
	}{
		{"same content again", v1, nil},
		{"same hash under another version number", func() drillroom.ScenarioVersion { v := v1; v.Version = 7; return v }(), nil},
		{"same version, other content", func() drillroom.ScenarioVersion { v := v1; v.Hash = "h1b"; return v }(), drillroom.ErrConflict},
		{"no hash", func() drillroom.ScenarioVersion { v := v1; v.Hash = ""; return v }(), drillroom.ErrInvalid},
		{"version 0", func() drillroom.ScenarioVersion { v := v1; v.Version = 0; return v }(), drillroom.ErrInvalid},
		{"no source", func() drillroom.ScenarioVersion { v := v1; v.Source = nil; return v }(), drillroom.ErrInvalid},
		{"version 2", func() drillroom.ScenarioVersion {
			v := v1
			v.Version, v.Hash, v.Title = 2, "h2", "Gas leak (revised)"
			return v
		}(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.PutScenarioVersion(ctx, tc.v)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
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
		t.Errorf("drillroom.ScenarioVersion: got %+v, want what was put", read)
	}
	if _, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: "outage", Version: 1, Hash: "o1", Source: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	latest, err := s.LatestScenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].ScenarioID != "gas-leak" || latest[0].Version != 2 || latest[1].ScenarioID != "outage" || latest[1].Tags == nil {
		t.Errorf("LatestScenarios: got %+v, want gas-leak v2 and outage v1 (with non-nil Tags)", latest)
	}
	if v, err := s.LatestScenarioVersion(ctx, "gas-leak"); err != nil || v.Version != 2 {
		t.Errorf("LatestScenarioVersion: got v%d, %v; want v2", v.Version, err)
	}
	if _, err := s.LatestScenarioVersion(ctx, "nope"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("LatestScenarioVersion(nope): got %v, want drillroom.ErrNotFound", err)
	}
}

func TestAssignments(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	f := newFixture(t, s, "ann")
	tests := []struct {
		name, scenario string
		mode           drillroom.Mode
		user           int64
		want           error
	}{
		{"assign", "gas-leak", drillroom.ModePractice, f.user.ID, nil},
		{"again is a no-op", "gas-leak", drillroom.ModePractice, f.user.ID, nil},
		{"same drill for assessment", "gas-leak", drillroom.ModeAssessment, f.user.ID, nil},
		{"unknown scenario", "nope", drillroom.ModePractice, f.user.ID, drillroom.ErrNotFound},
		{"unknown user", "gas-leak", drillroom.ModePractice, 9999, drillroom.ErrNotFound},
		{"bad mode", "gas-leak", "exam", f.user.ID, drillroom.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Assign(ctx, tc.user, tc.scenario, tc.mode)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			clock = clock.Add(time.Minute)
		})
	}
	as, err := s.Assignments(ctx, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Mode != drillroom.ModePractice || as[1].Mode != drillroom.ModeAssessment ||
		!as[0].AssignedAt.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Assignments: got %+v, want practice (first time kept, 09:00) then assessment", as)
	}
}

func TestSessions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	f := newFixture(t, s, "ann")
	bob, _ := s.CreateUser(ctx, "bob", "Bob", drillroom.RoleTrainee, "correct horse")

	if f.session.ID == "" || len(f.session.ID) != 22 || f.session.State != drillroom.StateLive || f.session.Hash != "sha256:aaaa" || f.session.Scale != 1 {
		t.Errorf("CreateSession: got %+v; want a 22-character id, live, the version's hash, scale 1", f.session)
	}
	tests := []struct {
		name string
		x    drillroom.Session
		want error
	}{
		{"unknown version", drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 2}, drillroom.ErrNotFound},
		{"unknown scenario", drillroom.Session{UserID: f.user.ID, ScenarioID: "nope", Version: 1}, drillroom.ErrNotFound},
		{"unknown user", drillroom.Session{UserID: 9999, ScenarioID: "gas-leak", Version: 1}, drillroom.ErrNotFound},
		{"hash of another version", drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 1, Hash: "other"}, drillroom.ErrConflict},
		{"bad mode", drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 1, Mode: "exam"}, drillroom.ErrInvalid},
		{"negative scale", drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 1, Scale: -1}, drillroom.ErrInvalid},
		{"assessment at double speed", drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 1, Hash: "sha256:aaaa", Mode: drillroom.ModeAssessment, Scale: 2}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateSession(ctx, tc.x)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	third, err := s.CreateSession(ctx, drillroom.Session{UserID: f.user.ID, ScenarioID: "gas-leak", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := s.CreateSession(ctx, drillroom.Session{UserID: bob.ID, ScenarioID: "gas-leak", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.SessionsForUser(ctx, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 3 || mine[0].ID != third.ID || mine[2].ID != f.session.ID {
		t.Errorf("SessionsForUser: got %d sessions, newest %v; want 3, newest %s, oldest %s", len(mine), mine, third.ID, f.session.ID)
	}
	if mine[1].Mode != drillroom.ModeAssessment || mine[1].Scale != 2 {
		t.Errorf("assessment session: got mode %s scale %v", mine[1].Mode, mine[1].Scale)
	}
	if _, err := s.Session(ctx, "nope"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Session(nope): got %v, want drillroom.ErrNotFound", err)
	}

	if err := s.EndSession(ctx, f.session.ID, "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, f.session.ID, "resolved"); err != nil {
		t.Errorf("EndSession again with the same ending: %v, want nil", err)
	}
	if err := s.EndSession(ctx, f.session.ID, "abandoned"); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("EndSession with another ending: got %v, want drillroom.ErrConflict", err)
	}
	if err := s.EndSession(ctx, "nope", "x"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("EndSession(nope): got %v, want drillroom.ErrNotFound", err)
	}
	ended, _ := s.Session(ctx, f.session.ID)
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
	if len(live) != 3 || live[2].ID != bobs.ID {
		t.Errorf("LiveSessions: got %v, want 3 live sessions ending with bob's %s", ids, bobs.ID)
	}
	for _, x := range live {
		if x.ID == f.session.ID {
			t.Errorf("LiveSessions includes the ended session %s", x.ID)
		}
	}
}

func TestScorecardsAndReviews(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s, "ann")
	id := f.session.ID
	if _, err := s.Scorecard(ctx, id); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Scorecard before scoring: got %v, want drillroom.ErrNotFound", err)
	}
	for _, tc := range []struct {
		name, session, rubric, body string
		want                        error
	}{
		{"first scoring", id, "r1", `{"total":60}`, nil},
		{"re-score with a new rubric", id, "r2", `{"total":75}`, nil},
		{"not JSON", id, "r2", `{"total":`, drillroom.ErrInvalid},
		{"unknown session", "nope", "r1", `{}`, drillroom.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.PutScorecard(ctx, tc.session, tc.rubric, []byte(tc.body))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if sc, err := s.Scorecard(ctx, id); err != nil || string(sc) != `{"total":75}` {
		t.Errorf("Scorecard: got %s, %v; want the re-score", sc, err)
	}

	if _, err := s.Review(ctx, id); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("drillroom.Review before writing: got %v, want drillroom.ErrNotFound", err)
	}
	if err := s.PutReview(ctx, id, "I classified too late."); err != nil {
		t.Fatal(err)
	}
	if err := s.PutReview(ctx, id, "I classified too late; next time ask about the smell first."); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Review(ctx, id); err != nil || r.Text != "I classified too late; next time ask about the smell first." {
		t.Errorf("drillroom.Review: got %+v, %v; want the replaced text", r, err)
	}
	if err := s.PutReview(ctx, "nope", "x"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("PutReview(unknown session): got %v, want drillroom.ErrNotFound", err)
	}
}
