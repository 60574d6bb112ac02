package training_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

func TestAccountsNeedAnAdministrator(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := training.NewAccounts(f.st, nil)
	for _, u := range []drillroom.User{f.ann, f.trent, f.carol} {
		a := training.Actor{User: u}
		calls := map[string]func() error{
			"CreateUser": func() error {
				_, _, err := acc.CreateUser(ctx, a, drillroom.NewUser{Username: "x", Role: drillroom.RoleTrainee})
				return err
			},
			"UpdateUser": func() error {
				_, err := acc.UpdateUser(ctx, a, f.bob.ID, "B", drillroom.RoleTrainee, false)
				return err
			},
			"SetDisabled":   func() error { _, err := acc.SetDisabled(ctx, a, f.bob.ID, true); return err },
			"ResetPassword": func() error { _, _, err := acc.ResetPassword(ctx, a, f.bob.ID); return err },
			"Users":         func() error { _, err := acc.Users(ctx, a); return err },
			"User":          func() error { _, _, err := acc.User(ctx, a, f.bob.ID); return err },
			"CreateCohort":  func() error { _, err := acc.CreateCohort(ctx, a, "New", ""); return err },
			"UpdateCohort":  func() error { _, err := acc.UpdateCohort(ctx, a, 1, "New", ""); return err },
			"AddMember":     func() error { return acc.AddMember(ctx, a, 1, "bob") },
			"RemoveMember":  func() error { return acc.RemoveMember(ctx, a, 1, f.ann.ID) },
			"Import": func() error {
				_, err := acc.Import(ctx, a, strings.NewReader("username,role\nzed,trainee\n"), false)
				return err
			},
			"AuditLog": func() error { _, err := acc.AuditLog(ctx, a, drillroom.AuditFilter{}); return err },
		}
		for name, call := range calls {
			wantCode(t, u.Username+" "+name, call(), drillroom.CodeForbidden)
		}
	}
	if _, err := f.st.UserByUsername(ctx, "zed"); err == nil {
		t.Error("a refused import created zed")
	}
}

