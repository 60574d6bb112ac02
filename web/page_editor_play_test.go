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

// TestPlayDraftAndRecordFromTheEditor: from the editor, the author plays
// the saved draft (a new session, its console marked as a draft play, the
// drill in no list), plays it to its end, and records it: the editor gets
// the text back with the test appended under tests:, and without script
// the draft itself is saved with it. Others cannot play or record it.
func TestPlayDraftAndRecordFromTheEditor(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	trent := app.signedIn("trent")
	edit := trent.newDraft()

	tina := app.withTrainer("tina")
	if res := tina.post(edit+"/play", url.Values{"csrf": {tina.csrf()}}); res.status != http.StatusNotFound {
		t.Errorf("another trainer plays trent's draft: status %d, want 404", res.status)
	}
	res := trent.post(edit+"/play", url.Values{"csrf": {trent.csrf()}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sessions/") {
		t.Fatalf("play the draft: status %d location %q; %s", res.status, loc, res.body)
	}
	id := strings.TrimPrefix(loc, "/sessions/")
	x, err := app.store.Session(ctx, id)
	if err != nil || !drillroom.IsDraftPlay(x.ScenarioID) || x.UserID != app.users["trent"].ID {
		t.Fatalf("the draft play's session: %+v, %v", x, err)
	}
	console := trent.get(loc)
	if console.status != http.StatusOK || !strings.Contains(console.body, `id="draft-play"`) || !strings.Contains(console.body, `href="`+edit+`"`) {
		t.Errorf("the console of a draft play is not marked as one (status %d)", console.status)
	}
	if home := trent.get("/"); strings.Contains(home.body, x.ScenarioID) || !strings.Contains(home.body, "Draft play: New drill") {
		t.Errorf("the draft play is offered on trent's drill list, or not marked among his sessions")
	}
	if author := trent.get("/author/"); strings.Contains(author.body, x.ScenarioID) {
		t.Errorf("the draft play is listed among the published drills")
	}
	if res := app.signedIn("alice").get(loc); res.status != http.StatusNotFound {
		t.Errorf("a trainee opens trent's draft play: status %d, want 404", res.status)
	}
	var plays struct {
		Plays []draftPlayRow `json:"plays"`
	}
	if st := trent.getJSON(edit+"/plays", &plays); st != http.StatusOK || len(plays.Plays) != 1 || plays.Plays[0].ID != id || plays.Plays[0].Ended {
		t.Errorf("the editor's plays: %d %+v, want the live one", st, plays)
	}

	form := url.Values{"csrf": {trent.csrf()}, "session": {id}, "source": {"id: x\n"}}
	var failure struct {
		Error struct{ Message string } `json:"error"`
	}
	if st := trent.postJSON(edit+"/record", form, &failure); st != http.StatusConflict || !strings.Contains(failure.Error.Message, "not ended") {
		t.Errorf("record a live play: status %d %+v, want 409", st, failure)
	}
	for i, a := range []simulator.Action{
		{Kind: simulator.ActSay, Text: "Hello, you're through to Sam. I'm so sorry you've been charged twice."},
		{Kind: simulator.ActClassify, Category: "complaint", Priority: "P4"},
		{Kind: simulator.ActClose, Resolution: "resolved"},
	} {
		if _, err := app.server.svc.Act(ctx, app.users["trent"], x, "c"+string(rune('0'+i)), a); err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
	}
	if debrief := trent.get(loc + "/debrief"); !strings.Contains(debrief.body, `id="draft-play"`) || strings.Contains(debrief.body, `id="interventions"`) {
		t.Errorf("the debrief of a draft play is not marked as one, or lists the author's own play as interventions")
	}
	saved := trent.get(edit + "/download").body
	edited := saved + "# typed in the editor, not saved yet\n"
	form.Set("source", edited)
	var rec struct{ Source string }
	if st := trent.postJSON(edit+"/record", form, &rec); st != http.StatusOK || !strings.HasPrefix(rec.Source, strings.TrimRight(saved, "\n")) ||
		!strings.Contains(rec.Source, "# typed in the editor, not saved yet") || !strings.Contains(rec.Source, `- name: "recorded play `) {
		t.Fatalf("record from the editor: status %d, got %.300s", st, rec.Source)
	}
	if got := trent.get(edit + "/download").body; got != saved {
		t.Errorf("recording from the editor saved the draft; the editor saves it")
	}
	var rep struct {
		Passed  bool
		Results []struct {
			Name   string
			Passed bool
			Reason string
		}
	}
	if st := trent.postJSON("/author/test", url.Values{"csrf": {trent.csrf()}, "name": {"my-new-drill.drill.yaml"}, "source": {rec.Source}}, &rep); st != http.StatusOK {
		t.Fatalf("run the tests: %d", st)
	}
	last := rep.Results[len(rep.Results)-1]
	if !rep.Passed || !strings.HasPrefix(last.Name, "recorded play") || !last.Passed {
		t.Errorf("the recorded test: %+v (all passed: %v), want it to pass", last, rep.Passed)
	}

	// Without script: the saved draft gets the test and is saved.
	res = trent.post(edit+"/record", url.Values{"csrf": {trent.csrf()}, "session": {id}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != edit+"?done=recorded" {
		t.Fatalf("record without script: status %d location %q", res.status, res.header.Get("Location"))
	}
	if got := trent.get(edit + "/download").body; !strings.Contains(got, `- name: "recorded play `) {
		t.Errorf("the saved draft lacks the recorded test")
	}
	if res := tina.post(edit+"/record", url.Values{"csrf": {tina.csrf()}, "session": {id}}); res.status != http.StatusNotFound {
		t.Errorf("another trainer records into trent's draft: status %d, want 404", res.status)
	}
	if page := trent.get(edit); !strings.Contains(page.body, `data-session="`+id+`"`) || !strings.Contains(page.body, "Record as a test") {
		t.Errorf("the editor does not list the ended play with its record button")
	}
}
