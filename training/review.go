package training

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// MaxReviewRunes bounds a post-incident review.
const MaxReviewRunes = 8000

// SubmitReview takes the trainee's post-incident review of an ended
// session. It goes through the runner as a review action, so it lands in
// the event log (the source of truth, which scoring and replay read), and
// into the store's review row that list pages read. cmdID makes a double
// submit or a retry apply once.
func (s *Service) SubmitReview(ctx context.Context, user drillroom.User, x drillroom.Session, cmdID, text string) error {
	if user.ID != x.UserID {
		// Coaches and trainers read reviews; only the trainee writes one.
		return drillroom.Errorf(drillroom.CodeForbidden, "Only the trainee who took the call writes its review.")
	}
	if x.State != drillroom.StateEnded {
		return drillroom.Errorf(drillroom.CodeConflict, "The review opens when the call has ended.")
	}
	events, err := s.store.Events(ctx, x.ID, 0)
	if err != nil {
		return fmt.Errorf("review of %s: %w", x.ID, err)
	}
	for _, ev := range events {
		if ev.Type == simulator.EvReview {
			return drillroom.Errorf(drillroom.CodeConflict, "Your review of this call is already in.")
		}
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxReviewRunes {
		return drillroom.Errorf(drillroom.CodeInvalid, "Write a review of up to 8,000 characters.")
	}
	res, err := s.Act(ctx, user, x, cmdID, simulator.Action{Kind: simulator.ActReview, Text: text})
	if drillroom.ErrorCode(err) == drillroom.CodeNotFound {
		return err
	}
	if err != nil {
		return &drillroom.Error{Code: drillroom.CodeUnavailable,
			Message: "Your review could not be saved. Go back and try again in a moment.", Err: err}
	}
	if !res.Applied() {
		return drillroom.Errorf(drillroom.CodeConflict, "The review was not accepted: %s.", res.Reason)
	}
	if err := s.store.PutReview(ctx, x.ID, text); err != nil {
		// The event log already holds it; the row is a convenience copy.
		s.log.Error("review: store copy", "session", x.ID, "err", err)
	}
	s.log.Info("review submitted", "session", x.ID, "user", user.Username)
	return nil
}
