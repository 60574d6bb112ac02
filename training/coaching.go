package training

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// MaxNoteRunes bounds a coaching note.
const MaxNoteRunes = 4000

// ReasonDispute is why a session with an open dispute is in the queue.
const ReasonDispute = "the trainee disputes the marking"

// NoteInput is a coaching note to add: a strength, a development point or
// an action with a due date.
type NoteInput struct {
	Kind drillroom.NoteKind
	Text string
	Due  time.Time
	Seq  int64 // the event the note annotates; 0 for the session as a whole
}

// check returns the note to store, its text trimmed and a due date kept
// for an action only, or a coded error saying what is wrong with it (the
// rules of every coaching note, on a session or on a trainee).
func (in NoteInput) check() (NoteInput, error) {
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case !in.Kind.Valid():
		return in, drillroom.Errorf(drillroom.CodeInvalid, "Choose a strength, a development point or an action.")
	case in.Text == "" || utf8.RuneCountInString(in.Text) > MaxNoteRunes:
		return in, drillroom.Errorf(drillroom.CodeInvalid, "Write a note of up to 4,000 characters.")
	case in.Kind == drillroom.NoteAction && in.Due.IsZero():
		return in, drillroom.Errorf(drillroom.CodeInvalid, "An action needs a due date.")
	case in.Kind != drillroom.NoteAction:
		in.Due = time.Time{}
	}
	return in, nil
}

// Coaching is a session's coaching: the coaches' notes and the thread with
// the trainee, with the disputes still open.
type Coaching struct {
	Notes  []drillroom.Note
	Thread []drillroom.Response
	Open   []drillroom.Response // disputes no coach has resolved yet
	// Acknowledged is when the trainee last acknowledged the marking and
	// notes; zero if never, or if a mark or note came after it.
	Acknowledged time.Time
	// LastAck is when the trainee last acknowledged, whatever came after.
	LastAck time.Time
	// Done are the agreed actions marked done, by the action's note id.
	Done map[int64]drillroom.ActionDone
}

// Coaching returns session x's notes and feedback thread. marks, if
// given, are the session's marks: a mark newer than the trainee's last
// acknowledgement asks for a new one.
func (s *Service) Coaching(ctx context.Context, x drillroom.Session, marks []drillroom.Mark) (*Coaching, error) {
	notes, err := s.store.Notes(ctx, x.ID)
	if err != nil {
		return nil, fmt.Errorf("coaching of %s: %w", x.ID, err)
	}
	thread, err := s.store.Responses(ctx, x.ID)
	if err != nil {
		return nil, fmt.Errorf("coaching of %s: %w", x.ID, err)
	}
	done, err := s.store.DoneActions(ctx, x.ID)
	if err != nil {
		return nil, fmt.Errorf("coaching of %s: %w", x.ID, err)
	}
	c := &Coaching{Notes: notes, Thread: thread, Done: map[int64]drillroom.ActionDone{}}
	for _, d := range done {
		c.Done[d.NoteID] = d
	}
	resolved := map[int64]bool{}
	var lastAck time.Time
	for _, r := range thread {
		switch r.Kind {
		case drillroom.ResponseResolve:
			resolved[r.Ref] = true
		case drillroom.ResponseAck:
			lastAck = r.At
		}
	}
	for _, r := range thread {
		if r.Kind == drillroom.ResponseDispute && !resolved[r.ID] {
			c.Open = append(c.Open, r)
		}
	}
	latest := time.Time{}
	for _, n := range notes {
		latest = later(latest, n.At)
	}
	for _, m := range marks {
		latest = later(latest, m.At)
	}
	c.LastAck = lastAck
	if !lastAck.IsZero() && !lastAck.Before(latest) {
		c.Acknowledged = lastAck
	}
	return c, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// AddNote adds a coach's note to session x, as the coach, on the session
// as a whole or pinned to one of its events (an annotation of that moment). The rule is
// marking's: a trainer or coach of the cohort, once the call has ended,
// unless another coach has claimed the session.
func (s *Service) AddNote(ctx context.Context, user drillroom.User, x drillroom.Session, in NoteInput) (drillroom.Note, error) {
	if err := s.mayChange(ctx, user, x); err != nil {
		return drillroom.Note{}, err
	}
	in, err := in.check()
	if err != nil {
		return drillroom.Note{}, err
	}
	if in.Seq < 0 || in.Seq > x.LastSeq {
		return drillroom.Note{}, drillroom.Errorf(drillroom.CodeInvalid, "Choose a moment of this call.")
	}
	text := in.Text
	n, err := s.store.AddNote(ctx, drillroom.Note{SessionID: x.ID, Kind: in.Kind, Text: text, Due: in.Due, Seq: in.Seq, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)})
	if err != nil {
		return drillroom.Note{}, fmt.Errorf("note on %s: %w", x.ID, err)
	}
	s.log.Info("coaching note added", "session", x.ID, "kind", in.Kind, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewNote, x, fmt.Sprintf("%s at event %d: %s", in.Kind, in.Seq, text))
	return n, nil
}

// Acknowledge records that the trainee has read the coach's marks and
// notes on session x. Only the session's trainee acknowledges, and only
// once there is something to acknowledge.
func (s *Service) Acknowledge(ctx context.Context, user drillroom.User, x drillroom.Session) (drillroom.Response, error) {
	if user.ID != x.UserID {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeForbidden, "Only the trainee who took the call acknowledges its marking.")
	}
	rs, err := s.store.Releases(ctx, x.ID)
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("acknowledge %s: %w", x.ID, err)
	}
	if len(rs) == 0 {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeConflict, "No coach has released a review of this session yet.")
	}
	r, err := s.store.AddResponse(ctx, drillroom.Response{SessionID: x.ID, Kind: drillroom.ResponseAck, ByID: user.ID, Actor: drillroom.ActorTrainee})
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("acknowledge %s: %w", x.ID, err)
	}
	s.audit(ctx, user, drillroom.AuditReviewAck, x, "")
	return r, nil
}

