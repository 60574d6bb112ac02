package web

import (
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom/runner"
)

// axe-core on every page of the product, signed in as each role, with
// real data on the pages: TestAccessibilityEveryPage. Every GET route of
// the router is either one of the pages it checks (a11yPages), a page
// another browser test checks (a11yElsewhere), or not a page at all
// (a11yNotPages); TestAccessibilityRoutesDecided fails on a route in none
// of them, so a new page cannot skip the check.

// a11yPages are the GET routes (as chi.Walk names them) that are pages
// TestAccessibilityEveryPage opens and checks.
var a11yPages = []string{
	"GET /login",
	"GET /",
	"GET /sessions/{id}/debrief",
	"GET /analytics",
	"GET /analytics/report",
	"GET /reviews",
	"GET /history",
	"GET /trainees/{id}",
	"GET /sessions/{id}/replay",
	"GET /calibration",
	"GET /calibration/{round}",
	"GET /account/password",
	"GET /cohorts/{id}",
	"GET /author/",
	"GET /author/drafts/{id}",
	"GET /author/publications/{id}",
	"GET /author/drills/{scenario}",
	"GET /assignments/",
	"GET /assignments/{id}",
	"GET /monitor/",
	"GET /monitor/sessions/{id}",
	"GET /admin/users",
	"GET /admin/users/{id}",
	"GET /admin/cohorts",
	"GET /admin/cohorts/{id}",
	"GET /admin/import",
	"GET /admin/audit",
	"GET /admin/settings",
}

// a11yElsewhere are pages another browser test runs axe-core on.
var a11yElsewhere = map[string]string{
	"GET /sessions/{id}": "the trainee's console: TestKeyboardDesk checks it at the start, in the middle and at the end of a call, and its shortcut sheet, at 1280 and 800 pixels",
}

// a11yNotPages are the GET routes that answer something other than a
// page, and what.
var a11yNotPages = map[string]string{
	"GET /healthz":                                     "the health check (plain text)",
	"GET /metrics":                                     "the Prometheus metrics (plain text)",
	"GET /ws/sessions/{id}":                            "the websocket of a live session",
	"GET /static/*":                                    "the style sheets, scripts and images",
	"GET /api/sessions/{id}/scorecard":                 "a scorecard as JSON",
	"GET /api/sessions/{id}/events":                    "a session's events as JSON",
	"GET /api/monitor/sessions":                        "the monitor's board as JSON",
	"GET /analytics/export/{kind}.csv":                 "a CSV download",
	"GET /analytics/export/statements.json":            "an xAPI JSON download",
	"GET /sessions/{id}/replay/frame":                  "a replay frame as JSON",
	"GET /author/schema.json":                          "the drill language's JSON Schema",
	"GET /author/drafts/{id}/download":                 "a draft's YAML file",
	"GET /author/drafts/{id}/plays":                    "a draft's plays as JSON",
	"GET /author/drills/{scenario}/{version}/download": "a published version's YAML file",
	"GET /author/drills/{scenario}/{version}/policy":   "a published version's policy YAML file",
	"GET /author/policies/{policy}/download":           "a shipped policy's YAML file",
}

// getRoutes is the router's GET routes, as chi.Walk names them, and the
// router to find the route of a path with.
func getRoutes(t *testing.T) ([]string, chi.Routes) {
	t.Helper()
	_, _, srv := newTestServer(t, Config{}, runner.Config{})
	mux, ok := srv.Handler().(chi.Routes)
	if !ok {
		t.Fatalf("the server's handler is a %T, not a chi router", srv.Handler())
	}
	var routes []string
	if err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			routes = append(routes, method+" "+route)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return routes, mux
}

// TestAccessibilityRoutesDecided: every GET route is a page checked by
// axe-core in a browser test, or explicitly not a page; and every entry of
// the lists names a route the router has.
func TestAccessibilityRoutesDecided(t *testing.T) {
	routes, _ := getRoutes(t)
	for _, r := range routes {
		_, elsewhere := a11yElsewhere[r]
		_, notPage := a11yNotPages[r]
		if !slices.Contains(a11yPages, r) && !elsewhere && !notPage {
			t.Errorf("%s is in no list of e2e_pages_a11y_test.go: add it to a11yPages and check it in TestAccessibilityEveryPage, or say in a11yNotPages why it is not a page", r)
		}
		if slices.Contains(a11yPages, r) && (elsewhere || notPage) || elsewhere && notPage {
			t.Errorf("%s is in two lists of e2e_pages_a11y_test.go", r)
		}
	}
	listed := slices.Clone(a11yPages)
	for r := range a11yElsewhere {
		listed = append(listed, r)
	}
	for r := range a11yNotPages {
		listed = append(listed, r)
	}
	for _, r := range listed {
		if !slices.Contains(routes, r) {
			t.Errorf("e2e_pages_a11y_test.go lists %s, which the router does not have", r)
		}
	}
}

