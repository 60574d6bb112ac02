package training_test

import (
	"context"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// TestReleaseReview: the trainee sees the automatic scorecard and no
// notes until a coach releases the review; a mark or note after the
// release waits for the next one and asks for a new acknowledgement;
// staff see everything; the release is audited.
func TestReleaseReview(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.play(t, f.ann, drillroom.ModePractice, nil)
	if _, err := f.svc.ReleaseReview(ctx, f.carol, x); drillroom.ErrorCode(err) != drillroom.CodeConflict {
		t.Fatalf("release with nothing to release: %v, want a conflict", err)
	}
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Good lessons."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddNote(ctx, f.carol, x, training.NoteInput{Kind: drillroom.NoteStrength, Text: "Calm voice."}); err != nil {
		t.Fatal(err)
	}
	seen := func(user drillroom.User) (marks, notes int, rel training.Release, ack bool) {
		t.Helper()
		mk, rel, err := f.svc.OfficialScorecardFor(ctx, user, x)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.CoachingFor(ctx, user, x, mk.History, rel)
		if err != nil {
			t.Fatal(err)
		}
		return len(mk.History), len(c.Notes), rel, !c.Acknowledged.IsZero()
	}
	check := func(when string, user drillroom.User, wantMarks, wantNotes int, wantReleased, wantPending, wantAck bool) {
		t.Helper()
		m, n, rel, ack := seen(user)
		if m != wantMarks || n != wantNotes || rel.Released() != wantReleased || rel.Pending != wantPending || ack != wantAck {
			t.Errorf("%s, as %s: %d marks, %d notes, released %v, pending %v, acknowledged %v; want %d, %d, %v, %v, %v",
				when, user.Username, m, n, rel.Released(), rel.Pending, ack, wantMarks, wantNotes, wantReleased, wantPending, wantAck)
		}
	}
	check("before the release", f.ann, 0, 0, false, true, false)
	check("before the release", f.carol, 1, 1, false, true, false)
	if _, err := f.svc.Acknowledge(ctx, f.ann, x); drillroom.ErrorCode(err) != drillroom.CodeConflict {
		t.Errorf("acknowledge before the release: %v, want a conflict", err)
	}
	for _, who := range []drillroom.User{f.ann, f.bob} {
		if _, err := f.svc.ReleaseReview(ctx, who, x); err == nil {
			t.Errorf("%s releases: no error, want a refusal", who.Username)
		}
	}
	r, err := f.svc.ReleaseReview(ctx, f.carol, x)
	if err != nil || r.ID == 0 || r.Actor != drillroom.ActorCoach {
		t.Fatalf("carol releases: %+v, %v", r, err)
	}
	check("after the release", f.ann, 1, 1, true, false, false)
	if _, err := f.svc.ReleaseReview(ctx, f.carol, x); drillroom.ErrorCode(err) != drillroom.CodeConflict {
		t.Errorf("release again with nothing new: %v, want a conflict", err)
	}
	if _, err := f.svc.Acknowledge(ctx, f.ann, x); err != nil {
		t.Fatal(err)
	}
	check("acknowledged", f.ann, 1, 1, true, false, true)

	time.Sleep(5 * time.Millisecond) // the store's times are in milliseconds
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "fail", Reason: "On second reading: no lessons."}); err != nil {
		t.Fatal(err)
	}
	check("a later mark, as the trainee", f.ann, 1, 1, true, true, true)
	check("a later mark, as the coach", f.carol, 2, 1, true, true, false)
	mk, _, err := f.svc.OfficialScorecardFor(ctx, f.ann, x)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := mk.Official.Rule("review-quality"); r.Outcome != "pass" {
		t.Errorf("the trainee's card before the second release: review-quality %q, want the released pass", r.Outcome)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := f.svc.ReleaseReview(ctx, f.carol, x); err != nil {
		t.Fatal(err)
	}
	check("released again", f.ann, 2, 1, true, false, false)

	audit, err := f.st.Audit(ctx, drillroom.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range audit {
		if e.Action == drillroom.AuditReviewPublish {
			n++
		}
	}
	if n != 2 {
		t.Errorf("audit: %d releases, want 2", n)
	}
}
