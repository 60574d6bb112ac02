package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestKeyboardDesk plays a library drill with the keyboard alone, as a
// trainee who never touches the mouse: from the sign-in and the drill list
// through the console (a practice hint, a consultation of the gas desk
// while the caller holds, and the wrap-up after the call) to the debrief
// (the hint's cost, the consultation, the wrap-up and its KPI), at
// 1280x720 and again at 800 pixels wide. After every action it checks where the focus is, and axe-core
// checks every page on the way (login, drill list, the console at the
// start, in the middle and at the end of the call, the debrief).
func TestKeyboardDesk(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := startDemoServer(t, dir)
	e, consoleErrors := newE2E(t, srv, dir, chrome, browserConfig{timeout: 12 * time.Minute})
	defer e.onFailure()

	// Every page counts the pointer events it gets; a keyboard play has
	// none.
	e.step("count pointer events", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `for (const type of ["pointerdown", "mousedown", "mouseup", "touchstart"])
				addEventListener(type, () => { sessionStorage.setItem("pointer", String(Number(sessionStorage.getItem("pointer") || 0) + 1)); }, true);`})
		return err
	}))

	e.step("open the login page", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.ID("username")))
	e.axe("the login page")
	e.wantFocus("opening the login page", "#username")
	e.press("trainee")
	e.press(kb.Tab)
	e.wantFocus("Tab from the username", "#password")
	e.press(srv.password)
	e.press(kb.Enter)
	e.poll("the drill list", `!!document.getElementById("assigned-h")`)
	// How long the sign-in took, from the form's submission to the drill
	// list's load (the page's navigation timing); logged, not asserted.
	e.poll("the drill list loaded", `document.readyState === "complete" && performance.getEntriesByType("navigation")[0].loadEventEnd > 0`)
	t.Logf("sign-in to the drill list: %s ms to its content, %s ms to its load event",
		e.eval(`performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd.toFixed(0)`),
		e.eval(`performance.getEntriesByType("navigation")[0].loadEventEnd.toFixed(0)`))
	e.axe("the drill list")

	for _, size := range []struct{ w, h int64 }{{1280, 720}, {800, 720}} {
		e.step(fmt.Sprintf("resize to %dx%d", size.w, size.h), chromedp.EmulateViewport(size.w, size.h))
		e.playByKeyboard(size.w, size.h)
		// Back to the drill list, by the keyboard, for the next play.
		e.tabTo("the link to my drills", `a.getAttribute("href") === "/" && a.textContent.trim() === "My drills"`, 40)
		e.press(kb.Enter)
		e.poll("the drill list", `!!document.getElementById("assigned-h")`)
	}
	if n := e.eval(`sessionStorage.getItem("pointer") || "0"`); n != "0" {
		t.Errorf("the keyboard play got %s pointer events", n)
	}
	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

