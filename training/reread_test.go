package training_test

import (
	"slices"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

func TestRereadings(t *testing.T) {
	d, err := simulator.Prepare(scenariotest.GasExample(t))
	if err != nil {
		t.Fatal(err)
	}
	const line = "The gas engineer is on the way to you now."
	today := d.MatchIntents(line)
	say := func(seq int64, by drillroom.Actor, stored []string, extra ...string) simulator.Event {
		return simulator.Event{Seq: seq, Type: simulator.EvAction, Intents: stored,
			Action: &simulator.Action{Kind: simulator.ActSay, Text: line, Intents: extra, By: by}}
	}
	events := []simulator.Event{
		say(1, drillroom.ActorTrainee, today),          // read today as it was then
		say(2, drillroom.ActorTrainee, nil),            // an older recogniser read nothing
		say(3, drillroom.ActorTrainer, nil),            // a trainer's line is not the trainee's
		say(4, drillroom.ActorTrainee, today, "greet"), // a quick button counts as the engine counts it
		say(5, drillroom.ActorTrainee, append(today, "greet"), "greet"),
		{Seq: 6, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActRecord, Field: "notes", Value: line}},
	}
	got := training.Rereadings(d, events)
	withGreet := slices.Sorted(slices.Values(append(slices.Clone(today), "greet")))
	if len(got) != 2 || !slices.Equal(got[2], today) || !slices.Equal(got[4], withGreet) {
		t.Errorf("Rereadings = %v; want seq 2 read as %v and seq 4 as %v", got, today, withGreet)
	}
}
