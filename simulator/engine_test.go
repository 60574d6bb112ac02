package simulator

import (
	"reflect"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// The engine must provide exactly the vocabulary's guard and reaction
// names, each with its declared Go type.
func TestEnvMatchesVocabulary(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	for _, tc := range []struct {
		kind scenarios.EnvKind
		env  map[string]any
	}{
		{scenarios.EnvGuard, e.env(nil)},
		{scenarios.EnvReaction, e.env(actionMap(&Action{Kind: ActSay}, nil))},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			names := scenarios.Names(tc.kind)
			want := map[string]bool{}
			for _, n := range names {
				want[n.Name] = true
				v, ok := tc.env[n.Name]
				if !ok {
					t.Errorf("env lacks %s", n.Name)
					continue
				}
				if got, wantT := reflect.TypeOf(v), reflect.TypeOf(n.Type); got != wantT {
					t.Errorf("%s: got type %v, want %v", n.Name, got, wantT)
				}
			}
			for k := range tc.env {
				if !want[k] {
					t.Errorf("env has %s, which the vocabulary does not list for %s", k, tc.kind)
				}
			}
		})
	}
	action := e.env(actionMap(&Action{Kind: ActSay}, nil))["action"].(map[string]any)
	for _, k := range []string{"kind", "text", "intents", "target", "category", "priority", "field", "value", "decision", "amount", "info", "by", "resolution"} {
		if _, ok := action[k]; !ok {
			t.Errorf("action lacks %s", k)
		}
	}
}

func TestStartOpeningAndVariation(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e, evs, err := New(sc, Config{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	types := []EventType{}
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	want := []EventType{EvStart, EvPhase, EvBeat, EvLine}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("got %v, want %v", types, want)
	}
	for i, ev := range evs {
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d: seq %d", i, ev.Seq)
		}
	}
	s := e.Snapshot()
	if s.Phase != "intake" {
		t.Errorf("phase: got %q, want intake", s.Phase)
	}
	// Same seed, same variation; the values stay in their declared ranges.
	e2 := start(t, sc, 7)
	if !reflect.DeepEqual(e2.Snapshot().Vary, s.Vary) {
		t.Errorf("same seed drew %v then %v", s.Vary, e2.Snapshot().Vary)
	}
	distinct := map[string]bool{}
	for seed := int64(0); seed < 50; seed++ {
		v := start(t, sc, seed).Snapshot().Vary
		flat := v["flat"].(int)
		if flat < 1 || flat > 12 {
			t.Fatalf("seed %d: flat %d outside [1,12]", seed, flat)
		}
		ack := v["gas_ack"].(float64)
		if ack < 30 || ack > 75 || ack != float64(int(ack)) {
			t.Fatalf("seed %d: gas_ack %v outside [30,75] whole seconds", seed, ack)
		}
		distinct[v["caller_name"].(string)] = true
	}
	if len(distinct) < 3 {
		t.Errorf("50 seeds drew only %d caller names", len(distinct))
	}
}

func TestTimerOrderingAndPhases(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	evs := e.Advance(16000)
	lines := find(evs, EvLine, "", "")
	var got []string
	for _, l := range lines {
		got = append(got, l.Text)
	}
	// t1 and t2 are both due at 10s: file order. aft follows t1 by 5s.
	want := []string{"one", "two", "after one"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines: got %v, want %v", got, want)
	}
	if lines[2].T != 15000 {
		t.Errorf("after-beat at %d, want 15000", lines[2].T)
	}
	// Leaving phase a before 30s cancels its beat.
	apply(t, e, 20000, Action{Kind: ActSay, Text: "moving to phase b"})
	if got := e.Snapshot().Phase; got != "b" {
		t.Fatalf("phase: got %q, want b", got)
	}
	evs = e.Advance(100000)
	if n := len(find(evs, EvLine, "pa", "")); n != 0 {
		t.Errorf("phase a beat fired %d times after leaving a", n)
	}
	// Phase b's every-beat fires 20s after entry, twice (times: 2).
	ticks := find(evs, EvLine, "pb", "")
	if len(ticks) != 2 || ticks[0].T != 40000 || ticks[1].T != 60000 {
		t.Errorf("ticks: got %v, want at 40000 and 60000", ticks)
	}
}

