package simulator

import (
	"os"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
)

// deskDrill is the mechanics drill with a wrap-up that asks for a code
// and notes, and a supervisor who answers consultations as scripted.
func deskDrill(t testing.TB) *scenarios.Scenario {
	t.Helper()
	src, err := os.ReadFile("testdata/engine.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(src), `      approves: [{decision: goodwill, up_to: 50, text: "Approved."}]`,
		`      approves: [{decision: goodwill, up_to: 50, text: "Approved."}]
      consult:
        after: 30s
        answers:
          - {when: 'dispatched("fire")', say: "Fire is on the way: keep them outside."}
          - {say: "Get the fire service out first."}`, 1)
	y = strings.Replace(y, "\ntruth:\n", `
settings:
  wrap_up:
    codes: [{id: safety_referral, title: Safety referral}, {id: advice_only, title: Advice only}]
    notes: required
    target: 2m

truth:
`, 1)
	l := scenarios.NewLoader()
	l.AddShipped()
	sc, ds := l.LoadScenario("desk.drill.yaml", []byte(y))
	if ds.HasErrors() {
		t.Fatalf("desk drill: %v", ds)
	}
	return sc
}

// TestConsult: the trainee consults the supervisor while keeping the
// caller; the supervisor answers on the team channel after its consult
// time with the first scripted answer whose guard holds; the consult is the
// trainee's action; going back to the caller ends it; a second consult
// while one is open, a close or a transfer during one are refused.
func TestConsult(t *testing.T) {
	sc := deskDrill(t)
	e := start(t, sc, 1)
	apply(t, e, 1000, Action{Kind: ActHold, Text: "One moment, I'll put you on hold."})
	evs := apply(t, e, 2000, Action{Kind: ActConsult, Target: "supervisor", Text: "Do I send fire?"})
	if a := find(evs, EvAction, "", ""); len(a) != 1 || a[0].Action.Kind != ActConsult || a[0].Action.By != "" {
		t.Fatalf("consult gave %+v, want the trainee's consult action", evs)
	}
	for _, refused := range []Action{
		{Kind: ActConsult, Target: "technical", Text: "And you?"},
		{Kind: ActClose, Resolution: "resolved"},
		{Kind: ActTransfer, Target: "supervisor"},
	} {
		if got := apply(t, e, 3000, refused); len(got) != 1 || got[0].Type != EvRejected || !strings.Contains(got[0].Reason, "Duty Supervisor") {
			t.Errorf("%s during a consult: %+v, want refused naming the supervisor", refused.Kind, got)
		}
	}
	if got := e.Advance(31_000); len(find(got, EvLine, "consult", "")) != 0 {
		t.Fatalf("the supervisor answered before its 30s: %+v", got)
	}
	got := e.Advance(32_000)
	lines := find(got, EvLine, "consult", "")
	if len(lines) != 1 || lines[0].Text != "Get the fire service out first." || lines[0].From != "supervisor" || lines[0].Channel != ChannelTeam {
		t.Fatalf("answer %+v, want the supervisor's second scripted answer on the team channel", got)
	}
	back := apply(t, e, 40_000, Action{Kind: ActEndConsult, Text: "Thanks for holding."})
	if a := find(back, EvAction, "", ""); len(a) != 1 || a[0].Action.Kind != ActEndConsult {
		t.Fatalf("back to the caller: %+v", back)
	}
	if e.f.s.Consulting != "" || e.f.s.Teams["supervisor"].Consulted != 2000 {
		t.Errorf("after the consult: consulting %q, first consulted at %d; want none, 2000", e.f.s.Consulting, e.f.s.Teams["supervisor"].Consulted)
	}
	if got := apply(t, e, 41_000, Action{Kind: ActEndConsult}); got[0].Type != EvRejected {
		t.Errorf("a second return: %+v, want refused", got)
	}
	// Dispatched, the next consult gets the first answer; a return before
	// the answer cancels it.
	apply(t, e, 42_000, Action{Kind: ActDispatch, Target: "fire"})
	apply(t, e, 43_000, Action{Kind: ActConsult, Target: "supervisor", Text: "Anything else?"})
	lines = find(e.Advance(80_000), EvLine, "consult", "")
	if len(lines) != 1 || lines[0].Text != "Fire is on the way: keep them outside." {
		t.Errorf("second answer %+v, want the guarded one", lines)
	}
	apply(t, e, 81_000, Action{Kind: ActEndConsult})
	apply(t, e, 82_000, Action{Kind: ActConsult, Target: "technical", Text: "Any news?"})
	apply(t, e, 83_000, Action{Kind: ActEndConsult})
	if lines := find(e.Advance(200_000), EvLine, "consult", ""); len(lines) != 0 {
		t.Errorf("an answer after the trainee went back to the caller: %+v", lines)
	}
	if got := apply(t, e, 201_000, Action{Kind: ActConsult, Target: "nobody", Text: "?"}); got[0].Type != EvRejected {
		t.Errorf("consulting an unknown id: %+v, want refused", got)
	}
	// Replay folds to the same state.
	r, err := Replay(sc, e.Log())
	if err != nil {
		t.Fatal(err)
	}
	if rs := r.f.s; rs.Teams["supervisor"].Consulted != 2000 || rs.Consulting != "" {
		t.Errorf("replayed: %+v", rs.Teams["supervisor"])
	}
}

