package simulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// withReactions is the mechanics drill with extra reactions.
func withReactions(t *testing.T, rs ...scenarios.Reaction) *scenarios.Scenario {
	t.Helper()
	sc := *loadMechanics(t)
	sc.Reactions = append(append([]scenarios.Reaction{}, rs...), sc.Reactions...)
	return &sc
}

func sayStep(text string) scenarios.Step {
	x := scenarios.Text{Src: text}
	return scenarios.Step{Say: &x}
}

// lines returns the customer's lines of evs whose id is one of ids (all
// when ids is empty).
func customerLines(evs []Event, ids ...string) []Event {
	var out []Event
	for _, ev := range evs {
		if ev.Type != EvLine || ev.From != "customer" {
			continue
		}
		if len(ids) > 0 && !contains(ids, ev.ID) {
			continue
		}
		out = append(out, ev)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestRepliesNeverShareASecond: two lines of one reaction, and replies to
// actions a moment apart, land in different seconds, in order, after the
// action (before pacing, all of them came at the instant of the action).
func TestRepliesNeverShareASecond(t *testing.T) {
	sc := withReactions(t, scenarios.Reaction{ID: "two_lines", On: "record", Do: []scenarios.Step{
		sayStep("Yes."), sayStep("And the back door too."),
	}})
	e := start(t, sc, 1)
	var evs []Event
	evs = append(evs, apply(t, e, 4000, Action{Kind: ActRecord, Field: "door", Value: "front"})...)
	evs = append(evs, apply(t, e, 4300, Action{Kind: ActSay, Text: "Where are you?"})...)
	evs = append(evs, apply(t, e, 4600, Action{Kind: ActSay, Text: "Hello?", Intents: []string{"greet"}})...)
	if got := customerLines(evs); len(got) != 0 {
		t.Fatalf("replies said at the instant of the action: %s", transcript(got))
	}
	evs = append(evs, e.Advance(20000)...)
	got := customerLines(evs, "two_lines", "answer:ask_location", "hi_first")
	if len(got) != 4 {
		t.Fatalf("want 4 replies by 0:20, got %s", transcript(customerLines(evs)))
	}
	want := []string{"Yes.", "And the back door too.", "Number", "Oh thank goodness."}
	for i, ev := range got {
		if i > 0 && ev.T/1000 <= got[i-1].T/1000 {
			t.Errorf("reply %q at %d ms shares a second with (or comes before) %q at %d ms", ev.Text, ev.T, got[i-1].Text, got[i-1].T)
		}
		if ev.T <= 4000 {
			t.Errorf("reply %q at %d ms, want after the action", ev.Text, ev.T)
		}
		if ev.Text[:len(want[i])] != want[i] {
			t.Errorf("reply %d: %q, want %q first (one speaker's replies in order)", i, ev.Text, want[i])
		}
	}
}

// TestLongerLineLater: a reply of many words takes longer to say than a
// short one.
func TestLongerLineLater(t *testing.T) {
	long := "Okay. Kids, shoes on, we're going, now. We're on the stairs, right, we're out of the front door and standing by the bins at the end of the road."
	sc := withReactions(t,
		scenarios.Reaction{ID: "short", On: "record", Do: []scenarios.Step{sayStep("Okay.")}},
		scenarios.Reaction{ID: "long", On: "decide", Do: []scenarios.Step{sayStep(long)}},
	)
	at := func(field string) Millis {
		e := start(t, sc, 1)
		a := Action{Kind: ActRecord, Field: "door", Value: "x"}
		if field == "b" {
			a = Action{Kind: ActDecide, Decision: "goodwill", Amount: 5}
		}
		evs := apply(t, e, 5000, a)
		evs = append(evs, e.Advance(60000)...)
		l := customerLines(evs, "short", "long")
		if len(l) != 1 {
			t.Fatalf("field %s: want one reply, got %s", field, transcript(evs))
		}
		return l[0].T
	}
	short, longAt := at("a"), at("b")
	if short <= 5000 || longAt <= short {
		t.Errorf("short reply at %d ms, long at %d ms: want 5000 < short < long", short, longAt)
	}
	// Default pace: 1 s to react, 170 words a minute, rounded up to a second.
	if short != 7000 || longAt != 17000 {
		t.Errorf("short at %d, long at %d; want 7000 and 17000 at the default pace (30 words)", short, longAt)
	}
}

// TestPacedRepliesReplay: sessions whose inputs come a moment apart, so
// that replies queue up, replay to the live state at every input (pending
// replies included), and no speaker ever says two replies in one second.
func TestPacedRepliesReplay(t *testing.T) {
	for _, sc := range []*scenarios.Scenario{scenariotest.GasExample(t), loadMechanics(t)} {
		for i := 0; i < 30; i++ {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			live := start(t, sc, int64(i))
			at := Millis(0)
			for k := 0; k < 25; k++ {
				at += Millis(r.IntN(4000))
				if _, err := live.Apply(at, randomAction(r, sc)); err != nil {
					t.Fatal(err)
				}
				replayed(t, sc, live.Log(), live, fmt.Sprintf(" (%s/%d, after input %d)", sc.ID, i, k))
			}
			live.Advance(at + 120_000)
			said := map[string]Millis{} // speaker -> last reply
			for _, ev := range live.Log() {
				if ev.Type != EvLine || ev.Reason == "inject" {
					continue
				}
				if last, ok := said[ev.From]; ok && last/1000 == ev.T/1000 && isReply(live.Log(), ev) {
					t.Fatalf("%s/%d: %s said two lines in second %d, the second a reply: %q", sc.ID, i, ev.From, ev.T/1000, ev.Text)
				}
				said[ev.From] = ev.T
			}
		}
	}
}

// isReply reports whether line ev was a queued reply (its timer fired
// just before it).
func isReply(log []Event, ev Event) bool {
	i := int(ev.Seq) - 2 // log[i] is the event before ev
	return i >= 0 && log[i].Type == EvTimer && len(log[i].ID) > len(keyReply) && log[i].ID[:len(keyReply)] == keyReply
}

// TestReplyGuardCheckedWhenDue: a say step's when guard is checked when
// the reply falls due, so a line the situation has overtaken is not said.
func TestReplyGuardCheckedWhenDue(t *testing.T) {
	sc := loadMechanics(t)
	for _, flag := range []bool{false, true} {
		e := start(t, sc, 1)
		evs := apply(t, e, 5000, Action{Kind: ActEscalate, Target: "supervisor"})
		if len(find(evs, EvReply, "escalated", "senior")) != 1 {
			t.Fatalf("want the reply queued: %s", transcript(evs))
		}
		if flag {
			evs = append(evs, apply(t, e, 5500, Action{Kind: ActSetVar, Field: "flag", Value: "true"})...)
		}
		evs = append(evs, e.Advance(20000)...)
		said := find(evs, EvLine, "escalated", "")
		if !flag && len(said) != 1 {
			t.Errorf("guard holding: want the line said, got %s", transcript(evs))
		}
		if flag {
			if len(said) != 0 {
				t.Errorf("guard false when due: the line was said: %s", transcript(said))
			}
			if n := len(find(evs, EvTimer, "reply:0", "")); n != 1 || find(evs, EvTimer, "reply:0", "")[0].Reason != "skip" {
				t.Errorf("want the reply's timer skipped, got %s", transcript(find(evs, EvTimer, "", "")))
			}
		}
		replayed(t, sc, e.Log(), e, "")
	}
}

// TestReplyWaitsForABeatInItsSecond: timeline lines keep their authored
// times; a reply due in the same second as one waits for the next second,
// and the state replays.
func TestReplyWaitsForABeatInItsSecond(t *testing.T) {
	sc := withReactions(t, scenarios.Reaction{ID: "yes", On: "record", Do: []scenarios.Step{sayStep("Yes.")}})
	e := start(t, sc, 1)
	evs := apply(t, e, 8000, Action{Kind: ActRecord, Field: "door", Value: "front"})
	if r := find(evs, EvReply, "yes", ""); len(r) != 1 || r[0].ETA != 10000 {
		t.Fatalf("want the reply due at 10 s (beats t1 and t2 speak then): %s", transcript(evs))
	}
	evs = e.Advance(10000)
	if w := find(evs, EvTimer, "reply:0", ""); len(w) != 1 || w[0].Reason != "wait" {
		t.Fatalf("want the reply to wait: %s", transcript(evs))
	}
	if got := typeIDs(customerLines(evs), EvLine); len(got) != 2 || got[0] != "line:t1" || got[1] != "line:t2" {
		t.Errorf("at 10 s want the beats' lines at their authored time, got %v", got)
	}
	replayed(t, sc, e.Log(), e, "")
	evs = e.Advance(11000)
	if l := find(evs, EvLine, "yes", ""); len(l) != 1 || l[0].T != 11000 {
		t.Errorf("want the reply said at 11 s: %s", transcript(evs))
	}
}

// TestNoChaseWhileReplying: the customer does not chase while a reply of
// hers is still to come.
func TestNoChaseWhileReplying(t *testing.T) {
	long := scenarios.Text{Src: "Well, let me think. " + strings.Repeat("And then there was the other thing, you know. ", 40)}
	sc := withReactions(t, scenarios.Reaction{ID: "story", On: "record", Do: []scenarios.Step{{Say: &long}}})
	e := start(t, sc, 1)
	// The chase comes 2 min after the trainee last spoke (the start); her
	// story, queued at 1:50, takes about two minutes to tell.
	evs := apply(t, e, 110000, Action{Kind: ActRecord, Field: "door", Value: "front"})
	r := find(evs, EvReply, "story", "")
	if len(r) != 1 || r[0].ETA <= 120000 {
		t.Fatalf("want the story due after 2:00: %s", transcript(evs))
	}
	evs = e.Advance(r[0].ETA)
	for _, c := range find(evs, EvLine, "chase", "") {
		if c.T < r[0].ETA {
			t.Errorf("chased while telling her story: %s", transcript([]Event{c}))
		}
	}
	if s := find(evs, EvTimer, "chase", ""); len(s) == 0 || s[0].Reason != "skip" {
		t.Errorf("want the chase skipped, got %s", transcript(s))
	}
}

// TestReplyPaceSetting: the drill's settings.reply_pace overrides the
// policy's key by key, over the engine's defaults; instant turns pacing off.
func TestReplyPaceSetting(t *testing.T) {
	pol := scenarios.ReplyPace{React: scenarios.Duration(2000), Speech: 120}
	drill := scenarios.ReplyPace{Speech: 200}
	p := resolvePace(pol, drill)
	if p.react != 2000 || p.speech != 200 || p.typing != defaultTyping || p.instant {
		t.Errorf("resolved %+v, want react 2s (policy), speech 200 (drill), typing %v (default)", p, defaultTyping)
	}
	sc := *loadMechanics(t)
	sc.Settings.ReplyPace = scenarios.ReplyPace{React: scenarios.Duration(3000)}
	e := start(t, &sc, 1)
	evs := apply(t, e, 5000, Action{Kind: ActSay, Text: "What is the address?"})
	if r := find(evs, EvReply, "answer:ask_location", ""); len(r) != 1 || r[0].ETA != 10000 {
		t.Errorf("react 3s: want the answer (4 words, 1.4 s) due at 10 s, got %s", transcript(evs))
	}
	sc.Settings.ReplyPace = scenarios.ReplyPace{Instant: true}
	e = start(t, &sc, 1)
	evs = apply(t, e, 5000, Action{Kind: ActSay, Text: "What is the address?"})
	if l := find(evs, EvLine, "answer:ask_location", ""); len(l) != 1 || l[0].T != 5000 {
		t.Errorf("instant: want the answer at the action, got %s", transcript(evs))
	}
}

// TestSnapshotCopiesReplies: a snapshot taken while a reply is pending
// does not change when the reply is said.
func TestSnapshotCopiesReplies(t *testing.T) {
	e := start(t, loadMechanics(t), 1)
	apply(t, e, 5000, Action{Kind: ActSay, Text: "What is the address?"})
	snap := e.Snapshot()
	e.Advance(20000)
	if len(snap.Replies) != 1 || snap.Replies[0].Outcome != "" {
		t.Errorf("the earlier snapshot's replies changed: %+v", snap.Replies)
	}
	if _, ok := snap.Spoke["customer"]; ok {
		t.Errorf("the earlier snapshot's spoke changed: %v", snap.Spoke)
	}
}
