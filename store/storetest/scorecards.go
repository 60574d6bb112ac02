package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/drillroom/drillroom"
)

func testScorecardsAndReviews(t *testing.T, open func(t *testing.T) (Store, *Clock)) {
	s, _ := open(t)
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
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
			err := s.PutScorecard(ctx, tc.session, tc.rubric, []byte(tc.body), nil)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if sc, err := s.Scorecard(ctx, id); err != nil || string(sc) != `{"total":75}` {
		t.Errorf("Scorecard: got %s, %v; want the re-score", sc, err)
	}

	if err := s.PutReview(ctx, id, "I classified too late."); err != nil {
		t.Fatal(err)
	}
	first, err := s.Review(ctx, id)
	if err != nil || first.Text != "I classified too late." || first.SessionID != id || first.CreatedAt.IsZero() {
		t.Errorf("Review: got %+v, %v; want the text written", first, err)
	}
	if err := s.PutReview(ctx, id, "I classified too late; next time ask about the smell first."); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Review(ctx, id); err != nil || r.Text != "I classified too late; next time ask about the smell first." || !r.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("Review: got %+v, %v; want the replaced text, created as first written (%v)", r, err, first.CreatedAt)
	}
}

// testEndedSession: the post-incident review and the scoring come after
// the call ends, so an ended session still takes appends, scorecards and
// the review.
func testEndedSession(t *testing.T, open func(t *testing.T) (Store, *Clock)) {
	s, _ := open(t)
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1"}, Events(1, 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, id, "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "review-1", Result: []byte(`{"ok":true}`)}, Events(3, 1)); err != nil {
		t.Errorf("append the review event to an ended session: %v", err)
	}
	AssertLog(t, s, id, 3)
	if err := s.PutReview(ctx, id, "Asked about the smell too late."); err != nil {
		t.Errorf("PutReview on an ended session: %v", err)
	}
	if err := s.PutScorecard(ctx, id, "r1", []byte(`{"total":50}`), []drillroom.RuleOutcome{{RuleID: "classify", Outcome: "pass", Points: 10, MaxPoints: 10}}); err != nil {
		t.Errorf("PutScorecard on an ended session: %v", err)
	}
	x, err := s.Session(ctx, id)
	if err != nil || x.State != drillroom.StateEnded || x.Ending != "resolved" || x.LastSeq != 3 {
		t.Errorf("session after the review: got %+v, %v; want still ended (resolved) with LastSeq 3", x, err)
	}
}

// testNotFound: every getter and every write naming something absent says
// drillroom.ErrNotFound, on an empty store and beside stored data.
func testNotFound(t *testing.T, open func(t *testing.T) (Store, *Clock)) {
	s, _ := open(t)
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"UserByID", func() error { _, err := s.UserByID(ctx, 9999); return err }},
		{"UserByUsername", func() error { _, err := s.UserByUsername(ctx, "nobody"); return err }},
		{"ScenarioVersion unknown scenario", func() error { _, err := s.ScenarioVersion(ctx, "nope", 1); return err }},
		{"ScenarioVersion unknown version", func() error { _, err := s.ScenarioVersion(ctx, "gas-leak", 2); return err }},
		{"LatestScenarioVersion", func() error { _, err := s.LatestScenarioVersion(ctx, "nope"); return err }},
		{"Session", func() error { _, err := s.Session(ctx, "nope"); return err }},
		{"Events", func() error { _, err := s.Events(ctx, "nope", 0); return err }},
		{"CommandResult unknown session", func() error { _, err := s.CommandResult(ctx, "nope", "c1"); return err }},
		{"CommandResult unknown command", func() error { _, err := s.CommandResult(ctx, id, "c9"); return err }},
		{"Scorecard before scoring", func() error { _, err := s.Scorecard(ctx, id); return err }},
		{"Scorecard unknown session", func() error { _, err := s.Scorecard(ctx, "nope"); return err }},
		{"Review before writing", func() error { _, err := s.Review(ctx, id); return err }},
		{"Review unknown session", func() error { _, err := s.Review(ctx, "nope"); return err }},
		{"SetPassword", func() error { return s.SetPassword(ctx, 9999, "long enough", false) }},
		{"CreateLogin", func() error { _, err := s.CreateLogin(ctx, 9999, 1e9); return err }},
		{"Assign unknown user", func() error { return s.Assign(ctx, 9999, "gas-leak", drillroom.ModePractice) }},
		{"Assign unknown scenario", func() error { return s.Assign(ctx, f.User.ID, "nope", drillroom.ModePractice) }},
		{"CreateSession", func() error {
			_, err := s.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "nope", Version: 1})
			return err
		}},
		{"EndSession", func() error { return s.EndSession(ctx, "nope", "x") }},
		{"AppendEvents", func() error { return s.AppendEvents(ctx, "nope", drillroom.Command{ID: "c1"}, Events(1, 1)) }},
		{"AppendEvents command only", func() error { return s.AppendEvents(ctx, "nope", drillroom.Command{ID: "c1"}, nil) }},
		{"PutScorecard", func() error { return s.PutScorecard(ctx, "nope", "r1", []byte(`{}`), nil) }},
		{"PutReview", func() error { return s.PutReview(ctx, "nope", "x") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, drillroom.ErrNotFound) {
				t.Errorf("got %v, want drillroom.ErrNotFound", err)
			}
		})
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testClose: a closed store refuses writes as unavailable (the service is
// shutting down) rather than losing them, and closing twice is harmless.
func testClose(t *testing.T, open func(t *testing.T) (Store, *Clock)) {
	s, _ := open(t)
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, Events(1, 1)); !errors.Is(err, drillroom.ErrUnavailable) {
		t.Errorf("AppendEvents after Close: got %v, want drillroom.ErrUnavailable", err)
	}
	if _, err := s.CreateUser(ctx, "bob", "Bob", drillroom.RoleTrainee, "correct horse"); !errors.Is(err, drillroom.ErrUnavailable) {
		t.Errorf("CreateUser after Close: got %v, want drillroom.ErrUnavailable", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Errorf("Ping after Close: got nil, want an error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}