func TestGuardsSkipCancelAndErrors(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	evs := e.Advance(45000)
	if n := len(find(evs, EvLine, "guarded", "")); n != 0 {
		t.Fatalf("guarded beat fired with flag false")
	}
	if n := len(find(evs, EvTimer, "beat:guarded", "")); n != 1 || find(evs, EvTimer, "beat:guarded", "")[0].Reason != "skip" {
		t.Errorf("want one skip of beat:guarded, got %v", find(evs, EvTimer, "beat:guarded", ""))
	}
	// rep fires every 15s: at 15, 30, 45 -> count 1+3.
	if got := e.Snapshot().Vars["count"]; got != 4 {
		t.Errorf("count: got %v, want 4", got)
	}
	apply(t, e, 46000, Action{Kind: ActSetVar, Field: "stop", Value: "true", By: "trainer"})
	evs = e.Advance(61000)
	if c := find(evs, EvTimer, "beat:rep", ""); len(c) != 1 || c[0].Reason != "cancel" || c[0].T != 60000 {
		t.Errorf("want rep cancelled at 60s, got %v", c)
	}
	if !e.Snapshot().Cancelled["rep"] {
		t.Error("rep not marked cancelled")
	}
	if got := e.Snapshot().Vars["count"]; got != 4 {
		t.Errorf("count after cancel: got %v, want 4", got)
	}
	// The bad guard (int("abc")) is an error event and counts as false.
	errs := find(e.Log(), EvError, "timeline.bad.when", "")
	if len(errs) != 1 {
		t.Fatalf("want 1 error event for bad, got %d", len(errs))
	}
	if len(find(e.Log(), EvLine, "bad", "")) != 0 {
		t.Error("bad beat spoke despite its failing guard")
	}
}

func TestReactionSelection(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	// First greeting: hi_first (priority 5, once). Second: hi.
	evs := apply(t, e, 1000, Action{Kind: ActSay, Text: "Hello there"})
	if r := find(evs, EvReaction, "", ""); len(r) != 1 || r[0].ID != "hi_first" {
		t.Fatalf("first greeting: got reactions %v, want hi_first", r)
	}
	evs = apply(t, e, 2000, Action{Kind: ActSay, Text: "hello again"})
	if r := find(evs, EvReaction, "", ""); len(r) != 1 || r[0].ID != "hi" {
		t.Fatalf("second greeting: got %v, want hi", r)
	}
	// Only one reaction per action even when two match.
	evs = apply(t, e, 3000, Action{Kind: ActSay, Text: "hello, phase b please"})
	if r := find(evs, EvReaction, "", ""); len(r) != 1 {
		t.Fatalf("got %d reactions, want 1", len(r))
	}
	// Unanswered ask_location is answered from the customer's answers.
	// The answer comes at the customer's pace, after the replies queued before it.
	evs = apply(t, e, 4000, Action{Kind: ActSay, Text: "What is the address?"})
	evs = append(evs, e.Advance(15000)...)
	ans := find(evs, EvLine, "answer:ask_location", "High Street")
	if len(ans) != 1 {
		t.Fatalf("want the location answer, got %s", transcript(evs))
	}
}

func TestIntentsFromTextAndExplicit(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	evs := apply(t, e, 5000, Action{Kind: ActSay, Text: "Please don't touch any light switches", Intents: []string{"Reassure"}})
	act := find(evs, EvAction, "", "")[0]
	want := []string{"reassure", "safety_advice"}
	if !reflect.DeepEqual(act.Intents, want) {
		t.Errorf("intents: got %v, want %v", act.Intents, want)
	}
	d, err := Prepare(sc)
	if err != nil {
		t.Fatal(err)
	}
	got := d.MatchIntents("I'll put you on a short hold, bear with me")
	if err != nil || !reflect.DeepEqual(got, []string{"hold"}) {
		t.Errorf("MatchIntents: got %v, %v; want [hold]", got, err)
	}
}

