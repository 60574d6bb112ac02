package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func testTrainerAssignments(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	trainer, err := s.CreateUser(ctx, "tom", "Tom", drillroom.RoleTrainer, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.CreateUser(ctx, "bob", "Bob", drillroom.RoleTrainee, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	cohort, err := s.CreateCohort(ctx, "Class A", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddToCohort(ctx, cohort.ID, f.User.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Assign(ctx, f.User.ID, "gas-leak", drillroom.ModePractice); err != nil {
		t.Fatal(err)
	}
	due := clock.Now().Add(48 * time.Hour)
	toCohort := drillroom.Assignment{ScenarioID: "gas-leak", Mode: drillroom.ModeAssessment, CohortID: cohort.ID, DueAt: due, Attempts: 2, AssignedBy: trainer.ID}
	tests := []struct {
		name string
		a    func(a drillroom.Assignment) drillroom.Assignment
		want error
	}{
		{"to a cohort", func(a drillroom.Assignment) drillroom.Assignment { return a }, nil},
		{"both a cohort and a user", func(a drillroom.Assignment) drillroom.Assignment { a.UserID = bob.ID; return a }, drillroom.ErrInvalid},
		{"neither", func(a drillroom.Assignment) drillroom.Assignment { a.CohortID = 0; return a }, drillroom.ErrInvalid},
		{"bad mode", func(a drillroom.Assignment) drillroom.Assignment { a.Mode = "exam"; return a }, drillroom.ErrInvalid},
		{"negative attempts", func(a drillroom.Assignment) drillroom.Assignment { a.Attempts = -1; return a }, drillroom.ErrInvalid},
		{"nobody assigns it", func(a drillroom.Assignment) drillroom.Assignment { a.AssignedBy = 0; return a }, drillroom.ErrInvalid},
		{"unknown scenario", func(a drillroom.Assignment) drillroom.Assignment { a.ScenarioID = "nope"; return a }, drillroom.ErrNotFound},
		{"unknown version", func(a drillroom.Assignment) drillroom.Assignment { a.Version = 9; return a }, drillroom.ErrNotFound},
		{"unknown cohort", func(a drillroom.Assignment) drillroom.Assignment { a.CohortID = 9999; return a }, drillroom.ErrNotFound},
	}
	var first drillroom.Assignment
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AddAssignment(ctx, tc.a(toCohort))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if tc.want == nil {
				first = got
			}
		})
	}
	if first.ID == 0 || !first.DueAt.Equal(due) || first.AssignedAt.IsZero() {
		t.Errorf("AddAssignment: got %+v", first)
	}
	clock.Advance(time.Minute)
	toBob, err := s.AddAssignment(ctx, drillroom.Assignment{ScenarioID: "gas-leak", Version: 1, Mode: drillroom.ModePractice, UserID: bob.ID, AssignedBy: trainer.ID})
	if err != nil {
		t.Fatal(err)
	}
	as, err := s.Assignments(ctx, f.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].ID != 0 || as[1].ID != first.ID || as[1].CohortID != cohort.ID || as[1].Attempts != 2 || !as[1].DueAt.Equal(due) || as[1].AssignedBy != trainer.ID {
		t.Errorf("Assignments of ann: got %+v; want her own, then her cohort's", as)
	}
	if as, err := s.Assignments(ctx, bob.ID); err != nil || len(as) != 1 || as[0].ID != toBob.ID || as[0].Version != 1 || !as[0].DueAt.IsZero() {
		t.Errorf("Assignments of bob: got %+v, %v; want his own (v1, no due date)", as, err)
	}
	all, err := s.ListAssignments(ctx)
	if err != nil || len(all) != 2 || all[0].ID != toBob.ID {
		t.Errorf("ListAssignments: got %+v, %v; want bob's (newest) then the cohort's", all, err)
	}
	if err := s.DeleteAssignment(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAssignment(ctx, first.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("DeleteAssignment twice: got %v, want drillroom.ErrNotFound", err)
	}
	if as, _ := s.Assignments(ctx, f.User.ID); len(as) != 1 {
		t.Errorf("Assignments of ann after the withdrawal: got %+v, want her own only", as)
	}
}
