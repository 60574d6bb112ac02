package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The end-to-end test drives the real binary in a real headless Chromium,
// as a trainee would: sign in, start a library drill, play it through the
// console with the mouse and the keyboard, close it, read the debrief and
// submit the review.
//
// It needs Debian's chromium package (apt-get install -y chromium). Without
// a Chromium binary it is skipped, unless DRILLROOM_E2E=require, which CI
// sets so that a missing browser fails the build instead of hiding it.

// e2eDrill is the library drill the test plays; if the library does not
// have it, the first assigned drill is played.
const e2eDrill = "gas-smell-flats"

// browserTest returns the Chromium binary a browser test drives and a
// directory for the test's files. It skips the test in -short mode or when
// there is no Chromium, unless DRILLROOM_E2E=require, which makes a missing
// browser a failure.
func browserTest(t *testing.T) (chrome, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser test is skipped in -short mode")
	}
	chrome = findChromium()
	if chrome == "" {
		if os.Getenv("DRILLROOM_E2E") == "require" {
			t.Fatal("DRILLROOM_E2E=require but no Chromium binary was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium binary installed (apt-get install -y chromium); set DRILLROOM_E2E=require to fail instead")
	}
	return chrome, t.TempDir()
}

func findChromium() string {
	if p := os.Getenv("DRILLROOM_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// demoServer is `drillroom serve --demo` running on a free port. It can be
// killed (SIGKILL, as a crash) and started again on the same port and data.
type demoServer struct {
	t        *testing.T
	bin      string
	data     string
	logPath  string
	logFile  *os.File
	url      string
	password string // the demo trainee's, printed by the first start only
	// passwords are every demo account's (trainee, trainer, coach), by
	// username, from the first start.
	passwords map[string]string
	cmd       *exec.Cmd
}

// buildServer builds drillroom into dir and prepares a server of it on a
// fresh data directory there, logging to dir/server.log; it is stopped when
// the test ends.
func buildServer(t *testing.T, dir string) *demoServer {
	t.Helper()
	bin := filepath.Join(dir, "drillroom")
	build := exec.Command("go", "build", "-o", bin, "../cmd/drillroom")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build drillroom: %v\n%s", err, out)
	}
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &demoServer{t: t, bin: bin, data: filepath.Join(dir, "data"), logPath: logPath, logFile: logFile}
	t.Cleanup(s.stop)
	return s
}

// addUser adds an account to the server's data with the CLI (user add,
// the password on stdin, and flags), as an administrator would while it
// runs, and returns what the command printed.
func (s *demoServer) addUser(name, display, role, password string, flags ...string) string {
	s.t.Helper()
	args := append([]string{"user", "add", name, "--data", s.data, "--role", role, "--name", display, "--password-stdin"}, flags...)
	add := exec.Command(s.bin, args...)
	add.Stdin = strings.NewReader(password + "\n")
	out, err := add.CombinedOutput()
	if err != nil {
		s.t.Fatalf("drillroom user add %s: %v\n%s", name, err, out)
	}
	return string(out)
}

func startDemoServer(t *testing.T, dir string) *demoServer {
	t.Helper()
	s := buildServer(t, dir)
	s.launch("127.0.0.1:0")
	if s.password == "" {
		t.Fatal("drillroom serve --demo did not print the demo trainee's password")
	}
	return s
}

var (
	listenRE = regexp.MustCompile(`listening on (http://\S+)`)
	passRE   = regexp.MustCompile(`demo account:\s+trainee\s+username=trainee\s+password=(\S+)`)
	anyPass  = regexp.MustCompile(`demo account:\s+\S+\s+username=(\S+)\s+password=(\S+)`)
)

// launch starts the server on addr and waits until it listens.
func (s *demoServer) launch(addr string) {
	s.t.Helper()
	cmd := exec.Command(s.bin, "serve", "--demo", "--data", s.data, "--addr", addr)
	cmd.Stderr = s.logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.cmd = cmd
	type ready struct {
		url, password string
		passwords     map[string]string
	}
	readyc := make(chan ready, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		r := ready{passwords: map[string]string{}}
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if m := passRE.FindStringSubmatch(line); m != nil {
				r.password = m[1]
			}
			if m := anyPass.FindStringSubmatch(line); m != nil {
				r.passwords[m[1]] = m[2]
			}
			// The accounts are printed before the server listens.
			if m := listenRE.FindStringSubmatch(line); m != nil && !sent {
				r.url = m[1]
				readyc <- r
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case r := <-readyc:
		s.url = r.url
		if r.password != "" {
			s.password, s.passwords = r.password, r.passwords
		}
	case <-time.After(90 * time.Second):
		log, _ := os.ReadFile(s.logPath)
		s.t.Fatalf("drillroom serve --demo did not print its address\nserver log:\n%s", log)
	}
}

// crash kills the server with SIGKILL.
func (s *demoServer) crash() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// restart starts the server again on the same address and data.
func (s *demoServer) restart() {
	s.t.Helper()
	s.launch(strings.TrimPrefix(s.url, "http://"))
}

func (s *demoServer) stop() {
	if s.cmd != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
	s.logFile.Close()
}

func TestEndToEndBrowser(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := startDemoServer(t, dir)
	// The reconnection attempts while the server is down are expected to
	// fail; the browser logs each one.
	e, consoleErrors := newE2E(t, srv, dir, chrome, browserConfig{ignore: []string{"ERR_CONNECTION_REFUSED"}})
	defer e.onFailure()

	// Sign in.
	e.step("open the login page", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.ID("username")))
	e.snapshot("login")
	e.submitSignIn("sign in as the demo trainee", "trainee", srv.password, "#assigned-h")

	e.snapshot("drills")

	// Start the drill in practice mode.
	drill := e.eval(fmt.Sprintf(`(document.querySelector('form[action="/drills/%s/start"]') ? %q :
		(document.querySelector('form[action^="/drills/"]') || {action: ""}).action.replace(/^.*\/drills\//, "").replace(/\/start$/, ""))`, e2eDrill, e2eDrill))
	if drill == "" {
		t.Fatal("the demo trainee has no assigned drill")
	}
	t.Logf("playing %s", drill)
	e.step("start the drill", chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action="/drills/%s/start"] input[value="practice"] ~ button`, drill))),
		chromedp.WaitVisible(chromedp.ID("call-log")))
	e.poll("the console connects", `document.getElementById("conn").textContent === "Connected"`)
	e.checkPresenterAgrees()
	e.poll("the customer speaks", `document.querySelectorAll("#call-log li.customer").length >= 1`)
	e.poll("the drill clock runs", `document.getElementById("clock").textContent !== "0:00"`)
	if shown := e.eval(`String(document.getElementById("clock-state").offsetParent !== null)`); shown != "false" {
		t.Error("the clock runs but the console shows it as paused")
	}

	// The console fits 1280x720 without scrolling the page.
	if fits := e.eval(`String(document.documentElement.scrollHeight <= window.innerHeight + 1 && document.documentElement.scrollWidth <= window.innerWidth + 1)`); fits != "true" {
		t.Errorf("the console page scrolls at 1280x720 (scroll %s x %s)", e.eval(`String(document.documentElement.scrollWidth)`), e.eval(`String(document.documentElement.scrollHeight)`))
	}

	// Keyboard: "/" focuses the message box; Ctrl+Enter sends.
	e.step("focus the message box with /", chromedp.Click(chromedp.ID("call-h")), chromedp.KeyEvent("/"))
	if got := e.eval(`document.activeElement.id`); got != "say-text" {
		t.Fatalf("after /: focus on %q, want say-text", got)
	}
	// A browser suppresses the character of a key whose keydown was
	// cancelled; the DevTools protocol sends it anyway, so clear it.
	e.step("clear the message box", chromedp.Evaluate[chromedp.Void](`document.getElementById("say-text").value = ""`))
	e.step("type a greeting and send it with Ctrl+Enter",
		chromedp.SendKeys(chromedp.ID("say-text"), "Hello, you're through to the emergency line, my name is Sam."),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	e.poll("the greeting appears", `[...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes("my name is Sam"))`)

	// Practice: a line shows how it was understood, and the trainee
	// corrects it. This one means "get out" and is read as nothing; the
	// trainee adds evacuate (Alt+U reaches the list from the keyboard) and
	// the customer reacts to the corrected intent.
	const meant = "Off you go, all of you, quick as you can."
	e.step("say a line the recogniser misses",
		chromedp.SendKeys(chromedp.ID("say-text"), meant),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	lineJS := fmt.Sprintf(`[...document.querySelectorAll("#call-log li.trainee")].find(li => li.textContent.includes(%q))`, meant)
	e.poll("the line shows it was understood as nothing", lineJS+`?.querySelector(".understood")?.textContent.includes("nothing") === true`)
	e.step("reach the correction with Alt+U", chromedp.Click(chromedp.ID("call-h")), chromedp.KeyEvent("u", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	if got := e.eval(`document.activeElement.className`); got != "add-intent" {
		t.Errorf("after Alt+U: focus on %q, want the add-intent list", got)
	}
	e.step("correct the line to evacuate", chromedp.Evaluate[chromedp.Void](`(() => {
		const sel = `+lineJS+`.querySelector("select.add-intent");
		sel.value = "evacuate";
		sel.dispatchEvent(new Event("change"));
	})()`))
	e.poll("the customer reacts to the corrected intent", `[...document.querySelectorAll("#call-log li.customer")].some(li => li.textContent.includes("we're going, now"))`)
	e.poll("the line shows its correction", lineJS+`?.classList.contains("corrected") && !!`+lineJS+`.querySelector('.chip[data-intent="evacuate"]')`)
	e.poll("the correction is on the log", `[...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes("Corrected a line's intents to Evacuation"))`)

	// Quick intents: safety advice with the mouse, ask location with Alt+2.
	e.step("give safety advice", chromedp.Click(chromedp.CSS(`button[data-intent="safety_advice"]`)))
	e.poll("the safety advice is acknowledged", `[...document.querySelectorAll("#call-log li.trainee")].some(li => !!li.querySelector('.chip[data-intent="safety_advice"]'))`)
	e.step("ask the location with Alt+2", chromedp.Click(chromedp.ID("call-h")), chromedp.KeyEvent("2", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	e.poll("the location question is sent", `[...document.querySelectorAll("#call-log li.trainee")].some(li => !!li.querySelector('.chip[data-intent="ask_location"]'))`)

	// Hold and resume, with the keyboard.
	e.step("put the customer on hold with Alt+H", chromedp.Click(chromedp.ID("call-h")), chromedp.KeyEvent("h", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	e.poll("the customer is on hold", `!document.getElementById("hold-state").hidden`)
	e.step("resume with Alt+R", chromedp.KeyEvent("r", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	e.poll("the customer is back", `document.getElementById("hold-state").hidden && document.body.textContent.includes("Thank you for holding")`)

	// Classify.
	category, priority := "gas-emergency", "P1"
	if e.eval(fmt.Sprintf(`String(!!document.querySelector('#category option[value=%q]'))`, category)) != "true" {
		category = e.eval(`document.querySelector("#category option:nth-child(2)").value`)
	}
	e.step("classify", chromedp.SetValue(chromedp.ID("category"), category), chromedp.SetValue(chromedp.ID("priority"), priority),
		chromedp.Click(chromedp.ID("classify-btn")))
	e.poll("the classification is recorded", `document.getElementById("classified-as").textContent.includes(document.getElementById("category").selectedOptions[0].textContent)`)

	// Dispatch with a handover.
	target := e.eval(`(document.querySelector('#engage-target option[value="gas"]') || document.querySelector('#engage-target option[data-kind="service"]') || document.querySelector('#engage-target option')).value`)
	kind := e.eval(fmt.Sprintf(`document.querySelector('#engage-target option[value=%q]').dataset.kind`, target))
	button := "dispatch-btn"
	if kind == "team" {
		button = "escalate-btn"
	}
	e.step("dispatch with location and hazards",
		chromedp.SetValue(chromedp.ID("engage-target"), target),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("engage-target").dispatchEvent(new Event("change"))`),
		chromedp.Click(chromedp.CSS(`#engage-form input[value="location"]`)),
		chromedp.Click(chromedp.CSS(`#engage-form input[value="hazards"]`)),
		chromedp.SendKeys(chromedp.ID("engage-text"), "Strong gas smell reported, caller evacuating."),
		chromedp.Click(chromedp.ID(button)))
	e.poll("the dispatch is recorded", `[...document.querySelectorAll("#radio-log li.trainee")].some(li => /Dispatched|Escalated/.test(li.textContent))`)

	// A refused action is shown, not swallowed: dispatching the same
	// service twice is refused by the simulation.
	if button == "dispatch-btn" {
		e.step("dispatch the same service again", chromedp.Click(chromedp.ID(button)))
		e.poll("the refusal is shown", `!document.getElementById("console-alert").hidden && document.getElementById("console-alert").textContent.includes("not done")`)
	}

	// Record every field the console asks for.
	fields := strings.Fields(e.eval(`[...document.querySelectorAll(".record-field[data-field]")].map(f => f.dataset.field).join(" ")`))
	values := map[string]string{
		"location": "Telford Court, Elm Grove, communal stairwell", "hazard": "strong gas smell on the stairwell",
		"callback": "07700 900123", "people_at_risk": "caller and two children, elderly neighbour",
	}
	for _, f := range fields {
		v := values[f]
		if v == "" {
			v = "noted by the trainee"
		}
		sel := fmt.Sprintf(`.record-field[data-field=%q]`, f)
		e.step("record "+f, chromedp.SendKeys(chromedp.CSS(sel+" input"), v), chromedp.Click(chromedp.CSS(sel+" button")))
		e.poll("the record of "+f+" is saved", fmt.Sprintf(`document.querySelector('%s .saved').textContent.startsWith("Saved at")`, sel))
	}

	e.snapshot("console")

	// The server crashes in the middle of the call. The trainee goes on
	// typing; the console keeps the command, reconnects when the server is
	// back, resumes from the last event it had and sends the command again
	// with the same id. It must land exactly once.
	srv.crash()
	e.poll("the console notices the lost connection", `document.getElementById("conn").textContent !== "Connected"`)
	const duringCrash = "Are you all still outside? Stay away from the building."
	e.step("type while the server is down",
		chromedp.SendKeys(chromedp.ID("say-text"), duringCrash),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	srv.restart()
	e.pollFor(40*time.Second, "the console reconnects after the restart", `document.getElementById("conn").textContent === "Connected"`)
	e.poll("the command typed during the outage lands", fmt.Sprintf(`[...document.querySelectorAll("#call-log li.trainee")].some(li => li.textContent.includes(%q))`, duringCrash))
	e.poll("no command is left unanswered", `sessionStorage.getItem("drillroom:pending:" + JSON.parse(document.getElementById("console-data").textContent).session) === "{}"`)
	if n := e.eval(fmt.Sprintf(`String([...document.querySelectorAll("#call-log li.trainee")].filter(li => li.textContent.includes(%q)).length)`, duringCrash)); n != "1" {
		t.Fatalf("the line typed during the outage appears %s times, want once", n)
	}

	// Reload the page mid-call: the console rebuilds the call from the log.
	before := e.eval(`String(document.querySelectorAll("#call-log li.trainee").length)`)
	e.step("reload the console", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("call-log")))
	e.poll("the console reconnects", `document.getElementById("conn").textContent === "Connected"`)
	e.poll("the conversation is restored", fmt.Sprintf(`String(document.querySelectorAll("#call-log li.trainee").length) === %q`, before))

	// Ask the server for a snapshot: the panes are rebuilt from it.
	lines := e.eval(`String(document.querySelectorAll("#call-log li.trainee").length)`)
	e.step("refresh the call", chromedp.Click(chromedp.ID("resync-btn")))
	e.poll("the call is rebuilt from the server's snapshot", fmt.Sprintf(`document.body.textContent.includes("Reloaded the call from the server.") && document.getElementById("conn").textContent === "Connected" && String(document.querySelectorAll("#call-log li.trainee").length) === %q`, lines))

	// Update the caller, then close the call.
	e.step("update the caller", chromedp.Click(chromedp.CSS(`button[data-intent="update"]`)))
	e.closeCall("handed_over")
	e.poll("the call ends", `!document.getElementById("ended-banner").hidden`)

	// The debrief.
	consoleURL := e.eval(`location.href`)
	e.step("open the debrief", chromedp.Click(chromedp.ID("debrief-link")), chromedp.WaitVisible(chromedp.ID("score-h")))
	e.poll("the score is shown", `!!document.getElementById("score-total")`)
	score := e.eval(`document.getElementById("score-total").textContent`)
	if !regexp.MustCompile(`^\d+(\.\d)?%$`).MatchString(score) {
		t.Fatalf("debrief score %q, want a percentage", score)
	}
	result := e.eval(`document.getElementById("score-result").textContent`)
	t.Logf("debrief: score %s, %s", score, result)
	// The summary comes first: the result, what mattered most and the ways
	// on, before the scorecard's detail.
	if e.eval(`String(document.getElementById("score").getBoundingClientRect().top < document.getElementById("scorecard").getBoundingClientRect().top && !!document.getElementById("focus"))`) != "true" {
		t.Error("the debrief does not open with its summary")
	}
	t.Logf("debrief at %s px wide: %s px tall, the summary (with the section bar above it) ends at %s px",
		e.eval(`String(window.innerWidth)`), e.eval(`String(document.documentElement.scrollHeight)`),
		e.eval(`String(Math.round(document.getElementById("score").getBoundingClientRect().bottom + window.scrollY))`))
	for _, check := range []struct{ what, js string }{
		{"the mood chart", `!!document.querySelector("#mood-chart polyline.mood")`},
		{"rules with outcomes", `document.querySelectorAll("table.rules tbody tr").length > 3`},
		{"the timeline with the trainee's actions", `document.querySelectorAll("#timeline li.trainee").length >= 4`},
		{"evidence links into the timeline", `[...document.querySelectorAll('a[href^="#ev-"]')].some(a => document.getElementById(a.getAttribute("href").slice(1)))`},
		{"the intents each line was understood as", `document.getElementById("timeline").textContent.includes("[Greeting")`},
		{"the corrected line", `document.getElementById("timeline").textContent.includes("Corrected a line's intents to Evacuation")`},
	} {
		if e.eval(fmt.Sprintf(`String(%s)`, check.js)) != "true" {
			t.Errorf("the debrief lacks %s", check.what)
		}
	}

	// The post-incident review.
	e.snapshot("debrief")
	e.step("type the review", chromedp.SendKeys(chromedp.ID("review-text"), "Safety advice and dispatch were quick; I should have updated the caller more often."))
	e.submit("submit the review", "#review-text")
	e.poll("the review is saved", `document.body.textContent.includes("your review is saved") && document.body.textContent.includes("updated the caller more often")`)

	// The console of an ended call replays it read-only.
	e.step("reopen the console of the ended call", chromedp.Navigate(consoleURL), chromedp.WaitVisible(chromedp.ID("ended-banner")))
	e.poll("the ended call is replayed with its controls off", `document.querySelectorAll("#call-log li.trainee").length >= 4 && document.getElementById("say-send").disabled`)

	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

