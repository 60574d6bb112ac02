package training_test

import (
	"context"
	"fmt"
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

// TestReleaseReplacesTheReportedResult: the automatic result was reported
// to the LRS (its outbox entry delivered); a coach's release through the
// use case queues the official result, and the automatic statements stand
// to be voided by it (the sender, package xapi, posts the voiding and the
// official statements in one request: TestSenderVoidsThroughAnOutage).
// Once delivered, only the official report stands.
func TestReleaseReplacesTheReportedResult(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.play(t, f.ann, drillroom.ModePractice, nil)
	due := func() []drillroom.OutboxEntry {
		t.Helper()
		es, err := f.st.DueStatements(ctx, time.Now().Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	auto := due()
	if len(auto) != 1 || auto[0].SessionID != x.ID || auto[0].ReleaseID != 0 {
		t.Fatalf("due after scoring: %+v, want the automatic entry", auto)
	}
	if err := f.st.PlanStatements(ctx, auto[0].ID, []string{"auto-session", "auto-rule"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.MarkStatementsDelivered(ctx, auto[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Clear lessons."}); err != nil {
		t.Fatal(err)
	}
	rel, err := f.svc.ReleaseReview(ctx, f.carol, x)
	if err != nil {
		t.Fatal(err)
	}
	official := due()
	if len(official) != 1 || official[0].ReleaseID != rel.ID || !official[0].Current {
		t.Fatalf("due after the release: %+v, want one current entry of release %d", official, rel.ID)
	}
	standing, err := f.st.StandingStatements(ctx, x.ID, official[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(standing) != 1 || standing[0].EntryID != auto[0].ID || fmt.Sprint(standing[0].StatementIDs) != "[auto-session auto-rule]" {
		t.Fatalf("standing for the release's entry: %+v, want the automatic statements", standing)
	}
	if err := f.st.PlanStatements(ctx, official[0].ID, []string{"official-session"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.MarkStatementsDelivered(ctx, official[0].ID, []int64{auto[0].ID}); err != nil {
		t.Fatal(err)
	}
	if standing, err := f.st.StandingStatements(ctx, x.ID, 0); err != nil || len(standing) != 1 || standing[0].ReleaseID != rel.ID {
		t.Errorf("standing once delivered: %+v, %v; want only the official report", standing, err)
	}
}
