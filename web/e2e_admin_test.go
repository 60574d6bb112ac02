package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store"
)

// TestEndToEndAdministration is issue 13's "done when", in a real headless
// Chromium against the real binary: a new administrator, starting from
// `serve` without --demo, creates the first administrator with the command
// line, signs in, imports 50 users from a CSV file into two cohorts (check
// first, then import), and a trainee from the import signs in with the
// one-time password shown after the import, is made to change it, and sees
// only their own work.
//
// Like TestEndToEndBrowser it needs Chromium, and is skipped without one
// unless DRILLROOM_E2E=require.
func TestEndToEndAdministration(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := startPlainServer(t, dir)

	// The first administrator, with the command line, beside the running
	// server; the password comes on stdin and is theirs (no change forced).
	const adminPassword = "first admin passphrase 7"
	if out := srv.addUser("sam", "Sam Lead", "trainer", adminPassword, "--admin"); !strings.Contains(out, "created sam (trainer, administrator)") {
		t.Fatalf("drillroom user add:\n%s", out)
	}

	// The file: 50 people in two cohorts, each with 23 trainees, a trainer
	// and a coach.
	var csvText strings.Builder
	csvText.WriteString("username,display name,role,cohort\n")
	for i := 1; i <= 50; i++ {
		cohort, n := "Spring A", i
		if i > 25 {
			cohort, n = "Spring B", i-25
		}
		role := drillroom.RoleTrainee
		switch n {
		case 24:
			role = drillroom.RoleTrainer
		case 25:
			role = drillroom.RoleCoach
		}
		fmt.Fprintf(&csvText, "p%02d,Person %02d,%s,%s\n", i, i, role, cohort)
	}
	csvPath := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(csvPath, []byte(csvText.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	e, consoleErrors := newE2E(t, srv, dir, chrome)
	defer e.onFailure()

	// The administrator signs in and imports the file: check first.
	e.step("open the login page", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.ID("username")))
	e.submitSignIn("sign in as the administrator", "sam", adminPassword, "#nav-admin")
	e.step("open the import page", chromedp.Click(chromedp.ID("nav-admin")), chromedp.WaitVisible(chromedp.ID("users-h")),
		chromedp.Click(chromedp.CSS(`nav.subnav a[href="/admin/import"]`)), chromedp.WaitVisible(chromedp.ID("i-file")))
	e.step("choose the file and check it", chromedp.SetUploadFiles(chromedp.ID("i-file"), []string{csvPath}),
		chromedp.Click(chromedp.ID("import-check")), chromedp.WaitVisible(chromedp.ID("report-h")))
	e.poll("the check passes", `!!document.getElementById("check-ok") && document.getElementById("report-h").textContent.includes("All 50 rows are good")`)
	if got := e.eval(`document.getElementById("check-ok").textContent`); !strings.Contains(got, "Spring A, Spring B") {
		t.Errorf("the check does not name the cohorts it creates: %q", got)
	}
	if e.eval(`String(document.querySelectorAll("code.secret").length)`) != "0" {
		t.Error("the check shows passwords")
	}
	e.snapshot("admin-import-checked")
	e.step("import", chromedp.Click(chromedp.ID("import-run")), chromedp.WaitVisible(chromedp.ID("imported-table")))
	if got := e.eval(`document.getElementById("imported-h").textContent`); got != "50 accounts imported" {
		t.Fatalf("after the import: %q", got)
	}
	e.snapshot("admin-imported")
	// p01 is the trainee who signs in; p02 plays a drill of their own.
	pw := func(user string) string {
		return e.eval(fmt.Sprintf(`document.querySelector('#imported-table tr[data-username=%q] code.secret').textContent`, user))
	}
	p01, p02 := pw("p01"), pw("p02")
	if !regexp.MustCompile(`^[a-z2-9]{4}(-[a-z2-9]{4}){3}$`).MatchString(p01) {
		t.Fatalf("p01's one-time password on the page: %q", p01)
	}
	// The download (built into the page) holds the same passwords.
	recs := downloadPasswords(e, filepath.Join(dir, "downloads"))
	if len(recs) != 51 || recs[1][0] != "p01" || recs[1][4] != p01 {
		t.Fatalf("the download: %d records, want 50 accounts with the page's passwords", len(recs))
	}
	e.step("open the cohorts", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/admin/cohorts"]`)), chromedp.WaitVisible(chromedp.ID("cohorts-table")))
	e.snapshot("admin-cohorts")
	if got := e.eval(`[...document.querySelectorAll("#cohorts-table tbody tr")].map(tr => [...tr.cells].map(c => c.textContent.trim()).join("/")).join(" | ")`); got != "Spring A//23/2 | Spring B//23/2" {
		t.Errorf("cohorts after the import: %q", got)
	}

	e.step("list the trainers", chromedp.Navigate(srv.url+"/admin/users?role=trainer"), chromedp.WaitVisible(chromedp.ID("users-table")))
	if got := e.eval(`[...document.querySelectorAll("#users-table tbody tr td:first-child")].map(td => td.textContent).join(" ")`); got != "p24 p49 sam" {
		t.Errorf("the trainers: %q, want p24 p49 sam", got)
	}
	e.snapshot("admin-users")
	e.step("open a trainer's account", chromedp.Click(chromedp.CSS(`#users-table a[href^="/admin/users/"]`)), chromedp.WaitVisible(chromedp.ID("details-h")))
	e.snapshot("admin-user")

	// Two of the imported trainees have a drill assigned (there is no page
	// for assignments yet), and p02 plays one, outside the browser.
	drill := assignFirstDrill(t, srv.data, "p01", "p02")
	otherSession := playAs(t, srv.url, "p02", p02, drill)

	// The trainee signs in with the one-time password and must change it
	// before anything else.
	e.step("sign out", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.ID("username")))
	e.submitSignIn("sign in as the imported trainee", "p01", p01, "#must-change")
	if got := e.eval(`location.pathname`); got != "/account/password" {
		t.Fatalf("after the first sign-in: at %s, want /account/password", got)
	}
	e.step("try to go home first", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.ID("must-change")))
	e.snapshot("trainee-must-change")
	const traineePassword = "my own passphrase 2026"
	e.step("change the password",
		chromedp.SendKeys(chromedp.ID("current"), p01),
		chromedp.SendKeys(chromedp.ID("new"), traineePassword),
		chromedp.SendKeys(chromedp.ID("confirm"), traineePassword),
		chromedp.Click(chromedp.ID("change-password")),
		chromedp.WaitVisible(chromedp.ID("assigned-h")))
	if got := e.eval(`document.querySelector(".flash.info").textContent`); !strings.Contains(got, "Your password is changed.") {
		t.Errorf("after the change: notice %q", got)
	}

	// Their own work only: they start a drill, and the home page lists that
	// session and no one else's; p02's session is not found.
	e.step("start the assigned drill", chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action="/drills/%s/start"] input[value="practice"] ~ button`, drill))),
		chromedp.WaitVisible(chromedp.ID("call-log")))
	e.poll("the console connects", `document.getElementById("conn").textContent === "Connected"`)
	own := strings.TrimPrefix(e.eval(`location.pathname`), "/sessions/")
	e.step("go home", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.ID("past-h")))
	e.snapshot("trainee-home")
	links := e.eval(`[...document.querySelectorAll('a[href^="/sessions/"]')].map(a => a.getAttribute("href")).join(" ")`)
	if links != "/sessions/"+own {
		t.Errorf("the trainee's home links to sessions %q, want only their own /sessions/%s", links, own)
	}
	if e.eval(`String(!!document.getElementById("others-h") || !!document.getElementById("cohorts-h") || document.body.textContent.includes("Person 02"))`) != "false" {
		t.Error("the trainee's home shows other people's work")
	}
	for _, p := range []string{"/sessions/" + otherSession, "/sessions/" + otherSession + "/debrief"} {
		status, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => String(r.status))`, p), chromedp.EvalAwaitPromise))
		if err != nil || status != "404" {
			t.Errorf("the trainee opens %s: status %s (%v), want 404", p, status, err)
		}
	}
	e.step("open the other trainee's session", chromedp.Navigate(srv.url+"/sessions/"+otherSession), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := e.eval(`document.querySelector("main h1").textContent`); got != "Not found" {
		t.Errorf("another trainee's session shows %q, want Not found", got)
	}
	for _, p := range []string{"/admin/users", "/admin/import"} {
		status, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => String(r.status))`, p), chromedp.EvalAwaitPromise))
		if err != nil || status != "403" {
			t.Errorf("the trainee opens %s: status %s (%v), want 403", p, status, err)
		}
	}

	// The administrator's audit log has the story.
	checkAudit(t, srv.data)

	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

// downloadPasswords clicks the download link of the import's result page
// and reads the CSV file the browser saves.
func downloadPasswords(e *e2e, into string) [][]string {
	e.t.Helper()
	if _, err := chromedp.CallBrowser(e.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: into}); err != nil {
		e.t.Fatalf("allow downloads: %v", err)
	}
	e.step("download the passwords", chromedp.Click(chromedp.ID("download-passwords")))
	path := filepath.Join(into, "drillroom-passwords.csv")
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > 0 {
			recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
			if err != nil {
				e.t.Fatalf("the downloaded file: %v", err)
			}
			return recs
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(into)
			e.t.Fatalf("no downloaded %s after 30s (the directory has %v)", path, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startPlainServer builds drillroom and runs `serve` without --demo on a
// fresh data directory, with any extra flags.
func startPlainServer(t *testing.T, dir string, flags ...string) *demoServer {
	t.Helper()
	s := buildServer(t, dir)
	cmd := exec.Command(s.bin, append([]string{"serve", "--data", s.data, "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Stderr = s.logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "demo account") {
				t.Errorf("serve without --demo printed %q", sc.Text())
			}
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case s.url = <-urlc:
	case <-time.After(90 * time.Second):
		log, _ := os.ReadFile(s.logPath)
		t.Fatalf("drillroom serve did not print its address\nserver log:\n%s", log)
	}
	return s
}

// browserConfig is how a test's Chromium differs from the usual one.
type browserConfig struct {
	height  int           // the window's, in pixels (720 if 0)
	width   int           // the window's, in pixels (1280 if 0)
	timeout time.Duration // for the whole test (6 minutes if 0)
	ignore  []string      // console messages that contain one of these are expected
}

// newBrowser starts headless Chromium as config says and returns its
// context and the errors its pages wrote to the console. It closes when
// the test ends. Without a config it expects the failed loads of
// deliberate 403 and 404 fetches, as the administration test makes.
func newBrowser(t *testing.T, dir, chrome string, config ...browserConfig) (context.Context, func() []string) {
	t.Helper()
	cfg := browserConfig{ignore: []string{"status of 403", "status of 404"}}
	if len(config) > 0 {
		cfg = config[0]
	}
	if cfg.height == 0 {
		cfg.height = 720
	}
	if cfg.width == 0 {
		cfg.width = 1280
	}
	if cfg.timeout == 0 {
		cfg.timeout = 6 * time.Minute
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, cfg.timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// A script error or a CSP violation on any page fails the test.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height))); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	var mu sync.Mutex
	var errs []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if slices.ContainsFunc(cfg.ignore, func(s string) bool { return strings.Contains(m.Text, s) }) {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// newE2E starts Chromium as newBrowser does, with its profile in dir, and
// returns a driver of it for srv (its snapshots in dir) and the errors its
// pages wrote to the console.
func newE2E(t *testing.T, srv *demoServer, dir, chrome string, config ...browserConfig) (*e2e, func() []string) {
	t.Helper()
	ctx, consoleErrors := newBrowser(t, dir, chrome, config...)
	return &e2e{t: t, ctx: ctx, dir: dir, srv: srv}, consoleErrors
}

// openData opens the server's database beside the running server, as the
// command-line tools do.
func openData(t *testing.T, data string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, "drillroom.db"), nil, store.WithoutMigrating())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// assignFirstDrill assigns the first published drill, in practice, to the
// given users, on the server's database (as the command-line tools do,
// beside the running server), and returns its id.
func assignFirstDrill(t *testing.T, data string, usernames ...string) string {
	t.Helper()
	ctx := context.Background()
	st := openData(t, data)
	defer st.Close()
	drills, err := st.LatestScenarios(ctx)
	if err != nil || len(drills) == 0 {
		t.Fatalf("published drills: %d, %v", len(drills), err)
	}
	id := drills[0].ScenarioID
	for _, d := range drills {
		if d.ScenarioID == e2eDrill {
			id = d.ScenarioID
		}
	}
	for _, name := range usernames {
		u, err := st.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Assign(ctx, u.ID, id, drillroom.ModePractice); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// playAs signs a user in over plain HTTP, changes their one-time password
// and starts a drill; it returns the session id.
func playAs(t *testing.T, base, username, password, drill string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	token := func() string {
		t.Helper()
		res, err := c.Get(base + "/account/password")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		m := csrfRE.FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("%s: no form token on the password page (status %d)", username, res.StatusCode)
		}
		return m[1]
	}
	post("/login", url.Values{"username": {username}, "password": {password}})
	newPassword := "their own passphrase 99"
	post("/account/password", url.Values{"csrf": {token()}, "current": {password}, "new": {newPassword}, "confirm": {newPassword}})
	res := post("/drills/"+drill+"/start", url.Values{"csrf": {token()}, "mode": {"practice"}})
	if !strings.HasPrefix(res.Request.URL.Path, "/sessions/") {
		t.Fatalf("%s starts %s: ended at %s (status %d)", username, drill, res.Request.URL.Path, res.StatusCode)
	}
	return strings.TrimPrefix(res.Request.URL.Path, "/sessions/")
}

// checkAudit reads the audit log: the import, and each sign-in.
func checkAudit(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	st := openData(t, data)
	defer st.Close()
	es, err := st.Audit(ctx, drillroom.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range es {
		have[e.Actor+" "+e.Action+" "+e.Target] = true
	}
	for _, want := range []string{"cli user.create user sam", "sam login.ok user sam", "sam user.import 50 users",
		"sam logout user sam", "p01 login.ok user p01", "p01 password.change user p01"} {
		if !have[want] {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}
