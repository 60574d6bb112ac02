package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// TestSocketObserverSendsNoTraineeAction: a trainer who opens a trainee's
// session is an observer. Every trainee action they send is refused as
// forbidden and leaves nothing in the log; the trainer controls work.
func TestSocketObserverSendsNoTraineeAction(t *testing.T) {
	a, id, _ := annJoined(t)
	tom := a.join("tom", id)
	for _, act := range []simulator.Action{
		sayHello,
		{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"},
		{Kind: simulator.ActRecord, Field: "location", Value: "12 High Street"},
		{Kind: simulator.ActHold},
		{Kind: simulator.ActClose, Resolution: "done"},
		{Kind: simulator.ActReview, Text: "x"},
	} {
		if m := tom.do("obs-"+string(act.Kind), act); m.Type != msgReject || m.Code != codeForbidden {
			t.Errorf("observer sends %s: %+v, want rejected as forbidden", act.Kind, m)
		}
	}
	for _, e := range storedEvents(t, a.store, id, byTrainer) {
		t.Errorf("the observer's refused action is in the log: %+v", e)
	}
	if m := tom.do("obs-pause", simulator.Action{Kind: simulator.ActPause}); m.Type != msgAck {
		t.Errorf("observer pauses: %+v, want ack", m)
	}
}

// TestSocketTakeoverHidesTheTrainer: while a trainer has taken over the
// customer, their lines reach the trainee as the customer's, with no trace
// of the trainer; the trainer's own connection (and the log) records who.
func TestSocketTakeoverHidesTheTrainer(t *testing.T) {
	a, id, ann := annJoined(t)
	tom := a.join("tom", id)
	tom.ack("to", simulator.Action{Kind: simulator.ActTakeover, As: "customer"})
	tom.ack("line", simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "It's getting stronger, what do I do?"})
	tom.ack("back", simulator.Action{Kind: simulator.ActHandback, As: "customer"})
	ann.ack("after", sayHello)

	var raw []string
	var line *serverMessage
	for {
		m := ann.read()
		if m.Type == msgEvent {
			raw = append(raw, string(mustJSON(t, m.Event)))
			if m.Event.Type == simulator.EvLine && m.Event.Text == "It's getting stronger, what do I do?" {
				mm := m
				line = &mm
			}
			if m.Event.Type == simulator.EvAction && m.Event.Action != nil && m.Event.Action.Cmd == "after" {
				break
			}
		}
	}
	if line == nil {
		t.Fatal("the trainee never heard the taken-over customer's line")
	}
	if line.Event.From != "customer" || line.Event.Channel != simulator.ChannelCall || line.Event.Action != nil || line.Event.Reason != "" || line.Event.ID != "" {
		t.Errorf("the trainee's line: %+v, want the customer's, with no action, reason or id", line.Event)
	}
	for _, r := range raw {
		if strings.Contains(r, `"trainer"`) || strings.Contains(r, "takeover") || strings.Contains(r, "handback") || strings.Contains(r, "inject") {
			t.Errorf("the trainee's stream shows the trainer's hand: %s", r)
		}
	}
	m := tom.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Type == simulator.EvLine && m.Event.Text == "It's getting stronger, what do I do?"
	})
	if m.Event.Action == nil || m.Event.Action.By != drillroom.ActorTrainer || m.Event.Reason != "inject" {
		t.Errorf("the trainer's view of the line: %+v, want it marked as the trainer's injection", m.Event)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSocketBoardQuota: the monitor's board follows every live session of
// the trainer's cohorts on its own socket, beyond the per-user quota that
// still bounds everyone else.
func TestSocketBoardQuota(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	n := DefaultMaxSocketsPerUser + 4
	for i := range n {
		id := a.session("ann", 1)
		c, res, err := a.dial("tom", id, nil)
		if err != nil {
			t.Fatalf("the board's socket %d of %d: %v (status %v)", i+1, n, err, res)
		}
		t.Cleanup(func() { c.Close() })
	}
	// A trainee is still bounded: the socket past the quota is refused.
	refused := false
	for i := 0; i <= DefaultMaxSocketsPerUser && !refused; i++ {
		id := a.session("ann", 1)
		c, res, err := a.dial("ann", id, nil)
		if err != nil {
			if res == nil || res.StatusCode != http.StatusTooManyRequests || i != DefaultMaxSocketsPerUser {
				t.Fatalf("ann's socket %d: %v (%v), want the one past %d refused with 429", i+1, err, res, DefaultMaxSocketsPerUser)
			}
			refused = true
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	if !refused {
		t.Errorf("a trainee opened %d sockets, past the quota of %d", DefaultMaxSocketsPerUser+1, DefaultMaxSocketsPerUser)
	}
}
