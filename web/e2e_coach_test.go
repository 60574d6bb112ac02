package web

import (
	"context"
	"fmt"
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
	e, coachPassword, consoleErrors := coachBrowser(t)
	srv := e.srv
	defer e.onFailure()

	signIn, signOut := e.signIn, e.signOut
	submit, shot := e.submit, e.shot
	// A coach of another cohort, who must see none of it.
	const olgaPassword = "another cohort's coach 42"
	srv.addUser("olga", "Olga Other", "coach", olgaPassword, "--cohort", "Other cohort")

	// The trainee plays an assessment and ends the call.
	signIn("trainee", srv.password)
	e.step("start an assessment", chromedp.Click(chromedp.CSS(`form[action^="/drills/"] input[value="assessment"] ~ button`)),
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
	if why := e.eval(fmt.Sprintf(`document.getElementById("queue-%s").textContent`, sessionID)); !strings.Contains(why, "manual items to score") || !strings.Contains(why, "assessment to review") {
		t.Errorf("the queue row %q does not say the manual items and the assessment wait", why)
	}
	traineePage := e.eval(fmt.Sprintf(`document.querySelector('#queue-%s a[href^="/trainees/"]').getAttribute("href")`, sessionID))
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
	// She marks the agreed action done from her history.
	e.step("open her history", chromedp.Navigate(srv.url+"/history"), chromedp.WaitVisible(chromedp.ID("actions-h")))
	e.step("say what was done", chromedp.SendKeys(chromedp.CSS(`#actions form.action-form input[name=text]`), "Practised it in today's drill."))
	submit("mark the action done", `#actions form.action-form input[name=text]`)
	e.poll("the action is done", `document.getElementById("actions-done") && document.getElementById("actions-done").textContent.includes("before asking for the address") && document.getElementById("actions-done").textContent.includes("Practised it")`)
	signOut()

	// The coach reads the trainee's history: the notes and the action done.
	signIn("coach", coachPassword)
	e.step("open the trainee's history", chromedp.Navigate(srv.url+traineePage), chromedp.WaitVisible(chromedp.ID("coaching-notes")))
	if got := e.eval(`document.getElementById("coaching-notes").textContent + document.getElementById("actions-done").textContent`); !strings.Contains(got, annotation) || !strings.Contains(got, "Practised it") {
		t.Errorf("the coach's view of the trainee's history lacks the annotation or the action done: %q", got)
	}
	shot("trainee-history", "main")
	signOut()

	// The audit trail has every step, each with its author: the
	// administrator (the demo trainer) reads it for the session.
	signIn("trainer", srv.passwords["trainer"])
	e.step("open the audit log for the session", chromedp.Navigate(srv.url+"/admin/audit?target="+sessionID), chromedp.WaitVisible(chromedp.ID("audit-table")))
	rows := e.eval(`[...document.querySelectorAll("#audit-table tbody tr")].map(tr => [...tr.cells].slice(1, 3).map(td => td.textContent.trim()).join(" ")).join("\n")`)
	for _, want := range []struct {
		entry string
		n     int
	}{
		{"coach review.claim", 1}, {"coach review.mark", 2}, {"coach review.note", 2}, {"coach review.publish", 1},
		{"trainee review.dispute", 1}, {"coach review.resolve", 1}, {"trainee review.action", 1},
	} {
		if got := strings.Count(rows, want.entry); got != want.n {
			t.Errorf("the audit log has %d × %q, want %d:\n%s", got, want.entry, want.n, rows)
		}
	}
	shot("audit", "#audit-table")
	signOut()

	// A coach of another cohort sees none of it: not in her queue, and the
	// debrief, the replay and the trainee's history do not exist for her.
	signIn("olga", olgaPassword)
	e.step("open her queue", chromedp.Navigate(srv.url+"/reviews"), chromedp.WaitVisible(chromedp.ID("queue-count")))
	if e.eval(fmt.Sprintf(`String(!!document.getElementById("queue-%s"))`, sessionID)) != "false" {
		t.Error("the coach of another cohort has the session in her queue")
	}
	refused := []string{debriefURL, "/sessions/" + sessionID + "/replay", traineePage}
	for _, path := range refused {
		e.step("try "+path, chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if body := e.eval(`document.body.textContent`); strings.Contains(body, "Practised it") || strings.Contains(body, overrideReason) || !strings.Contains(strings.ToLower(body), "not found") {
			t.Errorf("the coach of another cohort opens %s and is not told it does not exist", path)
		}
	}

	for _, m := range consoleErrors() {
		expected := false // the 404 pages just opened on purpose
		for _, path := range refused {
			expected = expected || strings.Contains(m, "status of 404") && strings.Contains(m, srv.url+path+":")
		}
		if !expected {
			t.Errorf("browser console: %s", m)
		}
	}
}

// signIn signs user in with password on the sign-in page and waits for
// the home page.
func (e *e2e) signIn(user, password string) {
	e.t.Helper()
	e.signInTo(user, password, "#past-h")
}

// signInTo signs user in with password on the sign-in page and waits for
// the element landing (a CSS selector) on the page it leads to.
func (e *e2e) signInTo(user, password, landing string) {
	e.t.Helper()
	e.step("open the login page as "+user, chromedp.Navigate(e.srv.url+"/login"), chromedp.WaitVisible(chromedp.ID("username")))
	e.submitSignIn("sign in as "+user, user, password, landing)
}

// submitSignIn is the step what: it fills in the sign-in form on the page
// with user and password, submits it and waits for the element landing (a
// CSS selector) on the page it leads to.
func (e *e2e) submitSignIn(what, user, password, landing string) {
	e.t.Helper()
	e.step(what,
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(landing)),
	)
}

func (e *e2e) signOut() {
	e.t.Helper()
	e.step("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("username")))
}

// submit submits the form holding sel and waits for the next page.
func (e *e2e) submit(what, sel string) {
	e.t.Helper()
	sctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.CSS(sel)))); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// shot saves one element of the page as a PNG for the coach's guide
