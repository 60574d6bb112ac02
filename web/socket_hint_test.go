package web

import (
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// TestSocketHint: a practice trainee's hint action is acknowledged and
// its event brings the policy's first desk hint, recorded as the
// trainee's; a trainer observing the call may not take one for them; an
// assessment refuses it with the reason.
func TestSocketHint(t *testing.T) {
	a, id, ann := annJoined(t)
	if m := ann.do("h1", simulator.Action{Kind: simulator.ActHint}); m.Type != msgAck {
		t.Fatalf("practice hint: %+v, want an ack", m)
	}
	want := scenarios.DeskHints(a.sc)[0]
	ev := ann.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Action != nil && m.Event.Action.Kind == simulator.ActHint
	}).Event
	if ev.Text != want || (ev.Action.By != "" && ev.Action.By != drillroom.ActorTrainee) {
		t.Errorf("hint event: text %q by %q, want %q by the trainee", ev.Text, ev.Action.By, want)
	}
	tom := a.join("tom", id)
	if m := tom.do("t1", simulator.Action{Kind: simulator.ActHint}); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("observing trainer's hint: %+v, want forbidden", m)
	}
	if n := a.applied(id, "h1"); n != 1 {
		t.Errorf("hint applied %d times, want 1", n)
	}

	exam := a.sessionIn("ann", drillroom.ModeAssessment, 1)
	cl := a.join("ann", exam)
	if m := cl.do("h2", simulator.Action{Kind: simulator.ActHint}); m.Type != msgReject || m.Code != codeRefused || !strings.Contains(m.Reason, "hints are for practice") {
		t.Errorf("assessment hint: %+v, want refused: hints are for practice", m)
	}
}

// TestDebriefHints: the debrief of a practice call that took two hints
// says so on a line of the score (how many, the points they cost and
// when), and its timeline has each hint taken, with its text.
func TestDebriefHints(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	hint := simulator.Action{Kind: simulator.ActHint}
	id := a.playedCall("ann", hint, hint)
	page := debriefText(t, a, "ann", id)
	if !strings.Contains(page, "Hints taken: 2, −2 points") {
		t.Errorf("the debrief lacks the hints line")
	}
	for _, h := range scenarios.DeskHints(a.sc)[:2] {
		if !strings.Contains(page, "Took a hint: "+h) {
			t.Errorf("the timeline lacks the hint %q", h)
		}
	}
	// The same call without hints: no such line.
	plain := a.playedCall("ann")
	if page := getPage(t, a, "ann", "/sessions/"+plain+"/debrief"); strings.Contains(page, `id="score-hints"`) {
		t.Error("a call without hints has a hints line")
	}
}
