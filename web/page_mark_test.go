package web

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

// outsider creates a user of role in a cohort of their own, who shares no
// cohort with the test app's trainees.
func (a *testApp) outsider(name string, role drillroom.Role) *browser {
	a.t.Helper()
	ctx := context.Background()
	u := createUser(a.t, a.store, name, role)
	c, err := a.store.CreateCohort(ctx, "Cohort of "+name, "")
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.store.AddToCohort(ctx, c.ID, u.ID); err != nil {
		a.t.Fatal(err)
	}
	a.users[name] = u
	return a.signedIn(name)
}

// TestMarkingOnTheDebrief: a coach of the cohort scores the manual rule
// and overrides an automatic one with reasons; the trainee sees both on
// her debrief with the coach's name, and the history; the trainee, a coach
// of another cohort and a mark without a reason are refused.
func TestMarkingOnTheDebrief(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModeAssessment)
	debrief := "/sessions/" + id + "/debrief"

	carol := app.signedIn("carol")
	res := carol.get(debrief)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Awaiting a coach: Quality of the post-incident review") ||
		!strings.Contains(res.body, `id="mark-form-review-quality"`) || !strings.Contains(res.body, `id="mark-form-longest-silence"`) {
		t.Fatalf("the coach's debrief: status %d; want the pending manual rule and a form per rule", res.status)
	}
	if res := alice.get(debrief); strings.Contains(res.body, "mark-form") {
		t.Error("the trainee's debrief offers the marking forms")
	}

	csrf := carol.csrf()
	post := func(b *browser, token string, form url.Values) response {
		form.Set("csrf", token)
		return b.post("/sessions/"+id+"/marks", form)
	}
	res = post(carol, csrf, url.Values{"rule": {"review-quality"}, "outcome": {"partial"}, "points": {"6"}, "reason": {"Good lessons; nothing on the late update."}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != debrief+"?marked=1#rule-review-quality" {
		t.Fatalf("score the manual rule: status %d to %q, want 303 to the rule on the debrief; %s", res.status, res.header.Get("Location"), res.body)
	}
	res = post(carol, csrf, url.Values{"rule": {"longest-silence"}, "outcome": {"fail"}, "reason": {"The caller waited 70 s while you typed."}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("override: status %d, want 303; %s", res.status, res.body)
	}

	olga := app.outsider("olga", drillroom.RoleCoach)
	refusals := []struct {
		name   string
		b      *browser
		form   url.Values
		status int
	}{
		{"the trainee marks her own session", alice, url.Values{"rule": {"review-quality"}, "outcome": {"pass"}, "reason": {"I did well"}}, http.StatusForbidden},
		{"a coach of another cohort", olga, url.Values{"rule": {"review-quality"}, "outcome": {"pass"}, "reason": {"fine"}}, http.StatusNotFound},
		{"an override without a reason", carol, url.Values{"rule": {"handover"}, "outcome": {"fail"}, "reason": {" "}}, http.StatusBadRequest},
		{"points that are not a number", carol, url.Values{"rule": {"handover"}, "outcome": {"partial"}, "points": {"lots"}, "reason": {"x"}}, http.StatusBadRequest},
		{"an unknown rule", carol, url.Values{"rule": {"nope"}, "outcome": {"pass"}, "reason": {"x"}}, http.StatusBadRequest},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if res := post(tc.b, tc.b.csrf(), tc.form); res.status != tc.status {
				t.Errorf("status %d, want %d", res.status, tc.status)
			}
		})
	}
	if res := olga.get(debrief); res.status != http.StatusNotFound {
		t.Errorf("a coach of another cohort opens the debrief: status %d, want 404", res.status)
	}
	if marks, _ := app.store.Marks(context.Background(), id); len(marks) != 2 {
		t.Fatalf("%d marks stored, want the coach's 2", len(marks))
	}

	// The official score by hand from the automatic card (points scoring):
	// the overridden rule's 5 points lost, 6 of the review's 10 gained.
	auto, err := app.server.svc.StoredScorecard(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if auto.Scoring != "points" || len(auto.CriticalFailed) != 0 {
		t.Fatalf("the good call scores by %s with critical failures %v; this test works the total by points", auto.Scoring, auto.CriticalFailed)
	}
	official := formatPercent(math.Round((auto.Points-5+6)/(auto.Possible+10)*10000) / 100)

	// Until carol releases the review, alice sees the automatic card.
	res = alice.get(debrief)
	if strings.Contains(res.body, "Good lessons; nothing on the late update.") || !strings.Contains(res.body, `id="score-total">`+formatPercent(auto.Total)) ||
		!strings.Contains(res.body, `id="review-state"`) {
		t.Errorf("before the release the trainee sees the marks, or not the automatic total %s: %q", formatPercent(auto.Total), scoreTotal(res.body))
	}
	if home := alice.get("/"); strings.Contains(home.body, official) {
		t.Error("the home page shows the unreleased official score")
	}
	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("release: status %d; %s", res.status, res.body)
	}
	res = alice.get(debrief)
	for _, want := range []string{
		"Good lessons; nothing on the late update.", "The caller waited 70 s while you typed.",
		"Scored by <strong>Carol</strong> (coach)", "Overridden by <strong>Carol</strong> (coach)",
		`id="mark-history"`, "awaiting coach (0) → partly met (6)", "passed (5) → failed (0)",
		"Automatic: passed, 5 / 5", "the automatic score was " + formatPercent(auto.Total),
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the trainee's debrief lacks %q", want)
		}
	}
	if n := strings.Count(res.body, `class="mark-note"`); n != 2 {
		t.Errorf("%d rules say who marked them, want the 2 marked", n)
	}
	if strings.Contains(res.body, "Awaiting a coach:") {
		t.Error("the debrief still says the manual rule awaits a coach")
	}
	if !strings.Contains(res.body, `id="score-total">`+official) {
		t.Errorf("official total: want %s; page has %q", official, scoreTotal(res.body))
	}
	if home := alice.get("/"); !strings.Contains(home.body, official) {
		t.Error("the home page does not show the official score")
	}
}