// (docs/img/coach-NAME.png comes from here), when DRILLROOM_E2E_ARTIFACTS
// names a directory: small, unlike snapshot's whole pages.
func (e *e2e) shot(name, sel string) {
	e.t.Helper()
	e.artifact(name, "coach-"+name+".png", chromedp.Screenshot(chromedp.CSS(sel)))
}

// TestCalibrationEndToEndBrowser: a calibration round in a real Chromium.
// The demo trainee plays a drill; the demo coach puts the session to
// herself and two more coaches of the cohort (Cora, Dan), blind; each
// marks three rules without seeing the others; the lead publishes; the
// report shows each rule's agreement, Cohen's kappa per pair, their mean
// and Fleiss' kappa, as worked by hand:
//
//	rule     1     2     3
//	Coach    met   met   not met
//	Cora     met   not   not met
//	Dan      not   met   not met
//
// Coach–Cora agree on 2 of 3 (66.7%); Coach gives 2 met, 1 not, Cora 1 met,
// 2 not: chance (2×1 + 1×2)/9 = 4/9, κ = (6−4)/(9−4) = 0.40. Coach–Dan the
// same, 0.40. Cora–Dan agree on 1 of 3 (33.3%), each 1 met 2 not: chance
// 5/9, κ = (3−5)/(9−5) = −0.50. Mean 0.10. Per rule: 33.3%, 33.3%, 100%.
// Fleiss: P̄ = (1/3 + 1/3 + 1)/3 = 5/9 (55.6%); 4 met, 5 not of 9: P̄e =
// 41/81 (50.6%); κ = (45−41)/(81−41) = 0.10.
func TestCalibrationEndToEndBrowser(t *testing.T) {
	e, coachPassword, consoleErrors := coachBrowser(t)
	srv := e.srv
	defer e.onFailure()
	const password = "calibrating coach 42"
	srv.addUser("cora", "Cora Coach", "coach", password, "--cohort", "Demo cohort")
	srv.addUser("dan", "Dan Coach", "coach", password, "--cohort", "Demo cohort")

	e.signIn("trainee", srv.password)
	e.step("start a drill", chromedp.Click(chromedp.CSS(`form[action^="/drills/"] input[value="practice"] ~ button`)),
		chromedp.WaitVisible(chromedp.ID("call-log")))
	e.poll("the console connects", `document.getElementById("conn").textContent === "Connected"`)
	e.closeCall("handed_over")
	e.poll("the call ends", `!document.getElementById("ended-banner").hidden`)
	e.step("open the debrief", chromedp.Click(chromedp.ID("debrief-link")), chromedp.WaitVisible(chromedp.ID("score-h")))
	debriefURL := e.eval(`location.pathname`)
	e.signOut()

	// The demo coach starts the round with herself, Cora and Dan.
	e.signIn("coach", coachPassword)
	e.step("open the debrief", chromedp.Navigate(srv.url+debriefURL), chromedp.WaitVisible(chromedp.ID("calibration-h")))
	e.step("open the round form", chromedp.Click(chromedp.CSS(`#calibration details summary`)))
	if n := e.eval(`(() => { let n = 0; for (const i of document.querySelectorAll("#round-start input[name=member]")) { if (/Demo Coach|Cora Coach|Dan Coach/.test(i.parentElement.textContent)) { i.checked = true; n++; } } return String(n); })()`); n != "3" {
		t.Fatalf("the round form offers %s of the three coaches", n)
	}
	e.submit("start the round", `#round-start button`)
	e.poll("the round opens", `document.getElementById("round-form") !== null`)
	round := e.eval(`location.pathname`)
	rules := strings.Split(e.eval(`[...document.querySelectorAll('#round-form select[name^="outcome-"]')].slice(0, 3).map(s => s.name.slice(8)).join(" ")`), " ")
	if len(rules) != 3 {
		t.Fatalf("the round's form has %d rules, want at least 3", len(rules))
	}
	mark := func(who string, outcomes ...string) {
		t.Helper()
		for i, o := range outcomes {
			e.step(fmt.Sprintf("%s marks %s %s", who, rules[i], o), chromedp.SetValue(chromedp.ID("cal-outcome-"+rules[i]), o))
		}
		e.submit(who+" saves the marks", `#round-form button[type=submit]`)
		e.poll(who+"'s marks are saved", `document.body.textContent.includes("Your marks are saved")`)
		if e.eval(`String(!!document.getElementById("report"))`) != "false" {
			t.Errorf("%s sees a report while the round is blind", who)
		}
	}
	mark("the demo coach", "pass", "pass", "fail")
	e.signOut()
	for _, m := range []struct {
		who      string
		outcomes []string
	}{{"cora", []string{"pass", "fail", "fail"}}, {"dan", []string{"fail", "pass", "fail"}}} {
		e.signIn(m.who, password)
		e.step(m.who+" opens the round", chromedp.Navigate(srv.url+round), chromedp.WaitVisible(chromedp.ID("round-form")))
		if strings.Contains(e.eval(`document.getElementById("round-form").textContent`), "keep:") {
			t.Errorf("%s's blind form shows a mark before she marked", m.who)
		}
		mark(m.who, m.outcomes...)
		e.signOut()
	}

	// The lead publishes; the report shows the figures worked by hand.
	e.signIn("coach", coachPassword)
	e.step("open the round", chromedp.Navigate(srv.url+round), chromedp.WaitVisible(chromedp.ID("publish-form")))
	e.submit("publish the round", `#publish-btn`)
	e.poll("the report is shown", `document.getElementById("report") !== null && document.getElementById("pairs") !== null`)
	for i, want := range []string{"33.3%", "33.3%", "100%"} {
		if got := e.eval(fmt.Sprintf(`document.getElementById("cal-%s").lastElementChild.textContent.trim()`, rules[i])); got != want {
			t.Errorf("rule %s's agreement: %q, want %q", rules[i], got, want)
		}
	}
	pairs := e.eval(`[...document.querySelectorAll("#pairs tr.pair")].map(tr => [...tr.cells].map(td => td.textContent.trim()).join("|")).join("\n")`)
	for _, want := range []string{"Cora Coach|Dan Coach|3|33.3%|-0.50", "Cora Coach|Demo Coach|3|66.7%|0.40", "Dan Coach|Demo Coach|3|66.7%|0.40"} {
		if !strings.Contains(pairs, want) {
			t.Errorf("the pairs table lacks %q:\n%s", want, pairs)
		}
	}
	if got := e.eval(`document.getElementById("mean-pair-kappa").textContent`); !strings.HasSuffix(strings.TrimSpace(got), "0.10") {
		t.Errorf("mean pair kappa: %q, want 0.10", got)
	}
	if got := e.eval(`document.getElementById("kappa").textContent`); !strings.Contains(got, "over 3 rules marked by all 3 markers: observed agreement 55.6%, chance 50.6%, Fleiss' kappa 0.10") {
		t.Errorf("overall figures: %q", got)
	}
	e.snapshot("calibration-report")
	e.shot("calibration-report", `section[aria-labelledby="pairs-h"]`)
	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

// coachBrowser starts `drillroom serve --demo` and a Chromium on it for
// the coach's tests, and returns them with the demo coach's password and
// the browser console's errors.
func coachBrowser(t *testing.T) (e *e2e, coachPassword string, consoleErrors func() []string) {
	t.Helper()
	chrome, dir := browserTest(t)
	srv := startDemoServer(t, dir)
	coachPassword = srv.passwords["coach"]
	if coachPassword == "" {
		t.Fatal("drillroom serve --demo did not print the demo coach's password")
	}
	e, consoleErrors = newE2E(t, srv, dir, chrome, browserConfig{height: 900, timeout: 5 * time.Minute})
	return e, coachPassword, consoleErrors
}
