package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

// The administration pages, over the real store: every page and action
// for an administrator, and the refusals for everyone else.

// withAdmin adds the administrator "ada" (a trainer) to the app and signs
// her in.
func (a *testApp) withAdmin() *browser {
	a.t.Helper()
	made, err := a.store.CreateUsers(context.Background(), []drillroom.NewUser{{Username: "ada", DisplayName: "Ada Admin",
		Role: drillroom.RoleTrainer, Admin: true, Password: testPassword}})
	if err != nil {
		a.t.Fatal(err)
	}
	a.users["ada"] = made[0]
	return a.signedIn("ada")
}

// csrfOn reads the CSRF token from the page at path.
func (b *browser) csrfOn(path string) string {
	b.app.t.Helper()
	res := b.get(path)
	m := csrfRE.FindStringSubmatch(res.body)
	if m == nil {
		b.app.t.Fatalf("no csrf token on %s (status %d)", path, res.status)
	}
	return m[1]
}

func (a *testApp) user(username string) drillroom.User {
	a.t.Helper()
	u, err := a.store.UserByUsername(context.Background(), username)
	if err != nil {
		a.t.Fatalf("user %s: %v", username, err)
	}
	return u
}

func (a *testApp) audit(f drillroom.AuditFilter) []drillroom.AuditEntry {
	a.t.Helper()
	es, err := a.store.Audit(context.Background(), f)
	if err != nil {
		a.t.Fatal(err)
	}
	return es
}

func mustContain(t *testing.T, what string, res response, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(res.body, w) {
			t.Errorf("%s: the page lacks %q (status %d)", what, w, res.status)
		}
	}
}

func wantStatus(t *testing.T, what string, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: status %d, want %d; body: %.600s", what, res.status, status, res.body)
	}
}

var shownPasswordRE = regexp.MustCompile(`id="shown-password">([^<]+)<`)

func TestAdminPagesRefuseOthers(t *testing.T) {
	app := newTestApp(t)
	app.withAdmin()
	cid := strconv.FormatInt(app.classA.ID, 10)
	alice := strconv.FormatInt(app.users["alice"].ID, 10)
	gets := []string{"/admin/users", "/admin/users/" + alice, "/admin/cohorts", "/admin/cohorts/" + cid, "/admin/import", "/admin/audit"}
	posts := map[string]url.Values{
		"/admin/users":                                            {"username": {"mallory"}, "role": {"trainer"}, "admin": {"1"}},
		"/admin/users/" + alice:                                   {"name": {"Hacked"}, "role": {"trainer"}},
		"/admin/users/" + alice + "/disable":                      nil,
		"/admin/users/" + alice + "/enable":                       nil,
		"/admin/users/" + alice + "/password":                     nil,
		"/admin/cohorts":                                          {"name": {"Mine"}},
		"/admin/cohorts/" + cid:                                   {"name": {"Renamed"}},
		"/admin/cohorts/" + cid + "/members":                      {"username": {"bob"}},
		"/admin/cohorts/" + cid + "/members/" + alice + "/remove": nil,
		"/admin/import":                                           {"text": {"username,role\nmallory,trainer\n"}, "action": {"import"}},
	}
	// Trainees, a trainer and a coach who are not administrators: 403 on
	// every page and every action, and nothing changes.
	for _, name := range []string{"bob", "trent", "carol"} {
		b := app.signedIn(name)
		token := b.csrf()
		for _, p := range gets {
			if res := b.get(p); res.status != http.StatusForbidden || !strings.Contains(res.body, "Only an administrator") {
				t.Errorf("%s GET %s: status %d, want 403 with the refusal", name, p, res.status)
			}
		}
		for p, form := range posts {
			if form == nil {
				form = url.Values{}
			}
			form.Set("csrf", token)
			if res := b.post(p, form); res.status != http.StatusForbidden {
				t.Errorf("%s POST %s: status %d, want 403", name, p, res.status)
			}
		}
		if strings.Contains(b.get("/").body, `href="/admin/users"`) {
			t.Errorf("%s's navigation links to the administration", name)
		}
	}
	if _, err := app.store.UserByUsername(context.Background(), "mallory"); err == nil {
		t.Error("a non-administrator created an account")
	}
	if u := app.user("alice"); u.DisplayName != "Alice" || u.Role != drillroom.RoleTrainee || u.Disabled {
		t.Errorf("a non-administrator changed alice: %+v", u)
	}
	if c, _ := app.store.Cohort(context.Background(), app.classA.ID); c.Name != "Class A" || c.Trainees != 2 {
		t.Errorf("a non-administrator changed the cohort: %+v", c)
	}
	if es := app.audit(drillroom.AuditFilter{Action: "user."}); len(es) != 0 {
		t.Errorf("refused actions left audit entries: %+v", es)
	}
}