// a11yWalk runs axe-core on pages as a browser test opens them and
// remembers which routes it checked.
type a11yWalk struct {
	*e2e
	mux     chi.Routes
	checked map[string][]string // route -> the names of the checks on it
	found   map[string]int      // "rule on page" -> elements, for the log
}

// check runs axe-core on the page as it is now, at the window's size and,
// if narrow, again at 800 pixels wide, checks that the page is no wider
// than the window at those widths and at 1024, and records the route of
// the page.
func (w *a11yWalk) check(name string, narrow bool) {
	w.t.Helper()
	path := w.eval(`location.pathname`)
	rctx := chi.NewRouteContext()
	route := w.mux.Find(rctx, http.MethodGet, path)
	switch {
	case route == "":
		route = "not found"
	case !strings.HasSuffix(route, "/") && slices.Contains(a11yPages, "GET "+route+"/"):
		// A group's own page: chi.Walk names /author/ what /author finds.
		route += "/"
	}
	route = "GET " + route
	w.checked[route] = append(w.checked[route], name)
	w.axeCount(name+" at 1280x720", w.found)
	w.fitsWindow(name, 1280)
	w.step("narrow the window to 1024 pixels", chromedp.EmulateViewport(1024, 720))
	w.fitsWindow(name, 1024)
	if narrow {
		w.step("narrow the window to 800 pixels", chromedp.EmulateViewport(800, 720))
		w.axeCount(name+" at 800x720", w.found)
		w.fitsWindow(name, 800)
	}
	w.step("widen the window to 1280 pixels", chromedp.EmulateViewport(1280, 720))
}

// fitsWindow fails the test if the page is wider than the window (a wide
// table or form scrolls in its own box, the page never sideways) or a
// label of the top bar breaks in two.
func (w *a11yWalk) fitsWindow(name string, width int) {
	w.t.Helper()
	if w.eval(`String(document.documentElement.scrollWidth <= innerWidth + 1)`) != "true" {
		w.t.Errorf("%s at %d pixels wide is %s pixels wide", name, width, w.eval(`String(document.documentElement.scrollWidth)`))
	}
	// The menu may wrap between its links, never inside a label.
	if broken := w.eval(`JSON.stringify([...document.querySelectorAll(".topbar nav a, .topbar > a, .topbar button")].filter(el =>
		el.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(el).lineHeight) + 8).map(el => el.textContent.trim()))`); broken != "[]" {
		w.t.Errorf("%s at %d pixels wide: labels of the top bar break in two: %s", name, width, broken)
	}
}

// open navigates to path, waits for sel to be visible and checks the page.
func (w *a11yWalk) open(name, path, sel string, narrow bool) {
	w.t.Helper()
	w.step("open "+name, chromedp.Navigate(w.srv.url+path), chromedp.WaitVisible(chromedp.CSS(sel)))
	w.check(name, narrow)
}

// signInAs signs user in and, if their password must be changed first,
// checks that page and changes it to newPassword.
func (w *a11yWalk) signInAs(user, password, newPassword string) {
	w.t.Helper()
	w.signInTo(user, password, "#past-h, #must-change")
	if w.eval(`String(!!document.getElementById("must-change"))`) == "true" {
		w.check(user+"'s password page at the first sign-in, with the must-change notice", false)
		w.step(user+" chooses a password",
			chromedp.SendKeys(chromedp.ID("current"), password),
			chromedp.SendKeys(chromedp.ID("new"), newPassword),
			chromedp.SendKeys(chromedp.ID("confirm"), newPassword),
			chromedp.Click(chromedp.ID("change-password")),
			chromedp.WaitVisible(chromedp.ID("past-h")))
	}
}