func TestServiceLifecycle(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	apply(t, e, 5000, Action{Kind: ActDispatch, Target: "fire", Info: []string{"location"}})
	evs := e.Advance(280000)
	check := func(typ EventType, at Millis) Event {
		t.Helper()
		got := find(evs, typ, "", "")
		if len(got) == 0 {
			t.Fatalf("no %s event:\n%s", typ, transcript(evs))
		}
		if got[0].T != at {
			t.Errorf("%s at %d, want %d", typ, got[0].T, at)
		}
		return got[0]
	}
	check(EvAck, 35000)
	eta := check(EvETA, 35000)
	if eta.ETA != 35000+300000 {
		t.Errorf("first ETA %d, want %d", eta.ETA, 335000)
	}
	if ask := check(EvAsk, 55000); ask.ID != "access" {
		t.Errorf("ask for %q, want access", ask.ID)
	}
	revs := find(evs, EvETA, "", "")
	if len(revs) != 2 || revs[1].T != 95000 || revs[1].ETA != 95000+120000 {
		t.Fatalf("revision: got %v", revs)
	}
	// The resolved ending is reached by closing, not by the arrival.
	check(EvArrive, 215000)
	check(EvResolve, 275000)
	if e.Ended() {
		t.Fatalf("call ended without close: %s", e.Snapshot().Ending)
	}
	evs = apply(t, e, 280000, Action{Kind: ActClose, Resolution: "fire out"})
	if end := find(evs, EvEnd, "", ""); len(end) != 1 || end[0].ID != "done" || end[0].Reason != "resolved" {
		t.Fatalf("end: got %v, want done (resolved)", end)
	}
}

func TestTeamsRequestsAndUpdates(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	apply(t, e, 1000, Action{Kind: ActRequest, Target: "supervisor", Decision: "goodwill", Amount: 40})
	apply(t, e, 2000, Action{Kind: ActRequest, Target: "supervisor", Decision: "goodwill", Amount: 80})
	apply(t, e, 3000, Action{Kind: ActRequest, Target: "supervisor", Decision: "refund", Amount: 10})
	apply(t, e, 4000, Action{Kind: ActEscalate, Target: "technical", Text: "outage"})
	evs := e.Advance(140000)
	outcomes := typeIDs(evs, EvApprove, EvDecline)
	want := []string{"approve:goodwill", "decline:goodwill", "decline:refund"}
	if !reflect.DeepEqual(outcomes, want) {
		t.Errorf("outcomes: got %v, want %v", outcomes, want)
	}
	// 80 is above the declines entry's 50: its own reply, not the generic one.
	if d := find(evs, EvDecline, "goodwill", ""); len(d) != 1 || d[0].Text != "Not above fifty, sorry." || d[0].Amount != 80 {
		t.Errorf("goodwill decline: got %v, want the scripted reply for 80", d)
	}
	ups := find(evs, EvLine, "update", "")
	if len(ups) != 2 || ups[0].T != 74000 || ups[0].Text != "Still working." || ups[1].Text != "Nearly there." {
		t.Fatalf("updates: got %v", ups)
	}
	// Contacting technical sets fixed; the until guard stops the updates.
	apply(t, e, 150000, Action{Kind: ActContact, Target: "technical", Text: "thanks"})
	evs = e.Advance(400000)
	if n := len(find(evs, EvLine, "update", "")); n != 0 {
		t.Errorf("%d updates after until held", n)
	}
	if stop := find(evs, EvTimer, "team:technical:update", ""); len(stop) != 1 || stop[0].Reason != "stop" {
		t.Errorf("want the update timer stopped, got %v", stop)
	}
}

