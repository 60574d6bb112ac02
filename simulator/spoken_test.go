package simulator

import "testing"

func TestSpoken(t *testing.T) {
	for _, c := range []struct {
		ms   Millis
		want string
	}{
		{0, "0 seconds"},
		{1000, "1 second"},
		{45_000, "45 seconds"},
		{60_000, "about 1 minute"},
		{25 * 60_000, "about 25 minutes"},
		{25*60_000 + 40_000, "about 26 minutes"},
		{60 * 60_000, "about 1 hour"},
		{70 * 60_000, "about 1 hour 10 minutes"},
		{3 * 60 * 60_000, "about 3 hours"},
	} {
		if got := spoken(c.ms); got != c.want {
			t.Errorf("spoken(%d) = %q, want %q", c.ms, got, c.want)
		}
	}
	for in, want := range map[string]string{"Goodwill payment": "goodwill payment", "CCTV access": "CCTV access", "": "", "x": "x"} {
		if got := lower(in); got != want {
			t.Errorf("lower(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDefaultRadioLines: the standard lines of a service and a team say
// durations in words and decisions by their labels, never "ETA 5m" or an id.
func TestDefaultRadioLines(t *testing.T) {
	e := start(t, loadMechanics(t), 1)
	evs := apply(t, e, 1000, Action{Kind: ActDispatch, Target: "fire"})
	evs = append(evs, apply(t, e, 2000, Action{Kind: ActRequest, Target: "supervisor", Decision: "refund"})...)
	evs = append(evs, e.Advance(40_000)...)
	if got := find(evs, EvAck, "", "Fire Service"); len(got) != 1 || got[0].Text != "Fire Service: request received, with you in about 5 minutes." {
		t.Errorf("fire's acknowledgement %+v, want the standard line with its ETA in words", got)
	}
	if got := find(evs, EvDecline, "refund", ""); len(got) != 1 || got[0].Text != "Duty Supervisor: declined: refund." {
		t.Errorf("the supervisor's decline %+v, want the standard line naming the decision by its label", got)
	}
}
