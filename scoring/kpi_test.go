package scoring

import (
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestKPIs(t *testing.T) {
	sc := scenariotest.GasExample(t)
	b := newLog(sc).say(5, "hello", "greet").classify(40, "gas-emergency", "P1").
		say(55, "one moment", "hold").hold(60, "").resume(90).dispatch(100, "gas").
		say(150, "hold again", "hold").hold(150, "").resume(170).
		mood(200, 85).close(300, "engineer on site").end(300, "closed", "closed").review(420, "lessons")
	c, err := Score(sc, b.ev)
	if err != nil {
		t.Fatal(err)
	}
	want := KPIs{HandlingTime: 420, TalkTime: 250, HoldTime: 50, WrapUp: 120, FirstContactResolution: true, CSAT: 5,
		TimeToClassify: 40, TimeToFirstEscalation: 100, LongestSilence: 150}
	if c.KPIs != want {
		t.Errorf("KPIs\n got %+v\nwant %+v", c.KPIs, want)
	}

	never := newLog(sc).line(0, "customer", "hello?").end(60, "hangup", "hangup")
	c, err = Score(sc, never.ev)
	if err != nil {
		t.Fatal(err)
	}
	want = KPIs{HandlingTime: 60, TalkTime: 60, CSAT: 3, TimeToClassify: -1, TimeToFirstEscalation: -1, LongestSilence: 60}
	if c.KPIs != want {
		t.Errorf("KPIs of an abandoned call\n got %+v\nwant %+v", c.KPIs, want)
	}
}

func TestCSATFromMood(t *testing.T) {
	for _, c := range []struct {
		mood float64
		want int
	}{{0, 1}, {19.9, 1}, {20, 2}, {40, 3}, {59, 3}, {60, 4}, {80, 5}, {100, 5}, {-5, 1}, {130, 5}} {
		if got := csatFromMood(c.mood); got != c.want {
			t.Errorf("csat(mood %v) = %d, want %d", c.mood, got, c.want)
		}
	}
}

func TestFirstContactWithoutExpression(t *testing.T) {
	sc := loadOutage(t) // no truth.first_contact: the ending kind decides
	for _, c := range []struct {
		kind string
		want bool
	}{{"resolved", true}, {"closed", false}, {"hangup", false}} {
		card, err := Score(sc, newOutageLog(sc).say(1, "hi").end(10, c.kind, c.kind).ev)
		if err != nil {
			t.Fatal(err)
		}
		if card.KPIs.FirstContactResolution != c.want {
			t.Errorf("ending %s: FCR %v, want %v", c.kind, card.KPIs.FirstContactResolution, c.want)
		}
	}
}
