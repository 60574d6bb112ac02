package training_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

// fixture is the use cases over a real SQLite file and a real runner, with
// two trainees, a trainer and a coach, and the example gas drill assigned
// to ann in practice only.
type fixture struct {
	st                     *store.Store
	rn                     *runner.Runner
	svc                    *training.Service
	drill                  string
	ann, bob, trent, carol drillroom.User
	vic, ada               drillroom.User // a trainer of another cohort; an administrator
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, runner.Config{}) }

// newFixtureWith is newFixture with the runner's configuration rc (its
// store is the fixture's).
func newFixtureWith(t testing.TB, rc runner.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drillroom.db"), nil, store.WithPasswordCost(8, 1))
	if err != nil {
		t.Fatal(err)
	}
	rc.Store = st
	rn := runner.New(rc)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rn.Close(cctx)
		st.Close()
	})
	f := &fixture{st: st, rn: rn, svc: training.New(st, rn, nil)}
	for _, u := range []struct {
		to   *drillroom.User
		name string
		role drillroom.Role
	}{{&f.ann, "ann", drillroom.RoleTrainee}, {&f.bob, "bob", drillroom.RoleTrainee}, {&f.trent, "trent", drillroom.RoleTrainer}, {&f.carol, "carol", drillroom.RoleCoach}} {
		if *u.to, err = st.CreateUser(ctx, u.name, u.name, u.role, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	sc := scenariotest.GasExample(t)
	if _, err := training.Publish(ctx, st, sc); err != nil {
		t.Fatal(err)
	}
	f.drill = sc.ID
	if err := st.Assign(ctx, f.ann.ID, f.drill, drillroom.ModePractice); err != nil {
		t.Fatal(err)
	}
	// ann, trent and carol are one cohort; bob and vic (a trainer) another;
	// ada is an administrator in no cohort.
	if _, err := st.CreateUsers(ctx, []drillroom.NewUser{
		{Username: "vic", Role: drillroom.RoleTrainer, Password: "a long enough password", Cohorts: []string{"Class B"}},
		{Username: "ada", Role: drillroom.RoleCoach, Admin: true, Password: "a long enough password"},
	}); err != nil {
		t.Fatal(err)
	}
	if f.vic, err = st.UserByUsername(ctx, "vic"); err != nil {
		t.Fatal(err)
	}
	if f.ada, err = st.UserByUsername(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateCohort(ctx, "Class A", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []drillroom.User{f.ann, f.trent, f.carol} {
		if err := st.AddToCohort(ctx, a.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	cs, _ := st.Cohorts(ctx)
	for _, c := range cs {
		if c.Name == "Class B" {
			if err := st.AddToCohort(ctx, c.ID, f.bob.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	return f
}

func wantCode(t *testing.T, what string, err error, code drillroom.Code) {
	t.Helper()
	if got := drillroom.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func TestStartDrill(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)

	_, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModeAssessment)
	wantCode(t, "ann starts an assessment she was not assigned", err, drillroom.CodeForbidden)
	_, _, err = f.svc.StartDrill(ctx, f.bob, f.drill, drillroom.ModePractice)
	wantCode(t, "bob starts a drill assigned to ann", err, drillroom.CodeForbidden)
	_, _, err = f.svc.StartDrill(ctx, f.ann, "no-such-drill", drillroom.ModePractice)
	wantCode(t, "ann starts a drill that does not exist", err, drillroom.CodeForbidden)

	x, resumed, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModePractice)
	if err != nil || resumed {
		t.Fatalf("ann starts her practice drill: %v, resumed %v; want a new session", err, resumed)
	}
	if x.UserID != f.ann.ID || x.Mode != drillroom.ModePractice || x.State != drillroom.StateLive {
		t.Fatalf("new session %+v: want ann's live practice session", x)
	}
	stored, err := f.st.Session(ctx, x.ID)
	if err != nil || stored.LastSeq == 0 {
		t.Fatalf("stored session %+v, %v: want the opening events written when it starts", stored, err)
	}
	again, resumed, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModePractice)
	if err != nil || !resumed || again.ID != x.ID {
		t.Fatalf("second start: %s resumed %v, %v; want %s resumed", again.ID, resumed, err, x.ID)
	}

	// A trainer may practise any published drill without an assignment.
	drills, err := f.svc.Startable(ctx, f.trent)
	if err != nil || len(drills) != 1 || drills[0].ScenarioID != f.drill || len(drills[0].Modes) != 1 || drills[0].Modes[0] != drillroom.ModePractice {
		t.Fatalf("trainer's drills %+v, %v: want the published drill in practice", drills, err)
	}
	if drills, err := f.svc.Startable(ctx, f.bob); err != nil || len(drills) != 0 {
		t.Fatalf("bob's drills %+v, %v: want none", drills, err)
	}
}

// startAnnsPractice starts ann's practice session of the fixture's drill.
func (f *fixture) startAnnsPractice(t *testing.T) drillroom.Session {
	t.Helper()
	x, _, err := f.svc.StartDrill(context.Background(), f.ann, f.drill, drillroom.ModePractice)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestAccessAndActors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.startAnnsPractice(t)
	var err error
	for _, u := range []drillroom.User{f.ann, f.trent, f.carol, f.ada} {
		if _, err := f.svc.Session(ctx, u, x.ID); err != nil {
			t.Errorf("%s opens ann's session: %v", u.Username, err)
		}
	}
	for _, u := range []drillroom.User{f.bob, f.vic} {
		_, err = f.svc.Session(ctx, u, x.ID)
		wantCode(t, u.Username+" (another cohort) opens ann's session", err, drillroom.CodeNotFound)
	}
	for _, tc := range []struct {
		user drillroom.User
		want []string
	}{{f.trent, []string{"ann"}}, {f.vic, []string{"bob"}}, {f.ada, []string{"ann", "bob"}}, {f.ann, nil}} {
		ts, err := f.svc.Trainees(ctx, tc.user)
		var got []string
		for _, u := range ts {
			got = append(got, u.Username)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Trainees(%s) = %v, %v; want %v", tc.user.Username, got, err, tc.want)
		}
	}
	_, err = f.svc.Session(ctx, f.ann, "nope")
	wantCode(t, "ann opens a missing session", err, drillroom.CodeNotFound)

	say := simulator.Action{Kind: simulator.ActSay, Text: "Hello, what is the address?", Intents: []string{"ask_location"}}
	tests := []struct {
		name string
		user drillroom.User
		act  simulator.Action
		code drillroom.Code // "" when applied
		by   drillroom.Actor
	}{
		{"trainee speaks", f.ann, say, "", drillroom.ActorTrainee},
		{"an observing trainer may not speak as the trainee", f.trent, say, drillroom.CodeForbidden, ""},
		{"trainer injects a line, recorded as the trainer", f.trent, simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "Are you still there?"}, "", drillroom.ActorTrainer},
		{"trainer pauses", f.trent, simulator.Action{Kind: simulator.ActPause}, "", drillroom.ActorTrainer},
		{"trainer resumes the clock", f.trent, simulator.Action{Kind: simulator.ActResumeClock}, "", drillroom.ActorTrainer},
		{"trainee may not pause", f.ann, simulator.Action{Kind: simulator.ActPause}, drillroom.CodeForbidden, ""},
		{"coach may not act", f.carol, say, drillroom.CodeForbidden, ""},
		{"trainer may not write the trainee's review", f.trent, simulator.Action{Kind: simulator.ActReview, Text: "x"}, drillroom.CodeForbidden, ""},
		{"trainer may not correct how the trainee's line was understood", f.trent, simulator.Action{Kind: simulator.ActCorrect, Of: 2, Intents: []string{"update"}}, drillroom.CodeForbidden, ""},
		{"a correction names the line it corrects", f.ann, simulator.Action{Kind: simulator.ActCorrect, Intents: []string{"update"}}, drillroom.CodeInvalid, ""},
		{"another trainee cannot reach the session", f.bob, say, drillroom.CodeNotFound, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.svc.Act(ctx, tc.user, x, "c"+string(rune('a'+i)), tc.act)
			if tc.code != "" {
				wantCode(t, tc.name, err, tc.code)
				return
			}
			if err != nil || !res.Applied() {
				t.Fatalf("%s: %+v, %v; want applied", tc.name, res, err)
			}
			evs, err := f.st.Events(ctx, x.ID, res.FirstSeq-1)
			if err != nil || len(evs) == 0 || evs[0].Action == nil {
				t.Fatalf("events of the command: %v, %v", evs, err)
			}
			if got := evs[0].Action.By; got != tc.by {
				t.Errorf("recorded as %q, want %q", got, tc.by)
			}
		})
	}
}

func TestSubmitReview(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.startAnnsPractice(t)
	err := f.svc.SubmitReview(ctx, f.ann, x, "r1", "I should have asked sooner.")
	wantCode(t, "review of a live call", err, drillroom.CodeConflict)

	res, err := f.svc.Act(ctx, f.ann, x, "close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"})
	if err != nil || !res.Applied() {
		t.Fatalf("close: %+v, %v", res, err)
	}
	if x, err = f.st.Session(ctx, x.ID); err != nil || x.State != drillroom.StateEnded {
		t.Fatalf("after close: %+v, %v; want ended", x, err)
	}
	wantCode(t, "trainer writes the review", f.svc.SubmitReview(ctx, f.trent, x, "r2", "text"), drillroom.CodeForbidden)
	wantCode(t, "empty review", f.svc.SubmitReview(ctx, f.ann, x, "r3", "   "), drillroom.CodeInvalid)
	long := make([]rune, training.MaxReviewRunes+1)
	for i := range long {
		long[i] = 'é'
	}
	wantCode(t, "too long a review", f.svc.SubmitReview(ctx, f.ann, x, "r4", string(long)), drillroom.CodeInvalid)
	if err := f.svc.SubmitReview(ctx, f.ann, x, "r5", "  I should have asked for the address first.  "); err != nil {
		t.Fatalf("ann's review: %v", err)
	}
	rv, err := f.st.Review(ctx, x.ID)
	if err != nil || rv.Text != "I should have asked for the address first." {
		t.Fatalf("stored review %q, %v", rv.Text, err)
	}
	err = f.svc.SubmitReview(ctx, f.ann, x, "r6", "another")
	wantCode(t, "second review", err, drillroom.CodeConflict)
	if !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("second review: %v does not match drillroom.ErrConflict", err)
	}
}
