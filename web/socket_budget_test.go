package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// TestAssessmentDisconnectBudget: an assessment whose trainee disconnects
// for five minutes of drill time has its clock stopped for the disconnect
// budget (the default, two minutes) and running after it, with the pause
// and the moment the budget ran out on the log, and the trainee reads both
// when they are back. The drill runs at 60 times real time (the session's
// time scale), so five minutes of drill time are five real seconds.
func TestAssessmentDisconnectBudget(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	ctx := context.Background()
	id := a.sessionIn("ann", drillroom.ModeAssessment, 60)
	tom := a.join("tom", id) // the trainer watches
	ann := a.join("ann", id)
	ann.ack("a1", sayHello)
	last := ann.last
	left := time.Now()
	ann.c.NetConn().Close() // the trainee leaves, without a close frame

	isClock := func(typ simulator.EventType, reason string) func(serverMessage) bool {
		return func(m serverMessage) bool {
			return m.Type == msgEvent && m.Event.Type == typ && m.Event.Reason == reason
		}
	}
	pause := tom.until(isClock(simulator.EvPause, runner.ReasonDisconnect)).Event
	spent := tom.until(isClock(simulator.EvResume, runner.ReasonBudgetSpent)).Event
	if pause.Away != 0 || pause.Budget != 120000 {
		t.Errorf("pause: %d ms of %d spent, want 0 of 120000", pause.Away, pause.Budget)
	}
	if spent.T != pause.T || spent.Away != 120000 || spent.Budget != 120000 {
		t.Errorf("budget spent at %d with %d of %d, want at %d (the clock stood still) with 120000 of 120000",
			spent.T, spent.Away, spent.Budget, pause.T)
	}
	// Five minutes of drill time away in all: the clock runs meanwhile.
	time.Sleep(time.Until(left.Add(5 * time.Second)))
	st, err := a.runner.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Ended && (!st.Clock.Running || st.Clock.T <= pause.T) {
		t.Fatalf("five minutes away: clock %+v, want running past %d", st.Clock, pause.T)
	}

	// The trainee is back: they read what happened while they were away,
	// and their return is on the log as a back (the clock was running).
	back := a.connect("ann", id)
	back.resume(last)
	got := back.until(isClock(simulator.EvResume, runner.ReasonBudgetSpent)).Event
	if got.Seq != spent.Seq {
		t.Errorf("the trainee read the budget's end at seq %d, want %d", got.Seq, spent.Seq)
	}
	clock := storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvPause || e.Type == simulator.EvResume })
	if len(clock) != 2 || clock[0].Seq != pause.Seq || clock[1].Seq != spent.Seq {
		t.Fatalf("pauses and resumes on the log: %+v, want the disconnect pause and the budget's end only", clock)
	}

	// Twice more away, the budget spent: the clock runs on, and each
	// absence is on the log (an away and a back, by the system) and on
	// the debrief the coach reads.
	tom.until(isClock(simulator.EvBack, runner.ReasonReconnect)) // the first return
	cur := back
	for range 2 {
		cur.c.NetConn().Close()
		tom.until(isClock(simulator.EvAway, runner.ReasonDisconnect))
		time.Sleep(300 * time.Millisecond)
		cur = a.connect("ann", id)
		cur.resume(0)
		tom.until(isClock(simulator.EvBack, runner.ReasonReconnect))
	}
	var abs []string
	for _, e := range storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvAway || e.Type == simulator.EvBack }) {
		if e.Action == nil || e.Action.By != drillroom.ActorSystem || e.Budget != 120000 {
			t.Errorf("absence %+v, want the system's with the budget", e)
		}
		abs = append(abs, string(e.Type)+":"+e.Reason)
	}
	clock = storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvPause || e.Type == simulator.EvResume })
	want := "away:budget_spent back:reconnect away:disconnect back:reconnect away:disconnect back:reconnect"
	if got := strings.Join(abs, " "); got != want {
		t.Errorf("absences on the log: %s, want %s", got, want)
	}
	if len(clock) != 2 {
		t.Errorf("%d pauses and resumes, want still 2: the clock ran through the later absences", len(clock))
	}
	cur.closeCall()
	away := debriefAbsences(t, a, "cat", id)
	if n := strings.Count(away, "You left the call; the clock runs on"); n != 2 {
		t.Errorf("the debrief's absences name %d departures after the budget, want 2:\n%s", n, away)
	}
	if n := strings.Count(away, "You are back; the clock ran on while you were away"); n != 3 {
		t.Errorf("the debrief's absences name %d returns, want 3:\n%s", n, away)
	}
}
