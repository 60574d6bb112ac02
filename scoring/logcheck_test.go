package scoring

import (
	"errors"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

func TestCheckLog(t *testing.T) {
	sc := scenariotest.GasExample(t)
	good := func() []simulator.Event { return goodCall(sc).ev }
	// edited is the good log changed by edit.
	edited := func(edit func(l []simulator.Event)) func() []simulator.Event {
		return func() []simulator.Event {
			l := good()
			edit(l)
			return l
		}
	}
	cases := []struct {
		name    string
		log     func() []simulator.Event
		any     bool
		line    int
		seq     int64
		message string
	}{
		{"empty", func() []simulator.Event { return nil }, false, 0, 0, "empty log"},
		{"no start", func() []simulator.Event { return good()[1:] }, false, 1, 2, `first event is "line", want start`},
		{"another scenario", edited(func(l []simulator.Event) { l[0].Scenario = "fire-basic" }), true, 1, 1, `log is of scenario "fire-basic", not "gas-smell-basic"`},
		{"another version", edited(func(l []simulator.Event) { l[0].Version = 3 }), false, 1, 1, "played against version 3 of gas-smell-basic, the scenario file is version 1"},
		{"another file of the same version", edited(func(l []simulator.Event) { l[0].Hash = "0123456789abcdef" }), false, 1, 1, "different file of gas-smell-basic version 1"},
		{"missing events", func() []simulator.Event {
			l := good()
			return append(l[:5:5], l[7:]...)
		}, false, 6, 8, "sequence number 8 after 5: events 6 to 7 are missing"},
		{"out of order", edited(func(l []simulator.Event) { l[4], l[5] = l[5], l[4] }), false, 5, 6, "sequence number 6 after 4"},
		{"time goes back", edited(func(l []simulator.Event) { l[9].T = 1000 }), false, 10, 10, "virtual time goes back from 60000ms to 1000ms"},
		{"a second start", edited(func(l []simulator.Event) { l[3].Type = simulator.EvStart }), false, 4, 4, "a second start event"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckLog(sc, c.log(), c.any)
			var le *LogError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LogError", err)
			}
			if le.Line != c.line || le.Seq != c.seq || !strings.Contains(le.Msg, c.message) {
				t.Errorf("got line %d seq %d %q, want line %d seq %d containing %q", le.Line, le.Seq, le.Msg, c.line, c.seq, c.message)
			}
			if !errors.Is(err, ErrBadLog) {
				t.Error("error does not wrap ErrBadLog")
			}
		})
	}
	if err := CheckLog(sc, good(), false); err != nil {
		t.Errorf("good log: %v", err)
	}
}

func TestRescoreAnyVersion(t *testing.T) {
	sc := scenariotest.GasExample(t)
	log := goodCall(sc).ev
	log[0].Version, log[0].Hash = 0, "old"
	if _, err := Score(sc, log); err == nil {
		t.Fatal("Score accepted a log of another version")
	}
	card, err := Rescore(sc, log)
	if err != nil {
		t.Fatal(err)
	}
	if card.Version != 1 || card.LogVersion != 0 {
		t.Errorf("versions %d (log %d), want 1 (log 0)", card.Version, card.LogVersion)
	}
	if card.RubricHash != RubricHash(sc) || len(card.RubricHash) != 64 {
		t.Errorf("rubric hash %q", card.RubricHash)
	}
}

func TestRubricHash(t *testing.T) {
	sc := scenariotest.GasExample(t)
	h := RubricHash(sc)
	moved := *sc
	moved.Rubric.Sections = append([]scenarios.Section(nil), sc.Rubric.Sections...)
	moved.Rubric.Sections[0].Pos.Line += 10
	if rubricHash(&moved) != h {
		t.Error("moving a section changed the hash")
	}
	changed := *sc
	changed.Rubric.Sections = append([]scenarios.Section(nil), sc.Rubric.Sections...)
	rules := append(changed.Rubric.Sections[0].Rules[:0:0], changed.Rubric.Sections[0].Rules...)
	rules[0].Points++
	changed.Rubric.Sections[0].Rules = rules
	if rubricHash(&changed) == h {
		t.Error("changing a rule's points kept the hash")
	}
	pol := *sc.Resolved
	pol.Cadence.WaitingUpdate += 1000
	cad := *sc
	cad.Resolved = &pol
	if rubricHash(&cad) == h {
		t.Error("changing the cadence standard kept the hash")
	}
	if rubricHash(sc) != h {
		t.Error("the hash is not stable")
	}
}
