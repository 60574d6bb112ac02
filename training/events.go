package training

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// MaxEventPage bounds one page of a session's events.
const MaxEventPage = 1000

// EventPage is one page of a session's event log, as the reader may see it:
// a trainee gets the events they may see in their trainee form (so seq
// values skip, as on the socket); trainers, coaches and administrators get
// every event.
type EventPage struct {
	Events []simulator.Event `json:"events"`
	// Next is the seq to ask for the next page from (after=Next): the last
	// event this page covered, shown or not.
	Next int64 `json:"next"`
	// More says that the log has events after Next.
	More bool `json:"more"`
}

// EventPage returns up to limit events of session id after seq after, for
// user, who must be able to see the session (Service.Session). It lets a
// monitor that joins a long session catch up on its whole history before
// it follows the rest live on the socket, resuming from Next.
func (s *Service) EventPage(ctx context.Context, user drillroom.User, id string, after int64, limit int) (EventPage, error) {
	x, err := s.Session(ctx, user, id)
	if err != nil {
		return EventPage{}, err
	}
	if after < 0 {
		return EventPage{}, drillroom.Errorf(drillroom.CodeInvalid, "after is a sequence number, 0 or more")
	}
	if limit <= 0 || limit > MaxEventPage {
		limit = MaxEventPage
	}
	evs, err := s.store.Events(ctx, x.ID, after)
	if err != nil {
		return EventPage{}, fmt.Errorf("events of session %s: %w", x.ID, err)
	}
	page := EventPage{Events: []simulator.Event{}, Next: after}
	trainee := user.ID == x.UserID && user.Role == drillroom.RoleTrainee
	for i, e := range evs {
		if i == limit {
			page.More = true
			break
		}
		page.Next = e.Seq
		if trainee {
			var ok bool
			if e, ok = e.ForTrainee(); !ok {
				continue
			}
		}
		page.Events = append(page.Events, e)
	}
	return page, nil
}
