package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// received is an event with the (bubble) time it reached a subscriber,
// measured from when the session's clock started.
type received struct {
	e  simulator.Event
	at time.Duration
}

// collector reads a subscription in the background, noting when each
// event reached it.
type collector struct {
	sub  *Subscription
	got  []received // read only after stop, or once synctest.Wait says the reader is idle
	done chan struct{}
}

// collect reads sub until it is closed, timing events from t0.
func collect(sub *Subscription, t0 time.Time) *collector {
	c := &collector{sub: sub, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for e := range sub.Events() {
			c.got = append(c.got, received{*e, time.Since(t0)})
		}
	}()
	return c
}

// collectTrainee subscribes to session s1 as its trainee and collects
// what comes, timed from now, which it returns too.
func collectTrainee(t *testing.T, r *Runner) (*collector, time.Time) {
	t.Helper()
	sub := subscribe(t, r, SubscribeOptions{Trainee: true})
	t0 := time.Now()
	return collect(sub, t0), t0
}

// stop closes the subscription and returns all it received.
func (c *collector) stop() []received {
	c.sub.Close()
	<-c.done
	return c.got
}

// step is one scripted command at a virtual (and, at scale 1, real) time.
type step struct {
	at time.Duration
	a  simulator.Action
}

// gasScript plays the example drill well, closing the call at 15 minutes.
var gasScript = []step{
	{8 * time.Second, simulator.Action{Kind: simulator.ActSay, Text: "Please leave the flat now and don't touch any switches.", Intents: []string{"safety_advice"}}},
	{25 * time.Second, simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"}},
	{40 * time.Second, simulator.Action{Kind: simulator.ActSay, Text: "What's the address?", Intents: []string{"ask_location"}}},
	{55 * time.Second, simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 3, Alder Road"}},
	{65 * time.Second, simulator.Action{Kind: simulator.ActRecord, Field: "hazard", Value: "gas smell in hallway"}},
	{80 * time.Second, simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}}},
	{3 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "The engineer is on the way.", Intents: []string{"update"}}},
	{5 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "Still on the way, stay outside.", Intents: []string{"update"}}},
	{7 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "Another update for you.", Intents: []string{"update"}}},
	{9 * time.Minute, simulator.Action{Kind: simulator.ActRecord, Field: "callback", Value: "07700 900123"}},
	{11 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "Not long now.", Intents: []string{"update"}}},
	{13 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "They should be with you shortly.", Intents: []string{"update"}}},
	{15 * time.Minute, simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}},
}

// play sends script's commands at their times (relative to t0).
func play(t *testing.T, r *Runner, id string, t0 time.Time, script []step) []Result {
	t.Helper()
	var out []Result
	for i, s := range script {
		time.Sleep(time.Until(t0.Add(s.at)))
		res, err := r.Do(context.Background(), id, Command{ID: fmt.Sprintf("c%d", i), By: "trainee", Action: s.a})
		if err != nil {
			t.Fatalf("command %d (%s): %v", i, s.a.Kind, err)
		}
		out = append(out, res)
	}
	return out
}

