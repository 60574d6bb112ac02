package scoring

import (
	"reflect"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// logb builds an event log by hand: times in seconds, sequence numbers
// assigned in order.
type logb struct {
	ev []simulator.Event
}

var exampleVary = map[string]any{"caller_name": "Priya Shah", "flat": 4.0, "street": "Mill Lane", "gas_ack": 45.0}

func newLog(sc *scenarios.Scenario) *logb {
	b := &logb{}
	b.add(0, startEvent(sc, exampleVary))
	return b
}

func startEvent(sc *scenarios.Scenario, vary map[string]any) simulator.Event {
	return simulator.Event{Type: simulator.EvStart, Scenario: sc.ID, Version: sc.Version, Hash: sc.Hash, Seed: 7, Mode: "practice",
		Value: map[string]any{"vary": vary}}
}

func ms(sec float64) int64 { return int64(sec * 1000) }

func (b *logb) add(sec float64, e simulator.Event) *logb {
	e.Seq = int64(len(b.ev) + 1)
	e.T = ms(sec)
	b.ev = append(b.ev, e)
	return b
}

func (b *logb) act(sec float64, a simulator.Action, intents ...string) *logb {
	return b.add(sec, simulator.Event{Type: simulator.EvAction, Action: &a, Intents: intents})
}

func (b *logb) say(sec float64, text string, intents ...string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActSay, Text: text}, intents...)
}

func (b *logb) promise(sec float64, text string, by float64, intents ...string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActSay, Text: text, Promise: ms(by)}, intents...)
}

func (b *logb) line(sec float64, from, text string) *logb {
	return b.add(sec, simulator.Event{Type: simulator.EvLine, From: from, Channel: "call", Text: text})
}

func (b *logb) hold(sec float64, text string, intents ...string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActHold, Text: text}, intents...)
}

func (b *logb) resume(sec float64) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActResume})
}

func (b *logb) classify(sec float64, cat, pri string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActClassify, Category: cat, Priority: pri})
}

func (b *logb) record(sec float64, field, value string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActRecord, Field: field, Value: value})
}

func (b *logb) dispatch(sec float64, id string, info ...string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActDispatch, Target: id, Info: info})
}

func (b *logb) escalate(sec float64, id string, info ...string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActEscalate, Target: id, Info: info})
}

func (b *logb) contact(sec float64, id, text string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActContact, Target: id, Text: text})
}

func (b *logb) fire(sec float64, id string) *logb {
	return b.add(sec, simulator.Event{Type: simulator.EvBeat, ID: id})
}

func (b *logb) arrive(sec float64, id string) *logb {
	return b.add(sec, simulator.Event{Type: simulator.EvArrive, From: id})
}

func (b *logb) mood(sec float64, mood float64) *logb {
	p := 50.0
	return b.add(sec, simulator.Event{Type: simulator.EvMood, Mood: &mood, Patience: &p})
}

func (b *logb) close(sec float64, resolution string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActClose, Resolution: resolution})
}

func (b *logb) end(sec float64, id, kind string) *logb {
	return b.add(sec, simulator.Event{Type: simulator.EvEnd, ID: id, Reason: kind})
}

func (b *logb) review(sec float64, text string) *logb {
	return b.act(sec, simulator.Action{Kind: simulator.ActReview, Text: text})
}

// goodCard is the scorecard of goodCall.
func goodCard(t *testing.T, sc *scenarios.Scenario) *Scorecard {
	t.Helper()
	c, err := Score(sc, goodCall(sc).ev)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// goodCall is a well-handled gas call.
func goodCall(sc *scenarios.Scenario) *logb {
	return newLog(sc).
		line(0, "customer", "Hello? I think I can smell gas").
		say(5, "Hello, you're through to the emergency line. Please don't touch any light switches and leave the flat.", "greet", "safety_advice").
		say(20, "Where are you exactly?", "ask_location").
		line(25, "customer", "Flat 4, Mill Lane").
		record(30, "location", "Flat 4, Mill Lane, ground floor").
		record(35, "hazard", "Strong gas smell in hallway").
		classify(40, "gas-emergency", "P1").
		dispatch(60, "gas", "location", "hazards").
		say(70, "The gas engineer is on their way.", "update").
		say(130, "Latest update: they are on their way.", "update").
		record(150, "callback", "07700 900248").
		say(190, "Still on their way, stay outside.", "update", "safety_advice").
		say(250, "They are minutes away.", "update").
		arrive(300, "gas").
		say(305, "The engineer has arrived.", "update").
		mood(306, 72).
		close(320, "engineer on site").
		end(320, "closed", "closed").
		review(400, "Safety advice early; could have recorded callback sooner.")
}

// ruleEnv scores nothing: it folds the log and returns the rule env.
func ruleEnv(t testing.TB, sc *scenarios.Scenario, b *logb) map[string]any {
	t.Helper()
	s, err := newSession(sc, b.ev, false)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	return s.env
}

// call calls a rule function of env by name.
func call(t testing.TB, env map[string]any, name string, args ...any) any {
	t.Helper()
	fn := reflect.ValueOf(env[name])
	if fn.Kind() != reflect.Func {
		if len(args) > 0 {
			t.Fatalf("%s is not a function in the rule env", name)
		}
		return env[name]
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
	}
	return fn.Call(in)[0].Interface()
}

// fnCase is one table row: a function call and the value it must return.
type fnCase struct {
	name string
	log  func() *logb
	fn   string
	args []any
	want any
}

func runFnCases(t *testing.T, sc *scenarios.Scenario, cases []fnCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := call(t, ruleEnv(t, sc, c.log()), c.fn, c.args...)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s%v = %#v, want %#v", c.fn, c.args, got, c.want)
			}
		})
	}
}
