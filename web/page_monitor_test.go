package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

func TestMonitorPages(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	trent := app.signedIn("trent")
	tina := app.withTrainer("tina") // a trainer of no cohort

	wantGets(t, []getCase{
		{"a trainee", alice, "/monitor", http.StatusForbidden},
		{"a trainee", alice, "/monitor/sessions/" + id, http.StatusForbidden},
		{"a trainee", alice, "/api/monitor/sessions", http.StatusForbidden},
		{"a coach", app.signedIn("carol"), "/monitor", http.StatusForbidden},
		{"a trainer of another cohort", tina, "/monitor/sessions/" + id, http.StatusNotFound},
		{"a trainer", trent, "/monitor/sessions/nope", http.StatusNotFound},
	})
	board := trent.get("/monitor")
	if board.status != http.StatusOK || !strings.Contains(board.body, `data-session="`+id+`"`) || !strings.Contains(board.body, "/static/monitor.js") {
		t.Fatalf("trent's board: status %d, want alice's live session", board.status)
	}
	if board := tina.get("/monitor"); strings.Contains(board.body, id) {
		t.Errorf("another cohort's trainer sees alice's session on the board")
	}
	var list struct {
		Sessions []liveRow `json:"sessions"`
	}
	if st := trent.getJSON("/api/monitor/sessions", &list); st != http.StatusOK || len(list.Sessions) != 1 || list.Sessions[0].ID != id || list.Sessions[0].Trainee != "Alice" {
		t.Errorf("the board's list: %d %+v", st, list)
	}
	obs := trent.get("/monitor/sessions/" + id)
	if obs.status != http.StatusOK || !strings.Contains(obs.body, "Observer mode.") || !strings.Contains(obs.body, `id="c-takeover"`) {
		t.Errorf("the observer page: status %d, want the banner and the controls", obs.status)
	}
	// The console is the trainee's: a trainer who follows a link to it is
	// sent to the observer page (the finding).
	if res := trent.get("/sessions/" + id); res.status != http.StatusSeeOther || res.header.Get("Location") != "/monitor/sessions/"+id {
		t.Errorf("a trainer opens the trainee's console: status %d location %q, want 303 to the observer page", res.status, res.header.Get("Location"))
	}

	// A class drill for Class A: bob gets a session with the chosen seed;
	// alice keeps her live one.
	form := url.Values{"cohort": {fmt.Sprint(app.classA.ID)}, "drill": {app.drillID}, "mode": {"practice"}, "seed": {"7"}}
	form.Set("csrf", tina.csrf())
	if res := tina.post("/monitor/class", form); res.status != http.StatusNotFound {
		t.Errorf("another cohort's trainer starts a class drill: status %d, want 404", res.status)
	}
	form.Set("csrf", alice.csrf())
	if res := alice.post("/monitor/class", form); res.status != http.StatusForbidden {
		t.Errorf("a trainee starts a class drill: status %d, want 403", res.status)
	}
	form.Set("csrf", trent.csrf())
	if res := trent.post("/monitor/class", form); res.status != http.StatusSeeOther || res.header.Get("Location") != "/monitor?done=class-started" {
		t.Fatalf("class drill: status %d location %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	bobs, _ := app.store.SessionsForUser(ctx, app.users["bob"].ID)
	if len(bobs) != 1 || bobs[0].Seed != 7 || bobs[0].State != drillroom.StateLive {
		t.Fatalf("bob's sessions after the class drill: %+v", bobs)
	}
	if alices, _ := app.store.SessionsForUser(ctx, app.users["alice"].ID); len(alices) != 1 {
		t.Errorf("alice got a second session: %d", len(alices))
	}
	if st := trent.getJSON("/api/monitor/sessions", &list); st != http.StatusOK || len(list.Sessions) != 2 {
		t.Errorf("the board after the class drill: %+v, want both", list)
	}

	// Pause all: both sessions get the trainer's pause; tina's pauses nothing.
	if res := tina.post("/monitor/pause-all", url.Values{"csrf": {tina.csrf()}}); res.status != http.StatusSeeOther {
		t.Errorf("tina's pause all: %d", res.status)
	}
	if res := trent.post("/monitor/pause-all", url.Values{"csrf": {trent.csrf()}}); res.status != http.StatusSeeOther {
		t.Fatalf("pause all: %d", res.status)
	}
	for _, x := range []string{id, bobs[0].ID} {
		pauses := storedEvents(t, app.store, x, func(e simulator.Event) bool { return e.Type == simulator.EvPause && byTrainer(e) })
		if len(pauses) != 1 {
			t.Errorf("session %s: %d trainer pauses, want 1 (trent's, not tina's)", x, len(pauses))
		}
	}
}

// TestDebriefListsInterventions: every trainer control in a session is on
// its debrief, flagged beside the score, once per command.
func TestDebriefListsInterventions(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	x, _ := app.store.Session(ctx, id)
	trent := app.users["trent"]
	for i, a := range []simulator.Action{
		{Kind: simulator.ActInject, As: "customer", Text: "Is anyone coming?"},
		{Kind: simulator.ActTakeover, As: "customer"},
		{Kind: simulator.ActInject, As: "customer", Text: "I can hear a hiss now."},
		{Kind: simulator.ActHandback, As: "customer"},
		{Kind: simulator.ActPause},
	} {
		if _, err := app.server.svc.Act(ctx, trent, x, fmt.Sprintf("iv%d", i), a); err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
		if i == 2 {
			// The trainee classifies while the trainer speaks as the customer.
			app.act(id, "classify", simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"})
		}
	}
	app.act(id, "resume-it", simulator.Action{Kind: simulator.ActResumeClock}) // refused for the trainee, harmless
	if err := app.store.EndSession(ctx, id, "resolved"); err != nil {
		t.Fatal(err)
	}
	page := alice.get("/sessions/" + id + "/debrief")
	for _, want := range []string{`id="score-steered"`, "5 interventions", "Trainer injected “Is anyone coming?” as the customer at", "Trainer took over the customer", "Trainer handed the customer back to the script", "Trainer paused the clock"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the debrief lacks %q", want)
		}
	}
	// The classification fell during the takeover: the rules it is evidence
	// of are marked for the coach, under the takeover and the injected line.
	row := page.body[strings.Index(page.body, `id="rule-correct-category"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `class="badge alert steered"`) {
		t.Errorf("the classification rule is not marked as steered: %s", row)
	}
	list := page.body[strings.Index(page.body, `id="interventions-list"`):]
	list = list[:strings.Index(list, "</ul>")]
	for _, li := range strings.Split(list, "<li")[1:] {
		touched := strings.Contains(li, "Touched:") && strings.Contains(li, "Classified as a gas emergency")
		switch {
		case strings.Contains(li, "took over"), strings.Contains(li, "Is anyone coming"), strings.Contains(li, "hiss"):
			if !touched {
				t.Errorf("intervention %q does not name the classification it touched", li)
			}
		case strings.Contains(li, "handed"), strings.Contains(li, "paused"):
			if strings.Contains(li, "Classified as a gas emergency") {
				t.Errorf("intervention %q names a rule whose evidence came before it", li)
			}
		}
	}
	card := alice.get("/api/sessions/" + id + "/scorecard")
	if !strings.Contains(card.body, `"interventions":[`) || !strings.Contains(card.body, `"steered":[`) {
		t.Errorf("the scorecard JSON lacks the interventions or the steered rules: %.400s", card.body)
	}
}