// TestAccessibilityEveryPage runs axe-core on every page of the product
// that TestKeyboardDesk does not, in a real Chromium against the real
// binary, as each role: a database seeded with scripted trainees' scored
// sessions (charts, heatmap, review queue), the demo trainee, trainer (an
// administrator) and coach, a second trainer made on the accounts page and
// a second coach imported from CSV. The trainer sets the publishing rule,
// creates and imports accounts, writes a draft with a diagnostic, copies a
// policy, submits a new version of a library drill for approval, assigns
// it, starts a class drill and watches a session of it; the second trainer
// approves the version (the versions page compares the two); the coaches
// claim, mark, calibrate and write notes; the trainee ends her call and
// reads her history. Every page is checked at 1280x720 and the main ones
// at 800 pixels too; any violation fails the test. At the end, every
// route of a11yPages must have been checked.
func TestAccessibilityEveryPage(t *testing.T) {
	chrome, dir := browserTest(t)
	_, mux := getRoutes(t)
	srv := buildServer(t, dir)
	seed := exec.Command(srv.bin, "seed", "--data", srv.data, "--sessions", "60", "--trainees", "6", "--cohort", demoCohortName, "--days", "14")
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("drillroom seed: %v\n%s", err, out)
	}
	srv.launch("127.0.0.1:0")
	if srv.password == "" || srv.passwords["trainer"] == "" || srv.passwords["coach"] == "" {
		t.Fatal("drillroom serve --demo did not print the demo accounts' passwords")
	}
	e, consoleErrors := newE2E(t, srv, dir, chrome, browserConfig{timeout: 14 * time.Minute, ignore: []string{"status of 403", "status of 404", "status of 400"}}) // the 403 and 404 pages, and the import's check that finds a bad row
	w := &a11yWalk{e2e: e, mux: mux, checked: map[string][]string{}, found: map[string]int{}}
	defer w.onFailure()

	// Anonymous: the sign-in page, and a page that does not exist.
	w.open("the login page", "/login", "#username", true)
	w.open("the 404 page", "/no-such-page", "main h1", false)

	// The trainer, an administrator: settings and accounts first.
	w.signInAs("trainer", srv.passwords["trainer"], "")
	w.check("the trainer's home page", true)
	w.open("the settings", "/admin/settings", "#approval-required", false)
	w.confirmedStep("require a second trainer's approval", chromedp.Click(chromedp.ID("approval-required")), chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.CSS("p.flash.info")))
	w.check("the settings, saved", false)
	w.open("the accounts", "/admin/users", "#users-table", true)
	w.step("create a second trainer",
		chromedp.SendKeys(chromedp.ID("c-username"), "tess"),
		chromedp.SendKeys(chromedp.ID("c-name"), "Tess Approver"),
		chromedp.SetValue(chromedp.ID("c-role"), "trainer"),
		chromedp.Click(chromedp.ID("create-user")),
		chromedp.WaitVisible(chromedp.ID("shown-password")))
	tessPassword := w.eval(`document.getElementById("shown-password").textContent`)
	w.check("the one-time password of a new account", false)
	w.step("open the new account", chromedp.Click(chromedp.CSS(`a[href^="/admin/users/"]`)), chromedp.WaitVisible(chromedp.ID("details-h")))
	w.check("an account", true)
	w.open("the cohorts", "/admin/cohorts", "#cohorts-table", false)
	cohortID := w.eval(fmt.Sprintf(`[...document.querySelectorAll("#cohorts-table a")].find(a => a.textContent === %q).getAttribute("href").split("/").pop()`, demoCohortName))
	w.open("a cohort (administration)", "/admin/cohorts/"+cohortID, "main h1", true)
	w.open("a cohort (its staff's page)", "/cohorts/"+cohortID, "#ctrainees-h", false)

	// A CSV import: a check that finds a bad row, then a good one, then
	// the import with its one-time passwords.
	w.open("the import page", "/admin/import", "#i-text", false)
	const coraPassword = "calibrating coach 42"
	csvText := "username,display name,role,cohort,password\ncora,Cora Coach,coach," + demoCohortName + "," + coraPassword + "\nnia,Nia New,trainee," + demoCohortName + ",\n"
	w.step("check a file with a bad row", chromedp.SendKeys(chromedp.ID("i-text"), csvText+"bad row,,pilot,\n"),
		chromedp.Click(chromedp.ID("import-check")), chromedp.WaitVisible(chromedp.ID("problems-table")))
	w.check("an import check with a problem", false)
	w.step("check the corrected file", chromedp.SetValue(chromedp.ID("i-text"), csvText),
		chromedp.Click(chromedp.ID("import-check")), chromedp.WaitVisible(chromedp.ID("check-ok")))
	w.check("an import check that passes", false)
	w.step("import", chromedp.Click(chromedp.ID("import-run")), chromedp.WaitVisible(chromedp.ID("imported-table")))
	w.check("the import's result with its one-time passwords", true)
	w.open("the audit log", "/admin/audit", "#audit-table", true)

	// Authoring: a draft with a diagnostic, its plays and its tests.
	w.open("the author's page", "/author", "#new-from-template", true)
	w.step("start a draft from the template", chromedp.Click(chromedp.ID("new-from-template")), chromedp.WaitVisible(chromedp.CSS(".cm-editor")))
	w.poll("the template checks clean", `document.querySelector("#problems li.ok") !== null`)
	w.eval(`(() => { const l = drillEditor.state.doc.line(13); drillEditor.dispatch({changes: {from: l.to, insert: "xy"}}); return "ok"; })()`)
	w.poll("the diagnostic appears", `document.querySelector("#problems li.bad") !== null && document.querySelector(".cm-lint-marker-error") !== null`)
	w.check("the editor with a diagnostic", true)
	if got := w.eval(`document.getElementById("problems-said").textContent`); got != "1 error, the first at line 13." {
		t.Errorf("the editor tells a screen reader %q of the diagnostic", got)
	}
	w.eval(`(() => { const l = drillEditor.state.doc.line(13); drillEditor.dispatch({changes: {from: l.to - 2, to: l.to}}); return "ok"; })()`)
	w.poll("the diagnostic goes away", `document.querySelector("#problems li.ok") !== null`)
	if got := w.eval(`document.getElementById("problems-said").textContent`); got != "No problems." {
		t.Errorf("the editor tells a screen reader %q once the draft is fixed", got)
	}
	w.eval(`(() => { drillEditor.focus(); drillEditor.dispatch({selection: {anchor: drillEditor.state.doc.length}}); return "ok"; })()`)
	w.step("type the start of a key", chromedp.KeyEvent("\r"), chromedp.KeyEvent("o"), chromedp.KeyEvent("b"))
	w.poll("completion offers objectives", `[...document.querySelectorAll(".cm-tooltip-autocomplete li")].some(li => li.textContent.startsWith("objectives"))`)
	w.check("the editor with the completion list open", false)
	w.step("dismiss and undo", chromedp.KeyEvent("\x1b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"))
	w.poll("the draft checks clean again", `document.querySelector("#problems li.ok") !== null && !document.querySelector(".cm-tooltip-autocomplete")`)
	// Tab leaves the editor: no keyboard trap.
	w.eval(`(drillEditor.focus(), "ok")`)
	w.press(kb.Tab)
	if got := w.eval(`String(!!document.activeElement.closest(".cm-editor"))`); got != "false" {
		t.Errorf("Tab in the editor keeps the focus in it (on %s)", w.focused())
	}
	w.step("run the tests", chromedp.Click(chromedp.ID("run-tests")))
	w.pollFor(2*time.Minute, "the tests pass", `document.getElementById("test-summary").textContent.startsWith("All tests pass")`)
	w.step("save", chromedp.Click(chromedp.ID("save")))
	w.poll("the draft is saved", `document.getElementById("save-state").textContent.startsWith("Saved")`)
	// A play of the draft, started as the page's form would (without the
	// new tab), so that the page lists it.
	w.eval(`(() => { const f = document.getElementById("play-form"); fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))}).then(r => { window.played = r.ok; }); return "ok"; })()`)
	w.poll("the play starts", `window.played === true`)
	w.step("reload the editor", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("plays-table")))
	w.poll("the editor checks the draft", `document.querySelector("#problems li.ok, #problems li.bad") !== null`)
	w.check("the editor with test results and a draft play", false)

	// A policy copied to a draft.
	w.step("back to the author's page", chromedp.Navigate(srv.url+"/author"), chromedp.WaitVisible(chromedp.ID("policies-table")))
	w.step("copy a shipped policy", chromedp.Click(chromedp.CSS(`#policies-table form button`)), chromedp.WaitVisible(chromedp.ID("policy-draft")))
	w.poll("the policy checks", `document.querySelector("#problems li.ok, #problems li.bad") !== null`)
	w.check("the editor with a policy", false)

	// A new version of a library drill, submitted for approval.
	w.step("back to the author's page", chromedp.Navigate(srv.url+"/author"), chromedp.WaitVisible(chromedp.ID("drills-table")))
	w.step("copy "+e2eDrill+" to a draft", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#drills-table form:has(input[value=%q]) button`, e2eDrill))), chromedp.WaitVisible(chromedp.CSS(".cm-editor")))
	w.poll("the copy checks clean", `document.querySelector("#problems li.ok") !== null`)
	newVersion := w.eval(`(() => { const d = drillEditor.state.doc; for (let i = 1; i <= d.lines; i++) { const l = d.line(i); const m = /^version: (\d+)$/.exec(l.text);
		if (m) { const v = String(Number(m[1]) + 1); drillEditor.dispatch({changes: {from: l.from, to: l.to, insert: "version: " + v}}); return v; } } return ""; })()`)
	if newVersion == "" {
		t.Fatal("the copied drill has no version line")
	}
	w.eval(`(() => { const d = drillEditor.state.doc; for (let i = 1; i <= d.lines; i++) { const l = d.line(i); if (/^title: /.test(l.text)) {
		drillEditor.dispatch({changes: {from: l.to, insert: " (revised)"}}); return "ok"; } } return "no title"; })()`)
	w.poll("the new version checks clean", `document.querySelector("#problems li.ok") !== null`)
	w.confirmedStep("submit it for approval", chromedp.Click(chromedp.ID("publish")), chromedp.WaitVisible(chromedp.ID("pending-table")))
	w.check("the author's page with drafts, a notice and a pending publication", false)
	publication := w.eval(`document.querySelector('#pending-table a[href^="/author/publications/"]').getAttribute("href")`)
	w.open("a publication waiting for approval, by its author", publication, "#publication-state", false)

	// Assignments.
	w.open("the assignments", "/assignments", "#assign-form", false)
	w.step("assign the drill to the cohort",
		chromedp.SetValue(chromedp.ID("a-drill"), e2eDrill),
		chromedp.SetValue(chromedp.ID("a-target"), "cohort:"+cohortID),
		chromedp.SetValue(chromedp.ID("a-mode"), "assessment"),
		chromedp.SendKeys(chromedp.ID("a-attempts"), "2"),
		chromedp.Click(chromedp.ID("assign")),
		chromedp.WaitVisible(chromedp.ID("assignments-table")))
	w.check("the assignments with one", true)
	w.step("open the assignment", chromedp.Click(chromedp.CSS(`#assignments-table a[href^="/assignments/"]`)), chromedp.WaitVisible(chromedp.ID("progress-table")))
	w.check("an assignment's progress", false)

	// The live monitor: a class drill for the cohort, one session watched.
	w.open("the empty monitor", "/monitor", "#start-class", false)
	w.confirmedStep("start a class drill", chromedp.SetValue(chromedp.ID("c-cohort"), cohortID), chromedp.SetValue(chromedp.ID("c-drill"), e2eDrill),
		chromedp.Click(chromedp.ID("start-class")), chromedp.WaitVisible(chromedp.ID("board")))
	w.poll("the board shows the live sessions", `document.querySelectorAll("#board-rows tr").length >= 2 && [...document.querySelectorAll("#board-rows td.clock")].every(td => td.textContent !== "–")`)
	// An alert a session raises while the board is open is announced:
	// the sessions are paused behind the board's back (the Pause all
	// form, sent without leaving the page).
	if got := w.eval(`document.getElementById("board-announce").textContent`); got != "" {
		t.Errorf("the board announces %q before any alert is raised", got)
	}
	w.eval(`(() => { const f = document.getElementById("pause-all").form; fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))}); return "ok"; })()`)
	w.poll("the board announces the paused sessions", `document.getElementById("board-announce").textContent.includes("Demo Trainee: paused")`)
	w.check("the monitor with live sessions and their alerts", true)
	watched := w.eval(`[...document.querySelectorAll("#board-rows tr")].find(tr => tr.querySelector("td.trainee").textContent.includes("Demo")).dataset.session`)
	w.step("observe the demo trainee's session", chromedp.Navigate(srv.url+"/monitor/sessions/"+watched), chromedp.WaitVisible(chromedp.ID("obs-log")))
	w.poll("the observer has the history", `document.querySelectorAll("#obs-log li").length >= 1 && document.getElementById("obs-conn").textContent !== "connecting" && document.getElementById("obs-log").getAttribute("aria-live") === "polite"`)
	w.check("a watched session with the trainer's controls", true)
	w.confirmedStep("resume the demo trainee's call", chromedp.Click(chromedp.ID("c-resume")))
	w.poll("the call runs again", `document.getElementById("obs-state").textContent === ""`)

	// Analytics.
	w.open("the analytics dashboard", "/analytics", "#heatmap-table", true)
	w.open("the printable cohort report", "/analytics/report", "#drills-table", false)
	w.signOut()

	// The second trainer: a password to choose, the publication to
	// approve, the versions compared; and a page she may not open.
	w.signInAs("tess", tessPassword, "tess's own passphrase 2026")
	w.open("a publication to approve", publication, "#approve", false)
	w.confirmedStep("approve it", chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("recent-table")))
	w.check("the author's page with a notice and the recent publications", false)
	w.open("an approved publication with its changes", publication, "#publication-state", false)
	if got := w.eval(`document.getElementById("publication-state").textContent`); got != "published" {
		t.Errorf("the approved publication's state is %q", got)
	}
	old := w.eval(fmt.Sprintf(`String(%s - 1)`, newVersion))
	w.open("a drill's versions compared", fmt.Sprintf("/author/drills/%s?from=%s&to=%s", e2eDrill, old, newVersion), "#diff", true)
	w.open("the 403 page", "/admin/users", "main h1", false)
	if got := w.eval(`document.querySelector("main h1").textContent`); got != "No access" {
		t.Errorf("a trainer who is not an administrator opens the accounts page and reads %q", got)
	}
	w.signOut()

	// The coach: the queue, a review with its marking forms, a
	// calibration round, notes on a trainee, a replay.
	w.signInAs("coach", srv.passwords["coach"], "")
	w.check("the coach's home page", true)
	w.open("the review queue", "/reviews", "#queue", true)
	session := w.eval(`document.querySelector("#queue tbody tr").id.replace(/^queue-/, "")`)
	w.submit("claim a session", fmt.Sprintf(`#queue-%s form[action$="/claim"] button`, session))
	w.poll("the claim is shown", fmt.Sprintf(`document.getElementById("queue-%s").textContent.includes("You, until")`, session))
	w.check("the review queue with a claim", false)
	traineePage := w.eval(fmt.Sprintf(`document.querySelector('#queue-%s a[href^="/trainees/"]').getAttribute("href")`, session))
	w.step("open the review", chromedp.Navigate(srv.url+"/sessions/"+session+"/debrief"), chromedp.WaitVisible(chromedp.ID("rules-h")))
	w.step("open the marking forms and the note form", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	w.check("a review with its marking forms", true)
	rule := w.eval(`document.querySelector("form.mark-form input[name=rule]").value`)
	w.step("override a rule", chromedp.SetValue(chromedp.ID("mark-outcome-"+rule), "partial"),
		chromedp.SendKeys(chromedp.ID("mark-points-"+rule), "1"),
		chromedp.SendKeys(chromedp.ID("mark-reason-"+rule), "Partly: the caller had to ask twice."))
	w.submit("save the mark", "#mark-reason-"+rule)
	w.poll("the mark is saved", `document.body.textContent.includes("Your mark is saved")`)
	w.step("write a note", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`),
		chromedp.SetValue(chromedp.ID("note-kind"), "development"), chromedp.SendKeys(chromedp.ID("note-text"), "Update the caller every two minutes."))
	w.submit("save the note", "#note-text")
	w.poll("the note is shown", `document.getElementById("notes").textContent.includes("every two minutes")`)
	w.check("a review with a mark, its history and a note", false)
	w.step("open the round form", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#calibration details").forEach(d => d.open = true)`))
	if n := w.eval(`(() => { let n = 0; for (const i of document.querySelectorAll("#round-start input[name=member]")) { if (/Demo Coach|Cora Coach/.test(i.parentElement.textContent)) { i.checked = true; n++; } } return String(n); })()`); n != "2" {
		t.Fatalf("the round form offers %s of the two coaches", n)
	}
	w.submit("start a calibration round", "#round-start button")
	w.poll("the round opens", `document.getElementById("round-form") !== null`)
	round := w.eval(`location.pathname`)
	w.check("a calibration round to mark, blind", true)
	markRound := func(who string) {
		w.eval(`(() => { document.querySelectorAll('#round-form select[name^="outcome-"]').forEach((s, i) => { s.value = i % 2 ? "fail" : "pass"; }); return "ok"; })()`)
		w.submit(who+" saves the marks", `#round-form button[type=submit]`)
		w.poll(who+"'s marks are saved", `document.body.textContent.includes("Your marks are saved")`)
	}
	markRound("the demo coach")
	w.open("a trainee's history", traineePage, "#sessions-h", true)
	w.step("open the note form", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	w.step("write an action for the trainee", chromedp.SetValue(chromedp.ID("trainee-note-kind"), "action"),
		chromedp.SetValue(chromedp.ID("trainee-note-due"), "2027-02-01"),
		chromedp.SendKeys(chromedp.ID("trainee-note-text"), "Practise the handover script."))
	w.submit("save the trainee note", "#trainee-note-text")
	w.poll("the trainee note is shown", `document.getElementById("trainee-notes") && document.getElementById("trainee-notes").textContent.includes("handover script")`)
	w.check("a trainee's history with a note", false)
	w.step("replay the session", chromedp.Navigate(srv.url+"/sessions/"+session+"/replay"), chromedp.WaitVisible(chromedp.ID("hidden-h")))
	w.step("scrub to the end", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("scrub"); s.value = s.max; s.dispatchEvent(new Event("input")); })()`))
	w.poll("the replay shows the call", `document.querySelectorAll("#call-log li").length >= 1 && document.getElementById("frame-seq").textContent !== ""`)
	w.check("a replay at the end of the call", true)
	w.signOut()

	// The imported coach marks the round.
	w.signInAs("cora", coraPassword, "cora's own passphrase 2026")
	w.step("cora opens the round", chromedp.Navigate(srv.url+round), chromedp.WaitVisible(chromedp.ID("round-form")))
	markRound("cora")
	w.signOut()

	// The lead publishes the round: its report, and the trend.
	w.signInAs("coach", srv.passwords["coach"], "")
	w.step("open the round", chromedp.Navigate(srv.url+round), chromedp.WaitVisible(chromedp.ID("publish-form")))
	w.step("open the official marking", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	w.check("a calibration round before it is published, by its lead", false)
	w.submit("publish the round", "#publish-btn")
	w.poll("the report is shown", `document.getElementById("report") !== null && document.getElementById("pairs") !== null`)
	w.check("a calibration report", true)
	w.open("the calibration trend", "/calibration", "#trend", false)
	w.signOut()

	// The trainee: her call of the class drill, ended; her history.
	w.signInAs("trainee", srv.password, "")
	w.step("open her call", chromedp.Navigate(srv.url+"/sessions/"+watched), chromedp.WaitVisible(chromedp.ID("call-log")))
	w.poll("the console connects", `document.getElementById("conn").textContent === "Connected"`)
	w.closeCall("handed_over")
	w.poll("the call ends", `!document.getElementById("ended-banner").hidden`)
	w.open("the trainee's history", "/history", "#sessions-h", true)
	w.open("the password page", "/account/password", "#change-password", false)
	w.open("the trainee's debrief", "/sessions/"+watched+"/debrief", "#score-h", false)

	// Every page route was checked, and the 404 page (no route's).
	for _, r := range append(slices.Clone(a11yPages), "GET not found") {
		if len(w.checked[r]) == 0 {
			t.Errorf("%s is listed as a page but TestAccessibilityEveryPage did not check it", r)
		}
	}
	var names []string
	for r, checks := range w.checked {
		names = append(names, fmt.Sprintf("%s: %s", r, strings.Join(checks, "; ")))
	}
	slices.Sort(names)
	t.Logf("pages checked:\n  %s", strings.Join(names, "\n  "))
	if len(w.found) > 0 {
		var vs []string
		for k, n := range w.found {
			vs = append(vs, fmt.Sprintf("%s: %d", k, n))
		}
		slices.Sort(vs)
		t.Logf("violations (rule on page: elements):\n  %s", strings.Join(vs, "\n  "))
	}
	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

// demoCohortName is the cohort of `serve --demo`'s accounts.
const demoCohortName = "Demo cohort"