// closeCall closes the call on the console with the mouse: Close call…,
// then the resolution and the confirmation in the dialog it opens.
func (e *e2e) closeCall(resolution string) {
	e.t.Helper()
	e.step("ask to close the call", chromedp.Click(chromedp.ID("close-btn")))
	e.poll("the close dialog asks for a confirmation", `document.getElementById("close-dialog").open`)
	e.step("confirm the close", chromedp.SetValue(chromedp.ID("resolution"), resolution), chromedp.Click(chromedp.ID("close-confirm")))
}

// e2e runs browser steps and, when the test fails, saves a screenshot.
type e2e struct {
	t   *testing.T
	ctx context.Context
	dir string
	srv *demoServer
}

// stepLimit bounds one step, so that a hung step names itself instead of
// running into the test's overall limit. It measures nothing.
const stepLimit = 90 * time.Second

func (e *e2e) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
}

func (e *e2e) poll(name, js string) {
	e.t.Helper()
	e.pollFor(30*time.Second, name, js)
}

// pollFor waits until js is truthy. The limit only bounds a hung test; it
// asserts nothing about speed.
func (e *e2e) pollFor(limit time.Duration, name, js string) {
	e.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		_, err := chromedp.Run(e.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		// A navigation (a form post and its redirect) replaces the page's
		// JavaScript context under a running poll; poll the new page.
		if navigated(err) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		e.t.Fatalf("waiting until %s: %v", name, err)
	}
}

