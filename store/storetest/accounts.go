package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func usernames(us []drillroom.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func testAccounts(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainee)
	if ann.Admin || ann.Disabled || ann.MustChangePassword {
		t.Errorf("new user %+v: want no flags set", ann)
	}
	tok, err := s.CreateLogin(ctx, ann.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	// Editing: display name, role, flags; a trainee cannot be an administrator.
	ann.DisplayName = "  Ann Smith "
	ann.MustChangePassword = true
	got, err := s.UpdateUser(ctx, ann)
	if err != nil || got.DisplayName != "Ann Smith" || !got.MustChangePassword || got.Role != drillroom.RoleTrainee {
		t.Fatalf("UpdateUser: got %+v, %v", got, err)
	}
	if u, err := s.LoginUser(ctx, tok); err != nil || !u.MustChangePassword {
		t.Errorf("LoginUser after the update: %+v, %v; want the must-change flag, login kept", u, err)
	}
	bad := got
	bad.Admin = true
	if _, err := s.UpdateUser(ctx, bad); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("UpdateUser(trainee admin): %v, want ErrInvalid", err)
	}
	checkRefusals(t, "UpdateUser: ", got, s.UpdateUser, []refusal[drillroom.User]{
		{"unknown role", func(u *drillroom.User) { u.Role = "boss" }, drillroom.ErrInvalid},
		{"empty display name", func(u *drillroom.User) { u.DisplayName = " " }, drillroom.ErrInvalid},
		{"long display name", func(u *drillroom.User) { u.DisplayName = strings.Repeat("é", 101) }, drillroom.ErrInvalid},
		{"unknown user", func(u *drillroom.User) { u.ID = 9999 }, drillroom.ErrNotFound},
	})

	// Disabling ends the logins and refuses the password; enabling lets the
	// user back in.
	got.Disabled = true
	if got, err = s.UpdateUser(ctx, got); err != nil || !got.Disabled {
		t.Fatalf("disable: %+v, %v", got, err)
	}
	if _, err := s.LoginUser(ctx, tok); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("LoginUser of a disabled user: %v, want ErrUnauthorized", err)
	}
	if _, err := s.Authenticate(ctx, "ann", "correct horse"); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("Authenticate a disabled user: %v, want ErrUnauthorized", err)
	}
	got.Disabled = false
	if _, err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate(ctx, "ann", "correct horse"); err != nil || u.ID != ann.ID {
		t.Errorf("Authenticate after enabling: %+v, %v", u, err)
	}

	// A reset sets the must-change flag; the user's own change clears it.
	if err := s.SetPassword(ctx, ann.ID, "reset by admin", true); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate(ctx, "ann", "reset by admin"); err != nil || !u.MustChangePassword {
		t.Errorf("after a reset: %+v, %v; want must change", u, err)
	}
	if err := s.SetPassword(ctx, ann.ID, "chosen by ann", false); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate(ctx, "ann", "chosen by ann"); err != nil || u.MustChangePassword {
		t.Errorf("after ann's change: %+v, %v; want no must change", u, err)
	}

	// A staff member may be an administrator.
	tom := CreateUser(t, s, "tom", "Tom", drillroom.RoleTrainer)
	tom.Admin = true
	if tom, err = s.UpdateUser(ctx, tom); err != nil || !tom.Admin || !tom.Staff() {
		t.Errorf("trainer made administrator: %+v, %v", tom, err)
	}
	if u, err := s.UserByUsername(ctx, "TOM"); err != nil || !u.Admin {
		t.Errorf("UserByUsername reads the admin flag: %+v, %v", u, err)
	}
}

