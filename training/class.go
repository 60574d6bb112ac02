package training

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
)

// StartClass starts one drill for a whole class at once: the latest
// version of scenarioID for each of trainees, each in their own session of
// that same version, in mode. seed 0 draws a seed per trainee; another
// value gives everyone the same variation. user must be a trainer who
// shares a cohort with each trainee (an administrator: any trainee); a
// trainee who is not theirs is drillroom.ErrNotFound. A trainee who already
// has a live session of the drill in that mode keeps it (it is returned).
func (s *Service) StartClass(ctx context.Context, user drillroom.User, trainees []drillroom.User, scenarioID string, mode drillroom.Mode, seed int64) ([]drillroom.Session, error) {
	if user.Role != drillroom.RoleTrainer {
		return nil, drillroom.Errorf(drillroom.CodeForbidden, "Only trainers start class drills.")
	}
	if !mode.Valid() {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "Choose practice or assessment.")
	}
	if len(trainees) == 0 {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "The class has no trainees.")
	}
	for _, t := range trainees {
		if t.Role != drillroom.RoleTrainee {
			return nil, drillroom.Errorf(drillroom.CodeInvalid, "%s is not a trainee.", t.Username)
		}
		if !user.Admin {
			ok, err := s.store.SharesCohort(ctx, user.ID, t.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("trainee %d of %s: %w", t.ID, user.Username, drillroom.ErrNotFound)
			}
		}
	}
	v, err := s.store.LatestScenarioVersion(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	sc, err := s.live.Scenario(ctx, v.ScenarioID, v.Version)
	if err != nil {
		return nil, &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "This drill cannot be played right now.", Err: err}
	}
	scale := sc.Settings.TimeScale
	if scale <= 0 {
		scale = 1
	}
	var out []drillroom.Session
	for _, t := range trainees {
		mine, err := s.store.SessionsForUser(ctx, t.ID)
		if err != nil {
			return out, err
		}
		var live *drillroom.Session
		for i := range mine {
			if mine[i].ScenarioID == scenarioID && mine[i].Mode == mode && mine[i].State == drillroom.StateLive {
				live = &mine[i]
			}
		}
		if live != nil {
			out = append(out, *live)
			continue
		}
		sd := seed
		if sd <= 0 {
			sd = s.seed()
		}
		x, err := s.store.CreateSession(ctx, drillroom.Session{UserID: t.ID, ScenarioID: v.ScenarioID, Version: v.Version, Hash: v.Hash,
			Seed: sd, Mode: mode, Scale: scale})
		if err != nil {
			return out, fmt.Errorf("class drill %s for %s: %w", scenarioID, t.Username, err)
		}
		if _, err := s.live.Status(ctx, x.ID); err != nil && !errors.Is(err, runner.ErrElsewhere) {
			return out, &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "The class drill could not be started for everyone. Try again.", Err: err}
		}
		s.log.Info("class drill: session started", "session", x.ID, "trainer", user.Username, "trainee", t.Username, "scenario", scenarioID, "version", v.Version)
		out = append(out, x)
	}
	return out, nil
}
