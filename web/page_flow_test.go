package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// alicePlayed signs alice in and has her play the good call (playGoodCall)
// in mode; it returns her browser and the session's id.
func (a *testApp) alicePlayed(mode drillroom.Mode) (*browser, string) {
	a.t.Helper()
	alice := a.signedIn("alice")
	id := alice.start(mode)
	playGoodCall(a.t, a, id)
	return alice, id
}

// playGoodCall plays the example drill well through the runner, the way
// the console's commands arrive, and closes it.
func playGoodCall(t *testing.T, app *testApp, id string) {
	t.Helper()
	steps := []simulator.Action{
		{Kind: simulator.ActSay, Text: "Please don't touch any switches, open the windows and leave the flat now.", Intents: []string{"safety_advice"}},
		{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"},
		{Kind: simulator.ActSay, Intents: []string{"ask_location"}, Text: "What is the address?"},
		{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards", "access"}, Text: "Gas smell in a ground-floor flat, household evacuating."},
		{Kind: simulator.ActRecord, Field: "location", Value: "Flat 3, Mill Lane"},
		{Kind: simulator.ActRecord, Field: "hazard", Value: "gas smell in the hallway"},
		{Kind: simulator.ActRecord, Field: "callback", Value: "07700 900123"},
		{Kind: simulator.ActSay, Intents: []string{"update"}, Text: "The gas engineer is on the way."},
		{Kind: simulator.ActClose, Resolution: "handed_over"},
	}
	for i, a := range steps {
		res := app.act(id, "t-"+string(rune('a'+i)), a)
		if !res.Applied() {
			t.Fatalf("step %d (%s): %s %s", i, a.Kind, res.Code, res.Reason)
		}
	}
	app.ended(id)
}

func TestConsoleShowsNoGroundTruth(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	res := alice.get("/sessions/" + id)
	if res.status != http.StatusOK {
		t.Fatalf("console: status %d, want 200", res.status)
	}
	for _, want := range []string{
		`id="console-data"`, `/static/console.js`, `data-intent="safety_advice"`,
		`value="gas-emergency"`, `value="P1"`, // the policy's taxonomy and priorities
		`data-field="location"`, `data-field="hazard"`, `data-field="callback"`, // field names only
		`Gas Emergency Service`, `aria-live="polite"`, "Keyboard shortcuts", `id="since-update"`,
		"my name is Alice.", // the greeting uses the trainee's name
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("console lacks %q", want)
		}
	}
	for _, leak := range []string{
		"Classified as a gas emergency", "correct-category", "first_contact", "dispatched(", // rubric
		"Anxious tenant", "rotten eggs", "getting worse", "Is anyone actually coming", // persona and script
		"Kingsway Court", "Station Parade", "caller_name", // variation pools
	} {
		if strings.Contains(res.body, leak) {
			t.Errorf("console leaks %q to the trainee", leak)
		}
	}
	// Nor does the drill list: a trainee reads the briefing, never the
	// trainer's summary with the expected handling.
	home := alice.get("/")
	if !strings.Contains(home.body, "smell of gas in the hallway") || strings.Contains(home.body, "as P1") || strings.Contains(home.body, "safety advice at once") {
		t.Error("the trainee's drill list must show the briefing, not the summary's expected handling")
	}
	// An assessment has no "time since last update" aid.
	bob := app.signedIn("bob")
	aid := bob.start(drillroom.ModeAssessment)
	if res := bob.get("/sessions/" + aid); strings.Contains(res.body, `id="since-update"`) {
		t.Error("assessment console shows the time since the last update; want it only in practice")
	}
}

func TestStartDrill(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	// The runner hosts the new call at once: its opening is in the log.
	if evs, err := app.store.Events(context.Background(), id, 0); err != nil || len(evs) == 0 || evs[0].Type != simulator.EvStart {
		t.Fatalf("events of a just-started session: %d, %v; want the start event", len(evs), err)
	}
	// Starting the same drill again in the same mode resumes the live call.
	if again := alice.start(drillroom.ModePractice); again != id {
		t.Fatalf("second start: session %s, want the live one %s", again, id)
	}
	if other := alice.start(drillroom.ModeAssessment); other == id {
		t.Fatal("assessment start reused the practice session")
	}
	for _, tc := range []struct{ name, path, mode string }{
		{"unassigned drill", "/drills/no-such-drill/start", "practice"},
		{"unknown mode", "/drills/" + app.drillID + "/start", "exam"},
	} {
		res := alice.post(tc.path, url.Values{"csrf": {alice.csrf()}, "mode": {tc.mode}})
		if res.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, res.status)
		}
	}
	home := alice.get("/")
	if !strings.Contains(home.body, `href="/sessions/`+id+`"`) || !strings.Contains(home.body, "in progress") {
		t.Error("drill list does not offer to continue the live session")
	}
}

