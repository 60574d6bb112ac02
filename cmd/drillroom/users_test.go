package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func TestUsersPasswd(t *testing.T) {
	ctx := context.Background()
	dir, st := liveDatabase(t)
	ann, err := st.CreateUser(ctx, "ann", "Ann", drillroom.RoleTrainee, "old password")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := st.CreateUser(ctx, "bob", "Bob", drillroom.RoleTrainee, "bobs password")
	if err != nil {
		t.Fatal(err)
	}
	laptop, _ := st.CreateLogin(ctx, ann.ID, time.Hour)
	phone, _ := st.CreateLogin(ctx, ann.ID, time.Hour)
	bobs, _ := st.CreateLogin(ctx, bob.ID, time.Hour)

	code, out, errs := runMainInput("new battery staple\r\n", "users", "passwd", "--data", dir, "ANN")
	wantExit0(t, code, errs)
	if out != "password of ann changed; every login of ann has ended\nann must choose a new password at the next sign-in\n" {
		t.Errorf("stdout %q", out)
	}
	if u, err := st.UserByID(ctx, ann.ID); err != nil || !u.MustChangePassword {
		t.Errorf("after an administrator's reset: got %+v, %v; want MustChangePassword", u, err)
	}
	for _, tok := range []string{laptop, phone} {
		if _, err := st.LoginUser(ctx, tok); !errors.Is(err, drillroom.ErrUnauthorized) {
			t.Errorf("ann's login after passwd: got %v, want drillroom.ErrUnauthorized (signed out everywhere)", err)
		}
	}
	if u, err := st.LoginUser(ctx, bobs); err != nil || u.ID != bob.ID {
		t.Errorf("bob's login after ann's passwd: got %+v, %v; want bob still signed in", u, err)
	}
	if _, err := st.Authenticate(ctx, "ann", "new battery staple"); err != nil {
		t.Errorf("sign in with the new password (without the line ending): %v", err)
	}
	if _, err := st.Authenticate(ctx, "ann", "old password"); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("sign in with the old password: got %v, want drillroom.ErrUnauthorized", err)
	}

	wantRefusals(t, []refusal{
		{"unknown user", "long enough\n", []string{"users", "passwd", "--data", dir, "cleo"}, 1, `no user "cleo"`},
		{"short password", "short\n", []string{"users", "passwd", "--data", dir, "ann"}, 1, "password shorter than 8 characters"},
		{"empty input", "", []string{"users", "passwd", "--data", dir, "ann"}, 1, "no password on standard input"},
		{"two lines", "first line\nsecond line\n", []string{"users", "passwd", "--data", dir, "ann"}, 1, "more than one line"},
		{"no database", "long enough\n", []string{"users", "passwd", "--data", t.TempDir(), "ann"}, 1, "no database at"},
		{"no username", "long enough\n", []string{"users", "passwd", "--data", dir}, 2, "usage: drillroom user SUBCOMMAND"},
		{"unknown subcommand", "", []string{"users", "delete", "--data", dir, "cleo"}, 2, `unknown subcommand "delete"`},
	})
	if _, err := st.Authenticate(ctx, "ann", "new battery staple"); err != nil {
		t.Errorf("a refused passwd changed the password: %v", err)
	}

	// A password the user chose themselves: no change required.
	code, out, errs = runMainInput("bobs own choice\n", "users", "passwd", "--must-change=false", "--data", dir, "bob")
	if code != 0 || out != "password of bob changed; every login of bob has ended\n" {
		t.Fatalf("--must-change=false: exit %d, %q, %q", code, out, errs)
	}
	if u, err := st.UserByID(ctx, bob.ID); err != nil || u.MustChangePassword {
		t.Errorf("after --must-change=false: got %+v, %v; want no change required", u, err)
	}
}

