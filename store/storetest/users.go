package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// Passwords have 8 characters to 1024 bytes, whatever the backend.
const maxPasswordBytes = 1024

func testUsers(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "  Ann Example ", drillroom.RoleTrainee)
	if ann.ID == 0 || ann.Username != "ann" || ann.DisplayName != "Ann Example" || ann.Role != drillroom.RoleTrainee || ann.CreatedAt.IsZero() {
		t.Errorf("CreateUser: got %+v", ann)
	}
	tests := []struct {
		name, username, display string
		role                    drillroom.Role
		password                string
		want                    error
	}{
		{"taken", "ann", "", drillroom.RoleCoach, "long enough", drillroom.ErrConflict},
		{"taken in another case", "ANN", "", drillroom.RoleCoach, "long enough", drillroom.ErrConflict},
		{"unknown role", "bob", "", drillroom.Role("admin"), "long enough", drillroom.ErrInvalid},
		{"empty username", "", "", drillroom.RoleTrainee, "long enough", drillroom.ErrInvalid},
		{"space in username", "bob smith", "", drillroom.RoleTrainee, "long enough", drillroom.ErrInvalid},
		{"short password", "bob", "", drillroom.RoleTrainee, "1234567", drillroom.ErrInvalid},
		{"short password in runes", "bob", "", drillroom.RoleTrainee, "ééééééé", drillroom.ErrInvalid},
		{"huge password", "bob", "", drillroom.RoleTrainee, strings.Repeat("x", maxPasswordBytes+1), drillroom.ErrInvalid},
		{"eight characters", "bob", "", drillroom.RoleTrainer, "12345678", nil},
		{"multibyte password", "cleo", "", drillroom.RoleCoach, "pässwörd-ünïcode", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateUser(ctx, tc.username, tc.display, tc.role, tc.password)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("CreateUser(%q): got %v, want %v", tc.username, err, tc.want)
			}
		})
	}
	bob, err := s.UserByUsername(ctx, "BOB")
	if err != nil || bob.DisplayName != "bob" || bob.Role != drillroom.RoleTrainer {
		t.Errorf("UserByUsername(BOB): got %+v, %v; want bob, display name defaulted, trainer", bob, err)
	}
	if got, err := s.UserByID(ctx, ann.ID); err != nil || got != ann {
		t.Errorf("UserByID: got %+v, %v; want %+v", got, err, ann)
	}
	for _, tc := range []struct {
		role drillroom.Role
		want []string
	}{
		{"", []string{"ann", "bob", "cleo"}},
		{drillroom.RoleTrainee, []string{"ann"}},
		{drillroom.RoleCoach, []string{"cleo"}},
	} {
		us, err := s.ListUsers(ctx, tc.role)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range us {
			got = append(got, u.Username)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("ListUsers(%q): got %v, want %v", tc.role, got, tc.want)
		}
	}
	if _, err := s.ListUsers(ctx, "admin"); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("ListUsers(admin): got %v, want drillroom.ErrInvalid", err)
	}
}

func testAuthenticate(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainee)
	tests := []struct {
		name, username, password string
		want                     error
	}{
		{"right password", "ann", "correct horse", nil},
		{"username in another case", "Ann", "correct horse", nil},
		{"wrong password", "ann", "correct horsE", drillroom.ErrUnauthorized},
		{"password prefix", "ann", "correct hors", drillroom.ErrUnauthorized},
		{"password with trailing space", "ann", "correct horse ", drillroom.ErrUnauthorized},
		{"empty password", "ann", "", drillroom.ErrUnauthorized},
		{"unknown user", "bob", "correct horse", drillroom.ErrUnauthorized},
		{"oversized password", "ann", strings.Repeat("x", maxPasswordBytes+1), drillroom.ErrUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.Authenticate(ctx, tc.username, tc.password)
			if tc.want == nil {
				if err != nil || u.ID != ann.ID {
					t.Errorf("got %+v, %v; want user %d", u, err, ann.ID)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if u != (drillroom.User{}) {
				t.Errorf("got user %+v with an error, want zero drillroom.User", u)
			}
		})
	}
}

