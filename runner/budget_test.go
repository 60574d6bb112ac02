package runner

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// clockEvents are the pauses and resumes of a log.
func clockEvents(log []simulator.Event) []simulator.Event {
	var out []simulator.Event
	for _, e := range log {
		if e.Type == simulator.EvPause || e.Type == simulator.EvResume {
			out = append(out, e)
		}
	}
	return out
}

// assessmentRunner is a memory store with one live assessment, s1, of the
// example drill at real-time scale, and a runner with budget (0: the
// default).
func assessmentRunner(t *testing.T, budget time.Duration) (*memStore, *Runner) {
	st := newMemStore()
	x := newSessionRecord("s1", 4, 1)
	x.Mode = drillroom.ModeAssessment
	st.add(x)
	r := newTestRunner(t, st, 1024)
	r.cfg.DisconnectBudget = budget
	if budget == 0 {
		r.cfg.DisconnectBudget = DefaultDisconnectBudget
	}
	return st, r
}

// away is the trainee leaving for d (the last connection closed) and
// coming back: their new subscription.
func away(t *testing.T, r *Runner, sub *Subscription, d time.Duration) *Subscription {
	sub.Close()
	synctest.Wait()
	time.Sleep(d)
	sub = subscribe(t, r, SubscribeOptions{Trainee: true})
	synctest.Wait()
	return sub
}

// reloadedAssessment is an assessment whose trainee connected, reloaded
// the page 20 s in and was back 5 s later (5 s of the default budget
// spent), and is connected at 30 s of drill time.
func reloadedAssessment(t *testing.T) (*memStore, *Runner, *Subscription) {
	st, r := assessmentRunner(t, 0)
	sub := subscribe(t, r, SubscribeOptions{Trainee: true})
	time.Sleep(20 * time.Second)
	sub = away(t, r, sub, 5*time.Second)
	time.Sleep(10 * time.Second)
	return st, r, sub
}

// TestAssessmentBudget: an assessment's clock stands still for the
// trainee's absences only until the disconnect budget is spent; each
// absence is on the log at once (no grace), with the budget spent so far,
// and once it is spent the clock runs while the trainee is away.
func TestAssessmentBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r, sub := reloadedAssessment(t) // drill time 30 s, 5 s of the budget spent
		sub.Close()                         // away for 5 minutes
		synctest.Wait()
		time.Sleep(time.Minute)
		synctest.Wait()
		if s, _ := r.Status(ctx, "s1"); s.Clock.Running || s.Clock.T != 30000 {
			t.Fatalf("a minute away: clock %+v, want stopped at 30s", s.Clock)
		}
		time.Sleep(4 * time.Minute)
		synctest.Wait()
		// 5 s of the budget went on the reload, 115 s on this absence;
		// the other 185 s the clock ran.
		s, _ := r.Status(ctx, "s1")
		if !s.Clock.Running || s.Clock.T != 30000+185000 {
			t.Fatalf("five minutes away: clock %+v, want running at %d", s.Clock, 30000+185000)
		}
		type want struct {
			typ    simulator.EventType
			reason string
			t      int64
			away   int64
		}
		wants := []want{
			{simulator.EvPause, ReasonDisconnect, 20000, 0},
			{simulator.EvResume, ReasonReconnect, 20000, 5000},
			{simulator.EvPause, ReasonDisconnect, 30000, 5000},
			{simulator.EvResume, ReasonBudgetSpent, 30000, 120000},
		}
		got := clockEvents(st.log("s1"))
		if len(got) != len(wants) {
			t.Fatalf("pauses and resumes %+v, want %d", got, len(wants))
		}
		for i, w := range wants {
			g := got[i]
			if g.Type != w.typ || g.Reason != w.reason || g.T != w.t || g.Away != w.away || g.Budget != 120000 {
				t.Errorf("clock event %d: %s (%s) at %d, away %d of %d; want %s (%s) at %d, away %d of 120000",
					i, g.Type, g.Reason, g.T, g.Away, g.Budget, w.typ, w.reason, w.t, w.away)
			}
		}
		// Back, and away twice more: the budget is spent, the clock runs
		// on, and each absence is on the log all the same (an away and a
		// back, no pause), with the budget it spent.
		back := s.Clock.T
		sub = subscribe(t, r, SubscribeOptions{Trainee: true})
		synctest.Wait()
		sub = away(t, r, sub, 10*time.Second)
		time.Sleep(5 * time.Second)
		sub = away(t, r, sub, 20*time.Second)
		defer sub.Close()
		if s2, _ := r.Status(ctx, "s1"); !s2.Ended && (!s2.Clock.Running || s2.Clock.T != back+35000) {
			t.Fatalf("away twice after the budget: clock %+v, want running at %d", s2.Clock, back+35000)
		}
		if n := len(clockEvents(st.log("s1"))); n != len(wants) {
			t.Errorf("%d pauses and resumes after the budget was spent, want %d", n, len(wants))
		}
		wantAbs := []want{
			{simulator.EvAway, ReasonBudgetSpent, 30000, 120000},
			{simulator.EvBack, ReasonReconnect, back, 120000},
			{simulator.EvAway, ReasonDisconnect, back, 120000},
			{simulator.EvBack, ReasonReconnect, back + 10000, 120000},
			{simulator.EvAway, ReasonDisconnect, back + 15000, 120000},
			{simulator.EvBack, ReasonReconnect, back + 35000, 120000},
		}
		var abs []simulator.Event
		for _, e := range st.log("s1") {
			if e.Type == simulator.EvAway || e.Type == simulator.EvBack {
				abs = append(abs, e)
			}
		}
		if len(abs) != len(wantAbs) {
			t.Fatalf("absences %+v, want %d", abs, len(wantAbs))
		}
		for i, w := range wantAbs {
			g := abs[i]
			if g.Type != w.typ || g.Reason != w.reason || g.T != w.t || g.Away != w.away || g.Budget != 120000 || g.Action == nil || g.Action.By != drillroom.ActorSystem {
				t.Errorf("absence %d: %s (%s) at %d, away %d of %d by %v; want %s (%s) at %d, away %d of 120000 by the system",
					i, g.Type, g.Reason, g.T, g.Away, g.Budget, g.Action, w.typ, w.reason, w.t, w.away)
			}
		}
	})
}

