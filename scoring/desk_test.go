package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/simulator"
)

// TestConsultedAndWrapUp: consulted() and consulted_at() read the
// trainee's consultations; wrap_up_time() and the wrap-up KPI measure the
// after-call work from the end of the call to the trainee's "finish
// wrap-up", else to the review, and agree with each other.
func TestConsultedAndWrapUp(t *testing.T) {
	sc := loadOutage(t)
	consulted := func() *logb {
		return newOutageLog(sc).hold(50, "one moment", "hold").
			act(60, simulator.Action{Kind: simulator.ActConsult, Target: "supervisor", Text: "Compensation?"}).
			act(90, simulator.Action{Kind: simulator.ActEndConsult}).resume(91).
			end(300, "closed", "closed").
			act(390, simulator.Action{Kind: simulator.ActWrapUp, Code: "advice_only", Text: "notes"}).
			review(500, "lessons")
	}
	reviewOnly := func() *logb { return newOutageLog(sc).end(300, "closed", "closed").review(420, "lessons") }
	neither := func() *logb { return newOutageLog(sc).end(300, "closed", "closed") }
	// Left the desk at 5:40 during wrap-up, back at 5:40 (the clock stood
	// still), left again at 6:10 for good.
	left := func() *logb {
		return newOutageLog(sc).end(300, "closed", "closed").
			add(340, simulator.Event{Type: simulator.EvAway, Reason: "wrap_up"}).
			add(340, simulator.Event{Type: simulator.EvBack, Reason: "wrap_up"}).
			add(370, simulator.Event{Type: simulator.EvAway, Reason: "wrap_up"})
	}
	cameBack := func() *logb {
		return newOutageLog(sc).end(300, "closed", "closed").
			add(340, simulator.Event{Type: simulator.EvAway, Reason: "wrap_up"}).
			add(340, simulator.Event{Type: simulator.EvBack, Reason: "wrap_up"})
	}
	runFnCases(t, sc, []fnCase{
		{"consulted", consulted, "consulted", []any{"supervisor"}, true},
		{"consulted at", consulted, "consulted_at", []any{"supervisor"}, 60.0},
		{"never consulted", reviewOnly, "consulted", []any{"supervisor"}, false},
		{"not consulted: at", reviewOnly, "consulted_at", []any{"supervisor"}, -1.0},
		{"wrap-up to the finish, not the review", consulted, "wrap_up_time", nil, 90.0},
		{"wrap-up code", consulted, "wrap_up_code", nil, "advice_only"},
		{"wrap-up to the review without a finish", reviewOnly, "wrap_up_time", nil, 120.0},
		{"no wrap-up yet", neither, "wrap_up_time", nil, -1.0},
		{"left the desk for good: to the departure", left, "wrap_up_time", nil, 70.0},
		{"left and came back: still going", cameBack, "wrap_up_time", nil, -1.0},
	})
	for _, c := range []struct {
		name string
		log  *logb
		want float64
	}{{"finished", consulted(), 90}, {"review only", reviewOnly(), 120}, {"neither", neither(), 0}, {"left", left(), 70}} {
		card, err := Score(sc, c.log.ev)
		if err != nil {
			t.Fatal(err)
		}
		if card.KPIs.WrapUp != c.want {
			t.Errorf("%s: wrap-up KPI %v, want %v", c.name, card.KPIs.WrapUp, c.want)
		}
	}
}
