package training_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// play starts a drill for user in mode, lets actor (the trainee or a
// trainer) say something, and closes the call.
func (f *fixture) play(t *testing.T, trainee drillroom.User, mode drillroom.Mode, intervener *drillroom.User) drillroom.Session {
	t.Helper()
	ctx := context.Background()
	if err := f.st.Assign(ctx, trainee.ID, f.drill, mode); err != nil {
		t.Fatal(err)
	}
	x, _, err := f.svc.StartDrill(ctx, trainee, f.drill, mode)
	if err != nil {
		t.Fatal(err)
	}
	if intervener != nil {
		// A trainer's hand in the call: the trainer controls (an observing
		// trainer never sends the trainee's actions).
		inject := simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "Hello? Is anyone there?"}
		if res, err := f.svc.Act(ctx, *intervener, x, "trainer-injects", inject); err != nil || !res.Applied() {
			t.Fatalf("the trainer intervenes: %+v, %v", res, err)
		}
	}
	if res, err := f.svc.Act(ctx, trainee, x, "close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}); err != nil || !res.Applied() {
		t.Fatalf("close: %+v, %v", res, err)
	}
	if x, err = f.st.Session(ctx, x.ID); err != nil || x.State != drillroom.StateEnded {
		t.Fatalf("after close: %+v, %v", x, err)
	}
	return x
}

func queueIDs(q *training.Queue) []string {
	var ids []string
	for _, it := range q.Items {
		ids = append(ids, it.Session.ID)
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

func TestReviewQueue(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	practice := f.play(t, f.ann, drillroom.ModePractice, nil)
	assessment := f.play(t, f.ann, drillroom.ModeAssessment, nil)
	intervened := f.play(t, f.ann, drillroom.ModePractice, &f.trent)
	other := f.play(t, f.bob, drillroom.ModePractice, nil)
	live, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModePractice)
	if err != nil {
		t.Fatal(err)
	}

	_, err = f.svc.ReviewQueue(ctx, f.ann, training.QueueFilter{})
	wantCode(t, "a trainee's queue", err, drillroom.CodeForbidden)

	for _, tc := range []struct {
		user drillroom.User
		want []string
	}{
		{f.carol, sorted(practice.ID, assessment.ID, intervened.ID)},
		{f.trent, sorted(practice.ID, assessment.ID, intervened.ID)},
		{f.vic, sorted(other.ID)},
		{f.ada, sorted(practice.ID, assessment.ID, intervened.ID, other.ID)},
	} {
		q, err := f.svc.ReviewQueue(ctx, tc.user, training.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := queueIDs(q); !slices.Equal(got, tc.want) || q.Unfiltered != len(tc.want) {
			t.Errorf("%s's queue: %v (%d unfiltered), want %v (never the live %s)", tc.user.Username, got, q.Unfiltered, tc.want, live.ID)
		}
	}

	q, err := f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string][]string{}
	for _, it := range q.Items {
		reasons[it.Session.ID] = it.Reasons
		if it.Trainee != "ann" || it.Title == "" || it.Title == f.drill {
			t.Errorf("item %+v: want ann's session with the drill's title", it)
		}
	}
	for id, want := range map[string][]string{
		practice.ID:   {training.ReasonPending},
		assessment.ID: {training.ReasonPending, training.ReasonAssessment},
		intervened.ID: {training.ReasonPending, training.ReasonIntervened},
	} {
		if !slices.Equal(reasons[id], want) {
			t.Errorf("reasons of %s: %v, want %v", id, reasons[id], want)
		}
	}

	band := q.Items[0].Band
	for _, tc := range []struct {
		name string
		f    training.QueueFilter
		want int
	}{
		{"by trainee", training.QueueFilter{TraineeID: f.ann.ID}, 3},
		{"by another trainee", training.QueueFilter{TraineeID: f.bob.ID}, 0},
		{"by drill", training.QueueFilter{ScenarioID: f.drill}, 3},
		{"by another drill", training.QueueFilter{ScenarioID: "nope"}, 0},
		{"from tomorrow", training.QueueFilter{From: time.Now().Add(24 * time.Hour)}, 0},
		{"until tomorrow", training.QueueFilter{To: time.Now().Add(24 * time.Hour)}, 3},
		{"by band", training.QueueFilter{Band: band}, 3},
		{"by another band", training.QueueFilter{Band: "no-such-band"}, 0},
		{"by cohort", training.QueueFilter{CohortID: q.Cohorts[0].ID}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.svc.ReviewQueue(ctx, f.carol, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != tc.want || got.Unfiltered != 3 {
				t.Errorf("%d items (%d unfiltered), want %d (3)", len(got.Items), got.Unfiltered, tc.want)
			}
		})
	}
	vq, _ := f.svc.ReviewQueue(ctx, f.vic, training.QueueFilter{})
	_, err = f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{CohortID: vq.Cohorts[0].ID})
	wantCode(t, "carol filters by a cohort not hers", err, drillroom.CodeInvalid)

	// Scoring the manual rule settles a practice session's reason, and an
	// assessment's too (a coach has reviewed it); both stay in the queue,
	// marked but not released, until a coach releases the review.
	for _, x := range []drillroom.Session{practice, assessment} {
		if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "fail", Reason: "No review written."}); err != nil {
			t.Fatal(err)
		}
	}
	q, _ = f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{})
	reasons = map[string][]string{}
	for _, it := range q.Items {
		reasons[it.Session.ID] = it.Reasons
	}
	for id, want := range map[string][]string{
		practice.ID:   {training.ReasonUnreleased},
		assessment.ID: {training.ReasonUnreleased},
		intervened.ID: {training.ReasonPending, training.ReasonIntervened},
	} {
		if !slices.Equal(reasons[id], want) {
			t.Errorf("reasons after marking of %s: %v, want %v", id, reasons[id], want)
		}
	}
	for why, want := range map[string]int{training.ReasonUnreleased: 2, training.ReasonPending: 1, training.ReasonIntervened: 1, training.ReasonAssessment: 0} {
		if q.ByReason[why] != want {
			t.Errorf("count of %q: %d, want %d", why, q.ByReason[why], want)
		}
	}
	unreleased, err := f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{Reason: training.ReasonUnreleased})
	if got := queueIDs(unreleased); err != nil || !slices.Equal(got, sorted(practice.ID, assessment.ID)) || unreleased.Unfiltered != 3 {
		t.Errorf("filtered to marked but not released: %v, %v (%d unfiltered); want the practice and the assessment (3)", got, err, unreleased.Unfiltered)
	}
	_, err = f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{Reason: "bored"})
	wantCode(t, "a filter by an unknown reason", err, drillroom.CodeInvalid)
	// Releasing takes the session out; a note after the release puts it
	// back, until the next release.
	if _, err := f.svc.ReleaseReview(ctx, f.carol, practice); err != nil {
		t.Fatal(err)
	}
	if got := queueIDs(mustQueue(t, f, f.carol)); !slices.Equal(got, sorted(assessment.ID, intervened.ID)) {
		t.Errorf("queue after releasing the practice: %v, want the assessment and the intervened session", got)
	}
	if _, err := f.svc.AddNote(ctx, f.carol, practice, training.NoteInput{Kind: drillroom.NoteStrength, Text: "Calm voice throughout."}); err != nil {
		t.Fatal(err)
	}
	if got := queueIDs(mustQueue(t, f, f.carol)); !slices.Equal(got, sorted(practice.ID, assessment.ID, intervened.ID)) {
		t.Errorf("queue after a note on the released practice: %v, want it back", got)
	}
}

