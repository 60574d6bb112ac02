package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// postJSON sends a form as the editor's script does (Accept JSON) and
// decodes the answer into v.
func (b *browser) postJSON(path string, form url.Values, v any) int {
	b.app.t.Helper()
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.app.srv.URL)
	req.Header.Set("Accept", "application/json")
	res := b.do(req)
	if v != nil && strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(res.body), v); err != nil {
			b.app.t.Fatalf("POST %s: %v in %s", path, err, res.body)
		}
	}
	return res.status
}

// withTrainer adds a second trainer, "tina", in no cohort.
func (a *testApp) withTrainer(name string) *browser {
	a.t.Helper()
	a.users[name] = createUser(a.t, a.store, name, drillroom.RoleTrainer)
	return a.signedIn(name)
}

// withApproval serves the same store and runner with publishing that
// needs a second trainer's approval.
func (a *testApp) withApproval() *testApp {
	a.t.Helper()
	srv, err := New(Config{Store: a.store, Runner: a.runner, RequireApproval: true})
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	ts := serveTest(a.t, srv)
	b := *a
	b.server, b.srv = srv, ts
	return &b
}

var draftLocRE = regexp.MustCompile(`^/author/drafts/(\d+)$`)

// newDraft starts a draft from the complaint template and returns its path.
func (b *browser) newDraft() string {
	b.app.t.Helper()
	res := b.post("/author/drafts", url.Values{"csrf": {b.csrf()}, "from": {"template"}, "template": {"complaint"}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !draftLocRE.MatchString(loc) {
		b.app.t.Fatalf("new draft: status %d location %q, want 303 to /author/drafts/N; %s", res.status, loc, res.body)
	}
	return loc
}

func TestAuthorPagesRefuseOthers(t *testing.T) {
	app := newTestApp(t)
	trent := app.signedIn("trent")
	draft := trent.newDraft()
	tina := app.withTrainer("tina")
	for _, tc := range []struct {
		who    string
		b      *browser
		method string
		path   string
		want   int
	}{
		{"trainee", app.signedIn("alice"), "GET", "/author", http.StatusForbidden},
		{"trainee", app.signedIn("alice"), "GET", draft, http.StatusForbidden},
		{"trainee", app.signedIn("alice"), "GET", "/author/schema.json", http.StatusForbidden},
		{"trainee", app.signedIn("alice"), "POST", "/author/check", http.StatusForbidden},
		{"trainee", app.signedIn("alice"), "POST", "/author/test", http.StatusForbidden},
		{"trainee", app.signedIn("alice"), "POST", "/author/drafts", http.StatusForbidden},
		{"coach", app.signedIn("carol"), "GET", "/author", http.StatusForbidden},
		{"coach", app.signedIn("carol"), "GET", "/author/drills/" + app.drillID, http.StatusForbidden},
		{"coach", app.signedIn("carol"), "POST", "/author/drills/" + app.drillID + "/1/retire", http.StatusForbidden},
		{"another trainer", tina, "GET", draft, http.StatusNotFound},
		{"another trainer", tina, "GET", draft + "/download", http.StatusNotFound},
		{"another trainer", tina, "POST", draft, http.StatusNotFound},
		{"another trainer", tina, "POST", draft + "/publish", http.StatusNotFound},
		{"another trainer", tina, "POST", draft + "/delete", http.StatusNotFound},
		{"signed out", app.browser(), "GET", "/author", http.StatusSeeOther},
	} {
		t.Run(tc.who+" "+tc.method+" "+tc.path, func(t *testing.T) {
			var res response
			if tc.method == "GET" {
				res = tc.b.get(tc.path)
			} else {
				csrf := ""
				if tc.who != "signed out" {
					csrf = tc.b.csrf()
				}
				res = tc.b.post(tc.path, url.Values{"csrf": {csrf}, "name": {"x.drill.yaml"}, "source": {"id: x\n"}, "from": {"template"}, "template": {"complaint"}})
			}
			if res.status != tc.want {
				t.Errorf("got %d, want %d", res.status, tc.want)
			}
		})
	}
	if ds, _ := app.store.Drafts(context.Background(), app.users["trent"].ID); len(ds) != 1 || !strings.Contains(string(ds[0].Source), "id: my-new-drill") {
		t.Errorf("trent's draft after the others tried: got %+v, want it unchanged", ds)
	}
}

func TestEditorWritesTestsAndPublishes(t *testing.T) {
	app := newTestApp(t)
	trent := app.signedIn("trent")
	csrf := trent.csrf()
	home := trent.get("/author")
	if home.status != http.StatusOK || !strings.Contains(home.body, `value="complaint"`) || !strings.Contains(home.body, app.drillID) {
		t.Fatalf("/author: status %d, want 200 with the templates and the published drills", home.status)
	}
	draft := trent.newDraft()
	page := trent.get(draft)
	if page.status != http.StatusOK || !strings.Contains(page.body, "id: my-new-drill") || !strings.Contains(page.body, "/static/editor.js") {
		t.Fatalf("editor: status %d, want 200 with the source and the editor's script", page.status)
	}
	nonce := regexp.MustCompile(`data-style-nonce="([^"]+)"`).FindStringSubmatch(page.body)
	if csp := page.header.Get("Content-Security-Policy"); nonce == nil || !strings.Contains(csp, "style-src 'self' 'nonce-"+nonce[1]+"';") || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("the editor's CSP %q: want the page's style nonce and scripts from 'self' only", csp)
	}
	src := regexp.MustCompile(`(?s)<textarea[^>]*>(.*?)</textarea>`).FindStringSubmatch(page.body)
	if src == nil {
		t.Fatal("editor: no textarea")
	}
	good := html.UnescapeString(src[1])

	// A mistake on line 13 is reported at line 13.
	lines := strings.Split(good, "\n")
	if !strings.HasPrefix(lines[12], "difficulty:") {
		t.Fatalf("the template changed: line 13 is %q", lines[12])
	}
	lines[12] = "difficulty: impossible"
	var check struct {
		Diagnostics []struct {
			Line     int    `json:"line"`
			Code     string `json:"code"`
			Severity string `json:"severity"`
		} `json:"diagnostics"`
	}
	if st := trent.postJSON("/author/check", url.Values{"csrf": {csrf}, "name": {"x.drill.yaml"}, "source": {strings.Join(lines, "\n")}}, &check); st != http.StatusOK {
		t.Fatalf("check: status %d", st)
	}
	if len(check.Diagnostics) != 1 || check.Diagnostics[0].Line != 13 || check.Diagnostics[0].Severity != "error" {
		t.Errorf("check a mistake on line 13: got %+v, want one error there", check.Diagnostics)
	}
	if st := trent.postJSON("/author/check", url.Values{"csrf": {csrf}, "source": {good}}, &check); st != http.StatusOK || len(check.Diagnostics) != 0 {
		t.Errorf("check the template: status %d, diagnostics %+v; want none", st, check.Diagnostics)
	}
	if st := trent.postJSON("/author/check", url.Values{"source": {good}}, nil); st != http.StatusForbidden {
		t.Errorf("check without the CSRF token: status %d, want 403", st)
	}

	var rep struct {
		Passed   bool   `json:"passed"`
		Coverage string `json:"coverage"`
		Results  []struct {
			Name   string `json:"name"`
			Passed bool   `json:"passed"`
			Line   int    `json:"line"`
		} `json:"results"`
	}
	if st := trent.postJSON("/author/test", url.Values{"csrf": {csrf}, "source": {good}}, &rep); st != http.StatusOK || !rep.Passed || rep.Coverage == "" || len(rep.Results) < 2 {
		t.Errorf("tests of the template: status %d, %+v; want all passed, with coverage", st, rep)
	}
	broken := strings.Replace(good, "Thanks for sorting that out.", "Something else.", 1)
	if trent.postJSON("/author/test", url.Values{"csrf": {csrf}, "source": {broken}}, &rep); rep.Passed || len(rep.Results) == 0 || rep.Results[0].Passed || rep.Results[0].Line == 0 {
		t.Errorf("tests with a broken expectation: %+v; want the first failed at a line", rep)
	}

	// Save a broken text: publishing refuses it; then the good one publishes.
	var saved struct{ Saved, Name string }
	if st := trent.postJSON(draft, url.Values{"csrf": {csrf}, "name": {"complaint.drill.yaml"}, "source": {broken}}, &saved); st != http.StatusOK || saved.Name != "complaint.drill.yaml" {
		t.Fatalf("save: status %d %+v", st, saved)
	}
	if res := trent.post(draft+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusBadRequest || !strings.Contains(res.body, "tests do not pass") {
		t.Errorf("publish a failing draft: status %d, want 400 saying the tests fail", res.status)
	}
	if st := trent.postJSON(draft, url.Values{"csrf": {csrf}, "name": {"complaint.drill.yaml"}, "source": {good}}, &saved); st != http.StatusOK {
		t.Fatalf("save: status %d", st)
	}
	dl := trent.get(draft + "/download")
	if dl.status != http.StatusOK || dl.body != good || !strings.Contains(dl.header.Get("Content-Disposition"), `filename="complaint.drill.yaml"`) {
		t.Errorf("download: status %d, disposition %q", dl.status, dl.header.Get("Content-Disposition"))
	}
	if res := trent.post(draft+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/author?done=published" {
		t.Fatalf("publish: status %d location %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	if v, err := app.store.LatestScenarioVersion(context.Background(), "my-new-drill"); err != nil || v.Version != 1 {
		t.Fatalf("published: got v%d, %v", v.Version, err)
	}
	if res := trent.post(draft+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusConflict {
		t.Errorf("publish the same text again: status %d, want 409", res.status)
	}
	// The trainer may now start it in practice; a trainee is not assigned it.
	if !strings.Contains(trent.get("/").body, "my-new-drill") {
		t.Errorf("the trainer's home does not list the published drill")
	}
	if strings.Contains(app.signedIn("alice").get("/").body, "my-new-drill") {
		t.Errorf("a trainee who was not assigned the drill sees it")
	}

	// Version 2, the diff, retiring.
	v2 := strings.Replace(strings.Replace(good, "version: 1", "version: 2", 1), "Thanks for sorting", "Thank you for sorting", -1)
	trent.postJSON(draft, url.Values{"csrf": {csrf}, "name": {"complaint.drill.yaml"}, "source": {v2}}, &saved)
	if res := trent.post(draft+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish v2: status %d; %s", res.status, res.body)
	}
	diff := trent.get("/author/drills/my-new-drill?from=1&to=2")
	if diff.status != http.StatusOK || !strings.Contains(diff.body, `class="ddel"`) || !strings.Contains(diff.body, "Thank you for sorting") {
		t.Errorf("diff v1..v2: status %d, want the changed lines", diff.status)
	}
	if res := trent.post("/author/drills/my-new-drill/2/retire", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("retire v2: status %d", res.status)
	}
	if v, err := app.store.LatestScenarioVersion(context.Background(), "my-new-drill"); err != nil || v.Version != 1 {
		t.Errorf("after retiring v2: latest is v%d, %v; want v1", v.Version, err)
	}
	if res := trent.post("/author/drills/my-new-drill/9/retire", url.Values{"csrf": {csrf}}); res.status != http.StatusNotFound {
		t.Errorf("retire a missing version: status %d, want 404", res.status)
	}
	if res := trent.post(draft+"/delete", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Errorf("delete: status %d", res.status)
	}
	if res := trent.get(draft); res.status != http.StatusNotFound {
		t.Errorf("a deleted draft: status %d, want 404", res.status)
	}
}

func TestUploadAndCopy(t *testing.T) {
	app := newTestApp(t)
	trent := app.signedIn("trent")
	csrf := trent.csrf()
	res := trent.post("/author/drafts", url.Values{"csrf": {csrf}, "from": {"version"}, "scenario": {app.drillID}, "version": {"1"}})
	if !draftLocRE.MatchString(res.header.Get("Location")) {
		t.Fatalf("copy a published drill: status %d location %q", res.status, res.header.Get("Location"))
	}
	if page := trent.get(res.header.Get("Location")); !strings.Contains(page.body, "id: "+app.drillID) {
		t.Errorf("the copy does not hold the drill")
	}
	if res := trent.post("/author/drafts", url.Values{"csrf": {csrf}, "from": {"version"}, "scenario": {"nope"}, "version": {"1"}}); res.status != http.StatusNotFound {
		t.Errorf("copy a missing drill: status %d, want 404", res.status)
	}
	up := trent.upload("/author/upload", csrf, "mine.drill.yaml", "id: mine\n")
	if up.status != http.StatusSeeOther || !strings.HasPrefix(up.header.Get("Location"), "/author/drafts/") {
		t.Fatalf("upload: status %d location %q; %s", up.status, up.header.Get("Location"), up.body)
	}
	if up := trent.upload("/author/upload", csrf, "mine.txt", "id: mine\n"); up.status != http.StatusBadRequest {
		t.Errorf("upload a file not named .drill.yaml: status %d, want 400", up.status)
	}
}

// upload posts a multipart form with one file.
func (b *browser) upload(path, csrf, filename, content string) response {
	b.app.t.Helper()
	var body strings.Builder
	const boundary = "drillroomtestboundary"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", boundary, csrf)
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=%q\r\nContent-Type: application/yaml\r\n\r\n%s\r\n--%s--\r\n", boundary, filename, content, boundary)
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, strings.NewReader(body.String()))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Origin", b.app.srv.URL)
	return b.do(req)
}

func TestPublishNeedsASecondTrainer(t *testing.T) {
	app := newTestApp(t).withApproval()
	trent := app.signedIn("trent")
	tina := app.withTrainer("tina")
	draft := trent.newDraft()
	if res := trent.post(draft+"/publish", url.Values{"csrf": {trent.csrf()}}); res.header.Get("Location") != "/author?done=requested" {
		t.Fatalf("submit: status %d location %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	ps, err := app.store.Publications(context.Background(), drillroom.PublicationPending)
	if err != nil || len(ps) != 1 {
		t.Fatalf("pending: %+v, %v", ps, err)
	}
	path := fmt.Sprintf("/author/publications/%d", ps[0].ID)
	if page := trent.get(path); !strings.Contains(page.body, "a second trainer must approve") || strings.Contains(page.body, `id="approve"`) {
		t.Errorf("the author's view of their request offers approval")
	}
	if res := trent.post(path+"/approve", url.Values{"csrf": {trent.csrf()}}); res.status != http.StatusForbidden {
		t.Errorf("the author approves: status %d, want 403", res.status)
	}
	if res := app.signedIn("alice").post(path+"/approve", url.Values{"csrf": {app.signedIn("alice").csrf()}}); res.status != http.StatusForbidden {
		t.Errorf("a trainee approves: status %d, want 403", res.status)
	}
	if _, err := app.store.LatestScenarioVersion(context.Background(), "my-new-drill"); drillroom.ErrorCode(err) != drillroom.CodeNotFound {
		t.Fatalf("a pending drill is published: %v", err)
	}
	page := tina.get(path)
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="approve"`) || !strings.Contains(page.body, "id: my-new-drill") {
		t.Fatalf("the second trainer's view: status %d, want the text and the approve button", page.status)
	}
	if res := tina.post(path+"/approve", url.Values{"csrf": {tina.csrf()}}); res.header.Get("Location") != "/author?done=approved" {
		t.Fatalf("approve: status %d location %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	p, err := app.store.Publication(context.Background(), ps[0].ID)
	if err != nil || p.ApproverID != app.users["tina"].ID || p.AuthorID != app.users["trent"].ID || p.State != drillroom.PublicationPublished {
		t.Errorf("recorded: %+v, %v; want written by trent, approved by tina", p, err)
	}
	if v, err := app.store.LatestScenarioVersion(context.Background(), "my-new-drill"); err != nil || v.Version != 1 {
		t.Errorf("after approval: v%d, %v", v.Version, err)
	}
	if page := trent.get("/author/drills/my-new-drill"); !strings.Contains(page.body, "Tina") || !strings.Contains(page.body, "Trent") {
		t.Errorf("the versions page does not name the author and the approver")
	}
}