func TestCustomerMoodAndHangup(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	m0 := e.Snapshot().Mood
	// "Help is on the way" both reassures and gives news (the labelling
	// guide): +5 and +4.
	evs := apply(t, e, 5000, Action{Kind: ActSay, Text: "Don't worry, help is on the way"})
	if got, want := e.Snapshot().Mood, m0+5+4; got != want {
		t.Errorf("mood after reassurance: got %v, want %v (%s)", got, want, transcript(evs))
	}
	apply(t, e, 6000, Action{Kind: ActHold})
	if got, want := e.Snapshot().Mood, m0+5+4-10; got != want {
		t.Errorf("mood after hold without notice: got %v, want %v", got, want)
	}
	apply(t, e, 7000, Action{Kind: ActResume})
	// Silence: patience falls 2 per 15 s once silence passes 60 s.
	p0 := e.Snapshot().Patience
	e.Advance(7000 + 60000 + 30000)
	if got := e.Snapshot().Patience; got != p0-4 {
		t.Errorf("patience after 90 s of silence: got %v, want %v", got, p0-4)
	}
	// Left alone, the customer eventually hangs up.
	evs = e.Advance(30 * 60000)
	end := find(evs, EvEnd, "", "")
	if len(end) != 1 || end[0].Reason != "hangup" {
		t.Fatalf("want a hangup, got %v", end)
	}
	if e.Snapshot().Patience != 0 {
		t.Errorf("patience at hangup %v", e.Snapshot().Patience)
	}
	if len(find(evs, EvLine, "give_up", "")) != 1 {
		t.Error("no give-up line")
	}
	if len(e.Snapshot().Timers) != 0 {
		t.Errorf("timers left after the end: %v", e.Snapshot().Timers)
	}
}

func TestPromises(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "I'll come back to you", Promise: 65000})
	apply(t, e, 20000, Action{Kind: ActSay, Text: "I'll call again", Promise: 80000})
	apply(t, e, 50000, Action{Kind: ActSay, Text: "Here's an update: the engineer is on their way"})
	s := e.Snapshot()
	if !s.Promises[0].Kept || !s.Promises[1].Kept {
		t.Fatalf("promises not kept: %+v", s.Promises)
	}
	apply(t, e, 60000, Action{Kind: ActSay, Text: "Back soon", Promise: 90000})
	m := e.Snapshot().Mood
	evs := e.Advance(130000)
	var broken []Event
	for _, ev := range find(evs, EvMood, "", "") {
		if ev.Reason == "promise_broken" {
			broken = append(broken, ev)
			break
		}
		m = *ev.Mood
	}
	if len(broken) != 1 || broken[0].T != 120001 {
		t.Fatalf("promise_broken: got %v, want one just after 120000 (90 s + 30 s grace)", broken)
	}
	if *broken[0].Mood != m-8 {
		t.Errorf("mood after broken promise: got %v, want %v", *broken[0].Mood, m-8)
	}
}

func TestPromiseKeptExactlyAtTheDeadline(t *testing.T) {
	sc := scenariotest.GasExample(t)
	for _, c := range []struct {
		at     Millis
		broken bool
	}{{120000, false}, {120001, true}} {
		e := start(t, sc, 1)
		apply(t, e, 60000, Action{Kind: ActSay, Text: "Back soon", Promise: 90000})
		evs := apply(t, e, c.at, Action{Kind: ActSay, Text: "Here's an update: the engineer is on their way"})
		evs = append(evs, e.Advance(200000)...)
		broken := false
		for _, ev := range find(evs, EvMood, "", "") {
			broken = broken || ev.Reason == "promise_broken"
		}
		if broken != c.broken {
			t.Errorf("update at %d ms (deadline 120000 with grace): broken %v, want %v", c.at, broken, c.broken)
		}
	}
}

func TestSafetyAdviceNeeded(t *testing.T) {
	no := false
	for _, c := range []struct {
		name   string
		needed *bool
		want   int
	}{{"default: the truth is the top priority", nil, 1}, {"safety_advice: false", &no, 0}} {
		t.Run(c.name, func(t *testing.T) {
			sc := *loadMechanics(t)
			sc.Truth.SafetyAdvice = c.needed
			e := start(t, &sc, 1)
			n := 0
			for _, ev := range find(e.Advance(5*60000), EvMood, "", "") {
				if ev.Reason == "missing_safety" {
					n++
				}
			}
			if n != c.want {
				t.Errorf("missing_safety mood changes: got %d, want %d", n, c.want)
			}
		})
	}
}

