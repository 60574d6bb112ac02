package runner

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// TestWrapUpClock: after the call the clock runs on for the after-call
// work while the trainee is at the desk; leaving the desk stops it (an
// away on the log) and coming back starts it again (a back); "finish
// wrap-up" is stamped with the wrap-up time spent at the desk, and the
// scorecard's wrap-up KPI is that time; then the clock stops for good.
func TestWrapUpClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 7, 1, 1024)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		do := func(id string, a simulator.Action) Result {
			t.Helper()
			res, err := r.Do(ctx, "s1", Command{ID: id, By: "trainee", Action: a})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		time.Sleep(10 * time.Second)
		if res := do("close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}); !res.Applied() {
			t.Fatalf("close refused: %s", res.Reason)
		}
		time.Sleep(20 * time.Second)
		synctest.Wait()
		if s, _ := r.Status(ctx, "s1"); !s.Ended || !s.Clock.Running || s.Clock.T != 30000 {
			t.Fatalf("20 s into wrap-up: %+v, want ended with the clock running at 30 s", s)
		}
		sub.Close() // leaves the desk for a minute
		synctest.Wait()
		time.Sleep(time.Minute)
		sub = subscribe(t, r, SubscribeOptions{Trainee: true})
		defer sub.Close()
		synctest.Wait()
		time.Sleep(15 * time.Second)
		if res := do("wrap", simulator.Action{Kind: simulator.ActWrapUp, Code: "emergency_referred", Text: "Handed over to the gas engineer."}); !res.Applied() {
			t.Fatalf("wrap-up refused: %s", res.Reason)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if s, _ := r.Status(ctx, "s1"); s.Clock.Running || s.Clock.T != 45000 {
			t.Fatalf("after wrap-up: clock %+v, want stopped at 45 s", s.Clock)
		}
		var got []string
		var wrapT int64 = -1
		for _, e := range st.log("s1") {
			switch {
			case e.Type == simulator.EvAway || e.Type == simulator.EvBack:
				got = append(got, string(e.Type)+" "+e.Reason+" "+time.Duration(e.T*int64(time.Millisecond)).String())
			case e.Type == simulator.EvAction && e.Action.Kind == simulator.ActWrapUp:
				wrapT = e.T
			}
		}
		want := []string{"away wrap_up 30s", "back wrap_up 30s"}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("absences from wrap-up %v, want %v", got, want)
		}
		if wrapT != 45000 {
			t.Errorf("wrap-up finished at %d, want 45000 (35 s at the desk after the end at 10 s)", wrapT)
		}
		if c := st.scorecard(t, "s1"); c == nil || c.KPIs.WrapUp != 35 {
			t.Errorf("scorecard %+v, want the wrap-up KPI at 35 s", c)
		}
	})
}

// TestEndStoredBeforeItIsPublished: the session's row says the call
// ended before a subscriber can read the end, so a trainee who opens the
// debrief the moment their call ends finds it over, not live; and the
// scorecard with the wrap-up is stored before the wrap-up is published.
func TestEndStoredBeforeItIsPublished(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 7, 1, 1024)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		defer sub.Close()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		for len(sub.Events()) > 0 {
			<-sub.Events() // what came before the close
		}
		published := -1
		st.onEnd = func() { published = len(sub.Events()) }
		if res, err := r.Do(ctx, "s1", Command{ID: "close", By: "trainee", Action: simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}}); err != nil || !res.Applied() {
			t.Fatalf("close: %+v %v", res, err)
		}
		if published != 0 {
			t.Fatalf("the session's row was ended with %d events of the close already published, want 0", published)
		}
		x, err := st.Session(ctx, "s1")
		if err != nil || x.State != drillroom.StateEnded {
			t.Fatalf("after the close the session is %+v (%v), want ended", x, err)
		}

		// Likewise the scorecard that counts the wrap-up is stored before
		// the wrap-up reaches the trainee: a debrief opened the moment the
		// desk says "wrap-up finished" shows its time.
		time.Sleep(20 * time.Second)
		synctest.Wait()
		for len(sub.Events()) > 0 {
			<-sub.Events() // the close
		}
		published, puts := -1, 0
		st.onScorecard = func() { published, puts = len(sub.Events()), puts+1 }
		if res, err := r.Do(ctx, "s1", Command{ID: "wrap", By: "trainee", Action: simulator.Action{Kind: simulator.ActWrapUp, Code: "emergency_referred", Text: "Handed over to the gas engineer."}}); err != nil || !res.Applied() {
			t.Fatalf("wrap-up: %+v %v", res, err)
		}
		if puts != 1 || published != 0 {
			t.Fatalf("the wrap-up's scorecard was stored %d times, with %d of its events already published; want once, before any", puts, published)
		}
		if c := st.scorecard(t, "s1"); c == nil || c.KPIs.WrapUp != 20 {
			t.Fatalf("the stored scorecard %+v, want the wrap-up KPI at 20 s", c)
		}
	})
}
