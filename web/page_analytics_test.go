package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/xapi"
)

// playAndClose plays the example drill for the browser's user to the end:
// good handling, or, with careless, a call closed at once.
func playAndClose(t *testing.T, app *testApp, b *browser, careless bool) string {
	t.Helper()
	id := b.start(drillroom.ModePractice)
	steps := []simulator.Action{
		{Kind: simulator.ActSay, Text: "Please don't touch any switches, open the windows and leave the flat now.", Intents: []string{"safety_advice"}},
		{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"},
		{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards", "access"}, Text: "Gas smell, evacuating."},
		{Kind: simulator.ActClose, Resolution: "handed_over"},
	}
	if careless {
		steps = steps[len(steps)-1:]
	}
	for i, a := range steps {
		if res := app.act(id, fmt.Sprintf("c-%d", i), a); !res.Applied() {
			t.Fatalf("step %d (%s): %s %s", i, a.Kind, res.Code, res.Reason)
		}
	}
	app.ended(id)
	return id
}

var heatLinkRE = regexp.MustCompile(`href="/sessions/([^/"]+)/debrief#rule-([^"]+)"`)

func TestAnalyticsDashboard(t *testing.T) {
	app := newTestApp(t)
	alice := playAndClose(t, app, app.signedIn("alice"), true)
	playAndClose(t, app, app.signedIn("bob"), false)
	ctx := context.Background()

	// A trainer outside the cohort, and an administrator in no cohort.
	outsider := createUser(t, app.store, "olga", drillroom.RoleTrainer)
	other, err := app.store.CreateCohort(ctx, "Class B", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.AddToCohort(ctx, other.ID, outsider.ID); err != nil {
		t.Fatal(err)
	}
	createAdmin(t, app.store, "ada", drillroom.RoleCoach)

	t.Run("a trainer sees the cohort", func(t *testing.T) {
		res := app.signedIn("trent").get("/analytics")
		if res.status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", res.status, res.body)
		}
		for _, want := range []string{`id="chart-pass"`, `id="drills-table"`, `id="heatmap-table"`, `id="trends-table"`, `id="progress-table"`,
			"2 scored sessions", `<desc id="chart-rules-desc">`, "Alice", "Bob", "with the wrap-up target 2:00 drawn as a dashed line"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		links := heatLinkRE.FindAllStringSubmatch(res.body, -1)
		if len(links) == 0 {
			t.Fatal("the heatmap has no links to the evidence")
		}
		found := false
		for _, m := range links {
			if m[1] == alice {
				found = true
				deb := app.signedIn("trent").get("/sessions/" + m[1] + "/debrief")
				if !strings.Contains(deb.body, `id="rule-`+m[2]+`"`) {
					t.Errorf("the debrief of %s has no anchor rule-%s for the heatmap's link", m[1], m[2])
				}
			}
		}
		if !found {
			t.Errorf("no heatmap cell opens alice's careless session %s: %v", alice, links)
		}
	})
	t.Run("a trainer of another cohort sees nothing of it", func(t *testing.T) {
		res := app.signedIn("olga").get("/analytics")
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="empty"`) || strings.Contains(res.body, alice) {
			t.Errorf("status %d; want 200 with no session of the other cohort", res.status)
		}
		res = app.signedIn("olga").get("/analytics?cohort=1")
		if res.status != http.StatusNotFound {
			t.Errorf("another cohort by id: status %d, want 404", res.status)
		}
		res = app.signedIn("olga").get("/analytics/export/outcomes.csv?cohort=1")
		if res.status != http.StatusNotFound {
			t.Errorf("another cohort's export: status %d, want 404", res.status)
		}
	})
	t.Run("an administrator sees every cohort", func(t *testing.T) {
		res := app.signedIn("ada").get("/analytics")
		if res.status != http.StatusOK || !strings.Contains(res.body, "2 scored sessions") {
			t.Errorf("status %d; want 200 with both sessions", res.status)
		}
	})
	t.Run("a trainee may not", func(t *testing.T) {
		for _, path := range []string{"/analytics", "/analytics/report", "/analytics/export/sessions.csv"} {
			if res := app.signedIn("alice").get(path); res.status != http.StatusForbidden {
				t.Errorf("GET %s as a trainee: status %d, want 403", path, res.status)
			}
		}
	})
	t.Run("bad filters", func(t *testing.T) {
		for _, q := range []string{"mode=exam", "version=x", "from=yesterday", "cohort=-1", "from=2026-02-01&to=2026-01-01"} {
			if res := app.signedIn("trent").get("/analytics?" + q); res.status != http.StatusBadRequest {
				t.Errorf("?%s: status %d, want 400", q, res.status)
			}
		}
	})
	t.Run("the filter narrows", func(t *testing.T) {
		res := app.signedIn("trent").get("/analytics?mode=assessment")
		if !strings.Contains(res.body, `id="empty"`) {
			t.Errorf("no assessment was played, but the dashboard shows sessions")
		}
	})
	t.Run("the printable report", func(t *testing.T) {
		res := app.signedIn("carol").get("/analytics/report")
		if res.status != http.StatusOK || !strings.Contains(res.body, "Cohort report") || strings.Contains(res.body, `class="card filters`) {
			t.Errorf("status %d; want the report without the filter form", res.status)
		}
	})
	t.Run("CSV exports", func(t *testing.T) {
		b := app.signedIn("trent")
		for _, tc := range []struct {
			kind, header string
			rows         int
		}{
			{"sessions", "session,trainee_id,trainee,drill,version,mode,started_at,scored_at,rubric_hash,scorecard,total,band,passed,automatic_total", 2},
			{"kpis", "session,trainee_id,trainee,drill,version,mode,started_at,handling_time", 2},
			{"outcomes", "session,trainee_id,trainee,drill,version,mode,started_at,rubric_hash,rule,section,title,scorecard,outcome,points", -1},
		} {
			res := b.get("/analytics/export/" + tc.kind + ".csv")
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: status %d, type %q", tc.kind, res.status, res.header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", tc.kind, err)
			}
			if !strings.HasPrefix(strings.Join(recs[0], ","), tc.header) {
				t.Errorf("%s header: got %v, want %s...", tc.kind, recs[0], tc.header)
			}
			if tc.rows >= 0 && len(recs)-1 != tc.rows {
				t.Errorf("%s: got %d rows, want %d", tc.kind, len(recs)-1, tc.rows)
			}
			if tc.rows < 0 && len(recs) < 5 {
				t.Errorf("%s: got %d rows, want every rule of both sessions", tc.kind, len(recs)-1)
			}
		}
		if res := b.get("/analytics/export/secrets.csv"); res.status != http.StatusNotFound {
			t.Errorf("an unknown export: status %d, want 404", res.status)
		}
	})
}