func TestAdminFormsNeedCSRF(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	alice := strconv.FormatInt(app.users["alice"].ID, 10)
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/admin/users", url.Values{"username": {"mallory"}, "role": {"trainer"}}},
		{"/admin/users/" + alice + "/disable", url.Values{}},
		{"/admin/users/" + alice + "/password", url.Values{}},
		{"/admin/cohorts", url.Values{"name": {"Forged"}}},
		{"/account/password", url.Values{"current": {testPassword}, "new": {"a new password 1"}, "confirm": {"a new password 1"}}},
	} {
		if res := ada.post(tc.path, tc.form); res.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: status %d, want 403", tc.path, res.status)
		}
		tc.form.Set("csrf", "forged")
		if res := ada.post(tc.path, tc.form); res.status != http.StatusForbidden {
			t.Errorf("POST %s with a wrong token: status %d, want 403", tc.path, res.status)
		}
		tc.form.Set("csrf", ada.csrf())
		if res := ada.postFrom("https://evil.example", tc.path, tc.form); res.status != http.StatusForbidden {
			t.Errorf("POST %s from another origin: status %d, want 403", tc.path, res.status)
		}
	}
	// The multipart import form is guarded the same way.
	res := ada.postMultipart("/admin/import", map[string]string{"action": "import", "csrf": "forged"}, "users.csv", "username,role\nmallory,trainee\n")
	wantStatus(t, "import with a wrong token", res, http.StatusForbidden)
	if _, err := app.store.UserByUsername(context.Background(), "mallory"); err == nil {
		t.Error("a forged form created an account")
	}
	if u := app.user("alice"); u.Disabled {
		t.Error("a forged form disabled alice")
	}
}