func TestEndings(t *testing.T) {
	sc := loadMechanics(t)
	t.Run("when holds", func(t *testing.T) {
		e := start(t, sc, 1)
		evs := apply(t, e, 1000, Action{Kind: ActRecord, Field: "boom", Value: "yes"})
		end := find(evs, EvEnd, "", "")
		if len(end) != 1 || end[0].ID != "exploded" {
			t.Fatalf("got %v, want exploded", end)
		}
		if len(find(evs, EvLine, "ending:exploded", "Bang.")) != 1 {
			t.Error("no ending line")
		}
	})
	// One action ends the call: the end event has this id or reason.
	for _, tc := range []struct {
		name       string
		a          Action
		id, reason string // "" is not checked
	}{
		{"give up", Action{Kind: ActSay, Text: "don't be rude"}, "hangup", ""},
		{"close without resolution", Action{Kind: ActClose, Resolution: "advised"}, "closed", ""},
		{"transfer", Action{Kind: ActTransfer, Target: "billing"}, "", "transferred"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, sc, 1)
			evs := apply(t, e, 1000, tc.a)
			end := find(evs, EvEnd, "", "")
			if len(end) != 1 || tc.id != "" && end[0].ID != tc.id || tc.reason != "" && end[0].Reason != tc.reason {
				t.Fatalf("got %v, want %s", end, tc.id+tc.reason)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		e := start(t, sc, 1)
		apply(t, e, 1000, Action{Kind: ActSetVar, Field: "stop", Value: "true"})
		for at := Millis(60000); at < 20*60000 && !e.Ended(); at += 60000 {
			apply(t, e, at, Action{Kind: ActSay, Text: "still here"})
		}
		e.Advance(21 * 60000)
		end := find(e.Log(), EvEnd, "", "")
		if len(end) != 1 || end[0].ID != "timeout" || end[0].T != 20*60000 {
			t.Fatalf("got %v, want timeout at 20m (twice the duration)", end)
		}
	})
	t.Run("review after end only", func(t *testing.T) {
		e := start(t, sc, 1)
		evs := apply(t, e, 1000, Action{Kind: ActReview, Text: "early"})
		if len(find(evs, EvRejected, "", "")) != 1 {
			t.Fatal("review before the end was accepted")
		}
		apply(t, e, 2000, Action{Kind: ActClose, Resolution: "x"})
		evs = apply(t, e, 3000, Action{Kind: ActReview, Text: "went well"})
		if len(find(evs, EvReview, "", "went well")) != 1 || e.Snapshot().Review != "went well" {
			t.Fatalf("review not accepted: %v", evs)
		}
	})
}

func TestRejectedActionsChangeNothing(t *testing.T) {
	sc := loadMechanics(t)
	cases := []struct {
		name   string
		a      Action
		reason string
	}{
		{"unknown service", Action{Kind: ActDispatch, Target: "ambulance"}, "unknown service"},
		{"unknown team", Action{Kind: ActEscalate, Target: "ceo"}, "unknown team"},
		{"category outside taxonomy", Action{Kind: ActClassify, Category: "alien-invasion", Priority: "P1"}, "not in the taxonomy"},
		{"priority not in policy", Action{Kind: ActClassify, Category: "fire", Priority: "P9"}, "priority"},
		{"bad field name", Action{Kind: ActRecord, Field: "two words", Value: "x"}, "must be a name"},
		{"empty record", Action{Kind: ActRecord, Field: "location"}, "needs a value"},
		{"resume when not on hold", Action{Kind: ActResume}, "not on hold"},
		{"unknown intent", Action{Kind: ActSay, Intents: []string{"teleport"}}, "unknown intent"},
		{"empty say", Action{Kind: ActSay}, "needs text"},
		{"contact undispatched", Action{Kind: ActContact, Target: "fire", Text: "hi"}, "not been dispatched"},
		{"close without resolution", Action{Kind: ActClose}, "needs a resolution"},
		{"unknown kind", Action{Kind: "dance"}, "unknown action"},
		{"unknown variable", Action{Kind: ActSetVar, Field: "nope", Value: "1"}, "unknown variable"},
		{"wrong variable type", Action{Kind: ActSetVar, Field: "count", Value: "1.5"}, "not a int"},
		{"handback not taken", Action{Kind: ActHandback, As: "customer"}, "not taken over"},
		{"resume clock not paused", Action{Kind: ActResumeClock}, "not paused"},
		{"bad scale", Action{Kind: ActSetScale, Amount: -2}, "time scale"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, sc, 1)
			e.Advance(1000)
			before := e.Snapshot()
			evs := apply(t, e, 1000, c.a)
			if len(evs) != 1 || evs[0].Type != EvRejected {
				t.Fatalf("got %v, want one rejected event", evs)
			}
			if !strings.Contains(evs[0].Reason, c.reason) {
				t.Errorf("reason %q, want it to contain %q", evs[0].Reason, c.reason)
			}
			after := e.Snapshot()
			before.Seq, before.T = after.Seq, after.T
			if snapJSON(t, before) != snapJSON(t, after) {
				t.Errorf("state changed:\n%s\n%s", snapJSON(t, before), snapJSON(t, after))
			}
		})
	}
	t.Run("acting after close", func(t *testing.T) {
		e := start(t, sc, 1)
		apply(t, e, 1000, Action{Kind: ActClose, Resolution: "done"})
		evs := apply(t, e, 2000, Action{Kind: ActDispatch, Target: "fire"})
		if len(evs) != 1 || evs[0].Type != EvRejected || !strings.Contains(evs[0].Reason, "ended") {
			t.Fatalf("got %v", evs)
		}
	})
}

