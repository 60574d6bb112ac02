package training

import (
	"context"
	"fmt"
	"sort"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Frame is a session at one moment of its replay: what the trainee's
// record pane showed (classification, record, the services and teams with
// their progress, the hold) and the hidden state a coach reads beside it
// (phase, mood, patience, variables, the beats and reactions fired). It is
// the engine's own fold of the log up to that moment, not a recording.
type Frame struct {
	Seq      int64                `json:"seq"`
	T        int64                `json:"t"`
	Paused   bool                 `json:"paused"`
	OnHold   bool                 `json:"on_hold"`
	Category string               `json:"category"`
	Priority string               `json:"priority"`
	Record   map[string]string    `json:"record"`
	Services []simulator.CastView `json:"services"`
	Teams    []simulator.CastView `json:"teams"`
	Ended    bool                 `json:"ended"`

	Phase    string         `json:"phase"`
	Mood     float64        `json:"mood"`
	Patience float64        `json:"patience"`
	Vars     map[string]any `json:"vars"`
	Fired    []string       `json:"fired"` // beats and reactions, in the order they first fired
}

// FrameAt replays log up to and including seq (clamped to the log) with
// the prepared drill d and returns the frame there. It is pure.
func FrameAt(d *simulator.Drill, log []simulator.Event, seq int64) (Frame, error) {
	if len(log) == 0 {
		return Frame{}, fmt.Errorf("replay: empty log")
	}
	n := sort.Search(len(log), func(i int) bool { return log[i].Seq > seq })
	if n == 0 {
		n = 1 // the start event: there is no moment before it
	}
	e, err := d.Replay(log[:n])
	if err != nil {
		return Frame{}, err
	}
	v, s := e.TraineeView(), e.Snapshot()
	f := Frame{Seq: log[n-1].Seq, T: log[n-1].T, Paused: s.Paused, OnHold: v.OnHold, Category: v.Category, Priority: v.Priority,
		Record: v.Record, Services: v.Services, Teams: v.Teams, Ended: v.Ended,
		Phase: s.Phase, Mood: s.Mood, Patience: s.Patience, Vars: s.Vars}
	type fired struct {
		id string
		at int64
	}
	var fs []fired
	for id, fi := range s.Fired {
		fs = append(fs, fired{id, fi.First})
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].at < fs[j].at || fs[i].at == fs[j].at && fs[i].id < fs[j].id })
	f.Fired = []string{}
	for _, x := range fs {
		f.Fired = append(f.Fired, x.id)
	}
	if f.Record == nil {
		f.Record = map[string]string{}
	}
	if f.Vars == nil {
		f.Vars = map[string]any{}
	}
	return f, nil
}

// Replay returns what a coach needs to replay session x: its scenario and
// whole event log, hidden events included. The hidden state reveals the
// script, so only trainers and coaches who may see the session replay it
// (trainees read their debrief and their console's read-only transcript).
func (s *Service) Replay(ctx context.Context, user drillroom.User, x drillroom.Session) (*scenarios.Scenario, []simulator.Event, error) {
	if !user.Staff() {
		return nil, nil, drillroom.Errorf(drillroom.CodeForbidden, "Replays are for coaches and trainers.")
	}
	if ok, err := s.canSee(ctx, user, x); err != nil || !ok {
		if err == nil {
			err = drillroom.ErrNotFound
		}
		return nil, nil, fmt.Errorf("replay %s for %s: %w", x.ID, user.Username, err)
	}
	sc, events, err := s.ScenarioLog(ctx, x)
	if err != nil {
		return nil, nil, err
	}
	if len(events) == 0 {
		return nil, nil, drillroom.Errorf(drillroom.CodeConflict, "This session has no events to replay yet.")
	}
	return sc, events, nil
}

// ReplayFrame returns session x at event seq (see Replay for who may).
func (s *Service) ReplayFrame(ctx context.Context, user drillroom.User, x drillroom.Session, seq int64) (Frame, error) {
	sc, events, err := s.Replay(ctx, user, x)
	if err != nil {
		return Frame{}, err
	}
	d, err := s.drill(sc)
	if err != nil {
		return Frame{}, err
	}
	f, err := FrameAt(d, events, seq)
	if err != nil {
		return Frame{}, &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "This session cannot be replayed.", Err: err}
	}
	return f, nil
}

// drill prepares sc once per scenario version (and file) for all replays.
func (s *Service) drill(sc *scenarios.Scenario) (*simulator.Drill, error) {
	key := fmt.Sprintf("%s@%d/%s", sc.ID, sc.Version, sc.Hash)
	if d, ok := s.drills.Load(key); ok {
		return d.(*simulator.Drill), nil
	}
	d, err := simulator.Prepare(sc)
	if err != nil {
		return nil, &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "This drill cannot be replayed.", Err: err}
	}
	s.drills.Store(key, d)
	return d, nil
}
