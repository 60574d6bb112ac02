package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

// TestCalibrationPages: a coach puts an assessment to three markers; they
// mark it blind (none sees another's marks, nor the report); only the lead
// publishes; the report then shows every marking and the agreement. The
// trainee and a coach of another cohort cannot open the round.
func TestCalibrationPages(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	dora := createUser(t, app.store, "dora", drillroom.RoleCoach)
	app.users["dora"] = dora
	if err := app.store.AddToCohort(ctx, app.classA.ID, dora.ID); err != nil {
		t.Fatal(err)
	}
	alice, id := app.alicePlayed(drillroom.ModeAssessment)
	carol, trent, doraB := app.signedIn("carol"), app.signedIn("trent"), app.signedIn("dora")
	olga := app.outsider("olga", drillroom.RoleCoach)

	res := carol.get("/sessions/" + id + "/debrief")
	for _, name := range []string{"Carol", "Trent", "Dora"} {
		if !strings.Contains(res.body, `name="member" value="`+strconv.FormatInt(app.users[strings.ToLower(name)].ID, 10)+`"> `+name) {
			t.Errorf("the calibration form does not offer %s", name)
		}
	}
	if strings.Contains(alice.get("/sessions/"+id+"/debrief").body, `id="round-start"`) {
		t.Error("the trainee is offered to start a calibration round")
	}
	members := url.Values{"member": {strconv.FormatInt(app.users["carol"].ID, 10), strconv.FormatInt(app.users["trent"].ID, 10), strconv.FormatInt(dora.ID, 10)}}
	start := func(b *browser) response {
		form := url.Values{"csrf": {b.csrf()}}
		for k, v := range members {
			form[k] = v
		}
		return b.post("/sessions/"+id+"/calibration", form)
	}
	if res := start(alice); res.status != http.StatusForbidden {
		t.Errorf("the trainee starts a round: status %d, want 403", res.status)
	}
	if res := start(olga); res.status != http.StatusNotFound {
		t.Errorf("a coach of another cohort starts a round: status %d, want 404", res.status)
	}
	res = start(carol)
	round := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(round, "/calibration/") {
		t.Fatalf("start: status %d to %q", res.status, round)
	}
	for who, b := range map[string]*browser{"the trainee": alice, "a coach of another cohort": olga} {
		if res := b.get(round); res.status != http.StatusNotFound {
			t.Errorf("%s opens the round: status %d, want 404", who, res.status)
		}
	}

	mark := func(b *browser, review, category string) {
		t.Helper()
		form := url.Values{"csrf": {b.csrf()}, "rule": {"review-quality", "correct-category"}, "outcome-review-quality": {review}, "outcome-correct-category": {category}}
		if review == "partial" {
			form.Set("points-review-quality", "5")
		}
		if res := b.post(round+"/marks", form); res.status != http.StatusSeeOther {
			t.Fatalf("marks: status %d; %s", res.status, res.body)
		}
	}
	mark(carol, "pass", "pass")
	mark(trent, "pass", "pass")
	mark(doraB, "partial", "pass")
	res = trent.get(round)
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="round-form"`) || strings.Contains(res.body, `id="report"`) || !strings.Contains(res.body, "keep: passed") {
		t.Errorf("a marker's blind page: status %d; want his form with his own marks kept, no report", res.status)
	}
	if res := trent.post(round+"/publish", url.Values{"csrf": {trent.csrf()}}); res.status != http.StatusForbidden {
		t.Errorf("a marker publishes: status %d, want 403", res.status)
	}
	if res := carol.get(round); !strings.Contains(res.body, `id="publish-form"`) || !strings.Contains(res.body, `name="official-outcome-review-quality"`) {
		t.Error("the lead's page offers no official marking with the publishing")
	}
	// The lead publishes with an official marking: the review partly met,
	// 5 points; it becomes the session's mark in her name.
	if res := carol.post(round+"/publish", url.Values{"csrf": {carol.csrf()}, "rule": {"review-quality", "correct-category"},
		"official-outcome-review-quality": {"partial"}, "official-points-review-quality": {"5"}, "reason": {"Two lessons of three."}}); res.status != http.StatusSeeOther {
		t.Fatalf("the lead publishes: status %d; %s", res.status, res.body)
	}
	if marks, err := app.store.Marks(context.Background(), id); err != nil || len(marks) != 1 || marks[0].RuleID != "review-quality" || marks[0].Outcome != "partial" ||
		marks[0].Points != 5 || !strings.HasPrefix(marks[0].Reason, "Official marking of calibration round ") || marks[0].By != "Carol" {
		t.Errorf("the official marking as the session's marks: %+v, %v; want Carol's partial 5 naming the round", marks, err)
	}
	if res := doraB.post(round+"/marks", url.Values{"csrf": {doraB.csrf()}, "rule": {"handover"}, "outcome-handover": {"pass"}}); res.status != http.StatusConflict {
		t.Errorf("a mark after publishing: status %d, want 409", res.status)
	}
	res = doraB.get(round)
	if !strings.Contains(res.body, `id="report"`) || !strings.Contains(res.body, "Fleiss&#39; kappa") {
		t.Fatalf("the published round lacks the report or kappa")
	}
	row := res.body[strings.Index(res.body, `id="cal-review-quality"`):]
	row = row[:strings.Index(row, "</tr>")]
	// pass, pass, partial: one agreeing pair of three.
	if !strings.Contains(row, "33.3%") || strings.Count(row, "badge pass") != 2 || strings.Count(row, "badge partial") != 1 {
		t.Errorf("review-quality row %q: want two passes, one partial, 33.3%% agreement", row)
	}
	if !strings.Contains(row, "partly met") {
		t.Errorf("review-quality row %q: want the official partly met", row)
	}
	// Deviation from the official review mark (partial 5): Dora's partial
	// 5 is 0 off, the passes 10 are 5 off; both agree on the category.
	markers := res.body[strings.Index(res.body, `id="markers"`):]
	markers = markers[:strings.Index(markers, "</table>")]
	if !strings.Contains(markers, "Mean deviation from the official") || strings.Count(markers, `<td class="deviation">2.5</td>`) != 2 || strings.Count(markers, `<td class="deviation">0</td>`) != 1 {
		t.Errorf("markers table %q: want deviations 2.5, 2.5 and 0", markers)
	}
	// Cohen's kappa per pair over the two rules all marked: Carol and
	// Trent agree on both, each all passes (chance 1: undefined); each with
	// Dora agrees on 1 of 2, chance 1 × 1/2, κ = 0. Their mean: 0.
	pairs := res.body[strings.Index(res.body, `id="pairs"`):]
	pairs = pairs[:strings.Index(pairs, "</table>")]
	if strings.Count(pairs, `<tr class="pair">`) != 3 || strings.Count(pairs, `<td class="pair-kappa">0.00</td>`) != 2 ||
		strings.Count(pairs, `<td class="pair-agreement">50%</td>`) != 2 || !strings.Contains(pairs, `<td class="pair-kappa">undefined`) ||
		strings.Count(pairs, `<tr class="pair-auto">`) != 3 || !strings.Contains(res.body, `<p id="mean-pair-kappa"><strong>Mean Cohen's kappa over the pairs of markers</strong> 0.00</p>`) {
		t.Errorf("pairs table %q: want three pairs of markers (undefined, 0.00, 0.00), three against the automatic score, mean 0.00", pairs)
	}
	// The trend across rounds: the lead sees each marker's figures, with
	// the round; a trainee is refused.
	trend := carol.get("/calibration")
	if trend.status != http.StatusOK || !strings.Contains(trend.body, `id="trend"`) || strings.Count(trend.body, `<span class="deviation">2.5</span>`) != 2 ||
		strings.Count(trend.body, `<span class="deviation">0</span>`) != 1 || !strings.Contains(trend.body, `href="`+round+`"`) {
		t.Errorf("trend page: status %d; want the three markers' deviations 2.5, 2.5, 0 linking the round", trend.status)
	}
	if res := alice.get("/calibration"); res.status != http.StatusForbidden {
		t.Errorf("the trainee opens the trend: status %d, want 403", res.status)
	}
	if row := res.body[strings.Index(res.body, `id="cal-correct-category"`):]; !strings.Contains(row[:strings.Index(row, "</tr>")], "100%") {
		t.Error("correct-category: want 100% agreement")
	}
}