// playByKeyboard plays gas-smell-flats from the drill list to its debrief
// with key presses only, at a window w by h.
func (e *e2e) playByKeyboard(w, h int64) {
	t := e.t
	at := fmt.Sprintf(" at %dx%d", w, h)
	e.tabTo("the Practise button of "+e2eDrill, fmt.Sprintf(`a.closest('form[action="/drills/%s/start"]') && a.form.elements.mode.value === "practice"`, e2eDrill), 60)
	e.press(kb.Enter)
	e.poll("the console", `!!document.getElementById("call-log") && document.getElementById("conn").textContent === "Connected"`)
	e.wantFocus("opening the console"+at, "#say-text")
	e.poll("the customer speaks", `document.querySelectorAll("#call-log li.customer").length >= 1`)
	e.axe("the console at the start of the call" + at)

	// Action to screen: from the keydown that sends a line to the frame
	// after the server's event put it on the screen; logged, not asserted.
	e.step("time action to screen", chromedp.Evaluate[chromedp.Void](`window.__lat = []; window.__t0 = 0;
		document.addEventListener("keydown", e => { if (e.key === "Enter" && e.ctrlKey) window.__t0 = performance.now(); }, true);
		const obs = new MutationObserver(muts => { for (const m of muts) for (const n of m.addedNodes)
			if (n.classList && n.classList.contains("trainee") && window.__t0) { const t0 = window.__t0; window.__t0 = 0;
				requestAnimationFrame(() => window.__lat.push(performance.now() - t0)); } });
		obs.observe(document.getElementById("call-log"), {childList: true});
		obs.observe(document.getElementById("radio-log"), {childList: true});`))

	// The layout: the main actions are on the first screen.
	visible := func(id string) string {
		return fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect();
			return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()`, id)
	}
	if e.eval(`String(`+visible("close-btn")+`)`) != "true" {
		t.Errorf("Close call is not on the first screen%s", at)
	}
	if w >= 1280 {
		for _, id := range []string{"decision", "approver", "category", "classify-btn", "say-text", "engage-target"} {
			if e.eval(`String(`+visible(id)+`)`) != "true" {
				t.Errorf("%s is not on the first screen%s without scrolling", id, at)
			}
		}
		if e.eval(`String(document.documentElement.scrollHeight <= innerHeight + 1)`) != "true" {
			t.Errorf("the console page scrolls%s", at)
		}
		// The narrowest windows of the three panes: Close call stays on
		// the screen, and nothing is wider than the window, with the bar
		// as long as it is before the first update ("never (0:01)").
		e.poll("the time since the last update", `document.getElementById("since-update").textContent.startsWith("never (")`)
		for _, size := range []struct{ w, h int64 }{{1001, 700}, {1024, 768}, {1199, 700}, {1366, 768}} {
			e.step(fmt.Sprintf("resize to %dx%d", size.w, size.h), chromedp.EmulateViewport(size.w, size.h))
			if e.eval(`String(`+visible("close-btn")+` && document.documentElement.scrollWidth <= innerWidth + 1)`) != "true" {
				t.Errorf("at %dx%d Close call is off the screen or the console is wider than the window (%s px)", size.w, size.h, e.eval(`String(document.documentElement.scrollWidth)`))
			}
		}
		e.step(fmt.Sprintf("resize back to %dx%d", w, h), chromedp.EmulateViewport(w, h))
	} else {
		// One column: the call first, the responders and the record under it.
		if e.eval(`String((() => { const c = document.querySelectorAll(".console > .pane");
			return c.length === 3 && c[0].getBoundingClientRect().left === c[1].getBoundingClientRect().left &&
				c[1].getBoundingClientRect().top > c[0].getBoundingClientRect().top &&
				document.documentElement.scrollWidth <= innerWidth + 1; })())`) != "true" {
			t.Errorf("the panes do not reflow into one column%s", at)
		}
	}

	// "/" in the empty customer box types nothing.
	e.press("/")
	e.wantFocus("/ in the customer box", "#say-text")
	if v := e.eval(`document.getElementById("say-text").value`); v != "" {
		t.Fatalf("/ typed %q into the empty customer box", v)
	}
	// Typing and Ctrl+Enter send the line; a slash inside text is text.
	e.sendLine("Hello, you're through to the emergency line 24/7, my name is Sam.")

	// Alt+6: safety advice, without moving the focus.
	e.press("6", chromedp.ModifierAlt)
	e.poll("the safety advice", `[...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes("For your safety"))`)
	e.wantFocus("Alt+6", "#say-text")

	// Alt+T: the responders. Dispatch the gas service with a handover.
	e.press("t", chromedp.ModifierAlt)
	e.wantFocus("Alt+T", "#engage-target")
	e.choose("gas")
	// The handover boxes in the order Tab meets them.
	infos := strings.Fields(e.eval(`[...document.querySelectorAll("#engage-form input[name=info]")].map(c => c.value).filter(v => v === "location" || v === "hazards").join(" ")`))
	if len(infos) != 2 {
		t.Fatalf("the handover offers %v, want location and hazards", infos)
	}
	for _, info := range infos {
		e.tabTo("the "+info+" handover box", fmt.Sprintf(`a.name === "info" && a.value === %q`, info), 20)
		e.press(" ")
	}
	e.sendToService("Strong gas smell on the stairwell, family evacuating.")
	if n := e.eval(`String(document.querySelectorAll("#engage-form input[name=info]:checked").length + document.getElementById("engage-text").value.length)`); n != "0" {
		t.Errorf("the responders' form keeps its handover after the dispatch")
	}
	// Ctrl+Enter in the empty customer box sends nothing: no second dispatch.
	dispatches := e.eval(`String([...document.querySelectorAll("#radio-log li.trainee")].length)`)
	e.press(kb.Enter, chromedp.ModifierCtrl)
	e.press("/")
	if v := e.eval(`document.getElementById("say-text").value`); v != "" {
		t.Fatalf("/ after a dispatch typed %q", v)
	}
	e.sendLine("Is anyone else still inside the building?")
	if got := e.eval(`String([...document.querySelectorAll("#radio-log li.trainee")].length)`); got != dispatches {
		t.Errorf("Ctrl+Enter in the customer box sent something to the responders (%s lines, want %s)", got, dispatches)
	}

	// Alt+C: classify with the arrow keys.
	e.press("c", chromedp.ModifierAlt)
	e.wantFocus("Alt+C", "#category")
	e.choose("gas-emergency")
	e.press(kb.Tab)
	e.wantFocus("Tab from the category", "#priority")
	e.choose("P1")
	e.press(kb.Tab)
	e.wantFocus("Tab from the priority", "#classify-btn")
	e.press(kb.Enter)
	e.poll("the classification", `document.getElementById("classified-as").textContent.startsWith("Classified as Gas")`)
	e.wantFocus("classifying", "#say-text")

	// Alt+N: the details, one after the other.
	fields := strings.Fields(e.eval(`[...document.querySelectorAll(".record-field[data-field]")].map(f => f.dataset.field).join(" ")`))
	values := map[string]string{"location": "Telford Court, Elm Grove, flat 31", "hazards": "gas smell on the stairwell",
		"callback": "07700 900123", "people_at_risk": "caller, two children, elderly neighbour"}
	e.press("n", chromedp.ModifierAlt)
	for i, f := range fields {
		e.wantFocus("reaching the detail "+f, "#field-"+f)
		v := values[f]
		if v == "" {
			v = "noted"
		}
		e.press(v)
		if i == len(fields)-1 {
			// Down at the record, Close is still on the screen (at 800
			// wide the page has scrolled there; the bar stays on top).
			if e.eval(`String((scrollY > 0 || innerWidth >= 1280) && `+visible("close-btn")+`)`) != "true" {
				t.Errorf("Close call is off the screen at the incident record%s (scrolled to %s)", at, e.eval(`String(scrollY)`))
			}
		}
		e.press(kb.Enter)
		e.poll("the detail "+f+" saved", fmt.Sprintf(`document.querySelector('.record-field[data-field=%q] .saved').textContent.startsWith("Saved at")`, f))
		if i == len(fields)-1 {
			e.wantFocus("saving the last detail", "#say-text")
		}
	}
	// The caller panel shows what was recorded.
	if got := e.eval(`document.getElementById("caller-number").textContent`); got != values["callback"] {
		t.Errorf("the caller panel's number is %q, want %q", got, values["callback"])
	}
	if got := e.eval(`document.getElementById("caller-address").textContent`); got != values["location"] {
		t.Errorf("the caller panel's address is %q, want %q", got, values["location"])
	}

	// Promise an update: a task with a countdown appears in the strip.
	e.tabTo("Promise update", `a.id === "promise-btn"`, 6)
	e.press(kb.Enter)
	e.poll("the promise on the task strip", `[...document.querySelectorAll("#tasks li.task-promise")].some(li => /Update the caller by \d+:\d\d: due in 1:[0-5]\d/.test(li.textContent))`)
	e.wantFocus("promising an update", "#say-text")

	// The shortcut sheet, and back.
	e.press("?")
	e.poll("the shortcut sheet", `document.getElementById("help-dialog").open`)
	e.wantFocus("?", "#help-close")
	e.axe("the console's shortcut sheet" + at)
	e.press(kb.Escape)
	e.poll("the shortcut sheet closes", `!document.getElementById("help-dialog").open`)
	e.wantFocus("closing the shortcut sheet", "#say-text")

	if w >= 1280 {
		// Practice help: a hint, taken by the keyboard, shown on the desk.
		consoleTop := e.eval(`String(document.getElementById("console").getBoundingClientRect().top)`)
		e.backTabTo("the practice help", `a.tagName === "SUMMARY" && a.parentElement.id === "practice-help"`, 40)
		e.press(kb.Enter)
		e.poll("the practice help open", `document.getElementById("practice-help").open`)
		// Open, the help lies over the console: the panes stay where they
		// were, and what they hold stays inside them.
		if got := e.eval(`String(document.getElementById("console").getBoundingClientRect().top)`); got != consoleTop {
			t.Errorf("opening the practice help moved the console from %s to %s px%s", consoleTop, got, at)
		}
		for _, id := range []string{"say-text", "promise-btn", "engage-target"} {
			inside := fmt.Sprintf(`String((() => { const el = document.getElementById(%q), r = el.getBoundingClientRect(),
				p = el.closest(".pane").getBoundingClientRect(); return r.top >= p.top && r.bottom <= p.bottom + 1; })())`, id)
			if e.eval(inside) != "true" {
				t.Errorf("with the practice help open, %s spills out of its pane%s", id, at)
			}
		}
		e.tabTo("Show a hint", `a.id === "hint-btn"`, 10)
		e.press(kb.Enter)
		e.poll("the hint on the console", `document.querySelectorAll("#hints li").length === 1 && document.querySelector("#hints li").textContent.length > 10 && [...document.querySelectorAll("#radio-log li.trainee")].some(li => li.textContent.includes("Took a hint: " + document.querySelector("#hints li").textContent))`)
		e.wantFocus("taking a hint", "#hint-btn")
		// Esc closes the help; in the record, which it lies over, it
		// closes by itself, so the focus is never hidden under it.
		e.press(kb.Escape)
		e.poll("Esc closes the practice help", `!document.getElementById("practice-help").open`)
		e.wantFocus("Esc in the practice help", "summary")
		e.press(kb.Enter)
		e.poll("the practice help open again", `document.getElementById("practice-help").open`)
		e.press("c", chromedp.ModifierAlt)
		e.wantFocus("Alt+C with the practice help open", "#category")
		e.poll("the practice help closes when the record has the focus", `!document.getElementById("practice-help").open`)
		e.press("/")
		e.wantFocus("/ from the record", "#say-text")
	}

	e.axe("the console in the middle of the call" + at)
	e.snapshot(fmt.Sprintf("keyboard-console-%d", w))

	// Alt+7: the update keeps the promise and clears its task.
	e.press("7", chromedp.ModifierAlt)
	e.poll("the promise kept", `!document.querySelector("#tasks li.task-promise")`)

	if w >= 1280 {
		// A few more lines, for the timing of action to screen.
		for i := 1; i <= 6; i++ {
			e.sendLine(fmt.Sprintf("Stay with me, %d.", i))
		}
		// The gas service's ETA counts down on the drill clock.
		e.pollFor(90*time.Second, "the gas service's ETA", `[...document.querySelectorAll("#engaged li")].some(li => /Gas Emergency Service: .*arriving in \d+:\d\d \(at \d+:\d\d\)/.test(li.textContent)) && !!document.querySelector("#radio-log .countdown[data-due]")`)
		first := e.eval(`document.querySelector("#engaged li").textContent`)
		e.pollFor(10*time.Second, "the ETA counting down", fmt.Sprintf(`document.querySelector("#engaged li").textContent !== %q`, first))
		// The gas service asks for access: an open task until answered.
		e.pollFor(90*time.Second, "the question about access on the task strip", `[...document.querySelectorAll("#tasks li.task-ask")].some(li => /Gas Emergency Service asks for access to the property: open for \d+:\d\d/.test(li.textContent))`)
		e.press("t", chromedp.ModifierAlt)
		e.wantFocus("Alt+T", "#engage-target")
		if v := e.eval(`document.getElementById("engage-target").value`); v != "gas" {
			e.choose("gas")
		}
		e.tabTo("the access handover box", `a.name === "info" && a.value === "access"`, 20)
		e.press(" ")
		e.sendToService("The caretaker has the keys; the main door opens on the trade button.")
		e.poll("the question closed on the task strip", `!document.querySelector("#tasks li.task-ask")`)
		if n := e.eval(`String([...document.querySelectorAll("#radio-log li.trainee")].filter(li => /^\S+ · You/.test(li.textContent) && li.textContent.includes("Dispatched")).length)`); n != "1" {
			t.Errorf("Ctrl+Enter after the dispatch dispatched again (%s dispatches), want a message", n)
		}
	}

	if w >= 1280 {
		// Consult the gas service's desk, keeping the caller: Alt+K puts
		// the caller on hold (told first) and asks; the answer comes on
		// the radio; Alt+B goes back to the caller.
		e.press("t", chromedp.ModifierAlt)
		e.wantFocus("Alt+T", "#engage-target")
		if v := e.eval(`document.getElementById("engage-target").value`); v != "gas" {
			e.choose("gas")
		}
		e.tabTo("the message to the service", `a.id === "engage-text"`, 20)
		e.press("Can the caller use their mobile phone outside?")
		e.press("k", chromedp.ModifierAlt)
		e.poll("the consult", `[...document.querySelectorAll("#radio-log li.trainee")].some(li => li.textContent.includes("Consulted Gas Emergency Service, keeping the caller: Can the caller use their mobile phone outside?"))`)
		e.wantFocus("Alt+K", "#consult-end-btn")
		e.poll("the caller on hold while consulting", `!document.getElementById("hold-state").hidden && !document.getElementById("consult-state").hidden && [...document.querySelectorAll("#tasks li.task-consult")].some(li => li.textContent.startsWith("Consulting Gas Emergency Service"))`)
		e.axe("the console while consulting" + at)
		e.pollFor(60*time.Second, "the gas desk's answer", `[...document.querySelectorAll("#radio-log li.radio")].some(li => li.textContent.includes("Gas Emergency Service: nothing to add")) && [...document.querySelectorAll("#tasks li.task-consult")].some(li => li.textContent.includes("they have answered"))`)
		e.wantFocus("the answer", "#consult-end-btn")
		e.press("b", chromedp.ModifierAlt)
		e.poll("back to the caller", `document.getElementById("hold-state").hidden && document.getElementById("consult-end-btn").hidden && !document.querySelector("#tasks li.task-consult") && [...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes("Back to the caller"))`)
		e.wantFocus("Alt+B", "#say-text")
	}

	// Hold and resume, with the hold timer.
	e.press("h", chromedp.ModifierAlt)
	e.poll("the customer on hold", `!document.getElementById("hold-state").hidden && /^\d+:\d\d$/.test(document.getElementById("hold-timer").textContent)`)
	e.wantFocus("Alt+H", "#say-text")
	e.press("r", chromedp.ModifierAlt)
	e.poll("the customer back", `document.getElementById("hold-state").hidden`)

	// Alt+X: Close asks first; Esc keeps the call.
	e.press("x", chromedp.ModifierAlt)
	e.poll("the close dialog", `document.getElementById("close-dialog").open`)
	e.wantFocus("Alt+X", "#resolution")
	e.press(kb.Escape)
	e.poll("the close dialog shut", `!document.getElementById("close-dialog").open`)
	e.wantFocus("Esc in the close dialog", "#say-text")
	if e.eval(`String(document.getElementById("ended-banner").hidden)`) != "true" {
		t.Fatal("Esc in the close dialog ended the call")
	}
	if w >= 1280 {
		// Close, confirmed with a resolution.
		e.press("x", chromedp.ModifierAlt)
		e.poll("the close dialog", `document.getElementById("close-dialog").open`)
		e.choose("handed_over")
		e.press(kb.Tab)
		e.wantFocus("Tab from the resolution", "#close-confirm")
		e.press(kb.Enter)
	} else {
		// Transfer the call to the gas service: it asks first too.
		e.press("t", chromedp.ModifierAlt)
		e.wantFocus("Alt+T", "#engage-target")
		e.choose("gas")
		e.tabTo("Transfer call", `a.id === "transfer-btn"`, 30)
		e.press(kb.Enter)
		e.poll("the transfer dialog", `document.getElementById("transfer-dialog").open && document.getElementById("transfer-what").textContent.includes("Gas Emergency Service")`)
		e.wantFocus("Transfer call", "#transfer-cancel")
		e.press(kb.Escape)
		e.poll("the transfer dialog shut", `!document.getElementById("transfer-dialog").open`)
		e.wantFocus("Esc in the transfer dialog", "#transfer-btn")
		e.press(kb.Enter)
		e.poll("the transfer dialog", `document.getElementById("transfer-dialog").open`)
		e.press(kb.Tab, chromedp.ModifierShift)
		e.wantFocus("Shift+Tab in the transfer dialog", "#transfer-confirm")
		e.press(kb.Enter)
		e.poll("the transfer on the log", `[...document.querySelectorAll("#call-log li")].some(li => li.textContent.includes("Gas Emergency Service") && /ransfer/.test(li.textContent))`)
	}
	e.poll("the call ends", `!document.getElementById("ended-banner").hidden`)
	// Wrap-up: its timer runs beside the call's; the focus is on its code.
	e.poll("wrap-up starts", `!document.getElementById("wrap-up").hidden && !document.getElementById("wrap-state").hidden && /^\d+:\d\d$/.test(document.getElementById("wrap-timer").textContent)`)
	e.wantFocus("the end of the call", "#wrap-code")
	e.axe("the console in wrap-up" + at)
	e.press("w", chromedp.ModifierAlt)
	e.wantFocus("Alt+W", "#wrap-code")
	// Notes are required: Ctrl+Enter without them says so and goes there.
	e.choose("emergency_referred")
	e.press(kb.Tab)
	e.wantFocus("Tab from the wrap-up code", "#wrap-notes")
	e.press(kb.Enter, chromedp.ModifierCtrl)
	e.poll("the notes asked for", `document.getElementById("console-alert").textContent.includes("Write your wrap-up notes")`)
	e.wantFocus("finishing wrap-up without notes", "#wrap-notes")
	e.press("Gas engineer on the way; family outside; caretaker has the keys.")
	// The KPI counts whole seconds: let the wrap-up last two on its timer,
	// which runs on the drill clock, before finishing it.
	e.poll("two seconds of wrap-up", `(t => +t[0] * 60 + +t[1] >= 2)(document.getElementById("wrap-timer").textContent.split(":"))`)
	e.press(kb.Enter, chromedp.ModifierCtrl)
	e.poll("wrap-up finished", `document.getElementById("wrap-up").hidden && document.getElementById("wrap-state").hidden && /wrap-up finished in \d+:\d\d/.test(document.getElementById("ended-banner").textContent)`)
	e.poll("the focus on the debrief link", `document.activeElement && document.activeElement.id === "debrief-link"`)
	if !strings.Contains(e.eval(`document.getElementById("call-log").textContent`), "Finished wrap-up: Emergency referred to a service (notes: Gas engineer on the way") {
		t.Errorf("the conversation lacks the wrap-up%s", at)
	}
	e.axe("the console at the end of the call" + at)
	t.Logf("action to screen%s, ms: %s", at, e.eval(`window.__lat.map(x => x.toFixed(1)).join(" ")`))

	e.press(kb.Enter)
	e.poll("the debrief", `!!document.getElementById("score-total")`)
	e.axe("the debrief" + at)
	// The debrief: the wrap-up on the timeline and as the KPI, and at 1280
	// the hint's cost and the consultation.
	debrief := e.eval(`document.body.textContent`)
	wants := []string{"Finished wrap-up: Emergency referred to a service"}
	if w >= 1280 {
		wants = append(wants, "Hints taken: 1, −1 point", "Consulted Gas Emergency Service, keeping the caller", "Back to the caller")
	}
	for _, want := range wants {
		if !strings.Contains(debrief, want) {
			t.Errorf("the debrief lacks %q%s", want, at)
		}
	}
	if e.eval(`String([...document.querySelectorAll(".kpis div")].some(d => d.querySelector("dt").textContent === "Wrap-up" && /^\d+:\d\d$/.test(d.querySelector("dd").textContent) && d.querySelector("dd").textContent !== "0:00" && d.querySelector("dd").textContent !== "0:01"))`) != "true" {
		t.Errorf("the debrief's wrap-up KPI is missing or under the two seconds the wrap-up lasted%s: %s", at, e.eval(`[...document.querySelectorAll(".kpis div")].map(d => d.textContent.trim().replace(/\s+/g, " ")).join(" | ")`))
	}
	e.snapshot(fmt.Sprintf("keyboard-debrief-%d", w))
}

// backTabTo presses Shift+Tab until js is true of document.activeElement
// (as a); it fails after limit presses.
func (e *e2e) backTabTo(what, js string, limit int) {
	e.t.Helper()
	e.focusWith("Shift+Tab", what, js, limit, chromedp.ModifierShift)
}

// sendLine types line into the customer box, which has the focus, and
// sends it with Ctrl+Enter; the line must reach the conversation and the
// focus stay in the box.
func (e *e2e) sendLine(line string) {
	e.t.Helper()
	e.press(line)
	e.press(kb.Enter, chromedp.ModifierCtrl)
	e.poll("the line "+line, fmt.Sprintf(`[...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes(%q))`, line))
	e.wantFocus("sending "+line, "#say-text")
}

// sendToService tabs to the message box of the responders' form, types
// text and sends it to the chosen service with Ctrl+Enter; the message
// must reach the radio log and the focus go back to the customer box.
func (e *e2e) sendToService(text string) {
	e.t.Helper()
	e.tabTo("the message to the service", `a.id === "engage-text"`, 20)
	e.press(text)
	e.press(kb.Enter, chromedp.ModifierCtrl)
	e.poll("the message "+text, fmt.Sprintf(`[...document.querySelectorAll("#radio-log li.trainee")].some(li => li.textContent.includes(%q))`, text))
	e.wantFocus("sending "+text+" with Ctrl+Enter", "#say-text")
}
