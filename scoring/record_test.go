package scoring

import (
	"fmt"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
)

// The outage fixture's record: location exact "{{vary.house}} {{vary.street}}"
// (12 Elm Street), medical_need contains "oxygen", callback any.

func TestRecord(t *testing.T) {
	sc := loadOutage(t)
	full := func() *logb {
		return newOutageLog(sc).record(30, "location", "12  elm STREET ").record(40, "medical_need", "Home oxygen concentrator").
			record(50, "callback", "07700 900123").end(300, "closed", "closed")
	}
	wrongExact := func() *logb {
		return newOutageLog(sc).record(30, "location", "Flat 12 Elm Street").record(40, "medical_need", "wheelchair").end(300, "closed", "closed")
	}
	overwritten := func() *logb {
		return newOutageLog(sc).record(30, "location", "12 Elm Street").record(60, "location", "12 Oak Street").end(300, "closed", "closed")
	}
	empty := func() *logb { return newOutageLog(sc).record(30, "callback", "  ").end(300, "closed", "closed") }
	runFnCases(t, sc, []fnCase{
		{"complete", full, "record_complete", nil, true},
		{"accuracy: all correct", full, "record_accuracy", nil, 1.0},
		{"exact ignores case and spacing", full, "field_correct", []any{"location"}, true},
		{"contains", full, "field_correct", []any{"medical_need"}, true},
		{"exact wants nothing more", wrongExact, "field_correct", []any{"location"}, false},
		{"wrong fields", wrongExact, "wrong_fields", nil, []string{"location", "medical_need"}},
		{"missing fields", wrongExact, "missing_fields", nil, []string{"callback"}},
		{"accuracy counts every truth field", wrongExact, "record_accuracy", nil, 0.0},
		{"the last value counts", overwritten, "field", []any{"location"}, "12 Oak Street"},
		{"the last value is judged", overwritten, "field_correct", []any{"location"}, false},
		{"blank is not recorded", empty, "recorded", []any{"callback"}, false},
		{"blank is missing", empty, "missing_fields", nil, []string{"location", "medical_need", "callback"}},
		{"a field the truth does not list: recorded is correct", full, "field_correct", []any{"callback"}, true},
		{"nothing recorded: incomplete", func() *logb { return newOutageLog(sc).end(10, "closed", "closed") }, "record_complete", nil, false},
	})
}

func TestRecordRendersVariation(t *testing.T) {
	sc := scenariotest.GasExample(t) // location: "Flat {{vary.flat}}, {{vary.street}}" contains
	b := func() *logb {
		return newLog(sc).record(30, "location", "flat 4, mill lane, ground floor").end(100, "closed", "closed")
	}
	wrongFlat := func() *logb {
		return newLog(sc).record(30, "location", "Flat 5, Mill Lane").end(100, "closed", "closed")
	}
	runFnCases(t, sc, []fnCase{
		{"true value rendered with the seed's variation", b, "field_correct", []any{"location"}, true},
		{"another flat is wrong", wrongFlat, "field_correct", []any{"location"}, false},
	})
}

// TestRecordWithoutLoggedVariation scores a log whose start event does not
// carry the variation (an older writer): scoring draws it again, and must
// draw what the engine draws for the seed, name by name.
func TestRecordWithoutLoggedVariation(t *testing.T) {
	sc := scenariotest.GasExample(t)
	for _, seed := range []int64{1, 2, 3, 17, 4242} {
		vary := simulator.Variation(sc, seed)
		logged := func(value string) func() *logb {
			return func() *logb {
				b := &logb{}
				start := startEvent(sc, nil)
				start.Seed, start.Value = seed, nil
				b.add(0, start)
				return b.record(30, "location", value).end(100, "closed", "closed")
			}
		}
		right := fmt.Sprintf("Flat %v, %v", vary["flat"], vary["street"])
		wrong := fmt.Sprintf("Flat %v, %v", vary["flat"].(int)+1, vary["street"])
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			runFnCases(t, sc, []fnCase{
				{"the engine's draw is correct", logged(right), "field_correct", []any{"location"}, true},
				{"another flat is wrong", logged(wrong), "field_correct", []any{"location"}, false},
			})
		})
	}
}

// TestRecordAlso: a field whose truth changes during the call accepts the
// later truth too; the last value is still the one judged.
func TestRecordAlso(t *testing.T) {
	base := loadOutage(t) // medical_need contains "oxygen"
	sc := *base
	sc.Truth.Record = append([]scenarios.RecordField(nil), base.Truth.Record...)
	alt := scenarios.Text{Src: "ventilator"}
	if err := alt.Parse(); err != nil {
		t.Fatal(err)
	}
	for i := range sc.Truth.Record {
		if sc.Truth.Record[i].Field == "medical_need" {
			sc.Truth.Record[i].Also = []scenarios.Text{alt}
		}
	}
	updated := func() *logb {
		return newOutageLog(&sc).record(30, "medical_need", "oxygen concentrator").record(60, "medical_need", "now on a ventilator").end(300, "closed", "closed")
	}
	wrong := func() *logb {
		return newOutageLog(&sc).record(30, "medical_need", "oxygen concentrator").record(60, "medical_need", "wheelchair").end(300, "closed", "closed")
	}
	runFnCases(t, &sc, []fnCase{
		{"an update to the later truth is correct", updated, "field_correct", []any{"medical_need"}, true},
		{"an update to something untrue is wrong", wrong, "field_correct", []any{"medical_need"}, false},
		{"and counts as a wrong field", wrong, "wrong_fields", nil, []string{"medical_need"}},
	})
	// Without also, the same update is wrong: the misjudgement issue 15 names.
	runFnCases(t, base, []fnCase{
		{"without also the update is judged wrong", func() *logb {
			return newOutageLog(base).record(30, "medical_need", "oxygen concentrator").record(60, "medical_need", "now on a ventilator").end(300, "closed", "closed")
		}, "field_correct", []any{"medical_need"}, false},
	})
}
