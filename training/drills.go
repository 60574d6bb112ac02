package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
)

// Drill is a drill a user may start: its latest published version and the
// modes the user may play it in, practice first.
type Drill struct {
	drillroom.ScenarioVersion
	Modes []drillroom.Mode
}

// Startable lists the drills user may start, in the order they were
// assigned: a trainee's assignments (their own and their cohorts'); a
// trainer may also practise any published drill, to try it before
// assigning it. An assignment pinned to a version offers that version
// unless it was retired; the others offer the latest. An assignment whose
// attempts are spent (sessions of it that ended) offers nothing more.
func (s *Service) Startable(ctx context.Context, user drillroom.User) ([]Drill, error) {
	as, err := s.store.Assignments(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("drills of %s: %w", user.Username, err)
	}
	type key struct {
		id      string
		version int // 0: the latest
	}
	modes := map[key][]drillroom.Mode{}
	var order []key
	add := func(k key, m drillroom.Mode) {
		if _, ok := modes[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(modes[k], m) {
			modes[k] = append(modes[k], m)
		}
	}
	var sessions []drillroom.Session
	for _, a := range as {
		if a.CohortID != 0 && user.Role != drillroom.RoleTrainee {
			continue // a cohort's assignment is for its trainees, not its trainers and coaches
		}
		if a.Attempts > 0 {
			if sessions == nil {
				if sessions, err = s.store.SessionsForUser(ctx, user.ID); err != nil {
					return nil, fmt.Errorf("drills of %s: %w", user.Username, err)
				}
			}
			if _, used := AssignmentState(a, sessions, time.Now()); used >= a.Attempts {
				continue
			}
		}
		add(key{a.ScenarioID, a.Version}, a.Mode)
	}
	if user.Role == drillroom.RoleTrainer {
		all, err := s.store.LatestScenarios(ctx)
		if err != nil {
			return nil, fmt.Errorf("drills of %s: %w", user.Username, err)
		}
		for _, v := range all {
			add(key{v.ScenarioID, 0}, drillroom.ModePractice)
		}
	}
	var drills []Drill
	for _, k := range order {
		var v drillroom.ScenarioVersion
		if k.version > 0 {
			v, err = s.store.ScenarioVersion(ctx, k.id, k.version)
			if err == nil && !v.RetiredAt.IsZero() {
				continue // pinned to a retired version
			}
		} else {
			v, err = s.store.LatestScenarioVersion(ctx, k.id)
		}
		if errors.Is(err, drillroom.ErrNotFound) {
			continue // assigned but withdrawn
		}
		if err != nil {
			return nil, fmt.Errorf("drills of %s: %w", user.Username, err)
		}
		ms := modes[k]
		slices.SortFunc(ms, func(a, b drillroom.Mode) int { return strings.Compare(string(b), string(a)) }) // practice before assessment
		drills = append(drills, Drill{ScenarioVersion: v, Modes: ms})
	}
	return drills, nil
}

// DueDrill is one of a trainee's assignments from a trainer, with where
// they stand.
type DueDrill struct {
	drillroom.Assignment
	Title        string
	State        string // AssignmentOpen, AssignmentDue, AssignmentOverdue or AssignmentDone
	AttemptsUsed int
}

// Due lists the assignments trainers gave the user (directly or through a
// cohort), in the order they were given, with their state: what is due,
// overdue and done.
func (s *Service) Due(ctx context.Context, user drillroom.User) ([]DueDrill, error) {
	as, err := s.store.Assignments(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("assignments of %s: %w", user.Username, err)
	}
	sessions, err := s.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("assignments of %s: %w", user.Username, err)
	}
	now := time.Now()
	var out []DueDrill
	for _, a := range as {
		if a.ID == 0 {
			continue // a per-user assignment of the command line: no due date to track
		}
		if a.CohortID != 0 && user.Role != drillroom.RoleTrainee {
			continue // a cohort's assignment is for its trainees
		}
		d := DueDrill{Assignment: a, Title: a.ScenarioID}
		var v drillroom.ScenarioVersion
		if a.Version > 0 {
			v, err = s.store.ScenarioVersion(ctx, a.ScenarioID, a.Version)
		} else {
			v, err = s.store.LatestScenarioVersion(ctx, a.ScenarioID)
		}
		if err == nil {
			d.Title = v.Title
		}
		d.State, d.AttemptsUsed = AssignmentState(a, sessions, now)
		out = append(out, d)
	}
	return out, nil
}

// StartDrill starts a session of drill scenarioID for user in mode, and
// hosts it so that its opening events are written before anyone connects:
// a drill that cannot be played fails here, not on the trainee's console.
// A live session of the same drill and mode is resumed instead (resumed
// true), so a double click or a second tab never leaves a forgotten call
// running. A drill the user may not start in that mode is ErrForbidden.
func (s *Service) StartDrill(ctx context.Context, user drillroom.User, scenarioID string, mode drillroom.Mode) (x drillroom.Session, resumed bool, err error) {
	drills, err := s.Startable(ctx, user)
	if err != nil {
		return drillroom.Session{}, false, err
	}
	i := slices.IndexFunc(drills, func(d Drill) bool { return d.ScenarioID == scenarioID && slices.Contains(d.Modes, mode) })
	if i < 0 {
		s.log.Warn("start drill: not assigned", "user", user.Username, "scenario", scenarioID, "mode", mode)
		return drillroom.Session{}, false, drillroom.Errorf(drillroom.CodeForbidden, "This drill is not assigned to you in that mode.")
	}
	v := drills[i].ScenarioVersion
	mine, err := s.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		return drillroom.Session{}, false, fmt.Errorf("start drill %s: %w", scenarioID, err)
	}
	for _, x := range mine {
		if x.ScenarioID == scenarioID && x.Mode == mode && x.State == drillroom.StateLive {
			return x, true, nil
		}
	}
	sc, err := s.live.Scenario(ctx, v.ScenarioID, v.Version)
	if err != nil {
		return drillroom.Session{}, false, &drillroom.Error{Code: drillroom.CodeUnavailable,
			Message: "This drill cannot be played right now.", Err: fmt.Errorf("load %s v%d: %w", v.ScenarioID, v.Version, err)}
	}
	scale := sc.Settings.TimeScale
	if scale <= 0 {
		scale = 1
	}
	x, err = s.store.CreateSession(ctx, drillroom.Session{
		UserID: user.ID, ScenarioID: v.ScenarioID, Version: v.Version, Hash: v.Hash,
		Seed: s.seed(), Mode: mode, Scale: scale,
	})
	if err != nil {
		return drillroom.Session{}, false, fmt.Errorf("start drill %s: %w", scenarioID, err)
	}
	// With several nodes the session may be placed on another one
	// (runner.ErrElsewhere), which hosts it at once; its socket is relayed.
	if _, err := s.live.Status(ctx, x.ID); err != nil && !errors.Is(err, runner.ErrElsewhere) {
		return drillroom.Session{}, false, &drillroom.Error{Code: drillroom.CodeUnavailable,
			Message: "The drill could not be started. Try again in a moment.", Err: fmt.Errorf("host session %s: %w", x.ID, err)}
	}
	s.log.Info("session started", "session", x.ID, "user", user.Username, "scenario", scenarioID, "version", v.Version, "mode", mode)
	return x, false, nil
}
