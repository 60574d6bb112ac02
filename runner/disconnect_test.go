package runner

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/drillroom/drillroom/simulator"
)

// TestQuickReconnectWritesNothing: a trainee who comes back within the
// disconnect grace (a page reload, a network blip) finds the clock where
// they left it, and the log has nothing of it. Each reconnect used to
// write a pause and a resume.
func TestQuickReconnectWritesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 9, 1, 0) // the default buffer
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		time.Sleep(30 * time.Second)
		synctest.Wait()
		before := len(st.log("s1"))
		for range 3 { // three reloads, 10 s each
			sub.Close()
			time.Sleep(10 * time.Second)
			synctest.Wait()
			if st1, _ := r.Status(ctx, "s1"); st1.Clock.Running || st1.Clock.T != 30000 {
				t.Fatalf("while away: clock %+v, want stopped at 30s", st1.Clock)
			}
			sub = subscribe(t, r, SubscribeOptions{Trainee: true, AfterSeq: int64(len(st.log("s1")))})
		}
		synctest.Wait()
		for _, e := range st.log("s1")[before:] {
			if e.Type == simulator.EvPause || e.Type == simulator.EvResume {
				t.Errorf("reconnecting within the grace wrote %s (%s) at %d", e.Type, e.Reason, e.T)
			}
		}
		time.Sleep(5 * time.Second)
		if st1, _ := r.Status(ctx, "s1"); !st1.Clock.Running || st1.Clock.T != 35000 {
			t.Fatalf("after the reloads: clock %+v, want running at 35s (the 30 s away not counted)", st1.Clock)
		}
		sub.Close()
	})
}