func TestTrainerControls(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	apply(t, e, 1000, Action{Kind: ActPause, By: "trainer"})
	if evs := e.Advance(60000); len(evs) != 0 || e.Now() != 1000 {
		t.Fatalf("paused clock moved: now %d, %d events", e.Now(), len(evs))
	}
	if _, ok := e.NextDue(); ok {
		t.Error("NextDue while paused")
	}
	evs := apply(t, e, 60000, Action{Kind: ActSay, Text: "hello"})
	if len(evs) != 1 || evs[0].Type != EvRejected || evs[0].T != 1000 {
		t.Fatalf("trainee action while paused: %v", evs)
	}
	apply(t, e, 1000, Action{Kind: ActResumeClock})
	apply(t, e, 1000, Action{Kind: ActSetScale, Amount: 4})
	if e.Scale() != 4 {
		t.Errorf("scale %v, want 4", e.Scale())
	}
	// Taking over the customer suspends its scripted lines.
	apply(t, e, 2000, Action{Kind: ActTakeover, As: "customer"})
	evs = e.Advance(12000)
	if n := len(find(evs, EvLine, "", "")); n != 0 {
		t.Errorf("%d scripted lines while taken over", n)
	}
	evs = apply(t, e, 13000, Action{Kind: ActInject, As: "customer", Text: "It's the trainer speaking."})
	if l := find(evs, EvLine, "inject", ""); len(l) != 1 || l[0].From != "customer" {
		t.Errorf("injected line: %v", evs)
	}
	apply(t, e, 14000, Action{Kind: ActHandback, As: "customer"})
	evs = e.Advance(16000)
	if n := len(find(evs, EvLine, "aft", "")); n != 1 {
		t.Errorf("after handback: want the after-beat line, got %s", transcript(evs))
	}
	evs = apply(t, e, 17000, Action{Kind: ActInject, Line: "radio"})
	if l := find(evs, EvLine, "radio", "Radio check."); len(l) != 1 || l[0].From != "fire" || l[0].Channel != ChannelRadio {
		t.Errorf("injected scripted line: %v", evs)
	}
	if !find(e.Log(), EvTakeover, "customer", "")[0].Action.Equal(Action{Kind: ActTakeover, As: "customer", By: "trainer"}) {
		t.Error("takeover not logged with its action")
	}
}

func TestTraineeViewHidesScript(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 3)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "Please leave the building now"})
	apply(t, e, 6000, Action{Kind: ActTakeover, As: "customer"})
	v := e.TraineeView()
	for _, ev := range v.Events {
		if Hidden(ev.Type) {
			t.Errorf("hidden event %s in the trainee view", ev.Type)
		}
		if ev.Type == EvLine && ev.ID != "" {
			t.Errorf("line keeps its script id %q", ev.ID)
		}
		if ev.Type == EvStart && ev.Seed != 0 {
			t.Error("start keeps the seed")
		}
	}
	if len(v.Events) == 0 || len(v.Events) >= len(e.Log()) {
		t.Errorf("view has %d of %d events", len(v.Events), len(e.Log()))
	}
	if !strings.Contains(v.Customer, " ") {
		t.Errorf("customer name %q not rendered", v.Customer)
	}
	if len(v.Services) != 1 || v.Services[0].ID != "gas" || v.Services[0].Engaged != -1 {
		t.Errorf("services: %+v", v.Services)
	}
}

