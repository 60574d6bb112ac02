package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// getJSON fetches path and decodes the JSON answer into v.
func (b *browser) getJSON(path string, v any) int {
	b.app.t.Helper()
	res := b.get(path)
	if res.status == http.StatusOK {
		if err := json.Unmarshal([]byte(res.body), v); err != nil {
			b.app.t.Fatalf("GET %s: %v", path, err)
		}
	}
	return res.status
}

// TestSessionEventsPages: a monitor joining a session of more than 5,000
// events fetches the whole history page by page; a trainee reads their own
// session in the trainee's form; nobody else reads it.
func TestSessionEventsPages(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 5,000 events")
	}
	app := newTestApp(t)
	alice := app.signedIn("alice")
	// The history is written straight to the log in one append, as the
	// runner would have written it command by command: the test is about
	// reading it, and 2,500 commits one by one take minutes on a busy disk.
	ctx := context.Background()
	x, err := app.store.CreateSession(ctx, drillroom.Session{UserID: app.users["alice"].ID, ScenarioID: app.drillID, Version: 1, Seed: 7, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	id := x.ID
	d, err := simulator.Prepare(scenariotest.GasExample(t))
	if err != nil {
		t.Fatal(err)
	}
	eng, history, err := d.Start(simulator.Config{Seed: 7, Mode: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := eng.Apply(0, simulator.Action{Kind: simulator.ActPause, By: drillroom.ActorTrainer}); err != nil {
		t.Fatal(err) // the clock stays put while the trainer injects
	} else {
		history = append(history, evs...)
	}
	for i := 0; len(history) < 5000; i++ {
		evs, err := eng.Apply(0, simulator.Action{Kind: simulator.ActInject, As: "customer", Text: fmt.Sprintf("line %d", i), By: drillroom.ActorTrainer, Cmd: fmt.Sprintf("n%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		history = append(history, evs...)
	}
	if err := app.store.AppendEvents(ctx, id, drillroom.Command{}, history); err != nil {
		t.Fatal(err)
	}
	log, err := app.store.Events(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}

	trent := app.signedIn("trent")
	var all []simulator.Event
	after, pages := int64(0), 0
	for {
		var page training.EventPage
		if st := trent.getJSON(fmt.Sprintf("/api/sessions/%s/events?after=%d&limit=1000", id, after), &page); st != http.StatusOK {
			t.Fatalf("page after %d: status %d", after, st)
		}
		pages++
		all = append(all, page.Events...)
		after = page.Next
		if !page.More {
			break
		}
		if pages > 20 {
			t.Fatal("no end to the pages")
		}
	}
	if len(all) != len(log) || pages < 5 {
		t.Fatalf("the trainer fetched %d events in %d pages, want all %d in 5 or more", len(all), pages, len(log))
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: the history has a gap", i, e.Seq)
		}
	}
	if all[len(all)-1].Action == nil || all[len(all)-1].Action.By != "trainer" {
		t.Errorf("the trainer's page hides who injected: %+v", all[len(all)-1])
	}

	var own training.EventPage
	if st := alice.getJSON("/api/sessions/"+id+"/events?after=0&limit=50", &own); st != http.StatusOK || len(own.Events) == 0 || !own.More {
		t.Fatalf("alice reads her own: status %d, %d events", st, len(own.Events))
	}
	for _, e := range own.Events {
		if simulator.Hidden(e.Type) || (e.Type == simulator.EvLine && (e.Action != nil || e.Reason != "")) || e.Seed != 0 {
			t.Errorf("the trainee's page shows %+v", e)
		}
	}
	tina := app.withTrainer("tina") // a trainer of no cohort
	wantGets(t, []getCase{
		{"another trainee", app.signedIn("bob"), "/api/sessions/" + id + "/events", http.StatusNotFound},
		{"a trainer of another cohort", tina, "/api/sessions/" + id + "/events", http.StatusNotFound},
		{"a missing session", trent, "/api/sessions/nope/events", http.StatusNotFound},
		{"a bad after", trent, "/api/sessions/" + id + "/events?after=x", http.StatusBadRequest},
		{"signed out", app.browser(), "/api/sessions/" + id + "/events", http.StatusUnauthorized},
	})
}