// TestUserAdmin: the first administrator and scripts manage accounts from
// the command line, and every change is in the audit log as "cli".
func TestUserAdmin(t *testing.T) {
	ctx := context.Background()
	dir, st := liveDatabase(t)

	code, out, errs := runMainInput("chosen by root\n", "user", "add", "--data", dir, "--role", "trainer", "--admin", "--name", "Root Admin", "--password-stdin", "root")
	if code != 0 || out != "created root (trainer, administrator)\n" {
		t.Fatalf("add root: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	root, err := st.Authenticate(ctx, "root", "chosen by root")
	if err != nil || !root.Admin || root.MustChangePassword || root.DisplayName != "Root Admin" {
		t.Fatalf("root after add: %+v, %v; want an administrator with the chosen password, no change forced", root, err)
	}

	code, out, errs = runMainInput("", "user", "add", "--data", dir, "--role", "trainee", "--cohort", "Class A", "--cohort", "Night shift", "ann")
	if code != 0 || !strings.HasPrefix(out, "created ann (trainee)\npassword: ") {
		t.Fatalf("add ann: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	generated := strings.TrimPrefix(strings.SplitN(out, "\n", 3)[1], "password: ")
	ann, err := st.Authenticate(ctx, "ann", generated)
	if err != nil || !ann.MustChangePassword {
		t.Fatalf("ann signs in with the printed password: %+v, %v; want the change forced", ann, err)
	}
	if cs, _ := st.UserCohorts(ctx, ann.ID); len(cs) != 2 || cs[0].Name != "Class A" || cs[1].Name != "Night shift" {
		t.Errorf("ann's cohorts: %+v", cs)
	}

	wantRefusals(t, []refusal{
		{"taken", "", []string{"user", "add", "--data", dir, "--role", "coach", "ANN"}, 1, "That username is taken."},
		{"no role", "", []string{"user", "add", "--data", dir, "bob"}, 1, "give the role with --role"},
		{"bad role", "", []string{"user", "add", "--data", dir, "--role", "boss", "bob"}, 1, `Role "boss": want trainee, trainer or coach.`},
		{"trainee administrator", "", []string{"user", "add", "--data", dir, "--role", "trainee", "--admin", "bob"}, 1, "A trainee cannot be an administrator."},
		{"disable unknown", "", []string{"user", "disable", "--data", dir, "cleo"}, 1, `no user "cleo"`},
		{"list bad role", "", []string{"user", "list", "--data", dir, "--role", "boss"}, 1, `role "boss"`},
		{"add without username", "", []string{"user", "add", "--data", dir, "--role", "coach"}, 2, "usage: drillroom user"},
	})

	login, _ := st.CreateLogin(ctx, ann.ID, time.Hour)
	if code, out, errs := runMainInput("", "user", "disable", "--data", dir, "ann"); code != 0 || out != "disabled ann\n" {
		t.Fatalf("disable: exit %d, %q, %q", code, out, errs)
	}
	if _, err := st.LoginUser(ctx, login); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("ann's login after disable: %v, want ErrUnauthorized", err)
	}
	if _, err := st.Authenticate(ctx, "ann", generated); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("ann signs in while disabled: %v, want ErrUnauthorized", err)
	}
	if code, out, _ := runMainInput("", "user", "enable", "--data", dir, "ann"); code != 0 || out != "enabled ann\n" {
		t.Fatalf("enable: exit %d, %q", code, out)
	}
	code, out, _ = runMainInput("", "user", "reset-password", "--data", dir, "ann")
	if code != 0 || !strings.HasPrefix(out, "password of ann: ") {
		t.Fatalf("reset-password: exit %d, %q", code, out)
	}
	reset := strings.Fields(strings.TrimPrefix(out, "password of ann: "))[0]
	if u, err := st.Authenticate(ctx, "ann", reset); err != nil || !u.MustChangePassword {
		t.Errorf("ann after the reset: %+v, %v", u, err)
	}

	code, out, _ = runMainInput("", "user", "list", "--data", dir)
	want := "USERNAME  ROLE     FLAGS                 COHORTS               NAME\n" +
		"ann       trainee  must-change-password  Class A; Night shift  ann\n" +
		"root      trainer  admin                 -                     Root Admin\n"
	if code != 0 || out != want {
		t.Errorf("list:\n%s\nwant:\n%s", out, want)
	}

	entries, err := st.Audit(ctx, drillroom.AuditFilter{Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Target)
	}
	wantActions := []string{"password.reset user ann", "user.enable user ann", "user.disable user ann", "user.create user ann", "user.create user root"}
	if strings.Join(actions, ", ") != strings.Join(wantActions, ", ") {
		t.Errorf("audit log: %q, want %q", actions, wantActions)
	}
}
