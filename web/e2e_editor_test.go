package web

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/drillroom/drillroom"
)

// TestEndToEndAuthoring drives the trainer's workspace in Chromium: an
// administrator turns the second trainer's approval on in the settings; a
// trainer starts a drill from the template, types a mistake and sees its
// diagnostic at its line, fixes it, runs the tests, plays the draft as a
// trainee in a new tab, records that play as a test, and submits the
// drill; a second trainer approves it, and it is published with both
// recorded; it is assigned to a cohort, a trainee of it sees it due and
// plays it while the trainer watches on the monitor, injects a line as the
// customer, takes the customer over and hands them back; the trainee's
// page never shows the trainer; the debrief lists the interventions and
// the rules they touched.
func TestEndToEndAuthoring(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := startPlainServer(t, dir)
	const password = "trainer passphrase 42"
	for _, u := range []struct{ name, display, role, cohort string }{
		{"tom", "Tom Author", "trainer", "Class E"}, {"tess", "Tess Approver", "trainer", ""}, {"tia", "Tia Trainee", "trainee", "Class E"},
	} {
		var flags []string
		if u.cohort != "" {
			flags = append(flags, "--cohort", u.cohort)
		}
		if u.name == "tess" {
			flags = append(flags, "--admin") // she also runs the organisation's settings
		}
		srv.addUser(u.name, u.display, u.role, password, flags...)
	}
	e, consoleErrors := newE2E(t, srv, dir, chrome)
	defer e.onFailure()

	signIn := func(user string) { e.signInTo(user, password, "#nav-author") }
	// Tess, an administrator, asks for a second trainer's approval of
	// every publication: the organisation's setting, not a server flag.
	signIn("tess")
	e.step("open the settings", chromedp.Navigate(srv.url+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("approval-required")))
	e.confirmedStep("require approval", chromedp.Click(chromedp.ID("approval-required")), chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.info`)))
	e.poll("the setting is saved", `location.search.includes("settings-saved") && document.getElementById("approval-state").textContent.includes("Tess Approver")`)
	e.signOut()

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
	if got := e.eval(`(() => { const c = document.getElementById("problem-count"); return getComputedStyle(c).display + " " + c.textContent; })()`); got != "inline-block 1" {
		t.Errorf("with one problem the problem count shows %q, want an inline-block 1", got)
	}
	e.snapshot("editor-diagnostic")
	e.step("fix it", chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"))
	e.poll("the diagnostic goes away", `document.querySelector("#problems li.ok") !== null && document.querySelector(".cm-lint-marker-error") === null`)
	// No problems, no count: an empty badge beside the heading is not drawn.
	if got := e.eval(`getComputedStyle(document.getElementById("problem-count")).display`); got != "none" {
		t.Errorf("with no problems the problem count is displayed (%s)", got)
	}

	// Completion from the schema: a new top-level key.
	e.eval(`(() => { const end = drillEditor.state.doc.length; drillEditor.dispatch({selection: {anchor: end}}); return "ok"; })()`)
	e.step("type the start of a key", chromedp.KeyEvent("\r"), chromedp.KeyEvent("o"), chromedp.KeyEvent("b"))
	e.poll("completion offers objectives", `Array.from(document.querySelectorAll(".cm-tooltip-autocomplete li")).some(li => li.textContent.startsWith("objectives"))`)
	e.step("dismiss and undo", chromedp.KeyEvent("\x1b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"), chromedp.KeyEvent("\b"))

	e.step("run the tests", chromedp.Click(chromedp.ID("run-tests")))
	e.pollFor(60_000_000_000, "the tests pass", `document.getElementById("test-summary").textContent.startsWith("All tests pass")`)
	e.snapshot("editor-tests")

	// Tom plays his draft as a trainee, in a new tab, to its end.
	newTab := chromedp.WaitNewTarget(e.ctx, func(info *target.Info) bool { return info.Type == "page" })
	e.step("play the draft", chromedp.Click(chromedp.ID("play-draft")))
	var tabID target.ID
	select {
	case tabID = <-newTab:
	case <-time.After(stepLimit):
		t.Fatal("playing the draft opened no tab")
	}
	tabCtx, closeTab := chromedp.NewContext(e.ctx, chromedp.WithTargetID(tabID))
	play := &e2e{t: t, ctx: tabCtx, dir: dir, srv: srv}
	play.poll("the draft's call is on", `location.pathname.startsWith("/sessions/") && !!document.getElementById("draft-play") && document.getElementById("conn").textContent === "Connected"`)
	play.step("greet and apologise", chromedp.SendKeys(chromedp.ID("say-text"), "Hello, you're through to Tom. I'm so sorry you've been charged twice."),
		chromedp.Click(chromedp.ID("say-send")))
	play.poll("the line is in the call", `document.getElementById("call-log").textContent.includes("charged twice")`)
	play.closeCall("resolved")
	play.poll("the draft play ends", `!document.getElementById("ended-banner").hidden`)
	closeTab()

	// Back in the editor, the ended play is listed; recording it appends
	// a test, which passes with the others.
	e.eval(`window.dispatchEvent(new Event("focus")); "ok"`)
	e.poll("the ended play is listed", `!!document.querySelector("#plays-table .record-play")`)
	e.step("record the play as a test", chromedp.Click(chromedp.CSS("#plays-table .record-play")))
	e.poll("the test is in the editor", `document.getElementById("record-state").className === "ok" && drillEditor.state.doc.toString().includes("- name: \"recorded play ")`)
	e.step("run the tests again", chromedp.Click(chromedp.ID("run-tests")))
	e.pollFor(60_000_000_000, "the tests pass with the recorded one",
		`document.getElementById("test-summary").textContent.startsWith("All tests pass") && document.getElementById("test-results").textContent.includes("recorded play")`)
	e.snapshot("editor-recorded")
	e.confirmedStep("submit for approval", chromedp.Click(chromedp.ID("publish")), chromedp.WaitVisible(chromedp.ID("drafts-h")))
	e.poll("submitted", `location.pathname === "/author" && document.body.textContent.includes("a second trainer must approve it")`)
	e.signOut()

	signIn("tess")
	e.step("open the workshop", chromedp.Click(chromedp.ID("nav-author")), chromedp.WaitVisible(chromedp.ID("pending-table")))
	e.step("review the request", chromedp.Click(chromedp.CSS(`#pending-table a.button`)), chromedp.WaitVisible(chromedp.ID("approve")))
	e.confirmedStep("approve", chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("drafts-h")))
	e.poll("approved", `location.pathname === "/author" && document.body.textContent.includes("approved and published")`)

	e.signOut()

	// Tom assigns it to his cohort, due in three days.
	signIn("tom")
	e.step("open the assignments", chromedp.Click(chromedp.ID("nav-assign")), chromedp.WaitVisible(chromedp.ID("assign-form")))
	due := time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02")
	e.eval(`(() => { const s = document.getElementById("a-target"); s.value = [...s.options].find(o => o.textContent.startsWith("Class E")).value; return s.value; })()`)
	e.step("assign to Class E",
		chromedp.SetValue(chromedp.ID("a-drill"), "my-new-drill"),
		chromedp.SetValue(chromedp.ID("a-mode"), "practice"),
		chromedp.SetValue(chromedp.ID("a-due"), due),
		chromedp.Click(chromedp.ID("assign")),
		chromedp.WaitVisible(chromedp.ID("assignments-table")))
	if got := e.eval(`document.getElementById("assignments-table").textContent`); !strings.Contains(got, "cohort Class E") || !strings.Contains(got, "0 of 1") {
		t.Fatalf("the assignment: %q", got)
	}

	// Tia, in her own browser, sees it due and plays it.
	tctx, traineeConsole := newBrowser(t, filepath.Join(dir, "trainee"), chrome)
	tia := &e2e{t: t, ctx: tctx, dir: dir, srv: srv}
	tia.signInTo("tia", password, "#due-table")
	if got := tia.eval(`document.querySelector('#due-table tr[data-drill="my-new-drill"]').dataset.state`); got != "due" {
		t.Errorf("tia's assignment is %q, want due", got)
	}
	tia.step("tia starts the drill", chromedp.Click(chromedp.CSS(`form[action="/drills/my-new-drill/start"] input[value="practice"] ~ button`)),
		chromedp.WaitVisible(chromedp.ID("call-log")))

	// Tom watches on the monitor and steers the call.
	e.step("open the monitor", chromedp.Click(chromedp.ID("nav-monitor")), chromedp.WaitVisible(chromedp.CSS(`#board tr[data-session]`)))
	e.poll("the board follows the session", `document.querySelector('#board tr[data-session] td.clock').textContent !== "–"`)
	e.snapshot("monitor-board")
	e.step("observe tia", chromedp.Click(chromedp.CSS(`#board tr[data-session] a.button`)), chromedp.WaitVisible(chromedp.ID("observer-banner")))
	e.poll("the history is loaded", `!!document.getElementById("obs-history").dataset.loaded && document.getElementById("obs-conn").textContent === "connected"`)
	e.eval(`window.confirm = () => true; "ok"`)
	inject := func(text string) {
		e.step("inject "+text, chromedp.SetValue(chromedp.ID("c-as"), "customer"), chromedp.SendKeys(chromedp.ID("c-text"), text), chromedp.Click(chromedp.ID("c-inject")))
		e.poll("the observer sees "+text, fmt.Sprintf(`[...document.querySelectorAll("#obs-log li.by-trainer")].some(li => li.textContent.includes(%q))`, text))
		tia.poll("tia hears "+text, fmt.Sprintf(`document.getElementById("call-log").textContent.includes(%q)`, text))
		li := tia.eval(fmt.Sprintf(`[...document.querySelectorAll("#call-log li")].find(li => li.textContent.includes(%q)).outerHTML`, text))
		if strings.Contains(strings.ToLower(li), "trainer") || !strings.Contains(li, "customer") {
			t.Errorf("tia's console shows the injected line as %s", li)
		}
	}
	inject("Hello? Is anyone dealing with this?")
	e.step("take over the customer", chromedp.SetValue(chromedp.ID("c-who"), "customer"), chromedp.Click(chromedp.ID("c-takeover")))
	e.poll("the customer is taken over", `document.getElementById("obs-taken").textContent === "Customer"`)
	inject("It is getting worse, I can hear hissing now.")
	e.step("hand the customer back", chromedp.Click(chromedp.ID("c-handback")))
	e.poll("the customer is handed back", `document.getElementById("obs-taken").textContent === "nobody"`)
	e.snapshot("monitor-observer")
	if got := e.eval(`(() => { const log = document.getElementById("obs-log"), w = log.clientWidth;
		return JSON.stringify([...log.children].filter(li => Math.abs(li.getBoundingClientRect().width - w) > 1).map(li => li.textContent)); })()`); got != "[]" {
		t.Errorf("lines of the observer's log narrower than the log: %s", got)
	}
	if got := strings.ToLower(tia.eval(`document.getElementById("call-log").textContent + document.getElementById("radio-log").textContent`)); strings.Contains(got, "trainer") {
		t.Errorf("tia's console names the trainer: %q", got)
	}

	// Tia closes the call; her debrief lists the interventions.
	tia.closeCall("handed_over")
	tia.poll("the call ends", `!document.getElementById("ended-banner").hidden`)
	tia.step("open the debrief", chromedp.Click(chromedp.ID("debrief-link")), chromedp.WaitVisible(chromedp.ID("score-h")))
	tia.poll("the interventions are listed", `!!document.getElementById("interventions-list")`)
	got := tia.eval(`document.getElementById("interventions-list").textContent`)
	for _, want := range []string{"Trainer injected “Hello? Is anyone dealing with this?” as the customer", "Trainer took over the customer", "Trainer handed the customer back"} {
		if !strings.Contains(got, want) {
			t.Errorf("the debrief's interventions %q lack %q", got, want)
		}
	}
	if !strings.Contains(got, "Touched:") || tia.eval(`String(document.querySelectorAll(".rules .steered").length)`) == "0" {
		t.Errorf("the debrief marks no rule the interventions touched: %q", got)
	}
	tia.snapshot("debrief-interventions")

	st := openData(t, srv.data)
	defer st.Close()
	ps, err := st.Publications(context.Background(), drillroom.PublicationPublished)
	if err != nil || len(ps) != 1 {
		t.Fatalf("publications: %+v, %v", ps, err)
	}
	if !strings.Contains(string(ps[0].Source), "recorded play") {
		t.Errorf("the published drill lacks the recorded test")
	}
	tom, _ := st.UserByUsername(context.Background(), "tom")
	tess, _ := st.UserByUsername(context.Background(), "tess")
	if ps[0].AuthorID != tom.ID || ps[0].ApproverID != tess.ID || ps[0].ScenarioID != "my-new-drill" {
		t.Errorf("the publication: %+v; want my-new-drill by tom, approved by tess", ps[0])
	}
	for _, m := range append(consoleErrors(), traineeConsole()...) {
		t.Errorf("browser console: %s", m)
	}
}