func ms(d time.Duration) simulator.Millis { return simulator.Millis(d / time.Millisecond) }

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestFifteenMinuteDrill plays the example drill for 15 minutes of fake
// time. Every event must reach the subscriber at its scheduled virtual
// time, and the stored log must be exactly what the engine produces when
// driven directly with the same inputs at the same times.
func TestFifteenMinuteDrill(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, r := newRunnerWithSession(t, 7, 1, 1024)
		ctx := context.Background()
		col, t0 := collectTrainee(t, r)
		results := play(t, r, "s1", t0, gasScript)
		time.Sleep(time.Minute)
		synctest.Wait()
		got := col.stop()
		if err := r.Close(ctx); err != nil {
			t.Fatal(err)
		}

		for i, res := range results {
			if !res.Applied() {
				t.Errorf("command %d (%s) refused: %s", i, gasScript[i].a.Kind, res.Reason)
			}
		}
		if len(col.sub.Backlog) == 0 || col.sub.Backlog[0].Type != simulator.EvStart {
			t.Fatalf("backlog %v, want the opening events", col.sub.Backlog)
		}
		if len(got) < 20 {
			t.Fatalf("got %d live events, want a whole drill", len(got))
		}
		for _, g := range got {
			if g.e.T != ms(g.at) {
				t.Errorf("event %d (%s) at virtual %dms reached the subscriber at %v", g.e.Seq, g.e.Type, g.e.T, g.at)
			}
		}
		stored := st.log("s1")
		// The call ended at 15m; the trainee, at the desk for a minute of
		// wrap-up, left it without finishing (its clock stops: an away).
		n := len(stored)
		if end := stored[n-2]; end.Type != simulator.EvEnd || end.T != ms(15*time.Minute) {
			t.Errorf("event before the last %s at %d, want end at 15m", end.Type, end.T)
		}
		if last := stored[n-1]; last.Type != simulator.EvAway || last.Reason != ReasonWrapUp || last.T != ms(16*time.Minute) || last.Action.By != drillroom.ActorSystem {
			t.Errorf("last event %+v, want the system's away from wrap-up at 16m", last)
		}
		// Every stored event was delivered, in order, exactly once (all but
		// the away, written as the trainee's subscription closed).
		all := append(append([]simulator.Event(nil), col.sub.Backlog...), events(got)...)
		if jsonOf(all) != jsonOf(stored[:n-1]) {
			t.Errorf("delivered events differ from the stored log:\n got %s\nwant %s", jsonOf(all), jsonOf(stored))
		}

		// The same inputs at the same virtual times, straight into the engine.
		eng, want, err := simulator.New(scenariotest.GasExample(t), simulator.Config{Seed: 7, Mode: "practice", Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range gasScript {
			a := s.a
			a.By, a.Cmd = "trainee", fmt.Sprintf("c%d", i)
			evs, err := eng.Apply(ms(s.at), a)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, evs...)
		}
		away, err := eng.Apply(ms(16*time.Minute), simulator.Action{Kind: simulator.ActAway, Text: ReasonWrapUp, By: drillroom.ActorSystem})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, away...)
		if jsonOf(stored) != jsonOf(want) {
			t.Errorf("runner log differs from the engine driven directly:\n got %s\nwant %s", jsonOf(stored), jsonOf(want))
		}
		c := st.scorecard(t, "s1")
		if c == nil || c.Possible == 0 {
			t.Fatalf("scorecard %+v, want one stored at the end", c)
		}
		// Each rule's outcome is stored with the scorecard, as the card says.
		st.mu.Lock()
		outcomes := st.outcomes["s1"]
		st.mu.Unlock()
		var rules int
		for _, sec := range c.Sections {
			rules += len(sec.Rules)
		}
		if rules == 0 || len(outcomes) != rules {
			t.Errorf("stored %d rule outcomes, want the scorecard's %d rules", len(outcomes), rules)
		}
		for _, o := range outcomes {
			r, ok := c.Rule(o.RuleID)
			if !ok || r.Outcome != o.Outcome || r.Points != o.Points || r.Max != o.MaxPoints || o.RubricHash != c.RubricHash {
				t.Errorf("stored outcome %+v, want rule %+v of rubric %s", o, r, c.RubricHash)
			}
		}
		if x, _ := st.Session(ctx, "s1"); x.State != "ended" || x.Ending == "" {
			t.Errorf("session state %q ending %q, want ended", x.State, x.Ending)
		}
	})
}

