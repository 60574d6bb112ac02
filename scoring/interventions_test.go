package scoring

import (
	"reflect"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// TestInterventionsMarkTheRulesTheyTouched: each trainer command is listed
// once with its span (a pause until the resume, a takeover until its cast
// member is handed back, an injected line to the end of the call; a
// resume or a hand back only ends another's span), and a
// rule is marked by every intervention whose span holds some of its
// evidence; rules with evidence before any intervention, or none, are not.
func TestInterventionsMarkTheRulesTheyTouched(t *testing.T) {
	trainer := func(kind simulator.ActionKind, cmd, as, text string) *simulator.Action {
		return &simulator.Action{Kind: kind, By: drillroom.ActorTrainer, Cmd: cmd, As: as, Text: text}
	}
	log := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart},
		{Seq: 2, T: 10000, Type: simulator.EvAction, Action: trainer(simulator.ActPause, "c1", "", "")},
		{Seq: 3, T: 10000, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActSay, Text: "hello"}},
		{Seq: 4, T: 10000, Type: simulator.EvAction, Action: trainer(simulator.ActResumeClock, "c2", "", "")},
		{Seq: 5, T: 20000, Type: simulator.EvAction, Action: trainer(simulator.ActTakeover, "c3", "customer", "")},
		{Seq: 6, T: 25000, Type: simulator.EvAction, Action: trainer(simulator.ActInject, "c4", "customer", "I can smell it upstairs too")},
		{Seq: 7, T: 25000, Type: simulator.EvLine, From: "customer", Action: trainer(simulator.ActInject, "c4", "customer", "I can smell it upstairs too")},
		{Seq: 8, T: 30000, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas"}},
		{Seq: 9, T: 40000, Type: simulator.EvAction, Action: trainer(simulator.ActHandback, "c5", "customer", "")},
		{Seq: 10, T: 50000, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}},
	}
	card := &Scorecard{Sections: []SectionResult{{ID: "s", Rules: []RuleResult{
		{ID: "greet", Evidence: []Evidence{{Seq: 3}}},
		{ID: "classify", Evidence: []Evidence{{Seq: 8}}},
		{ID: "close", Evidence: []Evidence{{Seq: 10}}},
		{ID: "early", Evidence: []Evidence{{Seq: 1}}},
		{ID: "never", Evidence: nil},
	}}}}
	ivs := Interventions(log, card)
	type got struct {
		Seq   int64
		Kind  simulator.ActionKind
		Until int64
		Rules []string
	}
	var have []got
	for _, iv := range ivs {
		if iv.By != drillroom.ActorTrainer {
			t.Errorf("intervention %d by %q, want the trainer", iv.Seq, iv.By)
		}
		have = append(have, got{iv.Seq, iv.Kind, iv.Until, iv.Rules})
	}
	want := []got{
		{2, simulator.ActPause, 4, []string{"greet"}},
		{4, simulator.ActResumeClock, 4, nil},
		{5, simulator.ActTakeover, 9, []string{"classify"}},
		{6, simulator.ActInject, 0, []string{"classify", "close"}},
		{9, simulator.ActHandback, 9, nil},
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("interventions:\n got %+v\nwant %+v", have, want)
	}
	steered := map[string][]int64{}
	for _, r := range card.Sections[0].Rules {
		steered[r.ID] = r.Steered
	}
	wantSteered := map[string][]int64{"greet": {2}, "classify": {5, 6}, "close": {6}, "early": nil, "never": nil}
	if !reflect.DeepEqual(steered, wantSteered) {
		t.Errorf("steered rules: got %v, want %v", steered, wantSteered)
	}
	if len(card.Interventions) != 5 || card.Interventions[3].Text != "I can smell it upstairs too" || card.Interventions[3].As != "customer" {
		t.Errorf("card.Interventions: got %+v, want the five, the inject with its text", card.Interventions)
	}
}
