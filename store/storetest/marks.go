package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testMarks: coaches' marks are appended with the store's time and the
// marking user's name, listed oldest first, never changed; bad marks and
// marks on unknown sessions or by unknown users are refused.
func testMarks(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	coach, err := s.CreateUser(ctx, "cora", "Cora Coach", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Marks(ctx, f.Session.ID); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Marks before any: got %#v, %v; want an empty slice", got, err)
	}
	good := drillroom.Mark{SessionID: f.Session.ID, RuleID: "review-quality", Kind: drillroom.MarkManual, Outcome: "partial",
		Points: 6, OldOutcome: "pending", Reason: "Named the lesson, not the delay.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}
	first, err := s.AddMark(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || !first.At.Equal(clock.Now()) || first.By != "Cora Coach" {
		t.Errorf("AddMark: got id %d at %v by %q; want an id, the store's time %v and the coach's name", first.ID, first.At, first.By, clock.Now())
	}
	clock.Advance(time.Minute)
	override := drillroom.Mark{SessionID: f.Session.ID, RuleID: "classify", Kind: drillroom.MarkOverride, Outcome: "pass", Points: 10,
		OldOutcome: "fail", OldPoints: 0, Reason: "The caller never said gas.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}
	if _, err := s.AddMark(ctx, override); err != nil {
		t.Fatal(err)
	}
	withdraw := drillroom.Mark{SessionID: f.Session.ID, RuleID: "classify", Kind: drillroom.MarkWithdraw, OldOutcome: "pass", OldPoints: 10,
		Reason: "Misread the transcript.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorTrainer}
	if _, err := s.AddMark(ctx, withdraw); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m *drillroom.Mark)
		want error
	}{
		{"no rule", func(m *drillroom.Mark) { m.RuleID = "" }, drillroom.ErrInvalid},
		{"unknown kind", func(m *drillroom.Mark) { m.Kind = "erase" }, drillroom.ErrInvalid},
		{"unknown outcome", func(m *drillroom.Mark) { m.Outcome = "pending" }, drillroom.ErrInvalid},
		{"a withdrawal with an outcome", func(m *drillroom.Mark) { m.Kind = drillroom.MarkWithdraw }, drillroom.ErrInvalid},
		{"negative points", func(m *drillroom.Mark) { m.Points = -1 }, drillroom.ErrInvalid},
		{"no reason", func(m *drillroom.Mark) { m.Reason = "  " }, drillroom.ErrInvalid},
		{"the trainee as actor", func(m *drillroom.Mark) { m.Actor = drillroom.ActorTrainee }, drillroom.ErrInvalid},
		{"unknown session", func(m *drillroom.Mark) { m.SessionID = "nope" }, drillroom.ErrNotFound},
		{"unknown user", func(m *drillroom.Mark) { m.ByID = 9999 }, drillroom.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good
			tc.edit(&m)
			if _, err := s.AddMark(ctx, m); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	got, err := s.Marks(ctx, f.Session.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Marks: got %d, want the 3 good ones", len(got))
	}
	want := []drillroom.Mark{good, override, withdraw}
	for i, m := range got {
		w := want[i]
		if m.RuleID != w.RuleID || m.Kind != w.Kind || m.Outcome != w.Outcome || m.Points != w.Points || m.OldOutcome != w.OldOutcome ||
			m.OldPoints != w.OldPoints || m.Reason != w.Reason || m.RubricHash != w.RubricHash || m.ByID != coach.ID ||
			m.By != "Cora Coach" || m.Actor != w.Actor || m.SessionID != f.Session.ID {
			t.Errorf("mark %d: got %+v, want %+v by Cora Coach", i, m, w)
		}
		if i > 0 && !(m.ID > got[i-1].ID) {
			t.Errorf("mark %d: id %d after %d, want oldest first", i, m.ID, got[i-1].ID)
		}
	}
	if !got[0].At.Equal(first.At) || !got[1].At.After(got[0].At) {
		t.Errorf("mark times %v, %v: want the store's clock", got[0].At, got[1].At)
	}
	other := NewFixture(t, s, "ben")
	if got, err := s.Marks(ctx, other.Session.ID); err != nil || len(got) != 0 {
		t.Errorf("Marks of another session: got %d, %v; want none", len(got), err)
	}
}