// subscribe subscribes to session s1 of r with opts.
func subscribe(t *testing.T, r *Runner, opts SubscribeOptions) *Subscription {
	t.Helper()
	sub, err := r.Subscribe(context.Background(), "s1", opts)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// seqsOf lists the seqs of the events in lists, in order.
func seqsOf(lists ...[]simulator.Event) []int64 {
	seqs := []int64{}
	for _, evs := range lists {
		for _, e := range evs {
			seqs = append(seqs, e.Seq)
		}
	}
	return seqs
}

// countCommand is the number of events of type typ that command id wrote
// to log.
func countCommand(log []simulator.Event, id string, typ simulator.EventType) int {
	n := 0
	for _, e := range log {
		if e.Action != nil && e.Action.Cmd == id && e.Type == typ {
			n++
		}
	}
	return n
}

func events(rs []received) []simulator.Event {
	out := make([]simulator.Event, len(rs))
	for i, r := range rs {
		out[i] = r.e
	}
	return out
}

// TestPauseStopsVirtualTime: while a trainer pause lasts, nothing fires and
// virtual time stands still; after resume it continues where it stopped.
func TestPauseStopsVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, r := newRunnerWithSession(t, 3, 1, 1024)
		ctx := context.Background()
		col, _ := collectTrainee(t, r)

		time.Sleep(30 * time.Second)
		res, err := r.Do(ctx, "s1", Command{ID: "p", By: "trainer", Action: simulator.Action{Kind: simulator.ActPause}})
		if err != nil || !res.Applied() {
			t.Fatalf("pause: %+v %v", res, err)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		st1, _ := r.Status(ctx, "s1")
		if st1.Clock.Running || st1.Clock.T != 30000 {
			t.Errorf("clock while paused %+v, want stopped at 30000", st1.Clock)
		}
		res, err = r.Do(ctx, "s1", Command{ID: "r", By: "trainer", Action: simulator.Action{Kind: simulator.ActResumeClock}})
		if err != nil || !res.Applied() {
			t.Fatalf("resume: %+v %v", res, err)
		}
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		got := col.stop()

		const paused = 10 * time.Minute
		var sawPause, sawResume, after bool
		for _, g := range got {
			switch {
			case g.e.Type == simulator.EvPause:
				sawPause = g.e.T == 30000 && g.at == 30*time.Second
			case g.e.Type == simulator.EvResume:
				sawResume = g.e.T == 30000 && g.at == 30*time.Second+paused
			case g.at < 30*time.Second:
				if g.e.T != ms(g.at) {
					t.Errorf("before the pause: %s at %d received at %v", g.e.Type, g.e.T, g.at)
				}
			case g.at < 30*time.Second+paused:
				t.Errorf("%s (seq %d) delivered during the pause at %v", g.e.Type, g.e.Seq, g.at)
			default:
				after = true
				if g.e.T != ms(g.at-paused) {
					t.Errorf("after the pause: %s at virtual %d received at %v, want virtual %d", g.e.Type, g.e.T, g.at, ms(g.at-paused))
				}
			}
		}
		if !sawPause || !sawResume || !after {
			t.Errorf("pause %v, resume %v, events after resume %v; want all", sawPause, sawResume, after)
		}
	})
}

// TestScale: at scale 60 the drill's 20-minute time limit passes in 20
// seconds, and events keep their virtual times.
func TestScale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, r := newRunnerWithSession(t, 5, 60, 1024)
		col, _ := collectTrainee(t, r)
		time.Sleep(21 * time.Second)
		synctest.Wait()
		got := col.stop()
		var end *received
		for i, g := range got {
			real := float64(g.at) / float64(time.Millisecond) * 60
			if d := real - float64(g.e.T); d < 0 || d >= 1 {
				t.Errorf("%s at virtual %d received at %v (virtual %.3f)", g.e.Type, g.e.T, g.at, real)
			}
			if g.e.Type == simulator.EvEnd {
				end = &got[i]
			}
		}
		if end == nil || end.at > 20*time.Second {
			t.Fatalf("end %+v, want the call over within 20s of real time", end)
		}
	})
}

// TestSlowSubscriberDropped: a subscriber that does not read is dropped
// with ErrSlow; the session and the other subscriber go on undisturbed, and
// the dropped one resumes from its last seq with nothing missing.
func TestSlowSubscriberDropped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, r := newRunnerWithSession(t, 11, 1, 4)
		fast := subscribe(t, r, SubscribeOptions{Trainee: true})
		slow := subscribe(t, r, SubscribeOptions{})
		t0 := time.Now()
		col := collect(fast, t0)
		play(t, r, "s1", t0, gasScript[:6])
		synctest.Wait()

		// The slow one has not read anything: it is gone.
		var read []simulator.Event
		for e := range slow.Events() {
			read = append(read, *e)
		}
		if !errors.Is(slow.Err(), ErrSlow) {
			t.Fatalf("slow subscriber: err %v, want ErrSlow", slow.Err())
		}
		for _, g := range col.got {
			if g.e.T != ms(g.at) {
				t.Errorf("fast subscriber: %s at %d received at %v", g.e.Type, g.e.T, g.at)
			}
		}
		last := slow.LastSeq
		if len(read) > 0 {
			last = read[len(read)-1].Seq
		}
		again := subscribe(t, r, SubscribeOptions{AfterSeq: last})
		seqs := seqsOf(slow.Backlog, read, again.Backlog)
		stored := st.log("s1")
		if len(seqs) != len(stored) {
			t.Fatalf("slow subscriber saw %d events after resuming, the log has %d", len(seqs), len(stored))
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("seqs %v: gap or duplicate at %d", seqs, i)
			}
		}
		again.Close()
		col.stop()
	})
}

