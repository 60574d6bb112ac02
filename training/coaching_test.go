package training_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

func TestCoachingNotesAndDisputes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.play(t, f.ann, drillroom.ModePractice, nil)
	// Take it out of the queue first: score the manual rule.
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Good lessons."}); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		user drillroom.User
		in   training.NoteInput
		code drillroom.Code
	}{
		{"the trainee writes a note", f.ann, training.NoteInput{Kind: drillroom.NoteStrength, Text: "I was great"}, drillroom.CodeForbidden},
		{"a trainer of another cohort", f.vic, training.NoteInput{Kind: drillroom.NoteStrength, Text: "x"}, drillroom.CodeNotFound},
		{"an unknown kind", f.carol, training.NoteInput{Kind: "praise", Text: "x"}, drillroom.CodeInvalid},
		{"no text", f.carol, training.NoteInput{Kind: drillroom.NoteStrength, Text: " "}, drillroom.CodeInvalid},
		{"an action without a due date", f.carol, training.NoteInput{Kind: drillroom.NoteAction, Text: "Practise updates."}, drillroom.CodeInvalid},
		{"a moment after the call", f.carol, training.NoteInput{Kind: drillroom.NoteDevelopment, Text: "x", Seq: x.LastSeq + 1}, drillroom.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.AddNote(ctx, tc.user, x, tc.in)
			wantCode(t, tc.name, err, tc.code)
		})
	}
	n, err := f.svc.AddNote(ctx, f.carol, x, training.NoteInput{Kind: drillroom.NoteAction, Text: "Practise the two-minute update.", Due: due})
	if err != nil || n.Actor != drillroom.ActorCoach || n.By != "carol" || !n.Due.Equal(due) {
		t.Fatalf("carol's action: %+v, %v", n, err)
	}
	if n, err := f.svc.AddNote(ctx, f.carol, x, training.NoteInput{Kind: drillroom.NoteStrength, Text: "Calm voice.", Due: due, Seq: 2}); err != nil || !n.Due.IsZero() || n.Seq != 2 {
		t.Fatalf("a strength pinned to event 2: %+v, %v; want the due date dropped, the moment kept", n, err)
	}

	_, err = f.svc.Acknowledge(ctx, f.ann, x)
	wantCode(t, "the trainee acknowledges before a release", err, drillroom.CodeConflict)
	if _, err := f.svc.ReleaseReview(ctx, f.carol, x); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Acknowledge(ctx, f.carol, x)
	wantCode(t, "the coach acknowledges", err, drillroom.CodeForbidden)
	if _, err := f.svc.Acknowledge(ctx, f.ann, x); err != nil {
		t.Fatal(err)
	}
	marks, _ := f.st.Marks(ctx, x.ID)
	c, err := f.svc.Coaching(ctx, x, marks)
	if err != nil || len(c.Notes) != 2 || c.Acknowledged.IsZero() || len(c.Open) != 0 {
		t.Fatalf("coaching: %+v, %v; want 2 notes, acknowledged, nothing open", c, err)
	}

	_, err = f.svc.Dispute(ctx, f.carol, x, "", "x")
	wantCode(t, "the coach disputes", err, drillroom.CodeForbidden)
	_, err = f.svc.Dispute(ctx, f.ann, x, "nope", "x")
	wantCode(t, "a dispute of an unknown rule", err, drillroom.CodeInvalid)
	_, err = f.svc.Dispute(ctx, f.ann, x, "review-quality", " ")
	wantCode(t, "a dispute without a comment", err, drillroom.CodeInvalid)
	d, err := f.svc.Dispute(ctx, f.ann, x, "longest-silence", "I had the caller on hold with the engineer's ETA.")
	if err != nil || d.Actor != drillroom.ActorTrainee {
		t.Fatalf("ann disputes: %+v, %v", d, err)
	}
	q, err := f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{})
	if err != nil || len(q.Items) != 1 || !slices.Equal(q.Items[0].Reasons, []string{training.ReasonDispute}) {
		t.Fatalf("queue with the dispute: %+v, %v; want the session, for the dispute", q, err)
	}

	_, err = f.svc.Resolve(ctx, f.ann, x, d.ID, "resolved by me")
	wantCode(t, "the trainee resolves her own dispute", err, drillroom.CodeForbidden)
	_, err = f.svc.Resolve(ctx, f.carol, x, d.ID, "")
	wantCode(t, "a resolution without an answer", err, drillroom.CodeInvalid)
	_, err = f.svc.Resolve(ctx, f.carol, x, d.ID+100, "x")
	wantCode(t, "a resolution of no dispute", err, drillroom.CodeConflict)
	if _, err := f.svc.Resolve(ctx, f.carol, x, d.ID, "Agreed: the hold was announced; the rule stands but I noted it."); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Resolve(ctx, f.carol, x, d.ID, "again")
	wantCode(t, "resolving twice", err, drillroom.CodeConflict)
	if q, _ := f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{}); len(q.Items) != 0 {
		t.Errorf("queue after the resolution: %d items, want none", len(q.Items))
	}

	// A new mark after the acknowledgement asks for a new one.
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "handover", Outcome: "na", Reason: "Engineer on site."}); err != nil {
		t.Fatal(err)
	}
	marks, _ = f.st.Marks(ctx, x.ID)
	if c, _ := f.svc.Coaching(ctx, x, marks); !c.Acknowledged.IsZero() || len(c.Thread) != 3 {
		t.Errorf("after a new mark: acknowledged %v, thread %d; want not acknowledged, 3 entries", c.Acknowledged, len(c.Thread))
	}

	// Every step is in the audit log too, with who did it.
	entries, err := f.st.Audit(ctx, drillroom.AuditFilter{Action: "review."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		if e.Target != "session "+x.ID {
			t.Errorf("audit entry %+v: target %q, want the session", e, e.Target)
		}
		got = append(got, e.Action+" "+e.Actor)
	}
	want := []string{"review.mark carol", "review.note carol", "review.note carol", "review.publish carol", "review.ack ann", "review.dispute ann", "review.resolve carol", "review.mark carol"}
	if !slices.Equal(got, want) {
		t.Errorf("audit log: %v, want %v", got, want)
	}
}

