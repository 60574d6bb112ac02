package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestCoachEndToEndBrowser drives the coach's workspace in a real
// Chromium: the demo trainee plays a drill and ends the call (her debrief
// says the coaches are reviewing it); the demo coach (same cohort) finds
// it in the review queue, claims it, replays it (scrubbing to the end,
// playing at 16x), scores the manual rule and overrides an automatic rule
// with a reason on the debrief, annotates the trainee's line, writes an
// action and releases the review; the replay then shows the annotation at
// its moment. The trainee sees the marks with the coach's name and reasons
// and the note, and disputes the override; the dispute is in the coach's
// queue, the coach answers it, and the trainee reads the answer. Like
// TestEndToEndBrowser it needs a Chromium binary (DRILLROOM_E2E=require
// makes its absence a failure).
func TestCoachEndToEndBrowser(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := startDemoServer(t, dir)
	coachPassword := srv.passwords["coach"]
	if coachPassword == "" {
		t.Fatal("drillroom serve --demo did not print the demo coach's password")
	}
	ctx, consoleErrors := newBrowser(t, dir, chrome, browserConfig{height: 900, timeout: 5 * time.Minute})
	e := &e2e{t: t, ctx: ctx, dir: dir, srv: srv}
	defer e.onFailure()

	signIn := func(user, password string) {
		t.Helper()
		e.step("open the login page as "+user, chromedp.Navigate(srv.url+"/login"), chromedp.WaitVisible(chromedp.ID("username")))
		e.step("sign in as "+user,
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitVisible(chromedp.ID("past-h")),
		)
	}
	signOut := func() {
		t.Helper()
		e.step("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("username")))
	}
	// submit submits the form holding sel and waits for the next page.
	submit := func(what, sel string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepLimit)
		defer cancel()
		if _, err := chromedp.Run(sctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.CSS(sel)))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// shot saves one element of the page as a PNG for the coach's guide
	// (docs/img/coach-NAME.png comes from here), when
	// DRILLROOM_E2E_ARTIFACTS names a directory: small, unlike snapshot's
	// whole pages.
	shot := func(name, sel string) {
		t.Helper()
		art := os.Getenv("DRILLROOM_E2E_ARTIFACTS")
		if art == "" {
			return
		}
		sctx, cancel := context.WithTimeout(ctx, stepLimit)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.Screenshot(chromedp.CSS(sel)))
		if err != nil {
			t.Logf("screenshot %s: %v", name, err)
			return
		}
		os.MkdirAll(art, 0o755)
		os.WriteFile(filepath.Join(art, "coach-"+name+".png"), png, 0o644)
	}

	// The trainee plays a drill and ends the call.
	signIn("trainee", srv.password)
	e.step("start a drill", chromedp.Click(chromedp.CSS(`form[action^="/drills/"] input[value="practice"] ~ button`)),
		chromedp.WaitVisible(chromedp.ID("call-log")))
	e.poll("the console connects", `document.getElementById("conn").textContent === "Connected"`)
	e.step("greet the caller", chromedp.Click(chromedp.CSS(`button[data-intent="safety_advice"]`)))
	e.poll("the line is sent", `document.querySelectorAll("#call-log li.trainee").length >= 1`)
	e.closeCall("handed_over")
	e.poll("the call ends", `!document.getElementById("ended-banner").hidden`)
	e.step("open the debrief", chromedp.Click(chromedp.ID("debrief-link")), chromedp.WaitVisible(chromedp.ID("score-h")))
	e.poll("the manual rule awaits a coach", `document.body.textContent.includes("Awaiting a coach")`)
	e.poll("the debrief says the coaches are reviewing", `document.getElementById("review-state") && document.getElementById("review-state").textContent.includes("reviewing this session")`)
	shot("trainee-being-reviewed", "#coaching")
	debriefURL := e.eval(`location.pathname`)
	if n := e.eval(`String(document.querySelectorAll("form.mark-form input[name=rule]").length)`); n != "0" {
		t.Fatalf("the trainee's debrief has %s marking forms, want none", n)
	}
	signOut()

	// The coach claims the session from the review queue and replays it.
	signIn("coach", coachPassword)
	sessionID := strings.TrimSuffix(strings.TrimPrefix(debriefURL, "/sessions/"), "/debrief")
	e.poll("the home page counts the queue", `document.getElementById("review-count") && /\d+/.test(document.getElementById("review-count").textContent)`)
	e.step("open the review queue", chromedp.Navigate(srv.url+"/reviews"), chromedp.WaitVisible(chromedp.ID("queue-"+sessionID)))
	if why := e.eval(fmt.Sprintf(`document.getElementById("queue-%s").textContent`, sessionID)); !strings.Contains(why, "manual items to score") {
		t.Errorf("the queue row %q does not say the manual items wait", why)
	}
	submit("claim the session", fmt.Sprintf(`#queue-%s form[action$="/claim"] button`, sessionID))
	e.poll("the claim is shown", fmt.Sprintf(`document.getElementById("queue-%s").textContent.includes("You, until")`, sessionID))
	e.step("replay the call", chromedp.Navigate(srv.url+"/sessions/"+sessionID+"/replay"), chromedp.WaitVisible(chromedp.ID("hidden-h")))
	e.poll("the replay shows the start", `document.querySelectorAll("#call-log li").length >= 1 && document.getElementById("h-phase").textContent !== "–"`)
	e.step("scrub to the end", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("scrub"); s.value = s.max; s.dispatchEvent(new Event("input")); })()`))
	e.poll("the replay reaches the end of the call", `document.getElementById("frame-seq").textContent.includes("the call has ended") && [...document.querySelectorAll("#call-log li")].some(li => li.className === "trainee")`)
	e.step("play at 16x from the start", chromedp.SetValue(chromedp.ID("speed"), "16"),
		chromedp.Evaluate[chromedp.Void](`window.drillroomReplay.show(0)`), chromedp.Click(chromedp.ID("play-btn")))
	e.poll("the replay plays to the end", `document.getElementById("play-btn").textContent === "Play" && window.drillroomReplay.now === Number(document.getElementById("scrub").max)`)
	e.snapshot("coach-replay")
	shot("queue-replay", ".replay-bar")

	// The coach scores the manual rule and overrides an automatic one.
	e.step("open the trainee's debrief", chromedp.Navigate(srv.url+debriefURL), chromedp.WaitVisible(chromedp.ID("rules-h")))
	manual := e.eval(`(() => { const b = [...document.querySelectorAll("form.mark-form button")].find(b => b.textContent === "Save score"); return b ? b.form.querySelector("input[name=rule]").value : ""; })()`)
	if manual == "" {
		t.Fatal("the coach's debrief offers no manual rule to score")
	}
	override := e.eval(`(() => { const row = [...document.querySelectorAll("table.rules tbody tr")].find(tr => tr.querySelector(".badge.pass") && tr.querySelector("form.mark-form")); return row ? row.id.replace(/^rule-/, "") : ""; })()`)
	if override == "" {
		t.Fatal("no passed automatic rule to override")
	}
	t.Logf("scoring %s, overriding %s", manual, override)
	const scoreReason = "Named the lesson about early safety advice; nothing on the handover."
	const overrideReason = "The advice came after the caller had already asked twice."
	e.step("open the manual rule's form", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rule-%s details summary`, manual))))
	e.snapshot("coach-mark")
	e.step("score it partly met",
		chromedp.SetValue(chromedp.ID("mark-outcome-"+manual), "partial"),
		chromedp.SendKeys(chromedp.ID("mark-points-"+manual), "5"),
		chromedp.SendKeys(chromedp.ID("mark-reason-"+manual), scoreReason))
	submit("submit the score", "#mark-reason-"+manual)
	e.poll("the score is saved", `document.body.textContent.includes("Your mark is saved")`)
	e.step("open the automatic rule's form", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rule-%s details summary`, override))))
	e.step("override it as not met",
		chromedp.SetValue(chromedp.ID("mark-outcome-"+override), "fail"),
		chromedp.SendKeys(chromedp.ID("mark-reason-"+override), overrideReason))
	submit("submit the override", "#mark-reason-"+override)
	e.poll("the override is saved", fmt.Sprintf(`document.body.textContent.includes("Your mark is saved") && document.querySelectorAll("#mark-history tbody tr").length === 2 && document.querySelector("#rule-%s .badge.fail")`, override))
	e.snapshot("coach-marked")
	shot("override", "#rule-"+override)
	e.step("open the note form to annotate", chromedp.Click(chromedp.CSS(`.note-form-wrap summary`)))
	moment := e.eval(`(() => { const o = [...document.querySelectorAll("#note-seq option")].find(o => o.value !== "0" && / You: /.test(o.textContent)); return o ? o.value : ""; })()`)
	if moment == "" {
		t.Fatal("the note form offers no moment of the trainee's to annotate")
	}
	const annotation = "Here: the safety advice, before anything else."
	e.step("annotate the trainee's line", chromedp.SetValue(chromedp.ID("note-kind"), "strength"),
		chromedp.SetValue(chromedp.ID("note-seq"), moment), chromedp.SendKeys(chromedp.ID("note-text"), annotation))
	submit("save the annotation", "#note-text")
	e.poll("the annotation is under its moment", fmt.Sprintf(`document.querySelector("#ev-%s") && [...document.querySelectorAll("li.annotation")].some(li => li.textContent.includes(%q))`, moment, annotation))
	e.step("open the note form", chromedp.Click(chromedp.CSS(`.note-form-wrap summary`)))
	e.step("write an action", chromedp.SetValue(chromedp.ID("note-kind"), "action"),
		chromedp.SetValue(chromedp.ID("note-due"), "2027-01-15"),
		chromedp.SendKeys(chromedp.ID("note-text"), "Give safety advice before asking for the address."))
	submit("save the note", "#note-text")
	e.poll("the note is shown", `document.getElementById("notes").textContent.includes("before asking for the address") && document.getElementById("notes").textContent.includes("due 15 Jan 2027")`)
	e.poll("the review is not released yet", `document.getElementById("release-state").textContent.includes("Not released to the trainee yet")`)
	e.snapshot("coach-release")
	shot("release", "#coaching")
	submit("release the review to the trainee", "#release-review")
	e.poll("the review is released", `document.body.textContent.includes("The reviewed scorecard is released") && document.getElementById("release-state").textContent.includes("Released to the trainee") && !document.getElementById("release-review")`)
	// The replay shows the annotation at its moment, and not before it.
	e.step("replay at the annotated moment", chromedp.Navigate(srv.url+"/sessions/"+sessionID+"/replay?at="+moment), chromedp.WaitVisible(chromedp.ID("hidden-h")))
	e.poll("the replay shows the annotation at its moment", fmt.Sprintf(`[...document.querySelectorAll("#call-log li.annotation, #radio-log li.annotation")].some(li => li.textContent.includes(%q))`, annotation))
	e.snapshot("coach-replay-annotation")
	shot("replay-annotation", "#call-log")
	e.step("scrub to the start", chromedp.Evaluate[chromedp.Void](`window.drillroomReplay.show(0)`))
	e.poll("the annotation is not shown before its moment", `document.querySelectorAll("li.annotation").length === 0`)
	signOut()

	// The trainee sees the coach's marks on her debrief.
	signIn("trainee", srv.password)
	e.step("reopen the debrief", chromedp.Navigate(srv.url+debriefURL), chromedp.WaitVisible(chromedp.ID("rules-h")))
	for _, check := range []struct{ what, js string }{
		{"the coach's score with its reason", fmt.Sprintf(`document.querySelector("#rule-%s").textContent.includes(%q) && document.querySelector("#rule-%s .badge.partial")`, manual, scoreReason, manual)},
		{"the override with its reason", fmt.Sprintf(`document.querySelector("#rule-%s").textContent.includes(%q) && document.querySelector("#rule-%s .badge.fail")`, override, overrideReason, override)},
		{"who scored it", fmt.Sprintf(`document.querySelector("#mark-%s").textContent.includes("Scored by") && document.querySelector("#mark-%s").textContent.includes("(coach)")`, manual, manual)},
		{"who overrode it and the automatic outcome", fmt.Sprintf(`document.querySelector("#mark-%s").textContent.includes("Overridden by") && document.querySelector("#rule-%s .auto").textContent.includes("Automatic: passed")`, override, override)},
		{"the marking history", `document.querySelectorAll("#mark-history tbody tr").length === 2`},
		{"the scored rule no longer awaiting a coach", fmt.Sprintf(`!document.querySelector("#rule-%s .badge.pending")`, manual)},
		{"no marking forms", `document.querySelectorAll("form.mark-form input[name=rule]").length === 0`},
		{"the release", `document.getElementById("review-state").textContent.includes("Review released")`},
	} {
		if e.eval(fmt.Sprintf(`String(!!(%s))`, check.js)) != "true" {
			t.Errorf("the trainee's debrief lacks %s", check.what)
		}
	}
	if !strings.Contains(e.eval(`document.getElementById("notes").textContent`), "before asking for the address") {
		t.Error("the trainee does not see the coach's note")
	}
	e.snapshot("trainee-sees-marks")
	shot("trainee-override", "#rule-"+override)

	// The trainee disputes the override; the coach resolves the dispute.
	e.step("open the dispute form", chromedp.Click(chromedp.CSS(`#respond details summary`)))
	const disputeText = "The caller had not asked yet: I gave the advice first."
	e.step("dispute the override", chromedp.SetValue(chromedp.ID("dispute-rule"), override), chromedp.SendKeys(chromedp.ID("dispute-text"), disputeText))
	submit("send the dispute", "#dispute-text")
	e.poll("the dispute is shown, open", `document.querySelector("#thread li.dispute.open")`)
	signOut()
	signIn("coach", coachPassword)
	e.step("open the queue", chromedp.Navigate(srv.url+"/reviews"), chromedp.WaitVisible(chromedp.ID("queue-"+sessionID)))
	if why := e.eval(fmt.Sprintf(`document.getElementById("queue-%s").textContent`, sessionID)); !strings.Contains(why, "disputes the marking") {
		t.Errorf("the queue row %q does not show the dispute", why)
	}
	e.step("open the debrief to resolve", chromedp.Navigate(srv.url+debriefURL), chromedp.WaitVisible(chromedp.CSS(".resolve-form textarea")))
	e.step("answer the dispute", chromedp.SendKeys(chromedp.CSS(".resolve-form textarea"), "Agreed on re-listening; the override stands as a reminder to confirm."))
	submit("resolve the dispute", ".resolve-form textarea")
	e.poll("the dispute is closed", `!document.querySelector("#thread li.dispute.open") && document.querySelector("#thread li.resolve")`)
	e.snapshot("coach-resolved")
	shot("dispute-resolved", "#thread")
	signOut()
	signIn("trainee", srv.password)
	e.step("reopen the debrief", chromedp.Navigate(srv.url+debriefURL), chromedp.WaitVisible(chromedp.ID("thread")))
	if e.eval(`String(!!document.querySelector("#thread li.resolve") && document.getElementById("thread").textContent.includes("Agreed on re-listening"))`) != "true" {
		t.Error("the trainee does not see the coach's answer to her dispute")
	}
	if got := strings.TrimSpace(e.eval(`document.getElementById("score-total").textContent`)); got == "" {
		t.Error("no official score on the trainee's debrief")
	}

	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}