// TestIdempotentCommands: a command id is applied once, in this process
// and after a restart; a refusal is remembered just like an ack.
func TestIdempotentCommands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 2, 1, 64)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		say := Command{ID: "say-1", By: "trainee", Action: simulator.Action{Kind: simulator.ActSay, Text: "Hello", Intents: []string{"greet"}}}
		first, err := r.Do(ctx, "s1", say)
		if err != nil || !first.Applied() {
			t.Fatalf("first: %+v %v", first, err)
		}
		time.Sleep(2 * time.Second)
		second, err := r.Do(ctx, "s1", say)
		if err != nil || second != first {
			t.Fatalf("retry: %+v %v, want %+v", second, err, first)
		}
		bad := Command{ID: "cls-1", By: "trainee", Action: simulator.Action{Kind: simulator.ActClassify, Category: "no-such-category", Priority: "P9"}}
		r1, err := r.Do(ctx, "s1", bad)
		if err != nil || r1.Code != CodeRefused || r1.Seq == 0 {
			t.Fatalf("bad classify: %+v %v, want refused with a seq", r1, err)
		}
		r2, err := r.Do(ctx, "s1", bad)
		if err != nil || r2 != r1 {
			t.Fatalf("bad classify retried: %+v %v, want %+v", r2, err, r1)
		}
		// An older id than the last: the session remembers only a hash of
		// it, and answers from the store.
		older, err := r.Do(ctx, "s1", say)
		if err != nil || older != first {
			t.Fatalf("older id retried: %+v %v, want %+v", older, err, first)
		}
		sub.Close()
		r.Close(ctx)

		// A new runner on the same store: the ids are remembered.
		r = newTestRunner(t, st, 64)
		third, err := r.Do(ctx, "s1", say)
		if err != nil || third != first {
			t.Fatalf("after restart: %+v %v, want %+v", third, err, first)
		}
		log := st.log("s1")
		if applied, rejected := countCommand(log, "say-1", simulator.EvAction), countCommand(log, "cls-1", simulator.EvRejected); applied != 1 || rejected != 1 {
			t.Errorf("say-1 applied %d times, cls-1 rejected %d times; want 1 and 1", applied, rejected)
		}
	})
}

// TestDisconnectPausesClock: the trainee's last connection closing pauses
// the clock; their return resumes it, and the absence does not count.
func TestDisconnectPausesClock(t *testing.T) {
	for _, tc := range []struct {
		name      string
		continues bool
	}{{"pause", false}, {"continue", true}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				st := newMemStore()
				st.add(newSessionRecord("s1", 9, 1))
				sc := *scenariotest.GasExample(t)
				if tc.continues {
					sc.Settings.OnDisconnect = "continue"
				}
				r := New(Config{Store: st, Scenario: func(context.Context, string, int) (*scenarios.Scenario, error) { return &sc, nil }})
				defer r.Close(ctx)
				sub := subscribe(t, r, SubscribeOptions{Trainee: true})
				time.Sleep(30 * time.Second)
				sub.Close()
				time.Sleep(5 * time.Minute)
				synctest.Wait()
				st1, err := r.Status(ctx, "s1")
				if err != nil {
					t.Fatal(err)
				}
				if tc.continues {
					if !st1.Clock.Running || st1.Clock.T != ms(5*time.Minute+30*time.Second) {
						t.Fatalf("clock %+v, want running at 5m30s", st1.Clock)
					}
					return
				}
				if st1.Clock.Running || st1.Clock.T != 30000 {
					t.Fatalf("clock %+v, want paused at 30s", st1.Clock)
				}
				log := st.log("s1")
				if p := log[len(log)-1]; p.Type != simulator.EvPause || p.Reason != ReasonDisconnect || p.T != 30000 {
					t.Fatalf("last event %+v, want pause (disconnect) at 30000", p)
				}
				sub = subscribe(t, r, SubscribeOptions{Trainee: true, AfterSeq: int64(len(log))})
				t1 := time.Now()
				col := collect(sub, t1)
				time.Sleep(2 * time.Minute)
				synctest.Wait()
				got := col.stop()
				if len(got) < 2 || got[0].e.Type != simulator.EvResume || got[0].e.Reason != ReasonReconnect {
					t.Fatalf("after reconnect got %v, want resume (reconnect) first", events(got))
				}
				for _, g := range got {
					if g.e.T != 30000+ms(g.at) {
						t.Errorf("%s at virtual %d received %v after reconnecting", g.e.Type, g.e.T, g.at)
					}
				}
			})
		})
	}
}

