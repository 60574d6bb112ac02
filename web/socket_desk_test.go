package web

import (
	"context"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// TestSocketConsult: the trainee consults the gas desk while keeping the
// caller on hold: the consult is acknowledged and on the log as the
// trainee's; the desk answers on the radio; going back to the caller
// ends it; a trainer observing may not consult for the trainee, and
// nobody may send the runner's own absence records. The debrief's
// timeline shows the consult, the answer and the return.
func TestSocketConsult(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	id := a.session("ann", 60) // the desk's 10 s answer comes in a sixth of a second
	ann := a.join("ann", id)
	ann.ack("hello", sayHello)
	ann.ack("notice", simulator.Action{Kind: simulator.ActSay, Text: "One moment, I'll put you on a short hold.", Intents: []string{"hold"}})
	ann.ack("hold", simulator.Action{Kind: simulator.ActHold})
	ann.ack("consult", simulator.Action{Kind: simulator.ActConsult, Target: "gas", Text: "Should they open the windows?"})
	ev := ann.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Type == simulator.EvAction && m.Event.Action.Kind == simulator.ActConsult
	}).Event
	if ev.Action.By != "" && ev.Action.By != drillroom.ActorTrainee {
		t.Errorf("the consult is recorded as %q, want the trainee's", ev.Action.By)
	}
	answer := ann.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Type == simulator.EvLine && m.Event.From == "gas"
	}).Event
	if answer.Channel != simulator.ChannelRadio || answer.ID != "" || !strings.HasPrefix(answer.Text, "Gas Emergency Service: ") {
		t.Errorf("the desk's answer %+v, want a radio line by name, without the script's id", answer)
	}
	tom := a.join("tom", id)
	if m := tom.do("t1", simulator.Action{Kind: simulator.ActEndConsult}); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("an observing trainer ends the consult: %+v, want forbidden", m)
	}
	for _, k := range []simulator.ActionKind{simulator.ActAway, simulator.ActBack} {
		if m := ann.do("x-"+string(k), simulator.Action{Kind: k, Text: "disconnect"}); m.Type != msgReject {
			t.Errorf("the trainee sends %s: %+v, want rejected", k, m)
		}
	}
	ann.ack("back", simulator.Action{Kind: simulator.ActEndConsult})
	ann.ack("resume", simulator.Action{Kind: simulator.ActResume})
	ann.closeCall()
	for _, e := range storedEvents(t, a.store, id, func(e simulator.Event) bool {
		return e.Type == simulator.EvAway || e.Type == simulator.EvBack || (e.Action != nil && (e.Action.Kind == simulator.ActAway || e.Action.Kind == simulator.ActBack))
	}) {
		t.Errorf("the trainee's absence record reached the log: %+v", e)
	}
	page := debriefText(t, a, "ann", id)
	for _, want := range []string{"Consulted Gas Emergency Service, keeping the caller: Should they open the windows?", answer.Text, "Back to the caller"} {
		if !strings.Contains(page, want) {
			t.Errorf("the debrief's timeline lacks %q", want)
		}
	}
}

// TestSocketWrapUp: after the call the trainee finishes wrap-up with
// notes; it is acknowledged once, on the log as theirs, and the debrief
// shows it on the timeline, with the wrap-up KPI its time from the end of
// the call; an observing trainer may not finish it for them.
func TestSocketWrapUp(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	ctx := context.Background()
	id := a.session("ann", 60)
	ann := a.join("ann", id)
	ann.ack("hello", sayHello)
	end := ann.closeCall()
	tom := a.join("tom", id)
	if m := tom.do("t1", simulator.Action{Kind: simulator.ActWrapUp, Code: "advice_only", Text: "notes"}); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("an observing trainer's wrap-up: %+v, want forbidden", m)
	}
	if m := ann.do("say", sayHello); m.Type != msgReject {
		t.Errorf("a line after the call: %+v, want refused", m)
	}
	// The policy asks for a wrap-up code and notes.
	if m := ann.do("nocode", simulator.Action{Kind: simulator.ActWrapUp, Text: "notes"}); m.Type != msgReject || !strings.Contains(m.Reason, "choose a wrap-up code") {
		t.Errorf("a wrap-up without its code: %+v, want refused", m)
	}
	if m := ann.do("nonotes", simulator.Action{Kind: simulator.ActWrapUp, Code: "emergency_referred"}); m.Type != msgReject || !strings.Contains(m.Reason, "needs notes") {
		t.Errorf("a wrap-up without notes: %+v, want refused", m)
	}
	ann.ack("wrap", simulator.Action{Kind: simulator.ActWrapUp, Code: "emergency_referred", Text: "Handed over to the gas engineer; caller outside."})
	ev := ann.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Type == simulator.EvAction && m.Event.Action.Kind == simulator.ActWrapUp
	}).Event
	if ev.T <= end.T {
		t.Errorf("wrap-up finished at %d, want after the end at %d: the wrap-up clock runs at the desk", ev.T, end.T)
	}
	if m := ann.do("wrap2", simulator.Action{Kind: simulator.ActWrapUp, Code: "advice_only", Text: "again"}); m.Type != msgReject || !strings.Contains(m.Reason, "already finished") {
		t.Errorf("a second wrap-up: %+v, want refused", m)
	}
	st, err := a.runner.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Clock.Running {
		t.Errorf("after wrap-up the clock %+v, want stopped", st.Clock)
	}
	card, err := scoring.Score(a.sc, storedEvents(t, a.store, id, func(simulator.Event) bool { return true }))
	if err != nil {
		t.Fatal(err)
	}
	want := float64(ev.T-end.T) / 1000
	if card.KPIs.WrapUp != want {
		t.Errorf("wrap-up KPI %v s, want %v s: from the end to the finish", card.KPIs.WrapUp, want)
	}
	page := debriefText(t, a, "ann", id)
	if !strings.Contains(page, "Finished wrap-up: Emergency referred to a service (notes: Handed over to the gas engineer; caller outside.)") {
		t.Error("the debrief's timeline lacks the wrap-up")
	}
	if kpi := "<dt>Wrap-up</dt><dd>" + formatSeconds(want) + "</dd>"; !strings.Contains(page, kpi) {
		t.Errorf("the debrief's measures lack %q", kpi)
	}
}