// TestPracticeKeepsPausing: a practice session's clock stands still
// however long the trainee is away.
func TestPracticeKeepsPausing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		_, r := newRunnerWithSession(t, 4, 1, 1024)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		time.Sleep(30 * time.Second)
		sub.Close()
		time.Sleep(20 * time.Minute)
		synctest.Wait()
		if s, _ := r.Status(ctx, "s1"); s.Clock.Running || s.Clock.T != 30000 {
			t.Fatalf("twenty minutes away from practice: clock %+v, want stopped at 30s", s.Clock)
		}
	})
}

// TestBudgetSurvivesRestart: the budget spent is read back from the log.
// A restarted runner pauses the assessment (the trainee is not connected)
// and charges the absence from then on; after the rest of the budget the
// clock runs without the trainee.
func TestBudgetSurvivesRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := assessmentRunner(t, 90*time.Second)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		time.Sleep(10 * time.Second)
		sub.Close()
		synctest.Wait()
		time.Sleep(time.Minute) // 60 of the 90 s spent
		sub = subscribe(t, r, SubscribeOptions{Trainee: true})
		time.Sleep(20 * time.Second)
		synctest.Wait()
		// The process dies with the trainee connected.
		r.Close(ctx)
		sub.Close()
		time.Sleep(time.Hour) // the time nobody hosted it is not charged
		// A restarted session goes on from its last stored event.
		lastT := st.log("s1")[len(st.log("s1"))-1].T

		r = newTestRunner(t, st, 1024)
		r.cfg.DisconnectBudget = 90 * time.Second
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		time.Sleep(29 * time.Second)
		if s, _ := r.Status(ctx, "s1"); s.Clock.Running || s.Clock.T != lastT {
			t.Fatalf("29 s after the restart: clock %+v, want stopped at %d", s.Clock, lastT)
		}
		time.Sleep(11 * time.Second)
		synctest.Wait()
		if s, _ := r.Status(ctx, "s1"); !s.Clock.Running || s.Clock.T != lastT+10000 {
			t.Fatalf("40 s after the restart: clock %+v, want running at %d (30 s of budget were left)", s.Clock, lastT+10000)
		}
		got := clockEvents(st.log("s1"))
		if len(got) != 4 {
			t.Fatalf("clock events %+v, want pause, resume, restart pause, budget resume", got)
		}
		if p := got[2]; p.Type != simulator.EvPause || p.Reason != ReasonRestart || p.Away != 60000 || p.T != lastT {
			t.Errorf("restart: %+v, want a pause (restart) at %d with 60 s spent", p, lastT)
		}
		if p := got[3]; p.Type != simulator.EvResume || p.Reason != ReasonBudgetSpent || p.Away != 90000 || p.T != lastT {
			t.Errorf("budget: %+v, want a resume (budget_spent) at %d with 90 s spent", p, lastT)
		}
	})
}

// TestBudgetSurvivesTakeover: a node that takes over an assessment a dead
// node left paused for the trainee's absence goes on charging the absence
// from the budget the log records, and runs the clock once it is spent.
func TestBudgetSurvivesTakeover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r, sub := reloadedAssessment(t)
		sub.Close() // away again, and the node dies
		synctest.Wait()
		r.Close(ctx)
		lastT := st.log("s1")[len(st.log("s1"))-1].T

		table := &leaseTable{owner: map[string]string{}}
		lc := table.node("c", "s1")
		c := newTestRunner(t, st, 1024)
		c.cfg.Leases, c.cfg.LeaseRenew = lc, time.Second
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // the first renewal adopts the orphan
		synctest.Wait()
		if c.Live() != 1 {
			t.Fatal("node c did not take the session over")
		}
		time.Sleep(114 * time.Second)
		synctest.Wait()
		if s, _ := c.Status(ctx, "s1"); s.Clock.Running {
			t.Fatalf("115 s into the takeover: clock %+v, want still stopped (115 s of the budget left)", s.Clock)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		s, _ := c.Status(ctx, "s1")
		if !s.Clock.Running {
			t.Fatalf("117 s into the takeover: clock %+v, want running", s.Clock)
		}
		got := clockEvents(st.log("s1"))
		last := got[len(got)-1]
		if last.Type != simulator.EvResume || last.Reason != ReasonBudgetSpent || last.Away != 120000 || last.T != lastT {
			t.Errorf("after the takeover: %+v, want the budget spent at %d", last, lastT)
		}
		c.Close(ctx)
	})
}