// TestRestartFromStore: a new runner rebuilds every live session from the
// store and keeps it paused until the trainee is back; the time between
// the last stored event and the restart is not counted.
func TestRestartFromStore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 4, 1, 1024)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		t0 := time.Now()
		play(t, r, "s1", t0, gasScript[:3])
		// The process dies: the trainee's connection vanishes with it and
		// nothing more is written (the customer's paced replies came before).
		time.Sleep(time.Until(t0.Add(45 * time.Second)))
		lastT := st.log("s1")[len(st.log("s1"))-1].T
		st.failAppend = true
		r.Close(ctx)
		sub.Close()
		st.failAppend = false
		before := len(st.log("s1"))

		r = newTestRunner(t, st, 1024)
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Live() != 1 {
			t.Fatalf("live sessions after start: %d, want 1", r.Live())
		}
		log := st.log("s1")
		if len(log) != before+1 {
			t.Fatalf("restart wrote %d events, want one pause", len(log)-before)
		}
		if p := log[len(log)-1]; p.Type != simulator.EvPause || p.Reason != ReasonRestart || p.T != lastT {
			t.Fatalf("restart event %+v, want pause (restart) at %d", p, lastT)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if n := len(st.log("s1")); n != len(log) {
			t.Fatalf("%d events written while nobody was connected, want none", n-len(log))
		}
		sub = subscribe(t, r, SubscribeOptions{Trainee: true, AfterSeq: int64(len(log))})
		t1 := time.Now()
		col := collect(sub, t1)
		res, err := r.Do(ctx, "s1", Command{ID: "c3", By: "trainee", Action: gasScript[3].a})
		if err != nil || !res.Applied() {
			t.Fatalf("command after restart: %+v %v", res, err)
		}
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		got := col.stop()
		if len(got) < 3 || got[0].e.Type != simulator.EvResume {
			t.Fatalf("after reconnect got %v, want resume first", events(got))
		}
		for _, g := range got {
			if g.e.T != lastT+ms(g.at) {
				t.Errorf("%s at virtual %d received %v after reconnecting, want virtual %d", g.e.Type, g.e.T, g.at, lastT+ms(g.at))
			}
		}
	})
}

// TestFailedWriteRebuilds: when the log cannot be written the command is
// not acknowledged, nothing is published, and the session continues from
// what is stored once the log works again.
func TestFailedWriteRebuilds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 4, 1, 1024)
		col, _ := collectTrainee(t, r)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		st.failAppend = true
		cmd := Command{ID: "x", By: "trainee", Action: gasScript[0].a}
		if _, err := r.Do(ctx, "s1", cmd); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Do with a failing log: %v, want ErrUnavailable", err)
		}
		st.failAppend = false
		res, err := r.Do(ctx, "s1", cmd)
		if err != nil || !res.Applied() {
			t.Fatalf("retry: %+v %v", res, err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		stored := st.log("s1")
		got := col.stop()
		all := append(append([]simulator.Event(nil), col.sub.Backlog...), events(got)...)
		if jsonOf(all) != jsonOf(stored) {
			t.Errorf("delivered %s\nstored %s", jsonOf(all), jsonOf(stored))
		}
		n := 0
		for _, e := range stored {
			if e.Action != nil && e.Action.Cmd == "x" {
				n++
				if e.T != 5000 {
					t.Errorf("command x applied at virtual %d, want 5000 (the failed write must not cost time)", e.T)
				}
			}
		}
		if n == 0 {
			t.Errorf("command x not in the log after its retry")
		}
	})
}

