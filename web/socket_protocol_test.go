package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// TestSocketWrongFieldTypesAreRejectedForTheID: a command with a
// well-formed id but a field of the wrong type is answered with a reject
// for that id. It used to get an id-less error, so a client following the
// retry rules resent it for ever.
func TestSocketWrongFieldTypesAreRejectedForTheID(t *testing.T) {
	_, _, cl := annJoined(t)
	for i, raw := range []string{
		`{"type":"command","id":"w1","action":{"kind":"say","text":5}}`,
		`{"type":"command","id":"w2","action":"say"}`,
		`{"type":"command","id":"w3","action":{"kind":"dispatch","target":"gas","info":"location"}}`,
		`{"type":"command","action":{"kind":"record","field":"x","value":true},"id":"w4"}`,
	} {
		if err := cl.c.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		want := "w" + string(rune('1'+i))
		m := cl.until(func(m serverMessage) bool { return m.Type == msgReject || m.Type == msgError })
		if m.Type != msgReject || m.ID != want || m.Code != codeBadAction {
			t.Errorf("%s: got %s id %q code %q (%s), want reject %s bad_action", raw, m.Type, m.ID, m.Code, m.Reason, want)
		}
	}
	// No id that can be read: still an error.
	cl.c.WriteMessage(websocket.TextMessage, []byte(`{"type":"command","id":7,"action":{"kind":"say","text":"hi"}}`))
	if m := cl.until(func(m serverMessage) bool { return m.Type == msgReject || m.Type == msgError }); m.Type != msgError || m.Code != codeBadMessage {
		t.Errorf("a numeric id: got %s %q, want error bad_message", m.Type, m.Code)
	}
}

// TestSocketMalformedActionsAreBadAction: an action without a field its
// kind needs, or with a field beyond the limits, is rejected with
// bad_action and leaves no trace in the log. Missing fields used to be
// written as permanent refused events; a 15,000-character line was
// stored as it came.
func TestSocketMalformedActionsAreBadAction(t *testing.T) {
	a, id, cl := annJoined(t)
	long := strings.Repeat("é", training.MaxTextRunes+1)
	for i, act := range []simulator.Action{
		{Kind: simulator.ActSay},
		{Kind: simulator.ActClassify, Priority: "P1"},
		{Kind: simulator.ActRecord, Field: "location"},
		{Kind: simulator.ActDispatch, Info: []string{"location"}},
		{Kind: simulator.ActEscalate},
		{Kind: simulator.ActContact, Text: "hello"},
		{Kind: simulator.ActRequest, Target: "billing"},
		{Kind: simulator.ActDecide},
		{Kind: simulator.ActTransfer},
		{Kind: simulator.ActClose},
		{Kind: simulator.ActSay, Text: long},
		{Kind: simulator.ActRecord, Field: "location", Value: strings.Repeat("x", training.MaxValueRunes+1)},
		{Kind: simulator.ActDispatch, Target: strings.Repeat("g", training.MaxNameBytes+1)},
		{Kind: simulator.ActSay, Text: "hi", Intents: make([]string, training.MaxListItems+1)},
		{Kind: simulator.ActConsult, Text: "Can I offer a refund?"},
		{Kind: simulator.ActConsult, Target: "gas"},
		{Kind: simulator.ActConsult, Target: "gas", Text: long},
		{Kind: simulator.ActWrapUp, Code: strings.Repeat("c", training.MaxNameBytes+1)},
		{Kind: simulator.ActWrapUp, Text: long},
	} {
		cid := "m" + string(rune('a'+i))
		cl.command(cid, act)
		if m := cl.answer(cid); m.Type != msgReject || m.Code != codeBadAction {
			t.Errorf("%s %+v: got %s %q (%s), want reject bad_action", cid, act.Kind, m.Type, m.Code, m.Reason)
		}
	}
	for _, e := range storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvRejected || e.Type == simulator.EvAction }) {
		t.Errorf("event %d %s %+v was written for a malformed action", e.Seq, e.Type, e.Action)
	}
}

