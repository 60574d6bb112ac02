package training

import (
	"context"
	"fmt"
	"sort"

	"github.com/drillroom/drillroom"
)

// canSee is the one rule for who may see a session, on pages and sockets
// alike: its trainee; an administrator; a trainer or coach who shares a
// cohort with its trainee.
func (s *Service) canSee(ctx context.Context, user drillroom.User, x drillroom.Session) (bool, error) {
	switch {
	case x.UserID == user.ID:
		return true, nil
	case !user.Staff():
		return false, nil
	case user.Admin:
		return true, nil
	}
	return s.store.SharesCohort(ctx, user.ID, x.UserID)
}

// Session returns session id if user may see it. A session the user may not
// see is drillroom.ErrNotFound, exactly like a missing one, so that nobody
// can probe for other trainees' session ids.
func (s *Service) Session(ctx context.Context, user drillroom.User, id string) (drillroom.Session, error) {
	x, err := s.store.Session(ctx, id)
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	ok, err := s.canSee(ctx, user, x)
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	if !ok {
		s.log.Warn("access: session of another user refused", "user", user.Username, "session", id)
		return drillroom.Session{}, fmt.Errorf("session %s for %s: %w", id, user.Username, drillroom.ErrNotFound)
	}
	return x, nil
}

// Trainees returns the trainees whose work user may see: every trainee for
// an administrator, the trainees of their cohorts for a trainer or coach,
// nobody for a trainee.
func (s *Service) Trainees(ctx context.Context, user drillroom.User) ([]drillroom.User, error) {
	switch {
	case !user.Staff():
		return nil, nil
	case user.Admin:
		return s.store.ListUsers(ctx, drillroom.RoleTrainee)
	}
	return s.store.TraineesOf(ctx, user.ID)
}

// TraineeSessions returns the newest sessions (at most limit) of the
// trainees user may see, and those trainees' names by id.
func (s *Service) TraineeSessions(ctx context.Context, user drillroom.User, limit int) ([]drillroom.Session, map[int64]string, error) {
	trainees, err := s.Trainees(ctx, user)
	if err != nil {
		return nil, nil, fmt.Errorf("trainees of %s: %w", user.Username, err)
	}
	names := map[int64]string{}
	var all []drillroom.Session
	for _, t := range trainees {
		names[t.ID] = t.DisplayName
		xs, err := s.store.SessionsForUser(ctx, t.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("sessions of %s: %w", t.Username, err)
		}
		all = append(all, xs...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreatedAt.After(all[j].CreatedAt) })
	if len(all) > limit {
		all = all[:limit]
	}
	return all, names, nil
}
