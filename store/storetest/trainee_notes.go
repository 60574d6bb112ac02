package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testTraineeNotes: notes on a trainee as a whole, tied to no session,
// are kept with their author and time, read back per trainee, acknowledged
// once and (an action) done once; bad notes, other trainees' notes and
// unknown users are refused.
func testTraineeNotes(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann Trainee", drillroom.RoleTrainee)
	ben := CreateUser(t, s, "ben", "Ben Trainee", drillroom.RoleTrainee)
	coach := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	if ns, err := s.TraineeNotes(ctx, ann.ID); ns == nil || len(ns) != 0 || err != nil {
		t.Fatalf("TraineeNotes before any: %v, %v; want an empty slice", ns, err)
	}
	note := func(trainee int64, kind drillroom.NoteKind, text string) drillroom.TraineeNote {
		n := drillroom.TraineeNote{TraineeID: trainee, Note: drillroom.Note{Kind: kind, Text: text, ByID: coach.ID, Actor: drillroom.ActorCoach}}
		if kind == drillroom.NoteAction {
			n.Due = clock.Now().Add(72 * time.Hour)
		}
		return n
	}
	strength, err := s.AddTraineeNote(ctx, note(ann.ID, drillroom.NoteStrength, "Calm with angry callers."))
	if err != nil || strength.ID == 0 || strength.By != "Cora Coach" || !strength.At.Equal(clock.Now()) {
		t.Fatalf("AddTraineeNote: %+v, %v; want an id, the author's name and the store's time", strength, err)
	}
	action, err := s.AddTraineeNote(ctx, note(ann.ID, drillroom.NoteAction, "Practise the address read-back."))
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := s.AddTraineeNote(ctx, note(ben.ID, drillroom.NoteAction, "Slow down."))
	if err != nil {
		t.Fatal(err)
	}
	withSession := note(ann.ID, drillroom.NoteStrength, "x")
	withSession.SessionID = "s1"
	checkWrites(t, "AddTraineeNote, ", s.AddTraineeNote, []writeCase[drillroom.TraineeNote]{
		{"no kind", note(ann.ID, "", "x"), drillroom.ErrInvalid},
		{"no text", note(ann.ID, drillroom.NoteStrength, "  "), drillroom.ErrInvalid},
		{"an action without a due date", drillroom.TraineeNote{TraineeID: ann.ID, Note: drillroom.Note{Kind: drillroom.NoteAction, Text: "x", ByID: coach.ID, Actor: drillroom.ActorCoach}}, drillroom.ErrInvalid},
		{"a trainee as author", drillroom.TraineeNote{TraineeID: ann.ID, Note: drillroom.Note{Kind: drillroom.NoteStrength, Text: "x", ByID: ann.ID, Actor: drillroom.ActorTrainee}}, drillroom.ErrInvalid},
		{"a session", withSession, drillroom.ErrInvalid},
		{"an unknown trainee", note(99999, drillroom.NoteStrength, "x"), drillroom.ErrNotFound},
	})

	clock.Advance(time.Hour)
	if err := s.AckTraineeNote(ctx, ann.ID, strength.ID, ann.ID); err != nil {
		t.Fatalf("AckTraineeNote: %v", err)
	}
	acked := clock.Now()
	clock.Advance(time.Minute)
	if err := s.AckTraineeNote(ctx, ann.ID, strength.ID, ann.ID); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("AckTraineeNote twice: %v, want a conflict", err)
	}
	if err := s.AckTraineeNote(ctx, ann.ID, elsewhere.ID, ann.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("AckTraineeNote of another trainee's note: %v, want not found", err)
	}
	d, err := s.CompleteTraineeAction(ctx, ann.ID, drillroom.ActionDone{NoteID: action.ID, Text: "Did it in three drills.", ByID: ann.ID, Actor: drillroom.ActorTrainee})
	if err != nil || d.By != "Ann Trainee" || !d.At.Equal(clock.Now()) {
		t.Fatalf("CompleteTraineeAction: %+v, %v; want the trainee's name and the store's time", d, err)
	}
	for _, tc := range []struct {
		name string
		id   int64
		d    drillroom.ActionDone
		want error
	}{
		{"done twice", ann.ID, drillroom.ActionDone{NoteID: action.ID, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrConflict},
		{"a strength", ann.ID, drillroom.ActionDone{NoteID: strength.ID, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrInvalid},
		{"another trainee's action", ann.ID, drillroom.ActionDone{NoteID: elsewhere.ID, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"an unknown author", ben.ID, drillroom.ActionDone{NoteID: elsewhere.ID, ByID: 99999, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"no actor", ben.ID, drillroom.ActionDone{NoteID: elsewhere.ID, ByID: coach.ID}, drillroom.ErrInvalid},
	} {
		if _, err := s.CompleteTraineeAction(ctx, tc.id, tc.d); !errors.Is(err, tc.want) {
			t.Errorf("CompleteTraineeAction, %s: %v, want %v", tc.name, err, tc.want)
		}
	}

	ns, err := s.TraineeNotes(ctx, ann.ID)
	if err != nil || len(ns) != 2 {
		t.Fatalf("TraineeNotes: %+v, %v; want Ann's two notes", ns, err)
	}
	if n := ns[0]; n.ID != strength.ID || n.Text != "Calm with angry callers." || n.By != "Cora Coach" || n.Actor != drillroom.ActorCoach ||
		n.AckBy != "Ann Trainee" || n.AckByID != ann.ID || !n.AckAt.Equal(acked) || n.Done != nil || !n.Due.IsZero() || n.SessionID != "" {
		t.Errorf("the strength: %+v; want it acknowledged by Ann, no due date, not done", n)
	}
	if n := ns[1]; n.ID != action.ID || !n.Due.Equal(action.Due) || !n.AckAt.IsZero() || n.Done == nil ||
		n.Done.By != "Ann Trainee" || n.Done.Actor != drillroom.ActorTrainee || n.Done.Text != "Did it in three drills." || !n.Done.At.Equal(clock.Now()) {
		t.Errorf("the action: %+v (done %+v); want it done by Ann, not acknowledged", n, n.Done)
	}
	if ns, err := s.TraineeNotes(ctx, ben.ID); err != nil || len(ns) != 1 || ns[0].ID != elsewhere.ID || ns[0].Done != nil {
		t.Errorf("TraineeNotes of Ben: %+v, %v; want his open action only", ns, err)
	}
}
