package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
)

// The account pages: changing one's own password, the forced change, the
// audit of sign-ins, and the cohort pages of trainers and coaches.

const newPassword = "a fresh password 42"

func TestChangePassword(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	other := app.signedIn("alice") // another device
	res := alice.get("/account/password")
	wantStatus(t, "password page", res, http.StatusOK)
	mustContain(t, "password page", res, `<label for="current">`, `<label for="new">`, `<label for="confirm">`, `autocomplete="new-password"`)
	if strings.Contains(res.body, `id="must-change"`) {
		t.Error("the page says the password must change; it need not")
	}
	token := alice.csrfOn("/account/password")
	for _, tc := range []struct {
		name                   string
		current, next, confirm string
		want                   string
	}{
		{"no current", "", newPassword, newPassword, "Type your current password."},
		{"wrong current", "not my password", newPassword, newPassword, "Your current password is not right."},
		{"mismatch", testPassword, newPassword, newPassword + "!", "are not the same"},
		{"short", testPassword, "short", "short", "at least 8 characters"},
		{"same", testPassword, testPassword, testPassword, "not the current one"},
		{"username", testPassword, "alice", "alice", "at least 8"},
		{"too long", testPassword, strings.Repeat("p", 1025), strings.Repeat("p", 1025), "at most 1024 bytes"},
	} {
		res := alice.post("/account/password", url.Values{"csrf": {token}, "current": {tc.current}, "new": {tc.next}, "confirm": {tc.confirm}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: status %d, want 400 with %q", tc.name, res.status, tc.want)
		}
	}
	res = alice.post("/account/password", url.Values{"csrf": {token}, "current": {testPassword}, "new": {newPassword}, "confirm": {newPassword}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/?done=password" {
		t.Fatalf("change: status %d to %q; %.300s", res.status, res.header.Get("Location"), res.body)
	}
	// Signed in again on this device, with a new login: the page works
	// and shows the notice; the other device is signed out.
	home := alice.get("/?done=password")
	wantStatus(t, "home after the change", home, http.StatusOK)
	mustContain(t, "home after the change", home, "Your password is changed.")
	if alice.csrf() == token {
		t.Error("the login (and its CSRF token) did not change with the password")
	}
	if res := other.get("/"); res.status != http.StatusSeeOther {
		t.Errorf("the other device after the change: status %d, want a redirect to sign in", res.status)
	}
	if res := app.browser().login("alice", testPassword); res.status != http.StatusUnauthorized {
		t.Error("the old password still works")
	}
	app.browser().login("alice", newPassword)
	if es := app.audit(drillroom.AuditFilter{Action: drillroom.AuditPasswordChange}); len(es) != 1 || es[0].Actor != "alice" {
		t.Errorf("audit of the change: %+v", es)
	}
	if res := app.browser().get("/account/password"); res.status != http.StatusSeeOther {
		t.Errorf("anonymous password page: status %d, want a redirect to sign in", res.status)
	}
}

func TestChangePasswordThrottled(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	token := alice.csrfOn("/account/password")
	change := func(current string) response {
		return alice.post("/account/password", url.Values{"csrf": {token}, "current": {current}, "new": {newPassword}, "confirm": {newPassword}})
	}
	for i := 0; i < 5; i++ {
		if res := change("guess " + strconv.Itoa(i)); res.status != http.StatusBadRequest || !strings.Contains(res.body, wrongCurrentPassword) {
			t.Fatalf("guess %d: status %d, want 400 saying the current password is wrong", i, res.status)
		}
	}
	res := change(testPassword)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "Too many wrong passwords") {
		t.Errorf("after 5 wrong guesses, the right password: status %d, want 429 with Retry-After", res.status)
	}
	if res := app.browser().login("alice", testPassword); res.status != http.StatusTooManyRequests {
		t.Errorf("signing in from the same address after the lockout: status %d, want 429", res.status)
	}
	if app.user("alice").MustChangePassword {
		t.Fatal("unexpected flag")
	}
	if res := app.browser().login("alice", newPassword); res.status == http.StatusSeeOther {
		t.Error("the password changed during the lockout")
	}
}

func TestMustChangePasswordGate(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	// An administrator resets her password: she signs in with the new one.
	if err := app.store.SetPassword(ctx, app.users["alice"].ID, "given password 1", true); err != nil {
		t.Fatal(err)
	}
	b := app.browser()
	if res := b.login("alice", "given password 1"); res.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.status)
	}
	for _, p := range []string{"/", "/sessions/" + id, "/sessions/" + id + "/debrief", "/cohorts/1", "/admin/users", "/login", "/nowhere"} {
		if res := b.get(p); res.status != http.StatusSeeOther || res.header.Get("Location") != "/account/password" {
			t.Errorf("GET %s: status %d to %q, want 303 to /account/password", p, res.status, res.header.Get("Location"))
		}
	}
	res := b.get("/account/password")
	wantStatus(t, "password page", res, http.StatusOK)
	mustContain(t, "password page", res, `id="must-change"`)
	token := b.csrfOn("/account/password")
	for _, p := range []string{"/drills/" + app.drillID + "/start", "/sessions/" + id + "/review"} {
		res := b.post(p, url.Values{"csrf": {token}, "mode": {"practice"}, "text": {"x"}})
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "Change your password") {
			t.Errorf("POST %s: status %d, want 403 asking to change the password", p, res.status)
		}
	}
	// The websocket is refused too.
	wsURL := "ws" + strings.TrimPrefix(app.srv.URL, "http") + "/ws/sessions/" + id
	hdr := http.Header{"Origin": {app.srv.URL}}
	u, _ := url.Parse(app.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		hdr.Add("Cookie", c.Name+"="+c.Value)
	}
	conn, wsRes, err := websocket.DefaultDialer.Dial(wsURL, hdr)
	if err == nil {
		conn.Close()
		t.Error("the websocket opened for a user who must change the password")
	} else if wsRes == nil || wsRes.StatusCode != http.StatusForbidden {
		t.Errorf("websocket: %v, want 403", err)
	}
	// Signing out stays possible.
	if res := b.post("/logout", url.Values{"csrf": {token}}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
		t.Errorf("logout: status %d to %q", res.status, res.header.Get("Location"))
	}
	// After the change, everything is open again.
	b.login("alice", "given password 1")
	token = b.csrfOn("/account/password")
	res = b.post("/account/password", url.Values{"csrf": {token}, "current": {"given password 1"}, "new": {newPassword}, "confirm": {newPassword}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: status %d", res.status)
	}
	if res := b.get("/sessions/" + id); res.status != http.StatusOK {
		t.Errorf("console after the change: status %d", res.status)
	}
	if app.user("alice").MustChangePassword {
		t.Error("the flag is still set after the change")
	}
}

