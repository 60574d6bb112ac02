package scenarios

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseTiming(t *testing.T) {
	cases := []struct {
		in      string
		want    Timing
		wantErr string
	}{
		{in: "90s", want: Fixed(90_000)},
		{in: "45", want: Fixed(45_000)},
		{in: "1h30m", want: Fixed(5_400_000)},
		{in: "vary.gas_ack", want: Timing{Vary: "gas_ack"}},
		{in: "  vary.gas_ack ", want: Timing{Vary: "gas_ack"}},
		{in: "vary.", wantErr: "write vary.NAME"},
		{in: "vary.gas ack", wantErr: "write vary.NAME"},
		{in: "vary.a.b", wantErr: "write vary.NAME"},
		{in: "{{vary.gas_ack}}", wantErr: "without braces"},
		{in: "vary.gas_ack s", wantErr: "write vary.NAME"},
		{in: "2 * vary.gas_ack", wantErr: "without braces or other text"},
		{in: "5 minutes", wantErr: "invalid duration"},
		{in: "-2m", wantErr: "out of range"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseTiming(c.in)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %v, %v; want an error containing %q", got, err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestTimingResolve(t *testing.T) {
	vary := map[string]any{"gas_ack": 49.0, "flat": 3, "name": "Sam"}
	cases := []struct {
		t    Timing
		want Duration
	}{
		{Fixed(90_000), 90_000},
		{Timing{}, 0},
		{Timing{Vary: "gas_ack"}, 49_000},
		{Timing{Vary: "flat"}, 3_000},               // an int, as a hand-made log may hold
		{Timing{Vary: "name"}, 0},                   // not a number: the loader rules it out
		{Timing{Vary: "missing"}, 0},                // a log of another version of the drill
		{Timing{Vary: "gas_ack", Fixed: 5}, 49_000}, // vary wins
	}
	for _, c := range cases {
		if got := c.t.Resolve(vary); got != c.want {
			t.Errorf("%+v.Resolve = %d, want %d", c.t, got, c.want)
		}
	}
	if s := (Timing{Vary: "gas_ack"}).String(); s != "vary.gas_ack" {
		t.Errorf("String() = %q, want vary.gas_ack", s)
	}
	if s := Fixed(150_000).String(); s != "2m30s" {
		t.Errorf("String() = %q, want 2m30s", s)
	}
}

// TestVaryTimingsFindsEveryTimingField fills every Timing field reachable
// from Scenario (one element in each list and map) with its own variation
// name, and checks that varyTimings reports each one, at its key path:
// a Timing field added to the types without being listed there fails.
func TestVaryTimingsFindsEveryTimingField(t *testing.T) {
	var s Scenario
	var want []string
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), path)
		case reflect.Struct:
			if v.Type() == timingType {
				v.Set(reflect.ValueOf(Timing{Vary: "v" + strconv.Itoa(len(want))}))
				want = append(want, path+" "+v.Interface().(Timing).Vary)
				return
			}
			if v.Type() == exprType || v.Type() == textType {
				return
			}
			for _, f := range infoOf(v.Type()).fields {
				if f.name == "tests" {
					continue // tests move the clock themselves: no timings
				}
				p := f.name
				if path != "" {
					p = path + "." + f.name
				}
				fill(v.Field(f.index), p)
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), path+"[0]")
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return
			}
			m := reflect.MakeMap(v.Type())
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, path+".x")
			m.SetMapIndex(reflect.ValueOf("x"), e)
			v.Set(m)
		}
	}
	fill(reflect.ValueOf(&s).Elem(), "")
	if len(want) < 10 {
		t.Fatalf("found only %d timing fields in the types: %v", len(want), want)
	}
	var got []string
	for _, r := range varyTimings(&s) {
		got = append(got, r.path+" "+r.name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("varyTimings found\n  %v\nthe types have\n  %v", got, want)
	}
}

const timingDrill = `id: timing-lint
title: Timing lint
version: 1
summary: A between variation used only by a timing.
difficulty: beginner
duration: 5m
policy: uk-contact-centre
variation:
  gas_ack: {between: [30s, 75s]}
  opening_at: {between: [0s, 5s]}
truth: {category: gas-emergency, impact: high, urgency: high}
cast:
  customer: {name: Sam, mood: 50, patience: 80}
  services:
    gas: {kind: gas, name: Gas, ack: vary.gas_ack, eta: 20m}
timeline:
  - {id: opening, at: vary.opening_at, do: [{say: "Hello?"}]}
endings:
  - {id: closed, kind: closed}
rubric:
  sections:
    - id: main
      title: Main
      rules:
        - {id: dispatched, title: Dispatched, check: 'dispatched("gas")', points: 10}
  mistakes: {misclassification: [dispatched], uninformed: [dispatched], not_involved: [dispatched], incomplete_record: [dispatched], over_escalation: []}
`

// TestTimingCountsAsAUseOfItsVariation checks that a variation read only
// by timings is not reported as never used (DR5005), and that the loaded
// scenario holds the references.
func TestTimingCountsAsAUseOfItsVariation(t *testing.T) {
	l := NewLoader()
	l.AddShipped()
	s, ds := l.LoadScenario("timing.drill.yaml", []byte(timingDrill))
	if len(ds) != 0 || s == nil {
		t.Fatalf("got diagnostics %v, want none", ds)
	}
	if got := s.Cast.Services["gas"].Ack; got != (Timing{Vary: "gas_ack"}) {
		t.Errorf("gas ack %+v, want vary.gas_ack", got)
	}
	if got := s.Timeline[0].At; got == nil || *got != (Timing{Vary: "opening_at"}) {
		t.Errorf("opening at %+v, want vary.opening_at", got)
	}
	unused := strings.Replace(timingDrill, "ack: vary.gas_ack", "ack: 45s", 1)
	_, ds = l.LoadScenario("timing.drill.yaml", []byte(unused))
	if len(ds) != 1 || ds[0].Code != CodeUnusedVary || !strings.Contains(ds[0].Message, `"gas_ack"`) {
		t.Errorf("with the timing literal: got %v, want one DR5005 for gas_ack", ds)
	}
}