func mustQueue(t *testing.T, f *fixture, user drillroom.User) *training.Queue {
	t.Helper()
	q, err := f.svc.ReviewQueue(context.Background(), user, training.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestClaims(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.play(t, f.ann, drillroom.ModePractice, nil)

	_, err := f.svc.Claim(ctx, f.ann, x)
	wantCode(t, "the trainee claims", err, drillroom.CodeForbidden)
	_, err = f.svc.Claim(ctx, f.vic, x)
	wantCode(t, "a trainer of another cohort claims", err, drillroom.CodeNotFound)

	c, err := f.svc.Claim(ctx, f.carol, x)
	if err != nil || c.UserID != f.carol.ID || c.Until.Sub(c.At) != training.ClaimTTL {
		t.Fatalf("carol claims: %+v, %v; want hers for %v", c, err, training.ClaimTTL)
	}
	_, err = f.svc.Claim(ctx, f.trent, x)
	wantCode(t, "trent claims carol's session", err, drillroom.CodeConflict)
	_, err = f.svc.MarkRule(ctx, f.trent, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Fine."})
	wantCode(t, "trent marks carol's claimed session", err, drillroom.CodeConflict)
	q, err := f.svc.ReviewQueue(ctx, f.trent, training.QueueFilter{})
	if err != nil || len(q.Items) != 1 || q.Items[0].Claim == nil || q.Items[0].Claim.By != "carol" || q.MineClaimed != 0 {
		t.Fatalf("trent's queue: %+v, %v; want the session claimed by carol", q, err)
	}
	if q, _ := f.svc.ReviewQueue(ctx, f.carol, training.QueueFilter{}); q.MineClaimed != 1 {
		t.Errorf("carol's queue counts %d of her claims, want 1", q.MineClaimed)
	}
	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Fine."}); err != nil {
		t.Fatalf("carol marks her claimed session: %v", err)
	}
	wantCode(t, "trent releases carol's claim", f.svc.Release(ctx, f.trent, x), drillroom.CodeConflict)
	if err := f.svc.Release(ctx, f.carol, x); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.svc.SessionClaim(ctx, x); ok {
		t.Error("the claim is still there after release")
	}
	if _, err := f.svc.MarkRule(ctx, f.trent, x, training.MarkInput{RuleID: "review-quality", Outcome: "partial", Points: 5, Reason: "On second look."}); err != nil {
		t.Fatalf("trent marks once released: %v", err)
	}
}