func scoreTotal(body string) string {
	i := strings.Index(body, `id="score-total">`)
	if i < 0 {
		return ""
	}
	return body[i : i+30]
}

// TestScorecardJSONIsOfficial: the scorecard API serves the official card,
// with the coach's override and the rule's automatic result beside it.
func TestScorecardJSONIsOfficial(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModePractice)
	carol := app.signedIn("carol")
	if res := carol.post("/sessions/"+id+"/marks", url.Values{"csrf": {carol.csrf()}, "rule": {"longest-silence"}, "outcome": {"fail"}, "reason": {"A 70 s silence on hold."}}); res.status != http.StatusSeeOther {
		t.Fatalf("override: status %d", res.status)
	}
	// The trainee's API, like her debrief, shows the override once released.
	if res := alice.get("/api/sessions/" + id + "/scorecard"); strings.Contains(res.body, "A 70 s silence on hold.") {
		t.Error("the trainee's scorecard API shows an unreleased override")
	}
	if res := carol.get("/api/sessions/" + id + "/scorecard"); !strings.Contains(res.body, "A 70 s silence on hold.") {
		t.Error("the coach's scorecard API lacks her override")
	}
	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {carol.csrf()}}); res.status != http.StatusSeeOther {
		t.Fatalf("release: status %d", res.status)
	}
	res := alice.get("/api/sessions/" + id + "/scorecard")
	var doc struct {
		Scorecard struct {
			Sections []struct {
				Rules []struct {
					ID       string `json:"id"`
					Outcome  string `json:"outcome"`
					Feedback string `json:"feedback"`
					Auto     *struct {
						Outcome string `json:"outcome"`
					} `json:"auto"`
				} `json:"rules"`
			} `json:"sections"`
		} `json:"scorecard"`
	}
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil || res.status != http.StatusOK {
		t.Fatalf("scorecard JSON: status %d, %v", res.status, err)
	}
	found := false
	for _, s := range doc.Scorecard.Sections {
		for _, r := range s.Rules {
			if r.ID == "longest-silence" {
				found = true
				if r.Outcome != "fail" || r.Feedback != "A 70 s silence on hold." || r.Auto == nil || r.Auto.Outcome != "pass" {
					t.Errorf("longest-silence in the API: %+v; want the coach's fail with her reason over the automatic pass", r)
				}
			}
		}
	}
	if !found {
		t.Error("the API's scorecard has no longest-silence rule")
	}
}