func testCreateUsersAllOrNothing(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, "taken", "", drillroom.RoleTrainee, "correct horse"); err != nil {
		t.Fatal(err)
	}
	batch := func(names ...string) []drillroom.NewUser {
		var us []drillroom.NewUser
		for _, n := range names {
			us = append(us, drillroom.NewUser{Username: n, Role: drillroom.RoleTrainee, Password: "correct horse",
				MustChangePassword: true, Cohorts: []string{"Class A"}})
		}
		return us
	}
	for _, tc := range []struct {
		name string
		us   []drillroom.NewUser
		want error
	}{
		{"a taken username", batch("u1", "taken"), drillroom.ErrConflict},
		{"the same username twice", batch("u1", "U1"), drillroom.ErrConflict},
		{"a bad username", batch("u1", "a b"), drillroom.ErrInvalid},
		{"a bad cohort name", append(batch("u1"), drillroom.NewUser{Username: "u2", Role: drillroom.RoleTrainee, Password: "correct horse", Cohorts: []string{" "}}), drillroom.ErrInvalid},
		{"a trainee administrator", append(batch("u1"), drillroom.NewUser{Username: "u2", Role: drillroom.RoleTrainee, Admin: true, Password: "correct horse"}), drillroom.ErrInvalid},
	} {
		if _, err := s.CreateUsers(ctx, tc.us); !errors.Is(err, tc.want) {
			t.Errorf("CreateUsers(%s): %v, want %v", tc.name, err, tc.want)
		}
		if _, err := s.UserByUsername(ctx, "u1"); !errors.Is(err, drillroom.ErrNotFound) {
			t.Fatalf("CreateUsers(%s) failed but wrote u1 (%v)", tc.name, err)
		}
		if cs, _ := s.Cohorts(ctx); len(cs) != 0 {
			t.Fatalf("CreateUsers(%s) failed but wrote cohorts %+v", tc.name, cs)
		}
	}
	us := batch("u1", "u2")
	us = append(us, drillroom.NewUser{Username: "cat", DisplayName: "Cat", Role: drillroom.RoleCoach, Password: "correct horse", Cohorts: []string{"class a", "Class B"}})
	made, err := s.CreateUsers(ctx, us)
	if err != nil || len(made) != 3 || made[0].Username != "u1" || !made[0].MustChangePassword || made[2].Role != drillroom.RoleCoach {
		t.Fatalf("CreateUsers: %+v, %v", made, err)
	}
	cs, err := s.Cohorts(ctx)
	if err != nil || len(cs) != 2 || cs[0].Name != "Class A" || cs[0].Trainees != 2 || cs[0].Staff != 1 || cs[1].Name != "Class B" || cs[1].Staff != 1 {
		t.Fatalf("cohorts after the import: %+v, %v; want Class A (2 trainees, 1 staff), Class B (1 staff)", cs, err)
	}
	if _, err := s.Authenticate(ctx, "u2", "correct horse"); err != nil {
		t.Errorf("an imported user signs in: %v", err)
	}
}

