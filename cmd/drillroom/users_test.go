package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func runMainInput(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

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
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
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

	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		wantErr     string
	}{
		{"unknown user", "long enough\n", []string{"users", "passwd", "--data", dir, "cleo"}, 1, `no user "cleo"`},
		{"short password", "short\n", []string{"users", "passwd", "--data", dir, "ann"}, 1, "password shorter than 8 characters"},
		{"empty input", "", []string{"users", "passwd", "--data", dir, "ann"}, 1, "no password on standard input"},
		{"two lines", "first line\nsecond line\n", []string{"users", "passwd", "--data", dir, "ann"}, 1, "more than one line"},
		{"no database", "long enough\n", []string{"users", "passwd", "--data", t.TempDir(), "ann"}, 1, "no database at"},
		{"no username", "long enough\n", []string{"users", "passwd", "--data", dir}, 2, "usage: drillroom users passwd"},
		{"unknown subcommand", "", []string{"users", "add", "--data", dir, "cleo"}, 2, `unknown subcommand "add"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runMainInput(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.wantErr)
			}
		})
	}
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
