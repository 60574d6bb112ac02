package storetest

// The records of the trainer's workspace: drafts, publications and
// assignments.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func testRetiredVersions(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	for v := 1; v <= 2; v++ {
		if _, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: "gas-leak", Version: v, Hash: "h" + string(rune('0'+v)), Source: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if vs, err := s.ScenarioVersions(ctx, "gas-leak"); err != nil || len(vs) != 2 || vs[0].Version != 2 || !vs[0].RetiredAt.IsZero() {
		t.Errorf("ScenarioVersions: got %+v, %v; want v2 then v1, not retired", vs, err)
	}
	if vs, err := s.ScenarioVersions(ctx, "nope"); err != nil || len(vs) != 0 {
		t.Errorf("ScenarioVersions(nope): got %+v, %v; want none", vs, err)
	}
	retiredAt := clock.Now()
	if err := s.RetireScenarioVersion(ctx, "gas-leak", 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if err := s.RetireScenarioVersion(ctx, "gas-leak", 2); err != nil {
		t.Errorf("retire again: got %v, want nil", err)
	}
	if err := s.RetireScenarioVersion(ctx, "gas-leak", 9); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("retire a missing version: got %v, want drillroom.ErrNotFound", err)
	}
	v2, err := s.ScenarioVersion(ctx, "gas-leak", 2)
	if err != nil || !v2.RetiredAt.Equal(retiredAt) {
		t.Errorf("ScenarioVersion(v2) after retiring: got retired %v, %v; want %v (the first time), still readable", v2.RetiredAt, err, retiredAt)
	}
	if v, err := s.LatestScenarioVersion(ctx, "gas-leak"); err != nil || v.Version != 1 {
		t.Errorf("LatestScenarioVersion with v2 retired: got v%d, %v; want v1", v.Version, err)
	}
	if vs, err := s.LatestScenarios(ctx); err != nil || len(vs) != 1 || vs[0].Version != 1 {
		t.Errorf("LatestScenarios with v2 retired: got %+v, %v; want gas-leak v1", vs, err)
	}
	if err := s.RetireScenarioVersion(ctx, "gas-leak", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LatestScenarioVersion(ctx, "gas-leak"); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("LatestScenarioVersion with every version retired: got %v, want drillroom.ErrNotFound", err)
	}
	if vs, err := s.LatestScenarios(ctx); err != nil || len(vs) != 0 {
		t.Errorf("LatestScenarios with every version retired: got %+v, %v; want none", vs, err)
	}
}

func testDrafts(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainer)
	checkWrites(t, "", s.CreateDraft, []writeCase[drillroom.Draft]{
		{"no author", drillroom.Draft{Name: "a.drill.yaml"}, drillroom.ErrInvalid},
		{"no name", drillroom.Draft{AuthorID: ann.ID}, drillroom.ErrInvalid},
		{"unknown author", drillroom.Draft{AuthorID: 9999, Name: "a.drill.yaml"}, drillroom.ErrNotFound},
	})
	a, err := s.CreateDraft(ctx, drillroom.Draft{AuthorID: ann.ID, Name: "a.drill.yaml", Source: []byte("id: a\n")})
	if err != nil || a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("CreateDraft: got %+v, %v", a, err)
	}
	clock.Advance(time.Minute)
	b, err := s.CreateDraft(ctx, drillroom.Draft{AuthorID: ann.ID, Name: "b.drill.yaml"})
	if err != nil || b.Source == nil {
		t.Fatalf("CreateDraft without source: got %+v, %v; want an empty source", b, err)
	}
	clock.Advance(time.Minute)
	a.Name, a.Source, a.AuthorID = "a2.drill.yaml", []byte("id: a2\n"), 9999
	up, err := s.UpdateDraft(ctx, a)
	if err != nil || up.Name != "a2.drill.yaml" || string(up.Source) != "id: a2\n" || up.AuthorID != ann.ID || !up.UpdatedAt.After(up.CreatedAt) {
		t.Errorf("UpdateDraft: got %+v, %v; want the new name and source, the same author, a later UpdatedAt", up, err)
	}
	if _, err := s.UpdateDraft(ctx, drillroom.Draft{ID: 9999, Name: "x"}); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("UpdateDraft(missing): got %v, want drillroom.ErrNotFound", err)
	}
	if _, err := s.UpdateDraft(ctx, drillroom.Draft{ID: a.ID}); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("UpdateDraft(no name): got %v, want drillroom.ErrInvalid", err)
	}
	if got, err := s.Draft(ctx, a.ID); err != nil || string(got.Source) != "id: a2\n" {
		t.Errorf("Draft: got %+v, %v", got, err)
	}
	if ds, err := s.Drafts(ctx, ann.ID); err != nil || len(ds) != 2 || ds[0].ID != a.ID || ds[1].ID != b.ID {
		t.Errorf("Drafts: got %+v, %v; want a (changed last) then b", ds, err)
	}
	if ds, err := s.Drafts(ctx, 9999); err != nil || len(ds) != 0 {
		t.Errorf("Drafts of nobody: got %+v, %v; want none", ds, err)
	}
	if err := s.DeleteDraft(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDraft(ctx, a.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("DeleteDraft twice: got %v, want drillroom.ErrNotFound", err)
	}
	if _, err := s.Draft(ctx, a.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Draft after delete: got %v, want drillroom.ErrNotFound", err)
	}
}

