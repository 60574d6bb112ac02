package training_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

func cohortNamed(t *testing.T, f *fixture, name string) drillroom.Cohort {
	t.Helper()
	cs, err := f.st.Cohorts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cohort %s", name)
	return drillroom.Cohort{}
}

func modesOf(t *testing.T, f *fixture, u drillroom.User, drill string) []drillroom.Mode {
	t.Helper()
	ds, err := f.svc.Startable(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ScenarioID == drill {
			return d.Modes
		}
	}
	return nil
}

func TestAssign(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	as := training.NewAssigning(f.st, nil)
	classA, classB := cohortNamed(t, f, "Class A"), cohortNamed(t, f, "Class B")
	due := time.Now().Add(72 * time.Hour)
	assessment := drillroom.Assignment{ScenarioID: f.drill, Mode: drillroom.ModeAssessment, CohortID: classA.ID, DueAt: due, Attempts: 1}

	_, err := as.Assign(ctx, actor(f.carol), assessment)
	wantCode(t, "a coach assigns", err, drillroom.CodeForbidden)
	_, err = as.Assign(ctx, actor(f.ann), assessment)
	wantCode(t, "a trainee assigns", err, drillroom.CodeForbidden)
	other := assessment
	other.CohortID = classB.ID
	_, err = as.Assign(ctx, actor(f.trent), other)
	wantCode(t, "trent assigns to another trainer's cohort", err, drillroom.CodeNotFound)
	other = assessment
	other.CohortID, other.UserID = 0, f.bob.ID
	_, err = as.Assign(ctx, actor(f.trent), other)
	wantCode(t, "trent assigns to a trainee of another cohort", err, drillroom.CodeNotFound)
	other.UserID = f.carol.ID
	_, err = as.Assign(ctx, actor(f.trent), other)
	wantCode(t, "trent assigns to a coach", err, drillroom.CodeInvalid)
	past := assessment
	past.DueAt = time.Now().Add(-time.Hour)
	_, err = as.Assign(ctx, actor(f.trent), past)
	wantCode(t, "a due date in the past", err, drillroom.CodeInvalid)

	if got := modesOf(t, f, f.ann, f.drill); !slices.Equal(got, []drillroom.Mode{drillroom.ModePractice}) {
		t.Fatalf("ann before the assignment: %v", got)
	}
	made, err := as.Assign(ctx, actor(f.trent), assessment)
	if err != nil || made.AssignedBy != f.trent.ID {
		t.Fatalf("trent assigns to his cohort: %+v, %v", made, err)
	}
	if got := modesOf(t, f, f.ann, f.drill); !slices.Equal(got, []drillroom.Mode{drillroom.ModePractice, drillroom.ModeAssessment}) {
		t.Errorf("ann after the cohort's assignment: %v, want practice and assessment", got)
	}
	if got := modesOf(t, f, f.carol, f.drill); got != nil {
		t.Errorf("the cohort's coach may start its assignment: %v", got)
	}
	if dues, _ := f.svc.Due(ctx, f.trent); len(dues) != 0 {
		t.Errorf("the cohort's trainer has it due: %+v", dues)
	}
	dues, err := f.svc.Due(ctx, f.ann)
	if err != nil || len(dues) != 1 || dues[0].State != training.AssignmentDue || dues[0].Title == f.drill {
		t.Errorf("ann's due drills: %+v, %v; want the assessment, due, with its title", dues, err)
	}
	ps, err := as.List(ctx, actor(f.trent))
	if err != nil || len(ps) != 1 || ps[0].CohortName != "Class A" || len(ps[0].Trainees) != 1 || ps[0].Trainees[0].ID != f.ann.ID {
		t.Fatalf("trent's list: %+v, %v; want Class A with ann (trainees only)", ps, err)
	}
	if ps, err := as.List(ctx, actor(f.vic)); err != nil || len(ps) != 0 {
		t.Errorf("vic's list: %+v, %v; want none", ps, err)
	}
	_, err = as.Progress(ctx, actor(f.vic), made.ID)
	wantCode(t, "vic reads trent's assignment", err, drillroom.CodeNotFound)
	err = as.Withdraw(ctx, actor(f.vic), made.ID)
	wantCode(t, "vic withdraws trent's assignment", err, drillroom.CodeNotFound)
	if ps, err := as.List(ctx, actor(f.ada)); err != nil || len(ps) != 1 {
		t.Errorf("the administrator's list: %d, %v; want 1", len(ps), err)
	}

	// One attempt: once ann's assessment has ended, it is done and no
	// longer startable.
	x, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModeAssessment)
	if err != nil {
		t.Fatal(err)
	}
	if _, resumed, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModeAssessment); err != nil || !resumed {
		t.Errorf("start again while live: resumed %v, %v; want the live one resumed", resumed, err)
	}
	if err := f.st.EndSession(ctx, x.ID, "resolved"); err != nil {
		t.Fatal(err)
	}
	if got := modesOf(t, f, f.ann, f.drill); !slices.Equal(got, []drillroom.Mode{drillroom.ModePractice}) {
		t.Errorf("ann after her one attempt: %v, want practice only", got)
	}
	_, _, err = f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModeAssessment)
	wantCode(t, "a second attempt", err, drillroom.CodeForbidden)
	if dues, _ := f.svc.Due(ctx, f.ann); len(dues) != 1 || dues[0].State != training.AssignmentDone || dues[0].AttemptsUsed != 1 {
		t.Errorf("ann's due drills after the attempt: %+v, want done", dues)
	}
	if p, err := as.Progress(ctx, actor(f.trent), made.ID); err != nil || p.Done != 1 || p.Trainees[0].LastSession != x.ID {
		t.Errorf("progress: %+v, %v; want ann done with her session", p, err)
	}
	if err := as.Withdraw(ctx, actor(f.trent), made.ID); err != nil {
		t.Fatal(err)
	}
	if dues, _ := f.svc.Due(ctx, f.ann); len(dues) != 0 {
		t.Errorf("ann's due drills after the withdrawal: %+v", dues)
	}

	// A version pinned and then retired is not startable.
	pinned, err := as.Assign(ctx, actor(f.vic), drillroom.Assignment{ScenarioID: f.drill, Version: 1, Mode: drillroom.ModeAssessment, UserID: f.bob.ID})
	if err != nil || pinned.Version != 1 {
		t.Fatalf("vic pins v1 for bob: %+v, %v", pinned, err)
	}
	if got := modesOf(t, f, f.bob, f.drill); !slices.Contains(got, drillroom.ModeAssessment) {
		t.Errorf("bob with v1 pinned: %v", got)
	}
	if err := f.st.RetireScenarioVersion(ctx, f.drill, 1); err != nil {
		t.Fatal(err)
	}
	if got := modesOf(t, f, f.bob, f.drill); got != nil {
		t.Errorf("bob after v1 was retired: %v, want nothing", got)
	}
}