// TestStandardConsultAnswer: a team without a consult block answers with
// the standard line, by its name, after the default time.
func TestStandardConsultAnswer(t *testing.T) {
	e := start(t, deskDrill(t), 1)
	apply(t, e, 1000, Action{Kind: ActConsult, Target: "technical", Text: "Any news?"})
	lines := find(e.Advance(1000+DefaultConsultAfter), EvLine, "consult", "")
	if len(lines) != 1 || !strings.HasPrefix(lines[0].Text, "Network Ops: ") {
		t.Fatalf("standard answer %+v, want one line by Network Ops", lines)
	}
}

// TestWrapUp: wrap-up is accepted only after the end, once, with one of
// the drill's codes and the notes it asks for, and not after the review.
func TestWrapUp(t *testing.T) {
	sc := deskDrill(t)
	e := start(t, sc, 1)
	if got := apply(t, e, 1000, Action{Kind: ActWrapUp, Code: "advice_only", Text: "n"}); got[0].Type != EvRejected {
		t.Fatalf("wrap-up during the call: %+v, want refused", got)
	}
	apply(t, e, 2000, Action{Kind: ActClose, Resolution: "resolved"})
	if !e.Ended() || !e.WrappingUp() {
		t.Fatalf("after close: ended %v, wrapping up %v; want both", e.Ended(), e.WrappingUp())
	}
	for _, c := range []struct {
		a    Action
		want string
	}{
		{Action{Kind: ActWrapUp, Text: "notes"}, "choose a wrap-up code"},
		{Action{Kind: ActWrapUp, Code: "nope", Text: "notes"}, `"nope" is not one of`},
		{Action{Kind: ActWrapUp, Code: "advice_only"}, "needs notes"},
		{Action{Kind: ActSay, Text: "hello"}, "only the wrap-up and the post-incident review"},
	} {
		got := apply(t, e, 5000, c.a)
		if len(got) != 1 || got[0].Type != EvRejected || !strings.Contains(got[0].Reason, c.want) {
			t.Errorf("%+v: %+v, want refused with %q", c.a, got, c.want)
		}
	}
	evs := apply(t, e, 65_000, Action{Kind: ActWrapUp, Code: "advice_only", Text: "Advised to leave; fire informed."})
	if len(evs) != 1 || evs[0].Type != EvAction || evs[0].T != 65_000 || e.WrappingUp() {
		t.Fatalf("wrap-up: %+v (wrapping up %v), want the action at 65s and wrap-up over", evs, e.WrappingUp())
	}
	if got := apply(t, e, 66_000, Action{Kind: ActWrapUp, Code: "advice_only", Text: "again"}); got[0].Type != EvRejected {
		t.Errorf("second wrap-up: %+v, want refused", got)
	}
	// The review, then no wrap-up.
	e2 := start(t, sc, 1)
	apply(t, e2, 2000, Action{Kind: ActClose, Resolution: "resolved"})
	apply(t, e2, 9000, Action{Kind: ActReview, Text: "Went well."})
	if e2.WrappingUp() {
		t.Error("the review did not end wrap-up")
	}
	if got := apply(t, e2, 9500, Action{Kind: ActWrapUp, Code: "advice_only", Text: "late"}); got[0].Type != EvRejected || !strings.Contains(got[0].Reason, "review") {
		t.Errorf("wrap-up after the review: %+v, want refused", got)
	}
}

// TestAwayBack: the runner's record of an absence while the clock runs:
// only as the system, away then back, never a pause.
func TestAwayBack(t *testing.T) {
	e := start(t, loadMechanics(t), 1)
	if got := apply(t, e, 1000, Action{Kind: ActAway, Text: "disconnect"}); got[0].Type != EvRejected {
		t.Fatalf("away from a trainee's hand: %+v, want refused", got)
	}
	if got := apply(t, e, 1000, Action{Kind: ActAway, Text: "disconnect", By: drillroom.ActorTrainer}); got[0].Type != EvRejected {
		t.Fatalf("away from a trainer's hand: %+v, want refused", got)
	}
	if got := apply(t, e, 1000, Action{Kind: ActBack, Text: "reconnect", By: drillroom.ActorSystem}); got[0].Type != EvRejected {
		t.Fatalf("back before away: %+v, want refused", got)
	}
	evs := apply(t, e, 2000, Action{Kind: ActAway, Text: "disconnect", By: drillroom.ActorSystem})
	if len(evs) != 1 || evs[0].Type != EvAway || evs[0].Reason != "disconnect" || e.Paused() || !e.Away() {
		t.Fatalf("away: %+v (paused %v, away %v), want an away event with the clock running", evs, e.Paused(), e.Away())
	}
	evs = apply(t, e, 9000, Action{Kind: ActBack, Text: "reconnect", By: drillroom.ActorSystem})
	if len(evs) == 0 || evs[len(evs)-1].Type != EvBack || e.Away() {
		t.Fatalf("back: %+v", evs)
	}
}
