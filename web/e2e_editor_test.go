package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store"
)

// TestEndToEndAuthoring drives the drill editor in Chromium: a trainer
// starts a drill from the template, types a mistake and sees its
// diagnostic at its line, fixes it, runs the tests, and submits the drill;
// a second trainer approves it, and it is published with both recorded.
func TestEndToEndAuthoring(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is skipped in -short mode")
	}
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("DRILLROOM_E2E") == "require" {
			t.Fatal("DRILLROOM_E2E=require but no Chromium binary was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium binary installed (apt-get install -y chromium); set DRILLROOM_E2E=require to fail instead")
	}
	dir := t.TempDir()
	srv := startPlainServer(t, dir, "--require-approval")
	const password = "trainer passphrase 42"
	for _, u := range []struct{ name, display string }{{"tom", "Tom Author"}, {"tess", "Tess Approver"}} {
		add := exec.Command(srv.bin, "user", "add", "--data", srv.data, "--role", "trainer", "--name", u.display, "--password-stdin", u.name)
		add.Stdin = strings.NewReader(password + "\n")
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("drillroom user add %s: %v\n%s", u.name, err, out)
		}
	}
	ctx, consoleErrors := newBrowser(t, dir, chrome)
	e := &e2e{t: t, ctx: ctx, dir: dir, srv: srv}
	defer e.onFailure()

	signIn := func(user string) {
		e.step("open the login page as "+user, chromedp.Navigate(srv.url+"/login"), chromedp.WaitVisible(chromedp.ID("username")))
		e.step("sign in as "+user,
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitVisible(chromedp.ID("nav-author")))
	}
	signIn("tom")
	e.step("open the workshop", chromedp.Click(chromedp.ID("nav-author")), chromedp.WaitVisible(chromedp.ID("new-from-template")))
	e.step("start a draft from the template", chromedp.Click(chromedp.ID("new-from-template")), chromedp.WaitVisible(chromedp.CSS(".cm-editor")))
	e.poll("the template checks clean", `document.querySelector("#problems li.ok") !== null`)

	// Type a mistake at the end of line 13 (difficulty: beginner).
	if got := e.eval(`drillEditor.state.doc.line(13).text`); got != "difficulty: beginner" {
		t.Fatalf("line 13 of the template is %q", got)
	}
	e.eval(`(() => { const l = drillEditor.state.doc.line(13); drillEditor.focus(); drillEditor.dispatch({selection: {anchor: l.to}}); return "ok"; })()`)
	e.step("type a mistake", chromedp.KeyEvent("x"), chromedp.KeyEvent("y"))
	e.poll("the diagnostic appears at line 13",
		`(() => { const b = document.querySelector("#problems button.jump"); return b && b.textContent === "line 13" && document.querySelector(".cm-lint-marker-error") !== null; })()`)
	if got := e.eval(`document.querySelector("#problems li.bad").textContent`); !strings.Contains(got, "beginnerxy") {
		t.Errorf("the diagnostic does not name the wrong value: %q", got)
	}
	e.snapshot("editor-diagnostic")
	e.step("fix it", chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"))
	e.poll("the diagnostic goes away", `document.querySelector("#problems li.ok") !== null && document.querySelector(".cm-lint-marker-error") === null`)

	// Completion from the schema: a new top-level key.
	e.eval(`(() => { const end = drillEditor.state.doc.length; drillEditor.dispatch({selection: {anchor: end}}); return "ok"; })()`)
	e.step("type the start of a key", chromedp.KeyEvent("\r"), chromedp.KeyEvent("o"), chromedp.KeyEvent("b"))
	e.poll("completion offers objectives", `Array.from(document.querySelectorAll(".cm-tooltip-autocomplete li")).some(li => li.textContent.startsWith("objectives"))`)
	e.step("dismiss and undo", chromedp.KeyEvent("\x1b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"))

	e.step("run the tests", chromedp.Click(chromedp.ID("run-tests")))
	e.pollFor(60_000_000_000, "the tests pass", `document.getElementById("test-summary").textContent.startsWith("All tests pass")`)
	e.snapshot("editor-tests")
	e.eval(`window.confirm = () => true; "ok"`)
	e.step("submit for approval", chromedp.Click(chromedp.ID("publish")), chromedp.WaitVisible(chromedp.ID("drafts-h")))
	e.poll("submitted", `location.pathname === "/author" && document.body.textContent.includes("a second trainer must approve it")`)
	e.step("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("username")))

	signIn("tess")
	e.step("open the workshop", chromedp.Click(chromedp.ID("nav-author")), chromedp.WaitVisible(chromedp.ID("pending-table")))
	e.step("review the request", chromedp.Click(chromedp.CSS(`#pending-table a.button`)), chromedp.WaitVisible(chromedp.ID("approve")))
	e.eval(`window.confirm = () => true; "ok"`)
	e.step("approve", chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("drafts-h")))
	e.poll("approved", `location.pathname === "/author" && document.body.textContent.includes("approved and published")`)

	st, err := store.Open(context.Background(), filepath.Join(srv.data, "drillroom.db"), nil, store.WithoutMigrating())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.Publications(context.Background(), drillroom.PublicationPublished)
	if err != nil || len(ps) != 1 {
		t.Fatalf("publications: %+v, %v", ps, err)
	}
	tom, _ := st.UserByUsername(context.Background(), "tom")
	tess, _ := st.UserByUsername(context.Background(), "tess")
	if ps[0].AuthorID != tom.ID || ps[0].ApproverID != tess.ID || ps[0].ScenarioID != "my-new-drill" {
		t.Errorf("the publication: %+v; want my-new-drill by tom, approved by tess", ps[0])
	}
	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}
