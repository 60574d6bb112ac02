package web

import (
	"encoding/json"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// checkPresenterAgrees runs the console's presenter (present.js, with the
// table of texts the console page carries) in the browser over one event
// of every shown type, and fails where its line differs from the Go
// presenter's: the live console and the debrief must say the same thing.
// The console page must be open.
func (e *e2e) checkPresenterAgrees() {
	e.t.Helper()
	sc := &scenarios.Scenario{
		Cast: scenarios.Cast{
			Services: map[string]scenarios.Service{"gas": {Name: "Gas Emergency Service"}},
			Teams:    map[string]scenarios.Team{"duty": {Name: "Duty Manager"}},
		},
		Labels: map[string]string{"goodwill": "Goodwill payment", "access": "Access to the building"},
		Truth:  scenarios.Truth{Record: []scenarios.RecordField{{Field: "location"}}, Decisions: []string{"refund"}},
		Resolved: &scenarios.Policy{
			Taxonomy:   []scenarios.Category{{ID: "gas-emergency", Title: "Gas emergency"}},
			Priorities: []scenarios.Priority{{ID: "P1", Title: "Critical"}},
			Labels:     map[string]string{"greet": "Greeting", "evacuate": "Evacuation"},
		},
	}
	act := func(a simulator.Action) *simulator.Action { return &a }
	events := []simulator.Event{
		{Type: simulator.EvStart, Mode: "practice"},
		{Type: simulator.EvLine, From: "customer", Channel: "call", Text: "I smell gas"},
		{Type: simulator.EvLine, From: "gas", Channel: "radio", Text: "On our way"},
		{Type: simulator.EvAction, Intents: []string{"greet"}, Action: act(simulator.Action{Kind: simulator.ActSay, Text: "Hello", Promise: 205_000})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActSay, Text: "Stay calm", By: drillroom.ActorTrainer})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActHold})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActResume})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 4"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location"}, Text: "Hurry"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActEscalate, Target: "duty"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActContact, Target: "gas", Text: "News?"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActRequest, Target: "duty", Decision: "goodwill", Amount: 12.5})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActDecide, Decision: "refund"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActTransfer, Target: "duty"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActClose, Resolution: "resolved"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActConsult, Target: "duty", Text: "Refund?"})},
		{Type: simulator.EvAction, Intents: []string{"greet"}, Action: act(simulator.Action{Kind: simulator.ActEndConsult, Text: "Thanks for holding"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActWrapUp, Code: "goodwill", Text: "Offered"})},
		{Type: simulator.EvAction, Action: act(simulator.Action{Kind: simulator.ActWrapUp})},
		{Type: simulator.EvAway, Reason: "disconnect", Away: 120000, Budget: 120000, Action: act(simulator.Action{Kind: simulator.ActAway, By: drillroom.ActorSystem})},
		{Type: simulator.EvAway, Reason: "disconnect", Action: act(simulator.Action{Kind: simulator.ActAway, By: drillroom.ActorSystem})},
		{Type: simulator.EvAway, Reason: "budget_spent", Away: 120000, Budget: 120000},
		{Type: simulator.EvBack, Reason: "reconnect", Away: 120000, Budget: 120000},
		{Type: simulator.EvAction, Intents: []string{"evacuate"}, Removed: []string{"hold"}, Action: act(simulator.Action{Kind: simulator.ActCorrect, Of: 4, Intents: []string{"evacuate", "greet"}})},
		{Type: simulator.EvAction, Removed: []string{"greet"}, Action: act(simulator.Action{Kind: simulator.ActCorrect, Of: 4})},
		{Type: simulator.EvRejected, Reason: "not engaged", Action: act(simulator.Action{Kind: simulator.ActContact, Target: "duty"})},
		{Type: simulator.EvAck, From: "gas"},
		{Type: simulator.EvETA, T: 109_000, From: "gas", ETA: 1_609_000, Text: "Traffic"},
		{Type: simulator.EvAsk, From: "gas", ID: "access", Text: "How do we get in?"},
		{Type: simulator.EvAsk, From: "gas", ID: "access"},
		{Type: simulator.EvPause, Reason: "disconnect", Away: 5000, Budget: 120000},
		{Type: simulator.EvResume, Reason: "budget_spent", Away: 120000, Budget: 120000},
		{Type: simulator.EvArrive, From: "gas"},
		{Type: simulator.EvResolve, From: "gas", Text: "Capped"},
		{Type: simulator.EvApprove, From: "duty", ID: "goodwill", Amount: 50},
		{Type: simulator.EvDecline, From: "duty", ID: "goodwill", Text: "Too much"},
		{Type: simulator.EvPause, Reason: "trainer"},
		{Type: simulator.EvResume, Reason: "trainee"},
		{Type: simulator.EvScale, Scale: 2},
		{Type: simulator.EvEnd, Reason: "hangup"},
		{Type: simulator.EvReview, Text: "Lessons"},
		{Type: simulator.EvPhase, ID: "intake"},
	}
	type line struct{ Who, Text, Class, Pane, By, Clock string }
	var want []*line
	p := transcript.New(sc)
	labels, err := json.Marshal(transcript.Labels(sc))
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range events {
		events[i].Seq, events[i].T = int64(i+1), max(events[i].T, 3_723_000)
		if l, ok := p.Line(events[i]); ok {
			want = append(want, &line{l.Who, l.Text, l.Class, l.Pane, string(l.By), l.Clock})
		} else {
			want = append(want, nil)
		}
	}
	evJSON, err := json.Marshal(events)
	if err != nil {
		e.t.Fatal(err)
	}
	e.eval(fmt.Sprintf(`(window.__presented = undefined, import("/static/present.js").then(m => {
		const texts = JSON.parse(document.getElementById("console-data").textContent).texts;
		const p = m.presenter(texts, {gas: "Gas Emergency Service", duty: "Duty Manager"}, %s);
		window.__presented = JSON.stringify(%s.map(ev => {
			const l = p.line(ev);
			return l && {Who: l.who, Text: l.text, Class: l.cls, Pane: l.pane, By: l.by, Clock: l.clock};
		}));
	}, err => { window.__presented = JSON.stringify(String(err)); }), "")`, labels, evJSON))
	e.poll("the console's presenter has run", `window.__presented !== undefined`)
	var got []*line
	if raw := e.eval(`window.__presented`); json.Unmarshal([]byte(raw), &got) != nil {
		e.t.Fatalf("present.js: %s", raw)
	}
	if len(got) != len(want) {
		e.t.Fatalf("present.js presented %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if (got[i] == nil) != (want[i] == nil) || (got[i] != nil && *got[i] != *want[i]) {
			e.t.Errorf("%s event: present.js gives %+v, the Go presenter %+v", events[i].Type, got[i], want[i])
		}
	}
}
