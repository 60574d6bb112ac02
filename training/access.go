package training

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
)

// CanSee is the one rule for who may see a session, on pages and sockets
// alike: its trainee, and trainers and coaches.
func CanSee(user drillroom.User, x drillroom.Session) bool {
	switch user.Role {
	case drillroom.RoleTrainer, drillroom.RoleCoach:
		return true
	}
	return x.UserID == user.ID
}

// Session returns session id if user may see it. A session the user may not
// see is drillroom.ErrNotFound, exactly like a missing one, so that nobody
// can probe for other trainees' session ids.
func (s *Service) Session(ctx context.Context, user drillroom.User, id string) (drillroom.Session, error) {
	x, err := s.store.Session(ctx, id)
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	if !CanSee(user, x) {
		s.log.Warn("access: session of another user refused", "user", user.Username, "session", id)
		return drillroom.Session{}, fmt.Errorf("session %s for %s: %w", id, user.Username, drillroom.ErrNotFound)
	}
	return x, nil
}
