package web

import (
	"context"
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
	// and their return writes nothing (the clock was running).
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
}