func TestAccountsAdministration(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := training.NewAccounts(f.st, nil)
	ada := training.Actor{User: f.ada, Addr: "192.0.2.7"}

	u, pw, err := acc.CreateUser(ctx, ada, drillroom.NewUser{Username: "dee", DisplayName: "Dee", Role: drillroom.RoleTrainee, MustChangePassword: true, Cohorts: []string{"Class A"}})
	if err != nil || len(pw) != 19 || !u.MustChangePassword {
		t.Fatalf("CreateUser: %+v, password %q, %v", u, pw, err)
	}
	if _, err := f.st.Authenticate(ctx, "dee", pw); err != nil {
		t.Errorf("dee signs in with the generated password: %v", err)
	}
	_, _, err = acc.CreateUser(ctx, ada, drillroom.NewUser{Username: "DEE", Role: drillroom.RoleTrainee})
	wantCode(t, "a taken username", err, drillroom.CodeConflict)
	if drillroom.ErrorMessage(err) != "That username is taken." {
		t.Errorf("taken username message %q", drillroom.ErrorMessage(err))
	}

	// Administrators cannot lock themselves out.
	_, err = acc.UpdateUser(ctx, ada, f.ada.ID, "Ada", drillroom.RoleCoach, false)
	wantCode(t, "ada drops her own administrator rights", err, drillroom.CodeConflict)
	_, err = acc.SetDisabled(ctx, ada, f.ada.ID, true)
	wantCode(t, "ada disables herself", err, drillroom.CodeConflict)

	bob, err := acc.UpdateUser(ctx, ada, f.bob.ID, "Bob B", drillroom.RoleCoach, true)
	if err != nil || bob.Role != drillroom.RoleCoach || !bob.Admin || bob.DisplayName != "Bob B" {
		t.Fatalf("UpdateUser(bob): %+v, %v", bob, err)
	}
	if _, err := acc.SetDisabled(ctx, ada, f.bob.ID, true); err != nil {
		t.Fatal(err)
	}
	_, reset, err := acc.ResetPassword(ctx, ada, f.carol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := f.st.Authenticate(ctx, "carol", reset); err != nil || !c.MustChangePassword {
		t.Errorf("carol after the reset: %+v, %v", c, err)
	}

	// Changing one's own password.
	carol := training.Actor{User: f.carol}
	for _, tc := range []struct{ name, current, next, want string }{
		{"wrong current", "nope", "a new long one", "Your current password is not right."},
		{"too short", reset, "short", "Choose a new password of at least 8 characters."},
		{"the same", reset, reset, "Choose a new password, not the current one."},
	} {
		err := acc.ChangePassword(ctx, carol, tc.current, tc.next)
		if drillroom.ErrorCode(err) != drillroom.CodeInvalid || drillroom.ErrorMessage(err) != tc.want {
			t.Errorf("ChangePassword(%s): %v (%q), want %q", tc.name, err, drillroom.ErrorMessage(err), tc.want)
		}
	}
	if err := acc.ChangePassword(ctx, carol, reset, "carol's own choice"); err != nil {
		t.Fatal(err)
	}
	if c, err := f.st.Authenticate(ctx, "carol", "carol's own choice"); err != nil || c.MustChangePassword {
		t.Errorf("carol after her change: %+v, %v", c, err)
	}

	// Cohorts: staff see their own, administrators all.
	night, err := acc.CreateCohort(ctx, ada, "  Night shift ", "Evenings")
	if err != nil || night.Name != "Night shift" {
		t.Fatalf("CreateCohort: %+v, %v", night, err)
	}
	_, err = acc.CreateCohort(ctx, ada, "night SHIFT", "")
	wantCode(t, "a taken cohort name", err, drillroom.CodeConflict)
	if err := acc.AddMember(ctx, ada, night.ID, "trent"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "adding an unknown user", acc.AddMember(ctx, ada, night.ID, "nobody"), drillroom.CodeInvalid)
	mine, err := acc.Cohorts(ctx, training.Actor{User: f.trent})
	if err != nil || len(mine) != 2 || mine[0].Name != "Class A" || mine[1].Name != "Night shift" {
		t.Errorf("trent's cohorts: %+v, %v", mine, err)
	}
	if _, _, err := acc.Cohort(ctx, training.Actor{User: f.trent}, night.ID); err != nil {
		t.Errorf("trent reads his cohort: %v", err)
	}
	_, _, err = acc.Cohort(ctx, training.Actor{User: f.vic}, night.ID)
	wantCode(t, "vic reads a cohort he is not in", err, drillroom.CodeNotFound)
	classA := mine[0]
	_, _, err = acc.Cohort(ctx, training.Actor{User: f.ann}, classA.ID)
	wantCode(t, "ann (a trainee) reads her cohort's member list", err, drillroom.CodeNotFound)
	if cs, err := acc.Cohorts(ctx, training.Actor{User: f.ann}); err != nil || len(cs) != 0 {
		t.Errorf("ann's cohorts list: %+v, %v; want none shown to a trainee", cs, err)
	}
	if err := acc.RemoveMember(ctx, ada, night.ID, f.trent.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "removing a non-member", acc.RemoveMember(ctx, ada, night.ID, f.trent.ID), drillroom.CodeNotFound)
	if _, err := acc.UpdateCohort(ctx, ada, night.ID, "Night shift 2", "Later"); err != nil {
		t.Fatal(err)
	}

	// The audit log names who, what, on whom and from where.
	log, err := acc.AuditLog(ctx, ada, drillroom.AuditFilter{Actor: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		if e.Addr != "192.0.2.7" {
			t.Errorf("entry %+v: want the address 192.0.2.7", e)
		}
		got = append(got, e.Action+" "+e.Target)
	}
	slices.Reverse(got)
	want := []string{
		"user.create user dee", "user.update user bob", "user.disable user bob", "password.reset user carol",
		"cohort.create cohort Night shift", "cohort.add cohort Night shift", "cohort.remove cohort Night shift",
		"cohort.update cohort Night shift 2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log:\n got %q\nwant %q", got, want)
	}
	if cl, _ := acc.AuditLog(ctx, ada, drillroom.AuditFilter{Action: drillroom.AuditPasswordChange}); len(cl) != 1 || cl[0].Actor != "carol" {
		t.Errorf("carol's own change in the log: %+v", cl)
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acc := training.NewAccounts(f.st, nil)
	ada := training.Actor{User: f.ada}

	bad := "\ufeffUsername,Display name,Role,Cohort\n" +
		"ok1,One,trainee,Class A\n" +
		"ann,Taken,trainee,Class A\n" + // taken in the database
		"ok2,Two,boss,Class A\n" + // bad role
		"OK1,Again,trainee,Class A\n" + // twice in the file
		"with space,X,trainee,\n" +
		"ok3,\"Three, the third\",coach,Class C; Class D\n"
	rep, err := acc.Import(ctx, ada, strings.NewReader(bad), false)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, p := range rep.Problems {
		problems = append(problems, fmt.Sprintf("%d: %s", p.Line, p.Problem))
	}
	want := []string{
		`3: username "ann" is taken`,
		`4: role "boss": want trainee, trainer or coach`,
		`5: username "OK1" is also on line 2`,
		`6: username "with space" has a space or control character`,
	}
	if !slices.Equal(problems, want) || rep.Imported {
		t.Fatalf("problems:\n got %q\nwant %q (imported %v)", problems, want, rep.Imported)
	}
	if _, err := f.st.UserByUsername(ctx, "ok1"); err == nil {
		t.Fatal("an import with bad rows created ok1")
	}

	var good strings.Builder
	good.WriteString("username,name,role,cohorts\n")
	for i := range 50 {
		cohort := "Intake North"
		if i%2 == 1 {
			cohort = "Intake South"
		}
		role := "trainee"
		if i == 0 {
			role = "trainer"
		}
		fmt.Fprintf(&good, "user%02d,User %d,%s,%s\n", i, i, role, cohort)
	}
	dry, err := acc.Import(ctx, ada, strings.NewReader(good.String()), true)
	if err != nil || len(dry.Problems) != 0 || dry.Imported || len(dry.Rows) != 50 || !slices.Equal(dry.NewCohorts, []string{"Intake North", "Intake South"}) {
		t.Fatalf("dry run: %d rows, problems %v, imported %v, new cohorts %v, %v", len(dry.Rows), dry.Problems, dry.Imported, dry.NewCohorts, err)
	}
	if _, err := f.st.UserByUsername(ctx, "user00"); err == nil {
		t.Fatal("a dry run created user00")
	}
	done, err := acc.Import(ctx, ada, strings.NewReader(good.String()), false)
	if err != nil || !done.Imported {
		t.Fatalf("import: %+v, %v", done.Problems, err)
	}
	u7, err := f.st.Authenticate(ctx, "user07", done.Rows[7].Password)
	if err != nil || !u7.MustChangePassword || u7.DisplayName != "User 7" {
		t.Errorf("user07 signs in with the generated password: %+v, %v", u7, err)
	}
	cs, _ := f.st.Cohorts(ctx)
	counts := map[string][2]int{}
	for _, c := range cs {
		counts[c.Name] = [2]int{c.Trainees, c.Staff}
	}
	if counts["Intake North"] != [2]int{24, 1} || counts["Intake South"] != [2]int{25, 0} {
		t.Errorf("cohort counts %v; want North 24 trainees + 1 trainer, South 25 trainees", counts)
	}

	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "The file is empty."},
		{"unknown column", "username,role,shoe size\n", `Line 1: unknown column "shoe size"`},
		{"no role column", "username,name\nx,y\n", "Line 1: the header has no role column"},
		{"header only", "username,role\n", "The file has a header and no accounts."},
		{"not UTF-8", "username,role\n\xff\xfe,trainee\n", "The file is not UTF-8 text"},
		{"too large", "username,role\n" + strings.Repeat("x", training.MaxImportBytes), "larger than 1 MiB"},
		{"too many rows", "username,role\n" + strings.Repeat("u,trainee\n", training.MaxImportRows+1), "more than 500 rows"},
	} {
		_, err := acc.Import(ctx, ada, strings.NewReader(tc.file), true)
		if drillroom.ErrorCode(err) != drillroom.CodeInvalid || !strings.Contains(drillroom.ErrorMessage(err), tc.want) {
			t.Errorf("Import(%s): %v, want an invalid-input error containing %q", tc.name, err, tc.want)
		}
	}
}
