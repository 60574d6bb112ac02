package training_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// TestTraineeNotes: a coach of the trainee's cohort (or an administrator)
// writes notes on the trainee as a whole, tied to no session; the trainee
// reads them in her history, acknowledges each once and marks an agreed
// action done; coaches of another cohort find no such trainee, trainees
// cannot write, and every write is audited under its writer's name.
func TestTraineeNotes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	due := time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)
	strength, err := f.svc.AddTraineeNote(ctx, f.carol, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "  Calm with angry callers. ", Due: due})
	if err != nil || strength.Text != "Calm with angry callers." || !strength.Due.IsZero() || strength.Actor != drillroom.ActorCoach || strength.By != "carol" {
		t.Fatalf("carol's strength on ann: %+v, %v; want it trimmed, with no due date, by carol as coach", strength, err)
	}
	action, err := f.svc.AddTraineeNote(ctx, f.ada, f.ann.ID, training.NoteInput{Kind: drillroom.NoteAction, Text: "Practise the address read-back.", Due: due})
	if err != nil || !action.Due.Equal(due) {
		t.Fatalf("ada's action on ann: %+v, %v", action, err)
	}
	for _, tc := range []struct {
		name string
		user drillroom.User
		id   int64
		in   training.NoteInput
		want drillroom.Code
	}{
		{"a trainer of another cohort", f.vic, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x"}, drillroom.CodeNotFound},
		{"another trainee", f.bob, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x"}, drillroom.CodeNotFound},
		{"the trainee herself", f.ann, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x"}, drillroom.CodeForbidden},
		{"a note on a coach", f.ada, f.carol.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x"}, drillroom.CodeNotFound},
		{"no kind", f.carol, f.ann.ID, training.NoteInput{Text: "x"}, drillroom.CodeInvalid},
		{"no text", f.carol, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: " "}, drillroom.CodeInvalid},
		{"too long", f.carol, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: strings.Repeat("a", training.MaxNoteRunes+1)}, drillroom.CodeInvalid},
		{"an action with no due date", f.carol, f.ann.ID, training.NoteInput{Kind: drillroom.NoteAction, Text: "x"}, drillroom.CodeInvalid},
		{"a moment of a call", f.carol, f.ann.ID, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x", Seq: 3}, drillroom.CodeInvalid},
	} {
		_, err := f.svc.AddTraineeNote(ctx, tc.user, tc.id, tc.in)
		wantCode(t, tc.name, err, tc.want)
	}

	own, err := f.svc.History(ctx, f.ann)
	if err != nil || len(own.TraineeNotes) != 2 || own.TraineeNotes[0].ID != action.ID || own.TraineeNotes[1].ID != strength.ID {
		t.Fatalf("ann's history: %+v, %v; want both notes on her, newest first", own, err)
	}
	if h, err := f.svc.TraineeHistory(ctx, f.bob, f.bob.ID); err != nil || len(h.TraineeNotes) != 0 {
		t.Errorf("bob's history: %+v, %v; want no notes of ann's", h, err)
	}

	wantCode(t, "carol acknowledges for ann", f.svc.AckTraineeNote(ctx, f.carol, f.ann.ID, strength.ID), drillroom.CodeForbidden)
	wantCode(t, "bob acknowledges ann's note", f.svc.AckTraineeNote(ctx, f.bob, f.ann.ID, strength.ID), drillroom.CodeNotFound)
	if err := f.svc.AckTraineeNote(ctx, f.ann, f.ann.ID, strength.ID); err != nil {
		t.Fatalf("ann acknowledges: %v", err)
	}
	wantCode(t, "acknowledged twice", f.svc.AckTraineeNote(ctx, f.ann, f.ann.ID, strength.ID), drillroom.CodeConflict)

	_, err = f.svc.CompleteTraineeAction(ctx, f.vic, f.ann.ID, action.ID, "")
	wantCode(t, "a trainer of another cohort marks ann's action done", err, drillroom.CodeNotFound)
	_, err = f.svc.CompleteTraineeAction(ctx, f.ann, f.ann.ID, strength.ID, "")
	wantCode(t, "a strength marked done", err, drillroom.CodeInvalid)
	_, err = f.svc.CompleteTraineeAction(ctx, f.ann, f.ann.ID, action.ID, strings.Repeat("a", training.MaxReasonRunes+1))
	wantCode(t, "too long a word on what was done", err, drillroom.CodeInvalid)
	d, err := f.svc.CompleteTraineeAction(ctx, f.ann, f.ann.ID, action.ID, "Read it back in every drill this week.")
	if err != nil || d.Actor != drillroom.ActorTrainee || d.By != "ann" {
		t.Fatalf("ann marks her action done: %+v, %v", d, err)
	}
	_, err = f.svc.CompleteTraineeAction(ctx, f.carol, f.ann.ID, action.ID, "")
	wantCode(t, "the action done twice", err, drillroom.CodeConflict)

	h, err := f.svc.TraineeHistory(ctx, f.trent, f.ann.ID)
	if err != nil || len(h.TraineeNotes) != 2 {
		t.Fatalf("trent's view of ann: %+v, %v", h, err)
	}
	if a, s := h.TraineeNotes[0], h.TraineeNotes[1]; a.Done == nil || a.Done.Text != "Read it back in every drill this week." || s.AckBy != "ann" || s.AckAt.IsZero() || !a.AckAt.IsZero() {
		t.Errorf("trent's view: action %+v (done %+v), strength %+v; want the action done by ann and the strength acknowledged", a, a.Done, s)
	}
	for action, actor := range map[string]string{drillroom.AuditTraineeNote: "carol", drillroom.AuditTraineeNoteAck: "ann", drillroom.AuditTraineeActionDone: "ann"} {
		entries, err := f.st.Audit(ctx, drillroom.AuditFilter{Action: action})
		if err != nil || len(entries) == 0 || entries[len(entries)-1].Actor != actor && entries[0].Actor != actor || entries[0].Target != "user ann" {
			t.Errorf("audit %s: %+v, %v; want %s's entry on ann", action, entries, err, actor)
		}
	}
	if entries, _ := f.st.Audit(ctx, drillroom.AuditFilter{Action: drillroom.AuditTraineeNote}); len(entries) != 2 {
		t.Errorf("audit of notes: %d entries, want 2 (carol's and ada's, none for the refusals)", len(entries))
	}
}