// TestIdleSessionUnhosted: a paused session nobody watches is unhosted
// after the idle timeout and hosted again, from its log, on demand.
func TestIdleSessionUnhosted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 4, 1, 64)
		r.cfg.IdleTimeout = time.Minute
		r.cfg.DisconnectGrace = -1 // the pause at once (the grace: TestQuickReconnectWritesNothing)
		sub := subscribe(t, r, SubscribeOptions{Trainee: true})
		time.Sleep(10 * time.Second)
		sub.Close() // the clock pauses
		synctest.Wait()
		if r.Live() != 1 {
			t.Fatalf("live %d right after the trainee left, want 1", r.Live())
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if r.Live() != 0 {
			t.Fatalf("live %d after the idle timeout, want 0", r.Live())
		}
		n := len(st.log("s1"))
		stt, err := r.Status(ctx, "s1")
		if err != nil || r.Live() != 1 || stt.LastSeq != int64(n) || stt.Clock.Running || stt.Clock.T != 10000 {
			t.Fatalf("hosted again: %+v %v (live %d), want paused at 10000 with seq %d", stt, err, r.Live(), n)
		}
		if len(st.log("s1")) != n {
			t.Fatalf("re-hosting a paused session wrote events")
		}
	})
}

// TestConcurrentRetries: copies of one command sent at once are applied
// once and all get the same answer.
func TestConcurrentRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 4, 1, 64)
		cmd := Command{ID: "dup", By: "trainee", Action: gasScript[0].a}
		results := make([]Result, 10)
		errs := make([]error, 10)
		done := make(chan struct{})
		for i := range results {
			go func() {
				defer func() { done <- struct{}{} }()
				results[i], errs[i] = r.Do(ctx, "s1", cmd)
			}()
		}
		for range results {
			<-done
		}
		for i := range results {
			if errs[i] != nil || results[i] != results[0] || !results[0].Applied() {
				t.Fatalf("copy %d: %+v %v, copy 0: %+v", i, results[i], errs[i], results[0])
			}
		}
		if n := countCommand(st.log("s1"), "dup", simulator.EvAction); n != 1 {
			t.Fatalf("applied %d times, want 1", n)
		}
	})
}

// TestSubscribeMidStream: subscribers joining at any point of a running
// drill, from any seq, get exactly the log after that seq: the backlog
// from the store, then live events, with no gap and no duplicate.
func TestSubscribeMidStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 8, 1, 1024)
		trainee := subscribe(t, r, SubscribeOptions{Trainee: true})
		t0 := time.Now()
		type joined struct {
			col   *collector
			after int64
		}
		var subs []joined
		joinersDone := make(chan struct{})
		go func() {
			defer close(joinersDone)
			for i := range 8 {
				time.Sleep(time.Duration(20+i*10) * time.Second) // all within the first 8 minutes
				n := int64(len(st.log("s1")))
				after := n * int64(i) / 8 // from the start, the middle, the end
				sub, err := r.Subscribe(ctx, "s1", SubscribeOptions{AfterSeq: after})
				if err != nil {
					t.Error(err)
					return
				}
				subs = append(subs, joined{collect(sub, t0), after})
			}
		}()
		play(t, r, "s1", t0, gasScript)
		time.Sleep(time.Minute)
		synctest.Wait()
		<-joinersDone
		log := st.log("s1")
		for _, j := range subs {
			got := j.col.stop()
			seqs, want := seqsOf(j.col.sub.Backlog, events(got)), seqsOf(log[j.after:])
			if fmt.Sprint(seqs) != fmt.Sprint(want) {
				t.Errorf("subscriber from %d got %v, want %v", j.after, seqs, want)
			}
		}
		if len(subs) != 8 {
			t.Fatalf("%d subscribers joined, want 8", len(subs))
		}
		trainee.Close()
	})
}

