package web

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestEndToEndAnalytics drives the real binary in Chromium as a trainer:
// a database seeded with scripted trainees' sessions (drillroom seed), the
// cohort dashboard, a heatmap cell followed to the evidence in a debrief,
// and the cohort report printed to PDF, whose pages are checked.
func TestEndToEndAnalytics(t *testing.T) {
	chrome, dir := browserTest(t)
	srv := buildServer(t, dir)
	seed := exec.Command(srv.bin, "seed", "--data", srv.data, "--sessions", "120", "--trainees", "8", "--cohort", "Demo cohort", "--days", "21")
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("drillroom seed: %v\n%s", err, out)
	}
	const leadPassword = "a long password for the lead trainer"
	srv.addUser("lead", "Lead Trainer", "trainer", leadPassword, "--cohort", "Demo cohort")

	srv.launch("127.0.0.1:0")

	e, consoleErrors := newE2E(t, srv, dir, chrome, browserConfig{height: 900, timeout: 5 * time.Minute})
	defer e.onFailure()

	e.signInTo("lead", leadPassword, `nav a[href="/analytics"]`)
	e.step("open the dashboard from the menu", chromedp.Click(chromedp.CSS(`nav a[href="/analytics"]`)), chromedp.WaitVisible(chromedp.ID("heatmap-table")))
	e.snapshot("analytics")
	if got := e.eval(`document.getElementById("scope").textContent`); !strings.Contains(got, "120 scored sessions") {
		t.Errorf("dashboard scope %q, want the 120 seeded sessions", got)
	}
	for _, id := range []string{"chart-pass", "chart-bands", "chart-rules", "chart-procedures", "procedures-table", "mistakes-table", "trend-longest_silence", "drills-table", "rules-table", "trends-table", "progress-table"} {
		if e.eval(fmt.Sprintf(`String(document.getElementById(%q) !== null)`, id)) != "true" {
			t.Errorf("the dashboard has no #%s", id)
		}
	}
	// Every chart is an image with a name and a description.
	if bad := e.eval(`Array.from(document.querySelectorAll("svg.chart")).filter(s => s.getAttribute("role") !== "img" || !s.querySelector("title") || !s.querySelector("desc")).length.toString()`); bad != "0" {
		t.Errorf("%s charts lack role=img, a title or a description", bad)
	}

	// Follow the first cell of a trainee who failed a rule.
	href := e.eval(`(document.querySelector("#heatmap-table td.heat-3 a, #heatmap-table td.heat-2 a, #heatmap-table td.heat-1 a") || {}).getAttribute?.("href") || ""`)
	if !regexp.MustCompile(`^/sessions/[^/]+/debrief#rule-[\w-]+$`).MatchString(href) {
		t.Fatalf("heatmap cell link %q, want /sessions/ID/debrief#rule-RULE", href)
	}
	e.step("follow the heatmap cell", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#heatmap-table a[href=%q]`, href))), chromedp.WaitVisible(chromedp.ID("rules-h")))
	e.poll("the debrief opens at the rule", `location.hash.startsWith("#rule-") && document.getElementById(location.hash.slice(1)) !== null`)
	e.snapshot("analytics-evidence")
	row := e.eval(`(() => { const r = document.getElementById(location.hash.slice(1)); return r.querySelector("td:nth-child(2) .badge").textContent + "|" + r.querySelectorAll('a[href^="#ev-"]').length; })()`)
	outcome, links, _ := strings.Cut(row, "|")
	if outcome != "failed" && outcome != "error" {
		t.Errorf("the rule the cell opened is %q in that session, want failed", outcome)
	}
	if links == "0" {
		t.Errorf("the rule the cell opened shows no evidence")
	} else {
		e.step("open the first evidence", chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[id=%q] a[href^="#ev-"]`, strings.TrimPrefix(href[strings.Index(href, "#"):], "#")))))
		e.poll("the timeline shows the event", `location.hash.startsWith("#ev-") && document.getElementById(location.hash.slice(1)) !== null`)
	}

	// The debrief is the printable session report.
	checkPDF(t, "the session report", printPDF(t, e.ctx), 1, 20)
	// Its sections fold; printing opens them all and puts them back after.
	e.step("close every section", chromedp.Click(chromedp.ID("collapse-all")))
	e.poll("the sections are closed", `[...document.querySelectorAll("details.fold")].length >= 4 && [...document.querySelectorAll("details.fold")].every(d => !d.open)`)
	e.eval(`(window.dispatchEvent(new Event("beforeprint")), "")`)
	if e.eval(`String([...document.querySelectorAll("details.fold")].every(d => d.open))`) != "true" {
		t.Error("printing the debrief leaves folded sections closed")
	}
	e.eval(`(window.dispatchEvent(new Event("afterprint")), "")`)
	if e.eval(`String([...document.querySelectorAll("details.fold")].every(d => !d.open))`) != "true" {
		t.Error("after printing, the debrief's folded sections are not closed again")
	}
	e.step("open every section", chromedp.Click(chromedp.ID("expand-all")))

	// The printable cohort report, printed as the browser would.
	e.step("open the cohort report", chromedp.Navigate(srv.url+"/analytics/report"), chromedp.WaitVisible(chromedp.ID("drills-table")))
	if e.eval(`String(getComputedStyle(document.querySelector(".topbar")).display)`) == "none" {
		t.Error("the top bar is hidden on screen; only print should hide it")
	}
	pdf := printPDF(t, e.ctx)
	if art := os.Getenv("DRILLROOM_E2E_ARTIFACTS"); art != "" {
		os.MkdirAll(art, 0o755)
		os.WriteFile(filepath.Join(art, "cohort-report.pdf"), pdf, 0o644)
	}
	// Several A4 pages: the heatmap starts a page of its own.
	checkPDF(t, "the cohort report", pdf, 2, 40)

	for _, m := range consoleErrors() {
		t.Errorf("browser console: %s", m)
	}
}

var (
	pdfPageRE  = regexp.MustCompile(`/Type\s*/Page[^s]`)
	pdfMediaRE = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`)
)

// printPDF prints the page as the browser would, with the page size the
// print stylesheet asks for.
func printPDF(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	yes := true
	res, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (page.PrintToPDFResult, error) {
		return cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	return res.Data
}

// checkPDF checks a printed report: a PDF of minPages to maxPages A4
// pages (the print stylesheet asks for A4).
func checkPDF(t *testing.T, what string, pdf []byte, minPages, maxPages int) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF: %.20q", what, pdf)
	}
	pages := len(pdfPageRE.FindAll(pdf, -1))
	if pages < minPages || pages > maxPages {
		t.Errorf("%s has %d pages, want %d to %d", what, pages, minPages, maxPages)
	}
	boxes := pdfMediaRE.FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatalf("%s: the pages have no MediaBox", what)
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if math.Abs(w-595.3) > 1 || math.Abs(h-841.9) > 1 {
			t.Errorf("%s: a page is %g x %g points, want A4 (595.3 x 841.9)", what, w, h)
			break
		}
	}
}