// TestTraineeHistory: a trainee's history across sessions as their
// cohort's coach reads it (every note and mark, with what waits for a
// release) and as the trainee reads their own (what was released); nobody
// outside the cohort, and no account that is not a trainee's.
func TestTraineeHistory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	first := f.play(t, f.ann, drillroom.ModePractice, nil)
	second := f.play(t, f.ann, drillroom.ModeAssessment, nil)
	due := time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, in := range []struct {
		x  drillroom.Session
		in training.NoteInput
	}{
		{first, training.NoteInput{Kind: drillroom.NoteStrength, Text: "Safety advice in the first minute."}},
		{second, training.NoteInput{Kind: drillroom.NoteAction, Text: "Practise the handover script.", Due: due}},
	} {
		if _, err := f.svc.AddNote(ctx, f.carol, in.x, in.in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.ReleaseReview(ctx, f.carol, first); err != nil {
		t.Fatal(err)
	}

	h, err := f.svc.TraineeHistory(ctx, f.carol, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	unreleased := map[string]bool{}
	for _, it := range h.Items {
		unreleased[it.Session.ID] = it.Unreleased
	}
	if h.Trainee.ID != f.ann.ID || len(h.Items) != 2 || len(h.Notes) != 2 || len(h.Actions) != 1 || h.Actions[0].Due != due ||
		unreleased[first.ID] || !unreleased[second.ID] {
		t.Errorf("carol's view of ann: %d sessions, %d notes, actions %+v, unreleased %v; want 2, 2, the handover action, only the second waiting",
			len(h.Items), len(h.Notes), h.Actions, unreleased)
	}
	own, err := f.svc.TraineeHistory(ctx, f.ann, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(own.Items) != 2 || len(own.Notes) != 1 || own.Notes[0].Kind != drillroom.NoteStrength || len(own.Actions) != 0 || own.Items[0].Unreleased || own.Items[1].Unreleased {
		t.Errorf("ann's own view: %d notes %+v, %d actions; want the released strength only, nothing said of what waits", len(own.Notes), own.Notes, len(own.Actions))
	}
	action := h.Actions[0]
	_, err = f.svc.CompleteAction(ctx, f.ann, second, action.ID, "Did it.")
	wantCode(t, "ann marks done an action not released to her", err, drillroom.CodeNotFound)
	if _, err := f.svc.ReleaseReview(ctx, f.trent, second); err != nil {
		t.Fatal(err)
	}
	if own, _ := f.svc.History(ctx, f.ann); len(own.Actions) != 1 || own.Actions[0].By != "carol" {
		t.Errorf("ann's actions once released: %+v, want carol's", own.Actions)
	}
	_, err = f.svc.CompleteAction(ctx, f.bob, second, action.ID, "")
	wantCode(t, "another trainee marks ann's action done", err, drillroom.CodeForbidden)
	_, err = f.svc.CompleteAction(ctx, f.vic, second, action.ID, "")
	wantCode(t, "a trainer of another cohort marks it done", err, drillroom.CodeNotFound)
	done, err := f.svc.CompleteAction(ctx, f.ann, second, action.ID, "Read it back twice in today's drill.")
	if err != nil || done.Actor != drillroom.ActorTrainee || done.By != "ann" {
		t.Fatalf("ann marks her action done: %+v, %v", done, err)
	}
	_, err = f.svc.CompleteAction(ctx, f.carol, second, action.ID, "")
	wantCode(t, "the action done twice", err, drillroom.CodeConflict)
	if h, _ := f.svc.TraineeHistory(ctx, f.carol, f.ann.ID); len(h.Actions) != 0 || len(h.Done) != 1 || h.Done[0].Action.ID != action.ID ||
		h.Done[0].Done.Text != "Read it back twice in today's drill." {
		t.Errorf("carol's view once done: open %+v, done %+v; want none open, ann's done", h.Actions, h.Done)
	}
	entries, err := f.st.Audit(ctx, drillroom.AuditFilter{Action: drillroom.AuditReviewActionDone})
	if err != nil || len(entries) != 1 || entries[0].Actor != "ann" {
		t.Errorf("audit of the action done: %+v, %v; want ann's entry", entries, err)
	}
	if h, err := f.svc.TraineeHistory(ctx, f.ada, f.ann.ID); err != nil || len(h.Notes) != 2 {
		t.Errorf("the administrator's view: %v, %v; want both notes", h, err)
	}
	for _, tc := range []struct {
		name    string
		viewer  drillroom.User
		trainee int64
	}{
		{"a trainer of another cohort", f.vic, f.ann.ID},
		{"a coach reads a trainee of another cohort", f.carol, f.bob.ID},
		{"a trainee reads another's", f.bob, f.ann.ID},
		{"a trainer's account", f.carol, f.trent.ID},
		{"a missing account", f.carol, 99999},
	} {
		_, err := f.svc.TraineeHistory(ctx, tc.viewer, tc.trainee)
		wantCode(t, tc.name, err, drillroom.CodeNotFound)
	}
}