func TestAdminCreatesAccount(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	if !strings.Contains(ada.get("/").body, `href="/admin/users"`) {
		t.Error("the administrator's navigation has no link to the administration")
	}
	token := ada.csrfOn("/admin/users")
	res := ada.post("/admin/users", url.Values{"csrf": {token}, "username": {"dana"}, "name": {"Dana Diaz"}, "role": {"trainee"},
		"cohort": {"Class A"}, "newcohorts": {"Night shift; Class A"}})
	wantStatus(t, "create", res, http.StatusOK)
	mustContain(t, "create", res, "Account created", "shown once", "Dana Diaz")
	m := shownPasswordRE.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("the result page shows no password")
	}
	password := html.UnescapeString(m[1])
	if res.header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the password may be cached")
	}
	dana := app.user("dana")
	if !dana.MustChangePassword || dana.Role != drillroom.RoleTrainee || dana.DisplayName != "Dana Diaz" {
		t.Errorf("created %+v, want a trainee who must change the password", dana)
	}
	cs, _ := app.store.UserCohorts(context.Background(), dana.ID)
	if len(cs) != 2 || cs[0].Name != "Class A" || cs[1].Name != "Night shift" {
		t.Errorf("dana's cohorts: %+v, want Class A and Night shift", cs)
	}
	// The password works once, and leads to the password page.
	b := app.browser()
	if res := b.login("dana", password); res.status != http.StatusSeeOther {
		t.Fatalf("sign in with the shown password: status %d", res.status)
	}
	if res := b.get("/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/account/password" {
		t.Errorf("dana's home page: status %d to %q, want 303 to /account/password", res.status, res.header.Get("Location"))
	}
	// The list shows her with her cohorts.
	list := ada.get("/admin/users?q=dana")
	mustContain(t, "list", list, ">dana</a>", "Dana Diaz", "Night shift", "1 account<")
	if es := app.audit(drillroom.AuditFilter{Action: drillroom.AuditUserCreate}); len(es) != 1 || es[0].Actor != "ada" || es[0].Target != "user dana" || es[0].Addr == "" {
		t.Errorf("audit of the creation: %+v", es)
	}

	// Refusals name what is wrong and keep what was typed.
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"taken username", url.Values{"username": {"alice"}, "role": {"trainee"}}, http.StatusConflict, "That username is taken."},
		{"no username", url.Values{"username": {" "}, "role": {"trainee"}}, http.StatusBadRequest, "Give the account a username."},
		{"space in username", url.Values{"username": {"ann marie"}, "role": {"trainee"}}, http.StatusBadRequest, "has a space"},
		{"long username", url.Values{"username": {strings.Repeat("x", 65)}, "role": {"trainee"}}, http.StatusBadRequest, "at most 64 bytes"},
		{"bad role", url.Values{"username": {"eve"}, "role": {"admin"}}, http.StatusBadRequest, "Choose a role"},
		{"trainee admin", url.Values{"username": {"eve"}, "name": {"Eve Example"}, "role": {"trainee"}, "admin": {"1"}}, http.StatusBadRequest, "A trainee cannot be an administrator."},
		{"long name", url.Values{"username": {"eve"}, "role": {"coach"}, "name": {strings.Repeat("n", 101)}}, http.StatusBadRequest, "at most 100 characters"},
		{"long cohort", url.Values{"username": {"eve"}, "role": {"coach"}, "newcohorts": {strings.Repeat("c", 81)}}, http.StatusBadRequest, "at most 80 characters"},
	} {
		tc.form.Set("csrf", token)
		res := ada.post("/admin/users", tc.form)
		if res.status != tc.status || !strings.Contains(html.UnescapeString(res.body), tc.want) {
			t.Errorf("%s: status %d, want %d with %q", tc.name, res.status, tc.status, tc.want)
		}
		if tc.name == "trainee admin" && !strings.Contains(res.body, `value="Eve Example"`) {
			t.Error("a refused form forgets what was typed")
		}
	}
	if _, err := app.store.UserByUsername(context.Background(), "eve"); err == nil {
		t.Error("a refused form created an account")
	}
}

func TestAdminUserList(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	ctx := context.Background()
	other, _ := app.store.CreateCohort(ctx, "Night shift", "")
	app.store.AddToCohort(ctx, other.ID, app.users["bob"].ID)

	rows := func(res response) []string {
		var names []string
		for _, m := range regexp.MustCompile(`<td><a href="/admin/users/\d+">([^<]+)</a></td>`).FindAllStringSubmatch(res.body, -1) {
			names = append(names, m[1])
		}
		return names
	}
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"", "ada alice bob carol trent"},
		{"?role=trainee", "alice bob"},
		{"?role=coach", "carol"},
		{"?cohort=" + strconv.FormatInt(other.ID, 10), "bob"},
		{"?cohort=" + strconv.FormatInt(app.classA.ID, 10) + "&role=trainer", "trent"},
		{"?q=ALI", "alice"},
		{"?q=Admin", "ada"}, // the display name matches too
		{"?q=nobody", ""},
	} {
		res := ada.get("/admin/users" + tc.query)
		wantStatus(t, "list "+tc.query, res, http.StatusOK)
		if got := strings.Join(rows(res), " "); got != tc.want {
			t.Errorf("list %s: %q, want %q", tc.query, got, tc.want)
		}
	}
	res := ada.get("/admin/users")
	mustContain(t, "list", res, "<th scope=\"col\">Must change password</th>", "<th scope=\"col\">Cohorts</th>", "Night shift</a>")
	for _, q := range []string{"?role=boss", "?cohort=x", "?q=" + strings.Repeat("q", 101)} {
		if res := ada.get("/admin/users" + q); res.status != http.StatusBadRequest {
			t.Errorf("list %s: status %d, want 400", q, res.status)
		}
	}
}

