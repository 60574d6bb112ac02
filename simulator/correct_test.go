package simulator

import (
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

func startLibrary(t *testing.T, id, mode string) *Engine {
	t.Helper()
	e, _, err := libraryDrill(t, id).Start(Config{Seed: 1, Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A line the recogniser missed, corrected in practice: the correction is
// on the log, the customer reacts to the added intent, and it counts as
// said; a wrongly recognised intent taken off no longer counts.
func TestCorrectAddsAndRemoves(t *testing.T) {
	e := startLibrary(t, "gas-smell-flats", "practice")
	// Meant as "get out", read as nothing.
	evs := apply(t, e, 5000, Action{Kind: ActSay, Text: "Off you go, all of you, quick as you can."})
	say := find(evs, EvAction, "", "")
	if len(say) != 1 || len(say[0].Intents) != 0 {
		t.Fatalf("the line: %v, want one action read as nothing", say)
	}
	if len(find(evs, EvReaction, "evacuating", "")) != 0 {
		t.Fatal("evacuating fired before the correction")
	}
	want := []string{"evacuate", "safety_advice"}
	evs = apply(t, e, 8000, Action{Kind: ActCorrect, Of: say[0].Seq, Intents: want})
	corr := find(evs, EvAction, "", "")
	if len(corr) != 1 || corr[0].Action.Kind != ActCorrect || !slices.Contains(corr[0].Intents, "evacuate") || len(corr[0].Removed) != 0 {
		t.Fatalf("correction event: %+v", corr)
	}
	// Her answer is queued at the correction and said at her pace.
	if len(find(evs, EvReaction, "evacuating", "")) != 1 || len(find(evs, EvReply, "evacuating", "")) == 0 {
		t.Errorf("the customer did not react to the corrected intent:\n%s", transcript(evs))
	}

	if u := e.Snapshot().Said["evacuate"]; u.Count != 1 || u.First != 8000 {
		t.Errorf("said evacuate: %+v", u)
	}

	// Taking an intent off: it is no longer said.
	evs = apply(t, e, 12000, Action{Kind: ActSay, Text: "I'm so sorry about this"})
	line := find(evs, EvAction, "", "")[0]
	if !slices.Contains(line.Intents, "apologise") {
		t.Fatalf("not read as an apology: %v", line.Intents)
	}
	before := e.Snapshot().Said["apologise"].Count
	evs = apply(t, e, 13000, Action{Kind: ActCorrect, Of: line.Seq, Intents: []string{}})
	if c := find(evs, EvAction, "", ""); len(c) != 1 || !slices.Equal(c[0].Removed, line.Intents) || len(c[0].Intents) != 0 {
		t.Errorf("correction to none: %+v", c)
	}
	if got := e.Snapshot().Said["apologise"].Count; got != before-1 {
		t.Errorf("apologise said %d times after the correction, want %d", got, before-1)
	}
	// The answer to the correction comes when she has said it; a replay
	// of the log, pending replies and all, gives the same state.
	if l := find(e.Advance(20000), EvLine, "evacuating", ""); len(l) != 1 || l[0].T <= 8000 {
		t.Errorf("the customer's answer to the correction, by 0:20: %v", l)
	}
	r, err := libraryDrill(t, "gas-smell-flats").Replay(e.Log())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snapJSON(t, r.Snapshot()), snapJSON(t, e.Snapshot()); got != want {
		t.Errorf("replay differs:\n%s\nwant\n%s", got, want)
	}
}

func TestCorrectRefused(t *testing.T) {
	for _, forget := range []bool{false, true} {
		t.Run(map[bool]string{false: "log kept", true: "log forgotten"}[forget], func(t *testing.T) {
			testCorrectRefused(t, forget)
		})
	}
}

func testCorrectRefused(t *testing.T, forget bool) {
	e := startLibrary(t, "gas-smell-flats", "practice")
	if forget {
		e.ForgetLog()
	}
	evs := apply(t, e, 5000, Action{Kind: ActSay, Text: "Which floor are you on?"})
	line := find(evs, EvAction, "", "")[0]
	rec := apply(t, e, 6000, Action{Kind: ActRecord, Field: "location", Value: "3rd floor"})
	tests := []struct {
		name string
		a    Action
		want string
	}{
		{"not a line", Action{Kind: ActCorrect, Of: rec[0].Seq, Intents: []string{"greet"}}, "there is no line of yours"},
		{"no such seq", Action{Kind: ActCorrect, Of: 999, Intents: []string{"greet"}}, "there is no line of yours"},
		{"another's line", Action{Kind: ActCorrect, Of: line.Seq, Intents: []string{"greet"}, By: drillroom.ActorTrainer}, "there is no line of yours"},
		{"unknown intent", Action{Kind: ActCorrect, Of: line.Seq, Intents: []string{"dance"}}, `unknown intent "dance"`},
		{"no change", Action{Kind: ActCorrect, Of: line.Seq, Intents: line.Intents}, "already has these intents"},
		{"too many", Action{Kind: ActCorrect, Of: line.Seq, Intents: make([]string, 17)}, "at most 16"},
	}
	for _, tt := range tests {
		evs := apply(t, e, 7000, tt.a)
		if r := find(evs, EvRejected, "", ""); len(r) != 1 || !strings.Contains(r[0].Reason, tt.want) {
			t.Errorf("%s: got %v, want a refusal with %q", tt.name, evs, tt.want)
		}
	}
	a := startLibrary(t, "gas-smell-flats", "assessment")
	evs = apply(t, a, 5000, Action{Kind: ActSay, Text: "Which floor are you on?"})
	evs = apply(t, a, 6000, Action{Kind: ActCorrect, Of: find(evs, EvAction, "", "")[0].Seq, Intents: []string{"greet"}})
	if r := find(evs, EvRejected, "", ""); len(r) != 1 || !strings.Contains(r[0].Reason, "practice") {
		t.Errorf("assessment: got %v, want a refusal", evs)
	}
}