func TestAnalyticsStatementsDownload(t *testing.T) {
	app := newTestApp(t)
	alice := playAndClose(t, app, app.signedIn("alice"), true)
	playAndClose(t, app, app.signedIn("bob"), false)
	res := app.signedIn("trent").get("/analytics/export/statements.json")
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d, disposition %q", res.status, res.header.Get("Content-Disposition"))
	}
	var sts []xapi.Statement
	if err := json.Unmarshal([]byte(res.body), &sts); err != nil {
		t.Fatalf("not a JSON array of statements: %v", err)
	}
	sessions := map[string]int{}
	for i, s := range sts {
		if err := xapi.Validate(s); err != nil {
			t.Errorf("statement %d: %v", i, err)
		}
		if s.Object.Definition != nil && s.Object.Definition.Type == "http://adlnet.gov/expapi/activities/simulation" {
			sessions[s.Context.Extensions[app.srv.URL+"/xapi/extensions/session"].(string)]++
		}
	}
	if len(sessions) != 2 || sessions[alice] != 1 || len(sts) < 6 {
		t.Errorf("got %d statements, session statements %v; want one per session and the rules'", len(sts), sessions)
	}
	if res := app.signedIn("alice").get("/analytics/export/statements.json"); res.status != http.StatusForbidden {
		t.Errorf("a trainee: status %d, want 403", res.status)
	}
}

func TestCSVSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+1 call", "'+1 call"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-1", "-1"},
		{"-2.5", "-2.5"},
		{"Ann", "Ann"},
		{"", ""},
	} {
		if got := csvSafe(tc.in); got != tc.want {
			t.Errorf("csvSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAnalyticsVersionsTable: with two versions of the drill in focus the
// page compares them, rule by rule.
func TestAnalyticsVersionsTable(t *testing.T) {
	d := &training.Dashboard{Sessions: 3, Drills: []training.DrillSummary{{ScenarioID: "gas", Sessions: 3}},
		Heatmap: &training.Heatmap{ScenarioID: "gas", Rules: []training.RuleRate{{ScenarioID: "gas", RuleID: "updates", Title: "Updates while waiting"}}, Cells: [][]training.Cell{{}}},
		Compare: []training.VersionSummary{
			{Version: 1, Sessions: 2, Rules: map[string]training.RuleRate{"updates": {RuleID: "updates", Scored: 2, Failed: 1}}},
			{Version: 2, Sessions: 1, Passed: 1, Rules: map[string]training.RuleRate{"updates": {RuleID: "updates", Scored: 1}}},
		}}
	p := analyticsPage{Dashboard: d, Titles: map[string]string{"gas": "Gas"}, Drill: "gas"}
	buildAnalyticsCharts(&p)
	var b strings.Builder
	if err := pages["analytics"].ExecuteTemplate(&b, "layout", view{Title: "t", User: &drillroom.User{Role: drillroom.RoleTrainer}, Data: p}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="versions-table"`, "Version 1", "Version 2", "50% of 2", "0% of 1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestAnalyticsFollowTheOfficialScorecard: a coach's override counts in
// the dashboard, the CSV exports and the xAPI statements once the review
// is released to the trainee (not before), and the exports say which
// scorecard each row reports, with the automatic result beside the
// official one.
func TestAnalyticsFollowTheOfficialScorecard(t *testing.T) {
	app := newTestApp(t)
	_, id := app.alicePlayed(drillroom.ModePractice)
	trent, carol := app.signedIn("trent"), app.signedIn("carol")
	csvRow := func(kind string, match func(map[string]string) bool) map[string]string {
		t.Helper()
		res := trent.get("/analytics/export/" + kind + ".csv")
		recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
		if err != nil || res.status != http.StatusOK {
			t.Fatalf("%s.csv: status %d, %v", kind, res.status, err)
		}
		for _, rec := range recs[1:] {
			row := map[string]string{}
			for i, h := range recs[0] {
				row[h] = rec[i]
			}
			if match(row) {
				return row
			}
		}
		t.Fatalf("%s.csv has no such row: %v", kind, recs)
		return nil
	}
	session := func(r map[string]string) bool { return r["session"] == id }
	silence := func(r map[string]string) bool { return r["session"] == id && r["rule"] == "longest-silence" }
	cellRE := regexp.MustCompile(`href="/sessions/` + id + `/debrief#rule-longest-silence" title="[^"]*">(\d+/\d+)</a>`)
	cell := func() string {
		t.Helper()
		m := cellRE.FindStringSubmatch(trent.get("/analytics").body)
		if m == nil {
			t.Fatal("the heatmap has no longest-silence cell for the session")
		}
		return m[1]
	}
	statement := func() (session, rule xapi.Statement) {
		t.Helper()
		var sts []xapi.Statement
		if err := json.Unmarshal([]byte(trent.get("/analytics/export/statements.json").body), &sts); err != nil {
			t.Fatal(err)
		}
		for _, s := range sts {
			switch s.Object.ID {
			case app.srv.URL + "/xapi/drills/" + app.drillID:
				session = s
			case app.srv.URL + "/xapi/drills/" + app.drillID + "/rules/longest-silence":
				rule = s
			}
			if s.Object.ID == session.Object.ID || s.Object.ID == rule.Object.ID {
				if err := xapi.Validate(s); err != nil {
					t.Errorf("statement %s: %v", s.ID, err)
				}
			}
		}
		if session.ID == "" || rule.ID == "" {
			t.Fatalf("statements.json lacks the session's or the rule's statement: %d statements", len(sts))
		}
		return session, rule
	}
	which := func(s xapi.Statement) any { return s.Context.Extensions[app.srv.URL+"/xapi/extensions/scorecard"] }

	before := csvRow("sessions", session)
	if before["scorecard"] != "automatic" || before["total"] != before["automatic_total"] {
		t.Fatalf("before any review: %v, want the automatic scorecard", before)
	}
	if r := csvRow("outcomes", silence); r["outcome"] != "pass" || r["scorecard"] != "automatic" {
		t.Fatalf("longest-silence before any review: %v, want an automatic pass", r)
	}
	if got := cell(); got != "0/1" {
		t.Fatalf("heatmap cell before any review: %s, want 0/1", got)
	}

	if res := carol.post("/sessions/"+id+"/marks", url.Values{"csrf": {carol.csrf()}, "rule": {"longest-silence"}, "outcome": {"fail"},
		"reason": {"A 70 s silence on hold."}}); res.status != http.StatusSeeOther {
		t.Fatalf("override: status %d", res.status)
	}
	if r := csvRow("sessions", session); r["scorecard"] != "automatic" || r["total"] != before["total"] {
		t.Errorf("an override not released yet: %v, want the automatic scorecard still", r)
	}
	if got := cell(); got != "0/1" {
		t.Errorf("heatmap cell with the override not released: %s, want 0/1", got)
	}

	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {carol.csrf()}}); res.status != http.StatusSeeOther {
		t.Fatalf("release: status %d", res.status)
	}
	after := csvRow("sessions", session)
	if after["scorecard"] != "official" || after["automatic_total"] != before["total"] || after["total"] == before["total"] {
		t.Errorf("released: %v; want the official total (lower than the automatic %s) with the automatic one beside it", after, before["total"])
	}
	if r := csvRow("outcomes", silence); r["scorecard"] != "official" || r["outcome"] != "fail" || r["points"] != "0" ||
		r["automatic_outcome"] != "pass" || r["automatic_points"] == "0" {
		t.Errorf("longest-silence released: %v; want official fail with 0 points, automatic pass", r)
	}
	if got := cell(); got != "1/1" {
		t.Errorf("heatmap cell after the release: %s, want 1/1 (the official fail)", got)
	}
	s, rule := statement()
	if which(s) != "official" || which(rule) != "official" || rule.Verb.ID != xapi.VerbFailed || *rule.Result.Success ||
		rule.Result.Response != "A 70 s silence on hold." {
		t.Errorf("statements after the release: session %v, rule %v %s %q; want official, the rule failed with the coach's reason",
			which(s), which(rule), rule.Verb.ID, rule.Result.Response)
	}
}