// navigated reports whether err is a navigation under a running poll:
// its page's context found gone, destroyed, or its target navigated.
func navigated(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "navigated or closed")
}

// confirmedStep is step with the page's confirmation questions
// (window.confirm) answered yes, as a user who clicks OK.
func (e *e2e) confirmedStep(name string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	e.eval(`window.confirm = () => true; "ok"`)
	e.step(name, actions...)
}

func (e *e2e) eval(js string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// snapshot saves a screenshot of the page into DRILLROOM_E2E_ARTIFACTS, if
// set, for people to look at; it checks nothing.
func (e *e2e) snapshot(name string) {
	e.artifact(name, "e2e-"+name+".png", chromedp.FullScreenshot(100))
}

// artifact saves the screenshot capture takes as file in
// DRILLROOM_E2E_ARTIFACTS, when that names a directory; a screenshot that
// fails is logged under name, and checks nothing.
func (e *e2e) artifact(name, file string, capture chromedp.Action[[]byte]) {
	e.t.Helper()
	art := os.Getenv("DRILLROOM_E2E_ARTIFACTS")
	if art == "" {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(art, 0o755)
	os.WriteFile(filepath.Join(art, file), png, 0o644)
}

// onFailure saves a 1280x720 screenshot and the server log's tail into the
// test's temp dir, and into DRILLROOM_E2E_ARTIFACTS if set (the temp dir is
// removed when the test ends; CI can keep the artifacts directory).
func (e *e2e) onFailure() {
	if !e.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(e.ctx), 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		path := filepath.Join(e.dir, "failure.png")
		os.WriteFile(path, png, 0o644)
		e.t.Logf("screenshot at failure: %s", path)
		if art := os.Getenv("DRILLROOM_E2E_ARTIFACTS"); art != "" {
			os.MkdirAll(art, 0o755)
			os.WriteFile(filepath.Join(art, "e2e-failure.png"), png, 0o644)
			e.t.Logf("screenshot copied to %s", filepath.Join(art, "e2e-failure.png"))
		}
	} else {
		e.t.Logf("no screenshot: %v", err)
	}
	if log, err := os.ReadFile(e.srv.logPath); err == nil {
		lines := strings.Split(strings.TrimSpace(string(log)), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		e.t.Logf("server log (last lines):\n%s", strings.Join(lines, "\n"))
	}
}