// TestSocketReviewRules: the trainer may not write the trainee's review
// over the socket (training.ActorFor), and the review's length limit
// holds on the socket as on the form (it used to hold on the form only).
func TestSocketReviewRules(t *testing.T) {
	a, id, cl := annJoined(t)
	cl.command("end", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"})
	if m := cl.answer("end"); m.Type != msgAck {
		t.Fatalf("close: %+v", m)
	}
	cl.until(func(m serverMessage) bool { return m.Type == msgEnded })
	tr := a.connect("tom", id)
	tr.resume(0)
	tr.command("r1", simulator.Action{Kind: simulator.ActReview, Text: "Written by the trainer."})
	if m := tr.answer("r1"); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("trainer's review: %s %q, want reject forbidden", m.Type, m.Code)
	}
	cl.command("r2", simulator.Action{Kind: simulator.ActReview, Text: strings.Repeat("a", training.MaxReviewRunes+1)})
	if m := cl.answer("r2"); m.Type != msgReject || m.Code != codeBadAction {
		t.Errorf("review of %d characters: %s %q, want reject bad_action", training.MaxReviewRunes+1, m.Type, m.Code)
	}
	cl.command("r3", simulator.Action{Kind: simulator.ActReview, Text: "My own review."})
	if m := cl.answer("r3"); m.Type != msgAck {
		t.Errorf("trainee's review: %s %q, want ack", m.Type, m.Code)
	}
	evs, _ := a.store.Events(context.Background(), id, 0)
	n := 0
	for _, e := range evs {
		if e.Type == simulator.EvReview {
			n++
			if e.Text != "My own review." || e.Action == nil || e.Action.By != "trainee" {
				t.Errorf("review event %d: %d characters by %v, want only the trainee's own", e.Seq, len(e.Text), e.Action)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d review events, want 1", n)
	}
}

// TestSocketBurstIsRateLimited: 140 commands sent at once by a client that
// reads everything are each answered (ack or rate_limited) and the
// connection stays open. The server's queue used to overflow into a 4008
// "too slow" close, and 100 rate-limited commands closed it with 1008.
func TestSocketBurstIsRateLimited(t *testing.T) {
	_, _, cl := annJoined(t)
	const n = 140
	done := make(chan error, 1)
	go func() {
		for i := range n {
			err := cl.c.WriteJSON(map[string]any{"type": "command", "id": "b" + itoaTest(i),
				"action": simulator.Action{Kind: simulator.ActSay, Text: "Are you still there?"}})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	answers := map[string]int{}
	for got := 0; got < n; {
		m, err := cl.next(10 * time.Second)
		if err != nil {
			t.Fatalf("after %d answers %v: %v", got, answers, err)
		}
		switch m.Type {
		case msgAck:
			answers["ack"]++
			got++
		case msgReject:
			answers[m.Code]++
			got++
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if answers["ack"] < 1 || answers[codeRateLimited] < 1 || answers["ack"]+answers[codeRateLimited]+answers[codeRefused] != n {
		t.Errorf("answers %v, want acks and rate_limited rejections only", answers)
	}
	cl.send(map[string]any{"type": "ping"})
	cl.until(func(m serverMessage) bool { return m.Type == msgPong })
}

// TestSocketTrainerRefusalHiddenFromTrainee: a trainer control the engine
// refuses (a set_var with a bad value) is recorded, but the trainee's
// socket does not carry it: it used to show the variable and the value.
func TestSocketTrainerRefusalHiddenFromTrainee(t *testing.T) {
	a, id, cl := annJoined(t)
	tr := a.connect("tom", id)
	tr.resume(0)
	tr.command("v1", simulator.Action{Kind: simulator.ActSetVar, Field: "secret_var_name", Value: "\"secret value\""})
	if m := tr.answer("v1"); m.Type != msgReject || m.Code != codeRefused {
		t.Fatalf("bad set_var: %+v, want reject refused", m)
	}
	tr.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvRejected })
	cl.command("after", sayHello)
	cl.answer("after")
	rs := a.connect("ann", id)
	rs.send(map[string]any{"type": "resume", "resync": true})
	rs.until(func(m serverMessage) bool { return m.Type == msgResync })
	for _, c := range []*client{cl, rs} {
		for _, raw := range c.raw {
			if strings.Contains(raw, "secret_var_name") || strings.Contains(raw, "set_var") || strings.Contains(raw, "secret value") {
				t.Errorf("trainee's socket carried the trainer's refused control: %s", raw)
			}
		}
	}
}

// TestSocketIdleCloseSaysReconnect: a client that sends nothing, not even
// a pong, for the pong wait is closed with 4002 (reconnect and resume),
// not 1000, which tells a client not to reconnect.
func TestSocketIdleCloseSaysReconnect(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	a.server.heartbeat = time.Hour // no pings: the client has nothing to answer
	a.server.pongWait = 200 * time.Millisecond
	id := a.session("ann", 1)
	cl := a.connect("ann", id)
	cl.resume(0)
	time.Sleep(400 * time.Millisecond) // not reading: no pong could be sent either
	if code := cl.closeCode(); code != closeIdle {
		t.Fatalf("idle close %d, want %d", code, closeIdle)
	}
}

// TestSocketReloadWritesNothing: a trainee who reloads the console (the
// socket closes and a new one resumes within the disconnect grace) adds
// nothing to the log. Each reconnect used to write a pause and a resume.
func TestSocketReloadWritesNothing(t *testing.T) {
	a, id, cl := annJoined(t)
	cl.do("h1", sayHello)
	time.Sleep(50 * time.Millisecond)
	before, _ := a.store.Events(context.Background(), id, 0)
	for range 3 {
		last := cl.last
		cl.c.Close()
		time.Sleep(100 * time.Millisecond)
		cl = a.connect("ann", id)
		cl.resume(last)
	}
	cl.send(map[string]any{"type": "ping"})
	cl.until(func(m serverMessage) bool { return m.Type == msgPong })
	after, _ := a.store.Events(context.Background(), id, 0)
	for _, e := range after[len(before):] {
		if e.Type == simulator.EvPause || e.Type == simulator.EvResume {
			t.Errorf("a reload wrote %s (%s) at seq %d", e.Type, e.Reason, e.Seq)
		}
	}
}