func TestAdminEditsAccount(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	carol := app.users["carol"]
	page := "/admin/users/" + strconv.FormatInt(carol.ID, 10)
	res := ada.get(page)
	wantStatus(t, "account page", res, http.StatusOK)
	mustContain(t, "account page", res, "Account carol", "Class A</a>", `id="disable-user"`, `id="reset-password"`)
	token := ada.csrfOn(page)

	// Edit name, role and the administrator flag.
	res = ada.post(page, url.Values{"csrf": {token}, "name": {"Carol Coach"}, "role": {"trainer"}, "admin": {"1"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?done=saved" {
		t.Fatalf("save: status %d to %q", res.status, res.header.Get("Location"))
	}
	if u := app.user("carol"); u.DisplayName != "Carol Coach" || u.Role != drillroom.RoleTrainer || !u.Admin {
		t.Errorf("after the edit: %+v", u)
	}
	mustContain(t, "after the edit", ada.get(page+"?done=saved"), "The account is saved.")
	res = ada.post(page, url.Values{"csrf": {token}, "name": {""}, "role": {"trainer"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Give the account a name.") {
		t.Errorf("empty name: status %d", res.status)
	}
	res = ada.post(page, url.Values{"csrf": {token}, "name": {"C"}, "role": {"chief"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Choose a role") {
		t.Errorf("bad role: status %d", res.status)
	}

	// An administrator cannot demote or disable themselves.
	self := "/admin/users/" + strconv.FormatInt(app.users["ada"].ID, 10)
	res = ada.post(self, url.Values{"csrf": {token}, "name": {"Ada"}, "role": {"trainer"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "cannot change your own role") {
		t.Errorf("self-demotion: status %d", res.status)
	}
	if res := ada.post(self+"/disable", url.Values{"csrf": {token}}); res.status != http.StatusConflict {
		t.Errorf("self-disable: status %d, want 409", res.status)
	}

	// Disable: the login ends and sign-in fails; enable: it works again.
	carolB := app.signedIn("carol")
	if res := ada.post(page+"/disable", url.Values{"csrf": {token}}); res.status != http.StatusSeeOther {
		t.Fatalf("disable: status %d", res.status)
	}
	if !app.user("carol").Disabled {
		t.Fatal("carol is not disabled")
	}
	if res := carolB.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("carol's open login after disabling: status %d, want a redirect to sign in", res.status)
	}
	if res := app.browser().login("carol", testPassword); res.status != http.StatusUnauthorized {
		t.Errorf("disabled sign-in: status %d, want 401", res.status)
	}
	mustContain(t, "disabled account", ada.get(page), "disabled", `id="enable-user"`)
	if res := ada.post(page+"/enable", url.Values{"csrf": {token}}); res.status != http.StatusSeeOther {
		t.Fatalf("enable: status %d", res.status)
	}
	app.signedIn("carol")

	// Reset the password: shown once, the old one stops working, the new
	// one must be changed.
	res = ada.post(page+"/password", url.Values{"csrf": {token}})
	wantStatus(t, "reset", res, http.StatusOK)
	mustContain(t, "reset", res, "Password reset", "shown once")
	m := shownPasswordRE.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("the reset page shows no password")
	}
	if res := app.browser().login("carol", testPassword); res.status != http.StatusUnauthorized {
		t.Errorf("the old password after a reset: status %d, want 401", res.status)
	}
	b := app.browser()
	if res := b.login("carol", html.UnescapeString(m[1])); res.status != http.StatusSeeOther {
		t.Fatalf("the reset password: status %d", res.status)
	}
	if res := b.get("/"); res.header.Get("Location") != "/account/password" {
		t.Error("after a reset the user is not sent to change the password")
	}

	// Unknown accounts are not found.
	for _, p := range []string{"/admin/users/999999", "/admin/users/abc"} {
		if res := ada.get(p); res.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.status)
		}
	}
	if res := ada.post("/admin/users/999999/password", url.Values{"csrf": {token}}); res.status != http.StatusNotFound {
		t.Errorf("reset of an unknown account: status %d, want 404", res.status)
	}

	want := []string{drillroom.AuditPasswordReset, drillroom.AuditUserEnable, drillroom.AuditUserDisable, drillroom.AuditUserUpdate, drillroom.AuditLogin}
	var got []string
	for _, e := range app.audit(drillroom.AuditFilter{Actor: "ada"}) {
		got = append(got, e.Action)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ada's audit trail: %v, want %v", got, want)
	}
}

func TestAdminCohorts(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	res := ada.get("/admin/cohorts")
	wantStatus(t, "cohorts", res, http.StatusOK)
	mustContain(t, "cohorts", res, "Class A</a>", "<td>2</td><td>2</td>") // alice, bob; carol, trent
	token := ada.csrfOn("/admin/cohorts")

	res = ada.post("/admin/cohorts", url.Values{"csrf": {token}, "name": {"  Night shift "}, "description": {"Weekday nights"}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !regexp.MustCompile(`^/admin/cohorts/\d+\?done=cohort-created$`).MatchString(loc) {
		t.Fatalf("create cohort: status %d to %q", res.status, loc)
	}
	page := strings.TrimSuffix(loc, "?done=cohort-created")
	mustContain(t, "new cohort", ada.get(loc), "Cohort Night shift", "The cohort is created.", "Weekday nights")
	for _, tc := range []struct {
		form   url.Values
		status int
		want   string
	}{
		{url.Values{"name": {"class a"}}, http.StatusConflict, "A cohort of that name exists."},
		{url.Values{"name": {""}}, http.StatusBadRequest, "Give the cohort a name."},
		{url.Values{"name": {strings.Repeat("n", 81)}}, http.StatusBadRequest, "at most 80 characters"},
		{url.Values{"name": {"Ok"}, "description": {strings.Repeat("d", 501)}}, http.StatusBadRequest, "at most 500 characters"},
	} {
		tc.form.Set("csrf", token)
		if res := ada.post("/admin/cohorts", tc.form); res.status != tc.status || !strings.Contains(res.body, tc.want) {
			t.Errorf("create %v: status %d, want %d with %q", tc.form["name"], res.status, tc.status, tc.want)
		}
	}

	// Add members by username, remove one.
	for _, name := range []string{"alice", " trent "} {
		res := ada.post(page+"/members", url.Values{"csrf": {token}, "username": {name}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?done=member-added" {
			t.Fatalf("add %s: status %d to %q", name, res.status, res.header.Get("Location"))
		}
	}
	res = ada.post(page+"/members", url.Values{"csrf": {token}, "username": {"nobody"}})
	if res.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.body), `There is no user "nobody".`) || !strings.Contains(res.body, `value="nobody"`) {
		t.Errorf("add an unknown user: status %d", res.status)
	}
	res = ada.get(page)
	mustContain(t, "members", res, "Members (1 trainees, 1 trainers and coaches)", ">alice</a>", ">trent</a>", "Remove alice from the cohort")
	id, _ := strconv.ParseInt(strings.TrimPrefix(page, "/admin/cohorts/"), 10, 64)
	res = ada.post(page+"/members/"+strconv.FormatInt(app.users["alice"].ID, 10)+"/remove", url.Values{"csrf": {token}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("remove: status %d", res.status)
	}
	if ms, _ := app.store.CohortMembers(context.Background(), id); len(ms) != 1 || ms[0].Username != "trent" {
		t.Errorf("members after removing alice: %+v", ms)
	}

	// Rename and describe.
	res = ada.post(page, url.Values{"csrf": {token}, "name": {"Nights"}, "description": {"All nights"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("rename: status %d", res.status)
	}
	if c, _ := app.store.Cohort(context.Background(), id); c.Name != "Nights" || c.Description != "All nights" {
		t.Errorf("after the rename: %+v", c)
	}
	if res := ada.post(page, url.Values{"csrf": {token}, "name": {"Class A"}}); res.status != http.StatusConflict {
		t.Errorf("rename to a taken name: status %d, want 409", res.status)
	}
	if res := ada.get("/admin/cohorts/999999"); res.status != http.StatusNotFound {
		t.Errorf("unknown cohort: status %d, want 404", res.status)
	}
	var got []string
	for _, e := range app.audit(drillroom.AuditFilter{Action: "cohort."}) {
		got = append(got, e.Action+" "+e.Detail)
	}
	want := []string{`cohort.update was "Night shift"`, "cohort.remove alice", "cohort.add trent", "cohort.add alice", "cohort.create "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cohort audit: %q, want %q", got, want)
	}
}

// postMultipart sends the import form as a browser does: the fields and a
// file.
func (b *browser) postMultipart(path string, fields map[string]string, filename, content string) response {
	b.app.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.app.srv.URL)
	return b.do(req)
}

func TestAdminImport(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	wantStatus(t, "import page", ada.get("/admin/import"), http.StatusOK)
	token := ada.csrfOn("/admin/import")

	bad := "username,display name,role,cohort\n" +
		"dan,Dan One,trainee,Spring\n" +
		"alice,Alice Again,trainee,Spring\n" + // taken
		"erin,Erin,boss,Spring\n" + // bad role
		"dan,Dan Two,trainee,Spring\n" // twice
	res := ada.postMultipart("/admin/import", map[string]string{"csrf": token, "action": "check"}, "users.csv", bad)
	wantStatus(t, "check a bad file", res, http.StatusBadRequest)
	body := html.UnescapeString(res.body)
	for _, want := range []string{"3 rows to fix: nothing was imported", `<td>3</td><td>username "alice" is taken</td>`,
		`<td>4</td><td>role "boss": want trainee, trainer or coach</td>`, `<td>5</td><td>username "dan" is also on line 2</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("check of a bad file lacks %q", want)
		}
	}
	if !strings.Contains(body, "Dan Two,trainee") {
		t.Error("the checked file is not kept in the text box to be fixed")
	}
	// Import refuses the same file and creates nothing.
	res = ada.postMultipart("/admin/import", map[string]string{"csrf": token, "action": "import"}, "users.csv", bad)
	wantStatus(t, "import a bad file", res, http.StatusBadRequest)
	mustContain(t, "import a bad file", res, "Nothing imported")
	if _, err := app.store.UserByUsername(context.Background(), "dan"); err == nil {
		t.Fatal("a file with bad rows imported some")
	}

	// A good file: pasted, checked, then imported.
	good := "username,display name,role,cohort\r\ndan,Dan One,trainee,Spring\r\nfay,=Fay,trainee,Spring;Class A\r\ngus,Gus,coach,Spring\r\n"
	res = ada.post("/admin/import", url.Values{"csrf": {token}, "action": {"check"}, "text": {good}})
	wantStatus(t, "check a good file", res, http.StatusOK)
	mustContain(t, "check a good file", res, "All 3 rows are good", "these cohorts: Spring", "Nothing is imported yet")
	if strings.Contains(res.body, `class="secret"`) {
		t.Error("a dry run shows passwords (they would not be the imported ones)")
	}
	if _, err := app.store.UserByUsername(context.Background(), "dan"); err == nil {
		t.Fatal("a check imported")
	}
	res = ada.post("/admin/import", url.Values{"csrf": {token}, "action": {"import"}, "text": {good}})
	wantStatus(t, "import a good file", res, http.StatusOK)
	mustContain(t, "import", res, "3 accounts imported", "shown once", "Cohorts created: Spring.")
	passwords := map[string]string{}
	for _, m := range regexp.MustCompile(`<tr data-username="([^"]+)">.*?<code class="secret">([^<]+)</code>`).FindAllStringSubmatch(res.body, -1) {
		passwords[m[1]] = html.UnescapeString(m[2])
	}
	if len(passwords) != 3 {
		t.Fatalf("passwords on the result page: %v, want 3", passwords)
	}
	// The download is the same table, built into the page.
	m := regexp.MustCompile(`id="download-passwords" download="drillroom-passwords.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no CSV download of the passwords")
	}
	data, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) != 4 || strings.Join(recs[0], ",") != "username,display name,role,cohort,password" {
		t.Fatalf("downloaded CSV: %q, %v", recs, err)
	}
	for _, rec := range recs[1:] {
		if passwords[rec[0]] != rec[4] {
			t.Errorf("download: %s has %q, the page shows %q", rec[0], rec[4], passwords[rec[0]])
		}
	}
	if recs[2][1] != "'=Fay" {
		t.Errorf("a display name starting with = is %q in the download, want it quoted against formulas", recs[2][1])
	}
	fay := app.user("fay")
	if !fay.MustChangePassword {
		t.Error("an imported user need not change the password")
	}
	if cs, _ := app.store.UserCohorts(context.Background(), fay.ID); len(cs) != 2 {
		t.Errorf("fay's cohorts: %+v", cs)
	}
	b := app.browser()
	if res := b.login("gus", passwords["gus"]); res.status != http.StatusSeeOther {
		t.Errorf("sign in with an imported password: status %d", res.status)
	}

	// Bad input gets a clear message.
	for _, tc := range []struct {
		name, text string
		want       string
	}{
		{"empty", "", "Choose a CSV file or paste its text."},
		{"bad header", "login,name\nx,y\n", `Line 1: the header has no role column`},
		{"unknown column", "username,role,group\nx,trainee,y\n", `Line 1: unknown column "group"`},
		{"header only", "username,role\n", "The file has a header and no accounts."},
	} {
		res := ada.post("/admin/import", url.Values{"csrf": {token}, "action": {"check"}, "text": {tc.text}})
		if res.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.body), tc.want) {
			t.Errorf("%s: status %d, want 400 with %q", tc.name, res.status, tc.want)
		}
	}
	big := "username,role\n" + strings.Repeat("x", 1<<20)
	res = ada.postMultipart("/admin/import", map[string]string{"csrf": token, "action": "check"}, "big.csv", big)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "larger than 1 MiB") {
		t.Errorf("a file over 1 MiB: status %d, want 400 with the limit", res.status)
	}
	huge := strings.Repeat("x", maxUploadBytes+1)
	res = ada.postMultipart("/admin/import", map[string]string{"csrf": token, "action": "check"}, "huge.csv", huge)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over the request limit: status %d, want 413", res.status)
	}
	if es := app.audit(drillroom.AuditFilter{Action: drillroom.AuditUserImport}); len(es) != 1 || es[0].Target != "3 users" {
		t.Errorf("import audit: %+v", es)
	}
}

func TestAdminAuditLog(t *testing.T) {
	app := newTestApp(t)
	app.browser().login("alice", "wrong password")
	ada := app.withAdmin()
	token := ada.csrfOn("/admin/cohorts")
	ada.post("/admin/cohorts", url.Values{"csrf": {token}, "name": {"Spring"}})

	res := ada.get("/admin/audit")
	wantStatus(t, "audit", res, http.StatusOK)
	mustContain(t, "audit", res, "<code>cohort.create</code>", "cohort Spring", "<code>login.ok</code>", "<code>login.fail</code>", "user alice", "127.0.0.1")
	// Newest first.
	if strings.Index(res.body, "<code>cohort.create</code>") > strings.Index(res.body, "<code>login.fail</code>") {
		t.Error("the audit log is not newest first")
	}
	rows := func(res response) int { return strings.Count(res.body, "<tr><td>") }
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"?action=login.", 2},
		{"?action=login.fail", 1},
		{"?actor=ada", 2}, // her sign-in and the cohort
		{"?actor=ADA&action=cohort.", 1},
		{"?target=spr", 1},
		{"?since=2000-01-01&until=2999-12-31", 3},
		{"?until=2000-01-01", 0},
		{"?since=2999-01-01", 0},
	} {
		res := ada.get("/admin/audit" + tc.query)
		wantStatus(t, "audit "+tc.query, res, http.StatusOK)
		if got := rows(res); got != tc.n {
			t.Errorf("audit %s: %d entries, want %d", tc.query, got, tc.n)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"?since=yesterday", "is not a date"},
		{"?since=2026-02-01&until=2026-01-01", "before the since date"},
		{"?action=drop", "choose one from the list"},
		{"?target=" + strings.Repeat("t", 101), "at most 100 characters"},
		{"?actor=" + strings.Repeat("a", 65), "at most 64 bytes"},
	} {
		res := ada.get("/admin/audit" + tc.query)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.want) {
			t.Errorf("audit %s: status %d, want 400 with %q", tc.query, res.status, tc.want)
		}
	}
}
