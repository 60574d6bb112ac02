package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// TestHelloCarriesVocabulary: hello tells a client the drill's vocabulary
// (services and teams, categories and priorities, record fields, hand-over
// items, decisions, close resolutions, intents) and the limits, which a
// client written from the document used to have to guess.
func TestHelloCarriesVocabulary(t *testing.T) {
	a, id := annSession(t)
	c, _, err := a.dial("ann", id, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var hello struct {
		Type       string     `json:"type"`
		Vocabulary vocabulary `json:"vocabulary"`
		Limits     helloLimits
	}
	if err := c.ReadJSON(&hello); err != nil || hello.Type != msgHello {
		t.Fatalf("hello: %+v, %v", hello, err)
	}
	v := hello.Vocabulary
	if len(v.Services) == 0 || v.Services[0].ID != "gas" {
		t.Errorf("services %+v, want the gas service", v.Services)
	}
	if len(v.Categories) == 0 || len(v.Priorities) == 0 || len(v.Resolutions) == 0 || len(v.HandoverItems) == 0 || len(v.RecordFields) == 0 {
		t.Errorf("vocabulary %+v: want categories, priorities, resolutions, hand-over items and record fields", v)
	}
	for _, in := range []string{"safety_advice", "greet", "update"} {
		if !slices.Contains(v.Intents, in) {
			t.Errorf("intents %v lack %s", v.Intents, in)
		}
	}
	if hello.Limits.TextChars == 0 || hello.Limits.MessageBytes != socketReadLimit {
		t.Errorf("limits %+v", hello.Limits)
	}
	// Every intent listed is accepted by the engine, every resolution closes.
	cl := &client{t: t, c: c}
	cl.resume(0)
	cl.command("v1", simulator.Action{Kind: simulator.ActSay, Text: "Hello.", Intents: v.Intents[:min(16, len(v.Intents))]})
	if m := cl.answer("v1"); m.Type != msgAck {
		t.Errorf("say with the listed intents: %s %s %s", m.Type, m.Code, m.Reason)
	}
}

// TestScorecardJSON: GET /api/sessions/{id}/scorecard gives programs the
// scorecard the debrief shows, under the same access rule, once the call
// has ended. It used to exist only as HTML.
func TestScorecardJSON(t *testing.T) {
	a, id := annSession(t)
	get := func(user string) (int, map[string]json.RawMessage) {
		req, _ := http.NewRequest("GET", a.http.URL+"/api/sessions/"+id+"/scorecard", nil)
		if user != "" {
			a.user(user)
			req.Header.Set("Cookie", sessionCookie+"="+a.tokens[user])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]json.RawMessage
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if code, body := get("ann"); code != http.StatusConflict || body["error"] == nil {
		t.Errorf("live session: %d %v, want 409 with an error", code, body)
	}
	if _, err := a.runner.Do(context.Background(), id, runner.Command{ID: "end", By: "trainee",
		Action: simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}}); err != nil {
		t.Fatal(err)
	}
	code, body := get("ann")
	if code != http.StatusOK || body["scorecard"] == nil {
		t.Fatalf("ended session as its trainee: %d %v, want 200 with the scorecard", code, body)
	}
	var card struct {
		Total    *float64        `json:"total"`
		Sections json.RawMessage `json:"sections"`
	}
	if err := json.Unmarshal(body["scorecard"], &card); err != nil || card.Sections == nil {
		t.Errorf("scorecard %s: %v", body["scorecard"], err)
	}
	for _, c := range []struct {
		user string
		want int
	}{{"tom", http.StatusOK}, {"cat", http.StatusOK}, {"ben", http.StatusNotFound}, {"", http.StatusUnauthorized}} {
		if code, _ := get(c.user); code != c.want {
			t.Errorf("as %q: %d, want %d", c.user, code, c.want)
		}
	}
}