func testLogins(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	ann := CreateUser(t, s, "ann", "Ann", drillroom.RoleTrainee)
	token, err := s.CreateLogin(ctx, ann.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 {
		t.Errorf("token %q: %d characters, want 43 (32 bytes base64url)", token, len(token))
	}
	other, err := s.CreateLogin(ctx, ann.ID, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if other == token {
		t.Fatalf("two logins got the same token")
	}
	if _, err := s.CreateLogin(ctx, 9999, time.Hour); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("CreateLogin for unknown user: got %v, want drillroom.ErrNotFound", err)
	}
	if _, err := s.CreateLogin(ctx, ann.ID, 0); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("CreateLogin with ttl 0: got %v, want drillroom.ErrInvalid", err)
	}

	check := func(name, tok string, want error) {
		t.Helper()
		u, err := s.LoginUser(ctx, tok)
		if want == nil {
			if err != nil || u.ID != ann.ID {
				t.Errorf("%s: LoginUser got %+v, %v; want user %d", name, u, err, ann.ID)
			}
			return
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: LoginUser got %v, want %v", name, err, want)
		}
	}
	check("fresh", token, nil)
	check("empty token", "", drillroom.ErrUnauthorized)
	other42 := "A"
	if token[42:] == "A" {
		other42 = "B"
	}
	check("unknown token", token[:42]+other42, drillroom.ErrUnauthorized)

	// The idle timeout: a login unused for idle ends; using it (touch)
	// starts its idle time again; looking without touch does not.
	idle := 30 * time.Minute
	if u, err := s.SeenLogin(ctx, token, idle, false); err != nil || u.ID != ann.ID {
		t.Errorf("SeenLogin fresh: %+v, %v; want ann", u, err)
	}
	clock.Advance(20 * time.Minute)
	if _, err := s.SeenLogin(ctx, token, idle, true); err != nil {
		t.Errorf("SeenLogin after 20 idle minutes of 30: %v", err)
	}
	clock.Advance(20 * time.Minute)
	if _, err := s.SeenLogin(ctx, token, idle, false); err != nil {
		t.Errorf("SeenLogin 20 minutes after being used: %v, want still signed in", err)
	}
	if _, err := s.SeenLogin(ctx, other, idle, false); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("SeenLogin of a login unused for 40 minutes (idle 30): %v, want ErrUnauthorized", err)
	}
	if _, err := s.SeenLogin(ctx, other, 0, false); err != nil {
		t.Errorf("SeenLogin without an idle timeout: %v, want the login", err)
	}
	if _, err := s.SeenLogin(ctx, "", idle, true); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("SeenLogin of an empty token: %v, want ErrUnauthorized", err)
	}
	clock.Advance(-40 * time.Minute)

	clock.Advance(time.Hour) // expiry is exclusive: at expires_at the login is over
	check("expired", token, drillroom.ErrUnauthorized)
	check("longer ttl still valid", other, nil)

	deleted, err := s.DeleteExpiredLogins(ctx)
	if err != nil || deleted != 1 {
		t.Errorf("DeleteExpiredLogins: got %d, %v; want 1", deleted, err)
	}
	if deleted, err := s.DeleteExpiredLogins(ctx); err != nil || deleted != 0 {
		t.Errorf("DeleteExpiredLogins again: got %d, %v; want 0", deleted, err)
	}
	if err := s.DeleteLogin(ctx, other); err != nil {
		t.Fatal(err)
	}
	check("logged out", other, drillroom.ErrUnauthorized)
	if err := s.DeleteLogin(ctx, other); err != nil {
		t.Errorf("DeleteLogin twice: %v, want nil", err)
	}

	// A password change ends every login of that user, and only of that user.
	bob := CreateUser(t, s, "bob", "Bob", drillroom.RoleTrainee)
	bobs, _ := s.CreateLogin(ctx, bob.ID, time.Hour)
	a, _ := s.CreateLogin(ctx, ann.ID, time.Hour)
	b, _ := s.CreateLogin(ctx, ann.ID, time.Hour)
	if err := s.SetPassword(ctx, ann.ID, "new battery staple", false); err != nil {
		t.Fatal(err)
	}
	check("after password change (a)", a, drillroom.ErrUnauthorized)
	check("after password change (b)", b, drillroom.ErrUnauthorized)
	if u, err := s.LoginUser(ctx, bobs); err != nil || u.ID != bob.ID {
		t.Errorf("another user's login after ann's password change: got %+v, %v; want bob still signed in", u, err)
	}
	if _, err := s.Authenticate(ctx, "ann", "correct horse"); !errors.Is(err, drillroom.ErrUnauthorized) {
		t.Errorf("old password after SetPassword: got %v, want drillroom.ErrUnauthorized", err)
	}
	if _, err := s.Authenticate(ctx, "ann", "new battery staple"); err != nil {
		t.Errorf("new password after SetPassword: %v", err)
	}
	if err := s.SetPassword(ctx, 9999, "whatever long", false); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("SetPassword(unknown user): got %v, want drillroom.ErrNotFound", err)
	}
	if err := s.SetPassword(ctx, ann.ID, "short", false); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("SetPassword(short): got %v, want drillroom.ErrInvalid", err)
	}
	if _, err := s.Authenticate(ctx, "ann", "new battery staple"); err != nil {
		t.Errorf("a refused SetPassword changed the password: %v", err)
	}
}