func testCohorts(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	mk := func(name string, role drillroom.Role) drillroom.User {
		u, err := s.CreateUser(ctx, name, "", role, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ann, bob, cid := mk("ann", drillroom.RoleTrainee), mk("bob", drillroom.RoleTrainee), mk("cid", drillroom.RoleTrainee)
	tom, cat := mk("tom", drillroom.RoleTrainer), mk("cat", drillroom.RoleCoach)

	a, err := s.CreateCohort(ctx, "Class A", " Monday intake ")
	if err != nil || a.ID == 0 || a.Description != "Monday intake" || a.CreatedAt.IsZero() {
		t.Fatalf("CreateCohort: %+v, %v", a, err)
	}
	b, err := s.CreateCohort(ctx, "Class B", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, cohort string
		want         error
	}{
		{"taken", "class a", drillroom.ErrConflict},
		{"empty", "", drillroom.ErrInvalid},
		{"padded", " Class C", drillroom.ErrInvalid},
		{"control character", "Class\tC", drillroom.ErrInvalid},
		{"too long", strings.Repeat("c", 81), drillroom.ErrInvalid},
	} {
		if _, err := s.CreateCohort(ctx, tc.cohort, ""); !errors.Is(err, tc.want) {
			t.Errorf("CreateCohort(%s): %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, m := range []struct{ c, u int64 }{{a.ID, ann.ID}, {a.ID, bob.ID}, {a.ID, tom.ID}, {b.ID, cid.ID}, {b.ID, cat.ID}, {b.ID, ann.ID}, {a.ID, ann.ID}} {
		if err := s.AddToCohort(ctx, m.c, m.u); err != nil {
			t.Fatalf("AddToCohort(%d, %d): %v", m.c, m.u, err)
		}
	}
	if err := s.AddToCohort(ctx, 9999, ann.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("AddToCohort(unknown cohort): %v, want ErrNotFound", err)
	}
	if err := s.AddToCohort(ctx, a.ID, 9999); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("AddToCohort(unknown user): %v, want ErrNotFound", err)
	}
	if ms, err := s.CohortMembers(ctx, a.ID); err != nil || !slices.Equal(usernames(ms), []string{"ann", "bob", "tom"}) {
		t.Errorf("CohortMembers(A): %v, %v", usernames(ms), err)
	}
	if a, err = s.Cohort(ctx, a.ID); err != nil || a.Trainees != 2 || a.Staff != 1 {
		t.Errorf("Cohort(A) counts: %+v, %v", a, err)
	}
	if cs, err := s.UserCohorts(ctx, ann.ID); err != nil || len(cs) != 2 || cs[0].Name != "Class A" || cs[1].Name != "Class B" {
		t.Errorf("UserCohorts(ann): %+v, %v", cs, err)
	}
	if ts, err := s.TraineesOf(ctx, tom.ID); err != nil || !slices.Equal(usernames(ts), []string{"ann", "bob"}) {
		t.Errorf("TraineesOf(tom): %v, %v", usernames(ts), err)
	}
	if ts, err := s.TraineesOf(ctx, cat.ID); err != nil || !slices.Equal(usernames(ts), []string{"ann", "cid"}) {
		t.Errorf("TraineesOf(cat): %v, %v", usernames(ts), err)
	}
	for _, tc := range []struct {
		a, b drillroom.User
		want bool
	}{{tom, ann, true}, {tom, bob, true}, {tom, cid, false}, {cat, cid, true}, {cat, bob, false}, {ann, ann, true}} {
		if got, err := s.SharesCohort(ctx, tc.a.ID, tc.b.ID); err != nil || got != tc.want {
			t.Errorf("SharesCohort(%s, %s): %v, %v; want %v", tc.a.Username, tc.b.Username, got, err, tc.want)
		}
	}
	if err := s.RemoveFromCohort(ctx, a.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.SharesCohort(ctx, tom.ID, bob.ID); ok {
		t.Error("tom still shares a cohort with bob after bob left it")
	}
	if err := s.RemoveFromCohort(ctx, a.ID, bob.ID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("RemoveFromCohort(not a member): %v, want ErrNotFound", err)
	}
	a.Name, a.Description = "Class A (2026)", "renamed"
	if a, err = s.UpdateCohort(ctx, a); err != nil || a.Name != "Class A (2026)" || a.Description != "renamed" {
		t.Errorf("UpdateCohort: %+v, %v", a, err)
	}
	a.Name = "class b"
	if _, err := s.UpdateCohort(ctx, a); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("UpdateCohort(taken name): %v, want ErrConflict", err)
	}
	if _, err := s.UpdateCohort(ctx, drillroom.Cohort{ID: 9999, Name: "x"}); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("UpdateCohort(unknown): %v, want ErrNotFound", err)
	}
	if _, err := s.Cohort(ctx, 9999); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Cohort(unknown): %v, want ErrNotFound", err)
	}
	if cs, err := s.Cohorts(ctx); err != nil || len(cs) != 2 || cs[0].Name != "Class A (2026)" {
		t.Errorf("Cohorts: %+v, %v", cs, err)
	}
}

func testAudit(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	clock.SetStep(time.Second)
	start := clock.Now()
	entries := []drillroom.AuditEntry{
		{ActorID: 1, Actor: "root", Action: drillroom.AuditUserCreate, Target: "user ann", Addr: "192.0.2.1"},
		{Actor: "ann", Action: drillroom.AuditLoginFailed, Addr: "192.0.2.9"},
		{ActorID: 2, Actor: "ann", Action: drillroom.AuditLogin, Addr: "192.0.2.9"},
		{ActorID: 1, Actor: "root", Action: drillroom.AuditCohortAdd, Target: "cohort Class A", Detail: "ann"},
		{Actor: strings.Repeat("x", 5000), Action: drillroom.AuditLoginFailed, Detail: strings.Repeat("é", 400)},
	}
	for _, e := range entries {
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendAudit(ctx, drillroom.AuditEntry{Actor: "root"}); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("AppendAudit without an action: %v, want ErrInvalid", err)
	}
	all, err := s.Audit(ctx, drillroom.AuditFilter{})
	if err != nil || len(all) != 5 {
		t.Fatalf("Audit(all): %d entries, %v", len(all), err)
	}
	if all[0].Action != drillroom.AuditLoginFailed || all[4].Action != drillroom.AuditUserCreate || !all[0].At.After(all[4].At) || all[4].At.Before(start) {
		t.Errorf("Audit order: first %+v, last %+v; want newest first", all[0], all[4])
	}
	if len(all[0].Actor) > 600 || len(all[0].Detail) > 600 {
		t.Errorf("over-long fields kept at %d and %d bytes; want them cut", len(all[0].Actor), len(all[0].Detail))
	}
	for _, tc := range []struct {
		name string
		f    drillroom.AuditFilter
		want int
	}{
		{"by actor, any case", drillroom.AuditFilter{Actor: "ROOT"}, 2},
		{"by action", drillroom.AuditFilter{Action: drillroom.AuditLoginFailed}, 2},
		{"by action prefix", drillroom.AuditFilter{Action: "login."}, 3},
		{"by target", drillroom.AuditFilter{Target: "class a"}, 1},
		{"by target, % and _ as themselves", drillroom.AuditFilter{Target: "user%"}, 0},
		{"by target, _ as itself", drillroom.AuditFilter{Target: "user_ann"}, 0},
		{"since", drillroom.AuditFilter{Since: all[1].At}, 2},
		{"until", drillroom.AuditFilter{Until: all[3].At}, 1},
		{"limit", drillroom.AuditFilter{Limit: 2}, 2},
	} {
		if got, err := s.Audit(ctx, tc.f); err != nil || len(got) != tc.want {
			t.Errorf("Audit(%s): %d entries, %v; want %d", tc.name, len(got), err, tc.want)
		}
	}
}