func TestSessionAccess(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModePractice)

	bob, coach, trainer := app.signedIn("bob"), app.signedIn("carol"), app.signedIn("trent")
	tests := []struct {
		name     string
		b        *browser
		method   string
		path     string
		status   int
		location string
	}{
		{"owner console", alice, "GET", "/sessions/" + id, http.StatusOK, ""},
		{"owner debrief", alice, "GET", "/sessions/" + id + "/debrief", http.StatusOK, ""},
		{"other trainee console", bob, "GET", "/sessions/" + id, http.StatusNotFound, ""},
		{"other trainee debrief", bob, "GET", "/sessions/" + id + "/debrief", http.StatusNotFound, ""},
		{"other trainee review", bob, "POST", "/sessions/" + id + "/review", http.StatusNotFound, ""},
		{"missing session", bob, "GET", "/sessions/nope/debrief", http.StatusNotFound, ""},
		{"coach debrief", coach, "GET", "/sessions/" + id + "/debrief", http.StatusOK, ""},
		{"coach console goes to debrief", coach, "GET", "/sessions/" + id, http.StatusSeeOther, "/sessions/" + id + "/debrief"},
		{"coach cannot write the trainee's review", coach, "POST", "/sessions/" + id + "/review", http.StatusForbidden, ""},
		{"trainer debrief", trainer, "GET", "/sessions/" + id + "/debrief", http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var res response
			if tc.method == "GET" {
				res = tc.b.get(tc.path)
			} else {
				res = tc.b.post(tc.path, url.Values{"csrf": {tc.b.csrf()}, "text": {"A review."}})
			}
			if res.status != tc.status || res.header.Get("Location") != tc.location {
				t.Fatalf("status %d location %q, want %d %q", res.status, res.header.Get("Location"), tc.status, tc.location)
			}
		})
	}
	// Coaches and trainers find trainees' sessions on their home page;
	// another trainee does not.
	for name, b := range map[string]*browser{"coach": coach, "trainer": trainer} {
		home := b.get("/")
		if !strings.Contains(home.body, `href="/sessions/`+id+`/debrief"`) || !strings.Contains(home.body, "<td>Alice</td>") {
			t.Errorf("%s's home page does not list Alice's session", name)
		}
	}
	if home := bob.get("/"); strings.Contains(home.body, id) {
		t.Error("another trainee's home page lists Alice's session")
	}

	// The other trainee's refused review left no trace.
	if len(storedEvents(t, app.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvReview })) != 0 {
		t.Fatal("a refused review reached the event log")
	}
}

func TestDebriefAndReview(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)

	// While the call is live the debrief shows nothing of the rubric.
	live := alice.get("/sessions/" + id + "/debrief")
	if live.status != http.StatusOK || !strings.Contains(live.body, "still in progress") || strings.Contains(live.body, "Classified as a gas emergency") {
		t.Fatalf("debrief of a live call: status %d; want a 'still in progress' page without the rubric", live.status)
	}
	if res := alice.post("/sessions/"+id+"/review", url.Values{"csrf": {alice.csrf()}, "text": {"Too early."}}); res.status != http.StatusConflict {
		t.Fatalf("review of a live call: status %d, want 409", res.status)
	}

	playGoodCall(t, app, id)
	res := alice.get("/sessions/" + id + "/debrief")
	if res.status != http.StatusOK {
		t.Fatalf("debrief: status %d", res.status)
	}
	for _, want := range []string{
		`id="score-total"`, "Classified as a gas emergency", "passed", // the scorecard, rule by rule
		`<svg class="mood-chart"`, `<polyline class="mood"`, // the mood chart
		`id="ev-`, `href="#ev-`, // timeline entries and evidence links to them
		"Handling time (AHT)", "Customer satisfaction (CSAT)", // KPIs
		"Dispatched Gas Emergency Service", `action="/sessions/` + id + `/review"`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("debrief lacks %q", want)
		}
	}
	if strings.Contains(res.body, "a failed critical rule sets the total to 0") {
		t.Errorf("the debrief of a good call says a critical rule zeroed its total")
	}

	if res := alice.post("/sessions/"+id+"/review", url.Values{"csrf": {alice.csrf()}, "text": {"   "}}); res.status != http.StatusBadRequest {
		t.Fatalf("empty review: status %d, want 400", res.status)
	}
	const text = "Safety advice came first and the dispatch was quick; I should have updated the caller sooner."
	post := alice.post("/sessions/"+id+"/review", url.Values{"csrf": {alice.csrf()}, "text": {text}})
	if post.status != http.StatusSeeOther || !strings.HasPrefix(post.header.Get("Location"), "/sessions/"+id+"/debrief") {
		t.Fatalf("review: status %d location %q, want 303 to the debrief; body %s", post.status, post.header.Get("Location"), post.body)
	}
	if len(storedEvents(t, app.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvReview && e.Text == text })) == 0 {
		t.Fatal("the review is not in the event log")
	}
	if rv, err := app.store.Review(context.Background(), id); err != nil || rv.Text != text {
		t.Fatalf("store review = %q, %v; want the submitted text", rv.Text, err)
	}
	after := alice.get("/sessions/" + id + "/debrief")
	if !strings.Contains(after.body, "I should have updated the caller sooner") || strings.Contains(after.body, `action="/sessions/`+id+`/review"`) {
		t.Fatal("debrief after the review: want the review shown and no form")
	}
	if res := alice.post("/sessions/"+id+"/review", url.Values{"csrf": {alice.csrf()}, "text": {"Again."}}); res.status != http.StatusConflict {
		t.Fatalf("second review: status %d, want 409", res.status)
	}

	// The drill list shows the scored session with its band.
	home := alice.get("/")
	if !strings.Contains(home.body, `href="/sessions/`+id+`/debrief"`) || !strings.Contains(home.body, "%") {
		t.Fatal("drill list lacks the ended session's score and debrief link")
	}
}