func TestVisible(t *testing.T) {
	for _, typ := range []EventType{EvBeat, EvReaction, EvSet, EvPhase, EvMood, EvError, EvTimer, EvTakeover, EvHandback} {
		if Visible(Event{Type: typ}) {
			t.Errorf("%s is visible", typ)
		}
	}
	for _, typ := range []EventType{EvStart, EvAction, EvRejected, EvLine, EvAck, EvETA, EvAsk, EvArrive, EvResolve, EvApprove, EvDecline, EvPause, EvResume, EvScale, EvEnd, EvReview} {
		if !Visible(Event{Type: typ}) {
			t.Errorf("%s is hidden", typ)
		}
	}
	injected := Event{Type: EvLine, From: "customer", Text: "hi", ID: "inject", Reason: "inject", Action: &Action{Kind: ActInject, By: "trainer"}}
	got, ok := injected.ForTrainee()
	if !ok || got.ID != "" || got.Reason != "" || got.Action != nil || got.Text != "hi" {
		t.Errorf("injected line for the trainee: %+v", got)
	}
}

// An input at time T comes after every timer due at or before T.
func TestInputAfterTimersDueAtItsTime(t *testing.T) {
	sc := loadMechanics(t)
	e := start(t, sc, 1)
	evs := apply(t, e, 10000, Action{Kind: ActSay, Text: "ok"})
	order := typeIDs(evs, EvBeat, EvAction)
	want := []string{"beat:t1", "beat:t2", "action:"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("got %v, want %v", order, want)
	}
}

func TestHoldWithNotice(t *testing.T) {
	sc := scenariotest.GasExample(t)
	e := start(t, sc, 1)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "Bear with me, I'll put you on a short hold."})
	m := e.Snapshot().Mood
	evs := apply(t, e, 6000, Action{Kind: ActHold})
	for _, ev := range evs {
		if ev.Type == EvMood && ev.Reason == "hold_no_notice" {
			t.Fatalf("hold after notice counted as without notice")
		}
	}
	if e.Snapshot().Mood != m || !e.Snapshot().OnHold {
		t.Errorf("mood %v on hold %v, want %v and true", e.Snapshot().Mood, e.Snapshot().OnHold, m)
	}
	// While on hold the customer neither chases nor answers.
	evs = e.Advance(5000 + 100000)
	for _, ev := range evs {
		if ev.Type == EvLine && ev.ID == "chase" {
			t.Fatalf("chasing line while on hold at %d", ev.T)
		}
	}
	if skips := find(evs, EvTimer, "chase", ""); len(skips) == 0 || skips[0].Reason != "skip" {
		t.Errorf("chase timer: %v, want skipped while on hold", skips)
	}
}

func TestReactionOnDecide(t *testing.T) {
	sc := *loadMechanics(t)
	line := scenarios.Text{Src: "That's very kind, thank you."}
	sc.Reactions = append(append([]scenarios.Reaction{}, sc.Reactions...), scenarios.Reaction{ID: "thanked", On: "decide", Do: []scenarios.Step{{Say: &line}}})
	e := start(t, &sc, 1)
	evs := apply(t, e, 5000, Action{Kind: ActDecide, Decision: "goodwill", Amount: 20})
	evs = append(evs, e.Advance(10000)...)
	if got := find(evs, EvReaction, "thanked", ""); len(got) != 1 {
		t.Fatalf("reaction on: decide fired %d times, want 1: %s", len(got), transcript(evs))
	}
	if got := find(evs, EvLine, "thanked", ""); len(got) != 1 || got[0].Text != "That's very kind, thank you." {
		t.Errorf("reaction line: got %v", got)
	}
}