func TestSignInsAreAudited(t *testing.T) {
	app := newTestApp(t)
	app.browser().login("bob", "wrong password")
	app.browser().login("nobody", "wrong password")
	bob := app.signedIn("bob")
	bob.post("/logout", url.Values{"csrf": {bob.csrf()}})
	var got []string
	for _, e := range app.audit(drillroom.AuditFilter{Action: ""}) {
		got = append(got, e.Action+" "+e.Actor+" "+e.Target+" "+e.Addr)
	}
	want := []string{"logout bob user bob 127.0.0.1", "login.ok bob user bob 127.0.0.1",
		"login.fail nobody user nobody 127.0.0.1", "login.fail bob user bob 127.0.0.1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
	// Failures up to the lockout, then the lockout.
	for i := 0; i < 6; i++ {
		app.browser().login("carol", "wrong password")
	}
	if es := app.audit(drillroom.AuditFilter{Action: drillroom.AuditLoginLocked, Actor: "carol"}); len(es) == 0 {
		t.Error("a lockout is not in the audit log")
	}
}

func TestCohortPages(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	night, _ := app.store.CreateCohort(ctx, "Night shift", "")
	made, err := app.store.CreateUsers(ctx, []drillroom.NewUser{
		{Username: "nina", DisplayName: "Nina Night", Role: drillroom.RoleTrainee, Password: testPassword, Cohorts: []string{"Night shift"}},
		{Username: "nick", DisplayName: "Nick Nightcoach", Role: drillroom.RoleCoach, Password: testPassword, Cohorts: []string{"Night shift"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = made
	a := "/cohorts/" + strconv.FormatInt(app.classA.ID, 10)
	n := "/cohorts/" + strconv.FormatInt(night.ID, 10)

	// The trainer's home lists their cohorts; the cohort page lists the
	// trainees and staff, read-only.
	trent := app.signedIn("trent")
	home := trent.get("/")
	mustContain(t, "trainer's home", home, "My cohorts", `href="`+a+`"`)
	if strings.Contains(home.body, `href="`+n+`"`) {
		t.Error("the trainer's home lists a cohort they are not in")
	}
	res := trent.get(a)
	wantStatus(t, "trainer's cohort page", res, http.StatusOK)
	mustContain(t, "trainer's cohort page", res, "Cohort Class A", "Alice", "Bob", "Carol")
	if strings.Contains(res.body, "/remove") || strings.Contains(res.body, `method="post" action="/admin`) {
		t.Error("a non-administrator's cohort page has the administration forms")
	}
	if res := trent.get(n); res.status != http.StatusNotFound {
		t.Errorf("a trainer on another cohort's page: status %d, want 404", res.status)
	}
	// The coach of the other cohort sees only it.
	nick := app.signedIn("nick")
	mustContain(t, "coach's home", nick.get("/"), `href="`+n+`"`)
	if res := nick.get(a); res.status != http.StatusNotFound {
		t.Errorf("a coach on another cohort's page: status %d, want 404", res.status)
	}
	// A trainee does not read their cohort's member list.
	alice := app.signedIn("alice")
	if strings.Contains(alice.get("/").body, "My cohorts") {
		t.Error("a trainee's home lists cohorts")
	}
	for _, p := range []string{a, n} {
		if res := alice.get(p); res.status != http.StatusNotFound {
			t.Errorf("a trainee on cohort page %s: status %d, want 404", p, res.status)
		}
	}
	// An administrator sees every cohort, with a link to manage it.
	ada := app.withAdmin()
	mustContain(t, "admin's home", ada.get("/"), `href="`+a+`"`, `href="`+n+`"`)
	mustContain(t, "admin's cohort page", ada.get(n), "Nina Night", `href="/admin/cohorts/`+strconv.FormatInt(night.ID, 10)+`"`)
}
