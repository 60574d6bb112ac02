package training

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// AddTraineeNote adds a coach's note on trainee traineeID as a whole, tied
// to no session: a strength, a development point or an agreed action with
// a due date, with the limits of a session's note. The writer is a trainer
// or coach who shares a cohort with the trainee, or an administrator who
// is a trainer or coach; a trainee is refused (drillroom.CodeForbidden) and
// anyone else told there is no such trainee. It is audited (trainee.note).
func (s *Service) AddTraineeNote(ctx context.Context, user drillroom.User, traineeID int64, in NoteInput) (drillroom.TraineeNote, error) {
	t, err := s.traineeFor(ctx, user, traineeID)
	if err != nil {
		return drillroom.TraineeNote{}, fmt.Errorf("note on a trainee: %w", err)
	}
	if !user.Staff() {
		return drillroom.TraineeNote{}, drillroom.Errorf(drillroom.CodeForbidden, "Only a trainer or coach writes coaching notes.")
	}
	if in, err = in.check(); err != nil {
		return drillroom.TraineeNote{}, err
	}
	if in.Seq != 0 {
		return drillroom.TraineeNote{}, drillroom.Errorf(drillroom.CodeInvalid, "A note on a trainee is about no moment of a call.")
	}
	text := in.Text
	n, err := s.store.AddTraineeNote(ctx, drillroom.TraineeNote{TraineeID: t.ID,
		Note: drillroom.Note{Kind: in.Kind, Text: text, Due: in.Due, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)}})
	if err != nil {
		return drillroom.TraineeNote{}, fmt.Errorf("note on %s: %w", t.Username, err)
	}
	s.log.Info("trainee note added", "trainee", t.Username, "kind", in.Kind, "by", user.Username)
	s.auditTrainee(ctx, user, drillroom.AuditTraineeNote, t, fmt.Sprintf("note %d, %s: %s", n.ID, in.Kind, text))
	return n, nil
}

// AckTraineeNote records that the trainee has read note noteID on them.
// Only the trainee acknowledges (drillroom.CodeForbidden for staff), once
// (drillroom.CodeConflict after). It is audited (trainee.ack).
func (s *Service) AckTraineeNote(ctx context.Context, user drillroom.User, traineeID, noteID int64) error {
	t, err := s.traineeFor(ctx, user, traineeID)
	if err != nil {
		return fmt.Errorf("acknowledge a note: %w", err)
	}
	if user.ID != t.ID {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only the trainee acknowledges a note on them.")
	}
	if err := s.store.AckTraineeNote(ctx, t.ID, noteID, user.ID); err != nil {
		return err
	}
	s.auditTrainee(ctx, user, drillroom.AuditTraineeNoteAck, t, fmt.Sprintf("note %d", noteID))
	return nil
}

// CompleteTraineeAction marks the agreed action noteID on trainee
// traineeID done, with an optional word on what was done: said by the
// trainee, or confirmed by a trainer or coach who may write notes on them;
// never twice. It is audited (trainee.action).
func (s *Service) CompleteTraineeAction(ctx context.Context, user drillroom.User, traineeID, noteID int64, text string) (drillroom.ActionDone, error) {
	t, err := s.traineeFor(ctx, user, traineeID)
	if err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete an action: %w", err)
	}
	if user.ID != t.ID && !user.Staff() {
		return drillroom.ActionDone{}, drillroom.Errorf(drillroom.CodeForbidden, "Only the trainee or a trainer or coach marks an action done.")
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxReasonRunes {
		return drillroom.ActionDone{}, drillroom.Errorf(drillroom.CodeInvalid, "Say what was done in up to 2,000 characters.")
	}
	d, err := s.store.CompleteTraineeAction(ctx, t.ID, drillroom.ActionDone{NoteID: noteID, Text: text, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)})
	if err != nil {
		return drillroom.ActionDone{}, err
	}
	s.log.Info("trainee action done", "trainee", t.Username, "note", noteID, "by", user.Username)
	s.auditTrainee(ctx, user, drillroom.AuditTraineeActionDone, t, fmt.Sprintf("action %d: %s", noteID, text))
	return d, nil
}

func (s *Service) auditTrainee(ctx context.Context, user drillroom.User, action string, t drillroom.User, detail string) {
	err := s.store.AppendAudit(ctx, drillroom.AuditEntry{ActorID: user.ID, Actor: user.Username, Action: action,
		Target: "user " + t.Username, Detail: detail})
	if err != nil {
		s.log.Error("audit: could not record", "action", action, "actor", user.Username, "trainee", t.Username, "err", err)
	}
}
