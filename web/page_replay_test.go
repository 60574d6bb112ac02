package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

var replayDataRE = regexp.MustCompile(`(?s)<script type="application/json" id="replay-data">(.*?)</script>`)

// TestReplayPage: a coach of the cohort replays a session: the page holds
// the events the trainee saw (no hidden ones) and every event's time, and
// the frame endpoint gives the record and hidden state at any event;
// evidence links on the coach's debrief open the replay at their moment.
// The trainee (the hidden state reveals the script) and a coach of another
// cohort are refused.
func TestReplayPage(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModePractice)
	carol := app.signedIn("carol")

	// An annotation of event 5 and a note on the session as a whole: the
	// replay carries the annotation at event 5's time, not the other.
	ccsrf := carol.csrf()
	for _, form := range []url.Values{
		{"csrf": {ccsrf}, "kind": {"development"}, "seq": {"5"}, "text": {"Confirm the address here."}},
		{"csrf": {ccsrf}, "kind": {"strength"}, "text": {"Calm throughout."}},
	} {
		if res := carol.post("/sessions/"+id+"/notes", form); res.status != http.StatusSeeOther {
			t.Fatalf("note: status %d; %s", res.status, res.body)
		}
	}
	res := carol.get("/sessions/" + id + "/replay")
	if res.status != http.StatusOK || !strings.Contains(res.body, "/static/replay.js") || !strings.Contains(res.body, `id="hidden"`) {
		t.Fatalf("replay page: status %d; want the page with its script and the hidden state pane", res.status)
	}
	m := replayDataRE.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no replay data on the page")
	}
	var cfg replayConfig
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cfg); err != nil {
		t.Fatalf("replay data: %v", err)
	}
	x := app.ended(id)
	if len(cfg.Times) != int(x.LastSeq) || cfg.EndMs != cfg.Times[len(cfg.Times)-1][1] || len(cfg.Visible) == 0 || len(cfg.Texts) == 0 {
		t.Fatalf("replay data: %d times for %d events, end %d, %d visible; want every event's time and the visible events", len(cfg.Times), x.LastSeq, cfg.EndMs, len(cfg.Visible))
	}
	if len(cfg.Notes) != 1 || cfg.Notes[0].Seq != 5 || cfg.Notes[0].Text != "Confirm the address here." || cfg.Notes[0].Label != "To develop" || cfg.Notes[0].By != "Carol" {
		t.Errorf("replay notes %+v: want the one annotation, of event 5, by Carol", cfg.Notes)
	}
	for _, tt := range cfg.Times {
		if tt[0] == 5 && len(cfg.Notes) == 1 && cfg.Notes[0].T != tt[1] {
			t.Errorf("the annotation is at %d ms, want event 5's %d", cfg.Notes[0].T, tt[1])
		}
	}
	said := false
	for _, ev := range cfg.Visible {
		if simulator.Hidden(ev.Type) || (ev.Type == simulator.EvStart && ev.Seed != 0) {
			t.Errorf("the replay's trainee panes carry a hidden event or the seed: %+v", ev)
		}
		said = said || (ev.Action != nil && strings.Contains(ev.Action.Text, "The gas engineer is on the way."))
	}
	if !said {
		t.Error("the replay lacks the trainee's update")
	}

	res = carol.get("/sessions/" + id + "/replay/frame?seq=5")
	var f struct {
		Seq   int64          `json:"seq"`
		Phase string         `json:"phase"`
		Mood  float64        `json:"mood"`
		Vars  map[string]any `json:"vars"`
	}
	if err := json.Unmarshal([]byte(res.body), &f); res.status != http.StatusOK || err != nil || f.Seq != 5 || f.Phase == "" || f.Vars == nil {
		t.Errorf("frame at 5: status %d, %+v, %v; want the state after event 5 with a phase", res.status, f, err)
	}
	if res := carol.get("/sessions/" + id + "/replay/frame?seq=soon"); res.status != http.StatusBadRequest || !strings.Contains(res.body, `"error"`) {
		t.Errorf("frame at no number: status %d %s, want 400 with a JSON error", res.status, res.body)
	}
	if res := carol.get("/sessions/" + id + "/debrief"); !strings.Contains(res.body, `/sessions/`+id+`/replay?at=`) {
		t.Error("the coach's debrief has no evidence links into the replay")
	}
	if res := alice.get("/sessions/" + id + "/debrief"); strings.Contains(res.body, "/replay") {
		t.Error("the trainee's debrief links to the replay")
	}

	// A coach who opens a live call is sent to its debrief (coaches do not
	// take calls); the debrief offers the replay so far, not the console
	// that would send them back.
	live := alice.start(drillroom.ModeAssessment)
	if res := carol.get("/sessions/" + live + "/debrief"); !strings.Contains(res.body, `href="/sessions/`+live+`/replay" id="live-replay"`) || strings.Contains(res.body, "Back to the console") {
		t.Error("a coach's debrief of a live call does not offer the replay, or sends back to the console")
	}
	if res := alice.get("/sessions/" + live + "/debrief"); !strings.Contains(res.body, "Back to the console") {
		t.Error("the trainee's debrief of her live call lost its way back to the console")
	}

	olga := app.outsider("olga", drillroom.RoleCoach)
	replay := "/sessions/" + id + "/replay"
	wantGets(t, []getCase{
		{"the trainee", alice, replay, http.StatusForbidden},
		{"the trainee", alice, replay + "/frame?seq=1", http.StatusForbidden},
		{"a coach of another cohort", olga, replay, http.StatusNotFound},
		{"a coach of another cohort", olga, replay + "/frame?seq=1", http.StatusNotFound},
	})
}
