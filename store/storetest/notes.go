package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testNotesAndResponses: coaching notes and the feedback thread are
// appended with the store's time and the author's name, listed oldest
// first; bad entries and entries on unknown sessions are refused.
func testNotesAndResponses(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	coach, err := s.CreateUser(ctx, "cora", "Cora Coach", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() (int, error){
		func() (int, error) { ns, err := s.Notes(ctx, id); return len(ns), nilSlice(ns == nil, err) },
		func() (int, error) { rs, err := s.Responses(ctx, id); return len(rs), nilSlice(rs == nil, err) },
	} {
		if n, err := get(); n != 0 || err != nil {
			t.Errorf("before any: %d, %v; want an empty slice", n, err)
		}
	}
	due := time.Date(2026, 3, 8, 17, 0, 0, 0, time.UTC)
	strength := drillroom.Note{SessionID: id, Kind: drillroom.NoteStrength, Text: "Safety advice in the first 20 seconds.", Seq: 3, ByID: coach.ID, Actor: drillroom.ActorCoach}
	action := drillroom.Note{SessionID: id, Kind: drillroom.NoteAction, Text: "Practise the update script.", Due: due, ByID: coach.ID, Actor: drillroom.ActorTrainer}
	n1, err := s.AddNote(ctx, strength)
	if err != nil || n1.ID == 0 || n1.By != "Cora Coach" || !n1.At.Equal(clock.Now()) {
		t.Fatalf("AddNote: %+v, %v; want an id, the author's name and the store's time", n1, err)
	}
	clock.Advance(time.Minute)
	if _, err := s.AddNote(ctx, action); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(n *drillroom.Note)
		want error
	}{
		{"unknown kind", func(n *drillroom.Note) { n.Kind = "praise" }, drillroom.ErrInvalid},
		{"no text", func(n *drillroom.Note) { n.Text = " " }, drillroom.ErrInvalid},
		{"an action without a due date", func(n *drillroom.Note) { n.Kind = drillroom.NoteAction }, drillroom.ErrInvalid},
		{"a due date on a strength", func(n *drillroom.Note) { n.Due = due }, drillroom.ErrInvalid},
		{"the trainee as author", func(n *drillroom.Note) { n.Actor = drillroom.ActorTrainee }, drillroom.ErrInvalid},
		{"a negative event", func(n *drillroom.Note) { n.Seq = -1 }, drillroom.ErrInvalid},
		{"unknown session", func(n *drillroom.Note) { n.SessionID = "nope" }, drillroom.ErrNotFound},
		{"unknown author", func(n *drillroom.Note) { n.ByID = 9999 }, drillroom.ErrNotFound},
	} {
		t.Run("note: "+tc.name, func(t *testing.T) {
			n := strength
			tc.edit(&n)
			if _, err := s.AddNote(ctx, n); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	notes, err := s.Notes(ctx, id)
	if err != nil || len(notes) != 2 {
		t.Fatalf("Notes: %d, %v; want 2", len(notes), err)
	}
	if n := notes[1]; n.Kind != drillroom.NoteAction || n.Text != action.Text || !n.Due.Equal(due) || n.Actor != drillroom.ActorTrainer || n.By != "Cora Coach" || !notes[0].Due.IsZero() || notes[0].Seq != 3 || n.Seq != 0 {
		t.Errorf("Notes: got %+v; want the action with its due date after the strength without one", notes)
	}

	ack := drillroom.Response{SessionID: id, Kind: drillroom.ResponseAck, ByID: f.User.ID, Actor: drillroom.ActorTrainee}
	dispute := drillroom.Response{SessionID: id, Kind: drillroom.ResponseDispute, RuleID: "longest-silence", Text: "I was on hold with the engineer.", ByID: f.User.ID, Actor: drillroom.ActorTrainee}
	if _, err := s.AddResponse(ctx, ack); err != nil {
		t.Fatal(err)
	}
	d, err := s.AddResponse(ctx, dispute)
	if err != nil || d.By != "Test ann" {
		t.Fatalf("dispute: %+v, %v", d, err)
	}
	resolve := drillroom.Response{SessionID: id, Kind: drillroom.ResponseResolve, Ref: d.ID, Text: "Agreed; override withdrawn.", ByID: coach.ID, Actor: drillroom.ActorCoach}
	if _, err := s.AddResponse(ctx, resolve); err != nil {
		t.Fatal(err)
	}
	other := NewFixture(t, s, "ben")
	for _, tc := range []struct {
		name string
		r    drillroom.Response
		want error
	}{
		{"unknown kind", drillroom.Response{SessionID: id, Kind: "like", ByID: f.User.ID, Actor: drillroom.ActorTrainee}, drillroom.ErrInvalid},
		{"a dispute without text", func() drillroom.Response { r := dispute; r.Text = ""; return r }(), drillroom.ErrInvalid},
		{"a dispute by a coach", func() drillroom.Response { r := dispute; r.Actor = drillroom.ActorCoach; return r }(), drillroom.ErrInvalid},
		{"a resolution by the trainee", func() drillroom.Response { r := resolve; r.Actor = drillroom.ActorTrainee; return r }(), drillroom.ErrInvalid},
		{"a resolution of nothing", func() drillroom.Response { r := resolve; r.Ref = 0; return r }(), drillroom.ErrInvalid},
		{"a resolution of an acknowledgement", func() drillroom.Response { r := resolve; r.Ref = d.ID - 1; return r }(), drillroom.ErrInvalid},
		{"a resolution of another session's dispute", func() drillroom.Response { r := resolve; r.SessionID = other.Session.ID; return r }(), drillroom.ErrInvalid},
		{"unknown session", func() drillroom.Response { r := ack; r.SessionID = "nope"; return r }(), drillroom.ErrNotFound},
	} {
		t.Run("response: "+tc.name, func(t *testing.T) {
			if _, err := s.AddResponse(ctx, tc.r); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	rs, err := s.Responses(ctx, id)
	if err != nil || len(rs) != 3 {
		t.Fatalf("Responses: %d, %v; want 3", len(rs), err)
	}
	if rs[0].Kind != drillroom.ResponseAck || rs[1].RuleID != "longest-silence" || rs[1].Text != dispute.Text || rs[2].Ref != d.ID || rs[2].By != "Cora Coach" || rs[2].Actor != drillroom.ActorCoach {
		t.Errorf("Responses: got %+v; want the acknowledgement, the dispute and its resolution", rs)
	}
}

func nilSlice(isNil bool, err error) error {
	if err == nil && isNil {
		return errors.New("a nil slice")
	}
	return err
}
