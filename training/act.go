package training

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// TraineeActions are the actions of the person taking the call.
var TraineeActions = map[simulator.ActionKind]bool{
	simulator.ActSay: true, simulator.ActHold: true, simulator.ActResume: true,
	simulator.ActClassify: true, simulator.ActRecord: true, simulator.ActDispatch: true,
	simulator.ActEscalate: true, simulator.ActContact: true, simulator.ActRequest: true,
	simulator.ActDecide: true, simulator.ActTransfer: true, simulator.ActClose: true,
	simulator.ActReview: true, simulator.ActCorrect: true, simulator.ActHint: true,
	simulator.ActConsult: true, simulator.ActEndConsult: true, simulator.ActWrapUp: true,
}

// TrainerActions are the actions that steer a session: its clock, its
// script and its characters: the interventions a scorecard flags.
var TrainerActions = scoring.TrainerControls

// ActorFor decides whether user may take action kind in session x, which
// they may see (Service.Session), and as whom it is recorded. The session's
// trainee takes the trainee's actions; a trainer steers a trainee's call
// with the trainer controls only (an observer never acts as the trainee),
// recorded as the trainer, and plays their own practice calls and draft
// plays as the person taking the call (ActorTrainee: the session is
// theirs, the session's user says who); only the trainee writes the
// post-incident review, finishes the wrap-up, corrects a line or takes a
// hint; coaches watch.
// Refusals are drillroom.ErrForbidden with a message that says why.
func ActorFor(user drillroom.User, x drillroom.Session, kind simulator.ActionKind) (drillroom.Actor, error) {
	switch {
	case user.Role == drillroom.RoleTrainee && user.ID != x.UserID:
		return "", drillroom.ErrNotFound
	case user.Role == drillroom.RoleCoach:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "coaches watch sessions; they cannot act in them")
	case kind == simulator.ActReview && user.ID != x.UserID:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "only the trainee who took the call writes its review")
	case kind == simulator.ActCorrect && user.ID != x.UserID:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "only the trainee corrects how their own line was understood")
	case kind == simulator.ActWrapUp && user.ID != x.UserID:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "only the trainee who took the call wraps it up")
	case kind == simulator.ActHint && user.ID != x.UserID:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "only the trainee taking the call asks for a hint: it costs their practice points")
	case user.Role == drillroom.RoleTrainer && TrainerActions[kind]:
		return drillroom.ActorTrainer, nil
	case user.Role == drillroom.RoleTrainer && TraineeActions[kind] && user.ID == x.UserID:
		// The trainer's own practice or draft play: they are the person
		// taking the call (the session is theirs), so the call is scored as
		// anyone's; recorded as the trainer, none of it would count.
		return drillroom.ActorTrainee, nil
	case user.Role == drillroom.RoleTrainer && TraineeActions[kind]:
		// A trainer watching a trainee's call is an observer: their hand in
		// it is the trainer controls (inject, take over...), never the
		// trainee's own actions.
		return "", drillroom.Errorf(drillroom.CodeForbidden, "you are observing: only the trainee acts in their call; use the trainer controls")
	case user.Role == drillroom.RoleTrainee && TraineeActions[kind]:
		return drillroom.ActorTrainee, nil
	case user.Role == drillroom.RoleTrainee && TrainerActions[kind]:
		return "", drillroom.Errorf(drillroom.CodeForbidden, "only a trainer may %s", kind)
	}
	return "", drillroom.Errorf(drillroom.CodeForbidden, "this account may not act in sessions")
}

// Act applies one command of user's to session x, which they may see
// (Service.Session), at most once (cmdID is
// the client's id for it), recorded as the actor ActorFor decides. The
// engine's refusals come back in the Result; an error means the command
// was not applied (drillroom.ErrForbidden; ErrInvalid for a malformed
// action, see CheckAction; or ErrUnavailable when it could not be stored:
// retry with the same id).
func (s *Service) Act(ctx context.Context, user drillroom.User, x drillroom.Session, cmdID string, a simulator.Action) (runner.Result, error) {
	by, err := ActorFor(user, x, a.Kind)
	if err != nil {
		return runner.Result{}, err
	}
	if err := CheckAction(a); err != nil {
		return runner.Result{}, fmt.Errorf("session %s: command %s: %w", x.ID, cmdID, err)
	}
	res, err := s.live.Do(ctx, x.ID, runner.Command{ID: cmdID, By: by, Action: a})
	if err != nil {
		return runner.Result{}, fmt.Errorf("session %s: command %s: %w", x.ID, cmdID, err)
	}
	return res, nil
}
