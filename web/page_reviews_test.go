package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

// TestReviewQueuePage: the coach's queue lists the cohort's assessment
// with why it needs a coach, filters it, counts it on the home page, and
// claims keep a second coach from marking it; trainees and coaches of
// other cohorts are refused.
func TestReviewQueuePage(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModeAssessment)

	carol := app.signedIn("carol")
	res := carol.get("/reviews")
	if res.status != http.StatusOK {
		t.Fatalf("queue: status %d", res.status)
	}
	for _, want := range []string{`id="queue-` + id + `"`, "manual items to score; assessment to review", "1 session of your cohorts needs a coach",
		`action="/sessions/` + id + `/claim"`, `href="/reviews"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
	if home := carol.get("/"); !strings.Contains(home.body, `<strong>1</strong> session to review`) || strings.Contains(home.body, "No drills are assigned to you") {
		t.Error("the coach's home page does not count the queue, or tells her she has no drills")
	}
	for _, tc := range []struct {
		query  string
		status int
		listed bool
	}{
		{"?trainee=" + strconv.FormatInt(app.users["bob"].ID, 10), http.StatusOK, false},
		{"?trainee=" + strconv.FormatInt(app.users["alice"].ID, 10), http.StatusOK, true},
		{"?drill=" + app.drillID, http.StatusOK, true},
		{"?from=2999-01-01", http.StatusOK, false},
		{"?to=2999-01-01", http.StatusOK, true},
		{"?band=no-such-band", http.StatusOK, false},
		{"?from=yesterday", http.StatusBadRequest, false},
		{"?cohort=x", http.StatusBadRequest, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			res := carol.get("/reviews" + tc.query)
			if res.status != tc.status || strings.Contains(res.body, `id="queue-`+id+`"`) != tc.listed {
				t.Errorf("status %d, listed %v; want %d, %v", res.status, !tc.listed, tc.status, tc.listed)
			}
		})
	}

	if res := alice.get("/reviews"); res.status != http.StatusForbidden {
		t.Errorf("the trainee opens the queue: status %d, want 403", res.status)
	}
	olga := app.outsider("olga", drillroom.RoleCoach)
	if res := olga.get("/reviews"); res.status != http.StatusOK || strings.Contains(res.body, id) {
		t.Errorf("a coach of another cohort: status %d, sees the session %v; want 200 without it", res.status, strings.Contains(res.body, id))
	}
	if res := olga.post("/sessions/"+id+"/claim", url.Values{"csrf": {olga.csrf()}}); res.status != http.StatusNotFound {
		t.Errorf("a coach of another cohort claims: status %d, want 404", res.status)
	}
	if res := alice.post("/sessions/"+id+"/claim", url.Values{"csrf": {alice.csrf()}}); res.status != http.StatusForbidden {
		t.Errorf("the trainee claims: status %d, want 403", res.status)
	}

	res = carol.post("/sessions/"+id+"/claim", url.Values{"csrf": {carol.csrf()}, "back": {"/reviews"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/reviews" {
		t.Fatalf("claim: status %d to %q, want 303 back to the queue", res.status, res.header.Get("Location"))
	}
	trent := app.signedIn("trent")
	if res := trent.get("/reviews"); !strings.Contains(res.body, "Carol, until") || strings.Contains(res.body, `action="/sessions/`+id+`/claim"`) {
		t.Error("another coach's queue does not show Carol's claim, or offers to claim it")
	}
	if res := trent.get("/sessions/" + id + "/debrief"); !strings.Contains(res.body, "<strong>Carol</strong> is reviewing this session") {
		t.Error("the debrief does not show who claimed it")
	}
	tcsrf := trent.csrf()
	if res := trent.post("/sessions/"+id+"/claim", url.Values{"csrf": {tcsrf}}); res.status != http.StatusConflict || !strings.Contains(res.body, "Carol is reviewing this session") {
		t.Errorf("a second claim: status %d, want 409 naming Carol", res.status)
	}
	if res := trent.post("/sessions/"+id+"/marks", url.Values{"csrf": {tcsrf}, "rule": {"review-quality"}, "outcome": {"pass"}, "reason": {"ok"}}); res.status != http.StatusConflict {
		t.Errorf("marking a session another coach claimed: status %d, want 409", res.status)
	}
	ccsrf := carol.csrf()
	if res := carol.post("/sessions/"+id+"/marks", url.Values{"csrf": {ccsrf}, "rule": {"review-quality"}, "outcome": {"pass"}, "reason": {"Clear lessons."}}); res.status != http.StatusSeeOther {
		t.Fatalf("the claimant marks: status %d; %s", res.status, res.body)
	}
	if res := carol.post("/sessions/"+id+"/release", url.Values{"csrf": {ccsrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("release: status %d", res.status)
	}
	// Marked, the assessment waits for its release to the trainee: the
	// queue says so, the filter finds it, the home page counts it.
	res = carol.get("/reviews")
	if row := queueRow(res.body, id); !strings.Contains(row, "marked, not released to the trainee") || strings.Contains(row, "assessment to review") {
		t.Errorf("the marked assessment's row %q: want it marked, not released, and no longer an assessment to review", row)
	}
	why := url.QueryEscape("marked, not released to the trainee")
	if res := carol.get("/reviews?why=" + why); queueRow(res.body, id) == "" || !strings.Contains(res.body, `marked, not released to the trainee (1)</option>`) {
		t.Error("the queue filtered to marked but not released lacks the session or its count")
	}
	if res := carol.get("/reviews?why=" + url.QueryEscape("manual items to score")); queueRow(res.body, id) != "" {
		t.Error("the queue filtered to manual items lists the marked session")
	}
	if res := carol.get("/reviews?why=bored"); res.status != http.StatusBadRequest {
		t.Errorf("a filter by an unknown reason: status %d, want 400", res.status)
	}
	if res := carol.get("/"); !strings.Contains(res.body, `<li><a href="/reviews?why=marked%2C&#43;not&#43;released&#43;to&#43;the&#43;trainee"><strong>1</strong> marked, not released to the trainee</a></li>`) {
		t.Error("the home page does not count the session marked but not released, linking the filtered queue")
	}
	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {ccsrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("release the review: status %d", res.status)
	}
	if res := carol.get("/reviews"); queueRow(res.body, id) != "" || !strings.Contains(res.body, "Nothing to review") {
		t.Error("the marked and released assessment is still in the queue")
	}
}

// queueRow is session id's row of the review queue page body ("" when
// it is not in the queue).
func queueRow(body, id string) string {
	i := strings.Index(body, `id="queue-`+id+`"`)
	if i < 0 {
		return ""
	}
	row := body[i:]
	return row[:strings.Index(row, "</tr>")]
}