func testPublications(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainer)
	ben := CreateUser(t, s, "ben", "Ben", drillroom.RoleTrainer)
	p1 := drillroom.Publication{ScenarioID: "gas-leak", Version: 1, Hash: "h1", Title: "Gas leak", Source: []byte("id: gas-leak\n"),
		AuthorID: ann.ID, State: drillroom.PublicationPublished}
	tests := []struct {
		name string
		p    func(p drillroom.Publication) drillroom.Publication
		want error
	}{
		{"published without approval", func(p drillroom.Publication) drillroom.Publication { return p }, nil},
		{"same version again", func(p drillroom.Publication) drillroom.Publication { p.State = drillroom.PublicationPending; return p }, drillroom.ErrConflict},
		{"no hash", func(p drillroom.Publication) drillroom.Publication { p.Version, p.Hash = 2, ""; return p }, drillroom.ErrInvalid},
		{"no source", func(p drillroom.Publication) drillroom.Publication { p.Version, p.Source = 2, nil; return p }, drillroom.ErrInvalid},
		{"rejected from the start", func(p drillroom.Publication) drillroom.Publication {
			p.Version, p.State = 2, drillroom.PublicationRejected
			return p
		}, drillroom.ErrInvalid},
		{"an approver on a request", func(p drillroom.Publication) drillroom.Publication { p.Version, p.ApproverID = 2, ben.ID; return p }, drillroom.ErrInvalid},
		{"unknown author", func(p drillroom.Publication) drillroom.Publication { p.Version, p.AuthorID = 2, 9999; return p }, drillroom.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.AddPublication(ctx, tc.p(p1)); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	clock.Advance(time.Minute)
	p2 := p1
	p2.Version, p2.Hash, p2.State = 2, "h2", drillroom.PublicationPending
	p2.PolicySource = []byte("id: my-centre\nextends: uk-contact-centre\n") // the author's own policy travels with the request
	req, err := s.AddPublication(ctx, p2)
	if err != nil || req.ID == 0 || !req.DecidedAt.IsZero() || req.ApproverID != 0 {
		t.Fatalf("AddPublication(pending): got %+v, %v", req, err)
	}
	if ps, err := s.Publications(ctx, drillroom.PublicationPending); err != nil || len(ps) != 1 || ps[0].ID != req.ID || string(ps[0].Source) != "id: gas-leak\n" ||
		string(ps[0].PolicySource) != string(p2.PolicySource) {
		t.Errorf("Publications(pending): got %+v, %v; want the request with its policy", ps, err)
	}
	if got, err := s.Publication(ctx, p1ID(t, s)); err != nil || len(got.PolicySource) != 0 {
		t.Errorf("Publication without a policy of its own: got %q, %v; want empty", got.PolicySource, err)
	}
	if ps, err := s.Publications(ctx, ""); err != nil || len(ps) != 2 || ps[0].ID != req.ID {
		t.Errorf("Publications(all): got %d, %v; want 2, newest first", len(ps), err)
	}
	if _, err := s.DecidePublication(ctx, req.ID, ann.ID, drillroom.PublicationPublished); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("the author approves: got %v, want drillroom.ErrInvalid", err)
	}
	if _, err := s.DecidePublication(ctx, req.ID, ben.ID, drillroom.PublicationPending); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("decide to pending: got %v, want drillroom.ErrInvalid", err)
	}
	if _, err := s.DecidePublication(ctx, 9999, ben.ID, drillroom.PublicationPublished); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("decide a missing one: got %v, want drillroom.ErrNotFound", err)
	}
	clock.Advance(time.Minute)
	got, err := s.DecidePublication(ctx, req.ID, ben.ID, drillroom.PublicationPublished)
	if err != nil || got.State != drillroom.PublicationPublished || got.ApproverID != ben.ID || !got.DecidedAt.Equal(clock.Now()) {
		t.Errorf("DecidePublication: got %+v, %v; want published, approved by ben now", got, err)
	}
	if _, err := s.DecidePublication(ctx, req.ID, ben.ID, drillroom.PublicationRejected); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("decide twice: got %v, want drillroom.ErrConflict", err)
	}
	if read, err := s.Publication(ctx, req.ID); err != nil || read.ApproverID != ben.ID || read.State != drillroom.PublicationPublished || read.Title != "Gas leak" {
		t.Errorf("Publication: got %+v, %v", read, err)
	}
	if _, err := s.Publication(ctx, 9999); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Publication(missing): got %v, want drillroom.ErrNotFound", err)
	}
	// A rejected request frees its version number.
	p3 := p1
	p3.Version, p3.Hash, p3.State = 3, "h3", drillroom.PublicationPending
	r3, err := s.AddPublication(ctx, p3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecidePublication(ctx, r3.ID, ben.ID, drillroom.PublicationRejected); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPublication(ctx, p3); err != nil {
		t.Errorf("request a rejected version again: got %v, want nil", err)
	}
}

func testTrainerAssignments(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	trainer := CreateUser(t, s, "tom", "Tom", drillroom.RoleTrainer)
	bob := CreateUser(t, s, "bob", "Bob", drillroom.RoleTrainee)
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

// p1ID is the id of the oldest publication (the one published without
// approval).
func p1ID(t *testing.T, s Store) int64 {
	t.Helper()
	ps, err := s.Publications(context.Background(), drillroom.PublicationPublished)
	if err != nil || len(ps) == 0 {
		t.Fatalf("Publications(published): %+v, %v", ps, err)
	}
	return ps[len(ps)-1].ID
}
