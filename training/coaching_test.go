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
