package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// TestDebriefShowsRereadings: a session keeps the intents its lines were
// played with; the debrief says where today's recogniser reads a line
// differently (a session played before a recogniser change).
func TestDebriefShowsRereadings(t *testing.T) {
	ctx := context.Background()
	a := newLiveApp(t, runner.Config{})
	ann := a.user("ann")
	x, err := a.store.CreateSession(ctx, drillroom.Session{UserID: ann.ID, ScenarioID: a.sc.ID, Version: a.sc.Version, Seed: 1, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	d, err := simulator.Prepare(a.sc)
	if err != nil {
		t.Fatal(err)
	}
	eng, log, err := d.Start(simulator.Config{Seed: 1, Mode: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	const line = "The gas engineer is on the way to you now."
	evs, err := eng.Apply(5000, simulator.Action{Kind: simulator.ActSay, Text: line, By: drillroom.ActorTrainee})
	if err != nil {
		t.Fatal(err)
	}
	today := d.MatchIntents(line)
	if len(today) == 0 {
		t.Fatalf("today's recogniser reads %q as nothing; the test needs a line it understands", line)
	}
	said := -1
	for i := range evs {
		if evs[i].Type == simulator.EvAction {
			said = len(log) + i
		}
	}
	log = append(log, evs...)
	more, err := eng.Apply(8000, simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over", By: drillroom.ActorTrainee})
	if err != nil {
		t.Fatal(err)
	}
	log = append(log, more...)
	// As an older recogniser would have stored it: the line understood as
	// nothing.
	log[said].Intents = nil
	if err := a.store.AppendEvents(ctx, x.ID, drillroom.Command{}, log); err != nil {
		t.Fatal(err)
	}
	if err := a.store.EndSession(ctx, x.ID, "handed_over"); err != nil {
		t.Fatal(err)
	}

	req, _ := http.NewRequest("GET", a.http.URL+"/sessions/"+x.ID+"/debrief", nil)
	req.Header.Set("Cookie", sessionCookie+"="+a.tokens["ann"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := html.UnescapeString(string(body))
	// The intents by their labels, as the trainee reads them.
	labels := transcript.Labels(a.sc)
	words := make([]string, len(today))
	for i, in := range today {
		words[i] = labels[in]
	}
	want := "Today this line would be understood as: " + strings.Join(words, ", ")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, want) {
		t.Fatalf("debrief: status %d; want %q in the page", res.StatusCode, want)
	}
	if strings.Count(page, "Today this line would be understood as") != 1 {
		t.Errorf("the page rereads %d lines, want only the one stored differently", strings.Count(page, "Today this line would be understood as"))
	}
}
