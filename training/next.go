package training

import (
	"context"
	"fmt"
	"slices"

	"github.com/drillroom/drillroom"
)

// Next is what a trainee may do from the debrief of one of their calls:
// try the same drill again, and take the next drill.
type Next struct {
	// Retry is the mode the drill may be started again in: the session's
	// own when the trainee may still play it so (an assessment's attempts
	// may be spent), else practice when that is open to them; "" when
	// neither is.
	Retry drillroom.Mode
	// Drill is the next drill, and Mode the mode to play it in: the first
	// assignment not done yet (in the order given; the assessment of the
	// drill just practised counts), else the drill after this one among
	// those the trainee may start; nil when there is none.
	Drill *Drill
	Mode  drillroom.Mode
}

// NextFor says what user may do after session x: only its trainee gets
// anything (a trainer or coach reviewing it does not start the trainee's
// drills).
func (s *Service) NextFor(ctx context.Context, user drillroom.User, x drillroom.Session) (Next, error) {
	var n Next
	if user.ID != x.UserID {
		return n, nil
	}
	drills, err := s.Startable(ctx, user)
	if err != nil {
		return n, fmt.Errorf("next drill after %s: %w", x.ID, err)
	}
	here := slices.IndexFunc(drills, func(d Drill) bool { return d.ScenarioID == x.ScenarioID })
	if here >= 0 {
		switch ms := drills[here].Modes; {
		case slices.Contains(ms, x.Mode):
			n.Retry = x.Mode
		case slices.Contains(ms, drillroom.ModePractice):
			n.Retry = drillroom.ModePractice
		}
	}
	due, err := s.Due(ctx, user)
	if err != nil {
		return n, fmt.Errorf("next drill after %s: %w", x.ID, err)
	}
	for _, a := range due {
		if a.State == AssignmentDone || (a.ScenarioID == x.ScenarioID && a.Mode == x.Mode) {
			continue
		}
		i := slices.IndexFunc(drills, func(d Drill) bool { return d.ScenarioID == a.ScenarioID && slices.Contains(d.Modes, a.Mode) })
		if i >= 0 {
			n.Drill, n.Mode = &drills[i], a.Mode
			return n, nil
		}
	}
	for k := 1; k < len(drills); k++ {
		d := &drills[(max(here, 0)+k)%len(drills)]
		if d.ScenarioID != x.ScenarioID && len(d.Modes) > 0 {
			n.Drill, n.Mode = d, d.Modes[0]
			return n, nil
		}
	}
	return n, nil
}