// TestResyncReasons: a snapshot replaces the backlog when asked for, when
// the subscriber is too far behind, and when it claims more than the log.
func TestResyncReasons(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 6, 1, 64)
		r.cfg.ResyncAfter = 5
		trainee := subscribe(t, r, SubscribeOptions{Trainee: true})
		play(t, r, "s1", time.Now(), gasScript[:3])
		n := int64(len(st.log("s1")))
		view := func(e *simulator.Engine, log []simulator.Event) any {
			v := e.TraineeView()
			v.Events = simulator.TraineeEvents(log)
			return v
		}
		for _, tc := range []struct {
			opts SubscribeOptions
			want string
		}{
			{SubscribeOptions{AfterSeq: n - 2, Snapshot: view}, ""},
			{SubscribeOptions{AfterSeq: n - 2, Resync: true, Snapshot: view}, ResyncRequested},
			{SubscribeOptions{AfterSeq: n - 6, Snapshot: view}, ResyncBehind},
			{SubscribeOptions{AfterSeq: n + 1, Snapshot: view}, ResyncAhead},
			{SubscribeOptions{AfterSeq: 0}, ""}, // no snapshot possible: replay everything
		} {
			sub, err := r.Subscribe(ctx, "s1", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			sub.Close()
			if sub.ResyncReason != tc.want {
				t.Errorf("after %d (resync %v): reason %q, want %q", tc.opts.AfterSeq, tc.opts.Resync, sub.ResyncReason, tc.want)
				continue
			}
			if tc.want == "" {
				if int64(len(sub.Backlog)) != n-tc.opts.AfterSeq {
					t.Errorf("after %d: backlog of %d, want %d", tc.opts.AfterSeq, len(sub.Backlog), n-tc.opts.AfterSeq)
				}
				continue
			}
			v, ok := sub.Snapshot.(simulator.TraineeView)
			if !ok || v.Seq != sub.LastSeq || sub.LastSeq != n || len(sub.Backlog) != 0 {
				t.Errorf("after %d: snapshot %T at seq %d, last seq %d, backlog %d; want the view at %d", tc.opts.AfterSeq, sub.Snapshot, v.Seq, sub.LastSeq, len(sub.Backlog), n)
			}
			// The engine keeps no log: the snapshot's events are the
			// stored log's, every one the trainee may see.
			if want := simulator.TraineeEvents(st.log("s1")); len(v.Events) != len(want) || len(want) == 0 || v.Events[len(want)-1].Seq != want[len(want)-1].Seq {
				t.Errorf("after %d: snapshot with %d events, want the %d visible ones of the log", tc.opts.AfterSeq, len(v.Events), len(want))
			}
		}
		trainee.Close()
	})
}

// TestStartCountsRestored: the start-up log line counts the sessions that
// were restored, not the ones that could not be rebuilt.
func TestStartCountsRestored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := newMemStore()
		st.add(newSessionRecord("s1", 4, 1))
		broken := newSessionRecord("s2", 4, 1)
		broken.ScenarioID = "withdrawn"
		st.add(broken)
		sc := scenariotest.GasExample(t)
		var logs bytes.Buffer
		r := New(Config{
			Store:  st,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Scenario: func(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
				if id == "withdrawn" {
					return nil, drillroom.ErrNotFound
				}
				return sc, nil
			},
		})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Live() != 1 {
			t.Fatalf("live sessions after start: %d, want 1", r.Live())
		}
		r.Close(ctx)
		if !strings.Contains(logs.String(), `msg="runner started" restored=1`) {
			t.Errorf("got log\n%s\nwant runner started restored=1", logs.String())
		}
	})
}

// TestEndedSessionTakesItsReview: a session whose call has ended and that
// nobody watches is unhosted; the post-incident review hosts it again
// from its log and is applied (the host's first step must not send it
// away again before serving the command).
func TestEndedSessionTakesItsReview(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st, r := newRunnerWithSession(t, 4, 1, 64)
		res, err := r.Do(ctx, "s1", Command{ID: "close", By: "trainee", Action: simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}})
		if err != nil || !res.Applied() {
			t.Fatalf("close: %+v %v", res, err)
		}
		synctest.Wait()
		if r.Live() != 0 {
			t.Fatalf("live %d after the call ended with nobody watching, want 0", r.Live())
		}
		res, err = r.Do(ctx, "s1", Command{ID: "review", By: "trainee", Action: simulator.Action{Kind: simulator.ActReview, Text: "Advice first, then dispatch."}})
		if err != nil || !res.Applied() {
			t.Fatalf("review after the call ended: %+v %v", res, err)
		}
		if n := countCommand(st.log("s1"), "review", simulator.EvReview); n != 1 {
			t.Fatalf("review events %d, want 1", n)
		}
	})
}
