package training

import (
	"context"
	"slices"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Rereadings says, for each of the trainee's lines in events, how today's
// intent recogniser would read it when that differs from the intents the
// line was played with, by the seq of the line's action event. A session
// keeps the tags it was played with (the customer reacted to them, and
// scoring reads them); this is for the debrief to show a coach where a
// newer recogniser would have understood the trainee differently.
func (s *Service) Rereadings(ctx context.Context, x drillroom.Session, events []simulator.Event) (map[int64][]string, error) {
	d, err := s.live.Drill(ctx, x.ScenarioID, x.Version)
	if err != nil {
		return nil, err
	}
	return Rereadings(d, events), nil
}

// Rereadings is Service.Rereadings for a prepared drill.
func Rereadings(d *simulator.Drill, events []simulator.Event) map[int64][]string {
	out := map[int64][]string{}
	for _, ev := range events {
		a := ev.Action
		if ev.Type != simulator.EvAction || a == nil || a.Text == "" || a.By == drillroom.ActorTrainer {
			continue
		}
		switch a.Kind {
		case simulator.ActSay, simulator.ActHold, simulator.ActResume, simulator.ActClose:
		default:
			continue
		}
		// As the engine tags a line: the intents the trainee gave with it
		// (the console's quick buttons) and those its words are read as.
		now := append(slices.Clone(a.Intents), d.MatchIntents(a.Text)...)
		slices.Sort(now)
		now = slices.Compact(now)
		then := slices.Sorted(slices.Values(ev.Intents))
		then = slices.Compact(then)
		if !slices.Equal(now, then) {
			out[ev.Seq] = now
		}
	}
	return out
}