func TestAssignmentState(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	given := now.Add(-48 * time.Hour)
	a := drillroom.Assignment{ScenarioID: "gas", Version: 2, Mode: drillroom.ModeAssessment, AssignedAt: given}
	ended := func(version int, mode drillroom.Mode, at time.Time) drillroom.Session {
		return drillroom.Session{ScenarioID: "gas", Version: version, Mode: mode, CreatedAt: at, State: drillroom.StateEnded}
	}
	tests := []struct {
		name     string
		due      time.Time
		sessions []drillroom.Session
		want     string
		used     int
	}{
		{"no due date", time.Time{}, nil, training.AssignmentOpen, 0},
		{"due later", now.Add(time.Hour), nil, training.AssignmentDue, 0},
		{"overdue", now.Add(-time.Hour), nil, training.AssignmentOverdue, 0},
		{"done", now.Add(-time.Hour), []drillroom.Session{ended(2, drillroom.ModeAssessment, given.Add(time.Hour))}, training.AssignmentDone, 1},
		{"played before it was given", now.Add(time.Hour), []drillroom.Session{ended(2, drillroom.ModeAssessment, given.Add(-time.Hour))}, training.AssignmentDue, 0},
		{"another version", now.Add(time.Hour), []drillroom.Session{ended(1, drillroom.ModeAssessment, given.Add(time.Hour))}, training.AssignmentDue, 0},
		{"another mode", now.Add(time.Hour), []drillroom.Session{ended(2, drillroom.ModePractice, given.Add(time.Hour))}, training.AssignmentDue, 0},
		{"still live", now.Add(time.Hour), []drillroom.Session{{ScenarioID: "gas", Version: 2, Mode: drillroom.ModeAssessment, CreatedAt: given.Add(time.Hour), State: drillroom.StateLive}}, training.AssignmentDue, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := a
			a.DueAt = tc.due
			got, used := training.AssignmentState(a, tc.sessions, now)
			if got != tc.want || used != tc.used {
				t.Errorf("got %s (%d used), want %s (%d)", got, used, tc.want, tc.used)
			}
		})
	}
}