// Dispute records the trainee's dispute of one line of session x's
// scorecard (ruleID) or of its marking as a whole (ruleID ""), with a
// comment. The session returns to the review queue until a coach
// resolves it.
func (s *Service) Dispute(ctx context.Context, user drillroom.User, x drillroom.Session, ruleID, text string) (drillroom.Response, error) {
	if user.ID != x.UserID {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeForbidden, "Only the trainee who took the call disputes its marking.")
	}
	if x.State != drillroom.StateEnded {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeConflict, "The scorecard opens when the call has ended.")
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxReasonRunes {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeInvalid, "Say what you dispute and why, in up to 2,000 characters.")
	}
	if ruleID != "" {
		mk, err := s.OfficialScorecard(ctx, x)
		if err != nil {
			return drillroom.Response{}, err
		}
		if _, ok := mk.Official.Rule(ruleID); !ok {
			return drillroom.Response{}, drillroom.Errorf(drillroom.CodeInvalid, "There is no rule %q in this scorecard.", ruleID)
		}
	}
	r, err := s.store.AddResponse(ctx, drillroom.Response{SessionID: x.ID, Kind: drillroom.ResponseDispute, RuleID: ruleID, Text: text,
		ByID: user.ID, Actor: drillroom.ActorTrainee})
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("dispute on %s: %w", x.ID, err)
	}
	s.log.Info("marking disputed", "session", x.ID, "rule", ruleID, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewDispute, x, fmt.Sprintf("rule %q: %s", ruleID, text))
	return r, nil
}

// Resolve answers an open dispute on session x and closes it, as the
// coach. The rule is marking's.
func (s *Service) Resolve(ctx context.Context, user drillroom.User, x drillroom.Session, disputeID int64, text string) (drillroom.Response, error) {
	if err := s.mayChange(ctx, user, x); err != nil {
		return drillroom.Response{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxReasonRunes {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeInvalid, "Answer the trainee in up to 2,000 characters.")
	}
	c, err := s.Coaching(ctx, x, nil)
	if err != nil {
		return drillroom.Response{}, err
	}
	open := false
	for _, d := range c.Open {
		open = open || d.ID == disputeID
	}
	if !open {
		return drillroom.Response{}, drillroom.Errorf(drillroom.CodeConflict, "That dispute is not open.")
	}
	r, err := s.store.AddResponse(ctx, drillroom.Response{SessionID: x.ID, Kind: drillroom.ResponseResolve, Ref: disputeID, Text: text,
		ByID: user.ID, Actor: drillroom.ActorOf(user.Role)})
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("resolve dispute on %s: %w", x.ID, err)
	}
	s.log.Info("dispute resolved", "session", x.ID, "dispute", disputeID, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewResolve, x, fmt.Sprintf("dispute %d: %s", disputeID, text))
	return r, nil
}

// CompleteAction marks the agreed action noteID of session x done, with
// an optional word on what was done: the trainee of the session, once a
// coach has released the action to them, or a trainer or coach who may
// mark the session (confirming it); never twice. It is audited
// (review.action).
func (s *Service) CompleteAction(ctx context.Context, user drillroom.User, x drillroom.Session, noteID int64, text string) (drillroom.ActionDone, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxReasonRunes {
		return drillroom.ActionDone{}, drillroom.Errorf(drillroom.CodeInvalid, "Say what was done in up to 2,000 characters.")
	}
	if trainee(user, x) {
		rs, err := s.store.Releases(ctx, x.ID)
		if err != nil {
			return drillroom.ActionDone{}, fmt.Errorf("complete action on %s: %w", x.ID, err)
		}
		if len(rs) == 0 || !rs[len(rs)-1].Covers(0, noteID) {
			// An action the coaches have not released is not the
			// trainee's to see: as a missing one.
			return drillroom.ActionDone{}, fmt.Errorf("action %d of %s for %s: %w", noteID, x.ID, user.Username, drillroom.ErrNotFound)
		}
	} else if err := s.mayMark(ctx, user, x); err != nil {
		return drillroom.ActionDone{}, err
	}
	d, err := s.store.CompleteAction(ctx, drillroom.ActionDone{NoteID: noteID, SessionID: x.ID, Text: text, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)})
	if err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action on %s: %w", x.ID, err)
	}
	s.log.Info("action done", "session", x.ID, "note", noteID, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewActionDone, x, fmt.Sprintf("action %d: %s", noteID, text))
	return d, nil
}

// mayChange is marking's rule (mayMark) for a coach's change to a
// session (a mark, a note, an answer to a dispute), and more: a claim
// keeps two coaches from marking one session at once by accident, so a
// change to a session someone else has claimed is refused.
func (s *Service) mayChange(ctx context.Context, user drillroom.User, x drillroom.Session) error {
	if err := s.mayMark(ctx, user, x); err != nil {
		return err
	}
	if c, ok := s.SessionClaim(ctx, x); ok && c.UserID != user.ID {
		return drillroom.Errorf(drillroom.CodeConflict, "%s is reviewing this session (claimed until %s UTC).", c.By, c.Until.UTC().Format("15:04"))
	}
	return nil
}
