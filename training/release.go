package training

import (
	"context"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// Release is where a session's review stands with the trainee: when the
// reviewed scorecard was last released and by whom, and whether marks or
// notes made since wait for another release.
type Release struct {
	Last    drillroom.Release // zero when never released
	Pending bool              // marks or notes made after the last release (or never released)
}

// Released reports whether the reviewed scorecard has ever been released.
func (r Release) Released() bool { return r.Last.ID != 0 }

// trainee reports whether user sees session x as its trainee: what the
// coaches have not released yet stays hidden from them.
func trainee(user drillroom.User, x drillroom.Session) bool {
	return user.ID == x.UserID && !user.Staff()
}

// ReleaseState returns where session x's review stands with the trainee,
// given the session's marks and notes.
func (s *Service) ReleaseState(ctx context.Context, x drillroom.Session, marks []drillroom.Mark, notes []drillroom.Note) (Release, error) {
	rs, err := s.store.Releases(ctx, x.ID)
	if err != nil {
		return Release{}, fmt.Errorf("releases of %s: %w", x.ID, err)
	}
	var r Release
	if len(rs) > 0 {
		r.Last = rs[len(rs)-1]
	}
	for _, m := range marks {
		r.Pending = r.Pending || !r.Last.Covers(m.ID, 0)
	}
	for _, n := range notes {
		r.Pending = r.Pending || !r.Last.Covers(0, n.ID)
	}
	return r, nil
}

// MarkingFor is Marking as user sees it: staff see every mark; the
// trainee sees the marks of the last release only (the automatic
// scorecard until a coach releases the review).
func (s *Service) MarkingFor(ctx context.Context, user drillroom.User, x drillroom.Session, auto *scoring.Scorecard) (*Marking, Release, error) {
	marks, err := s.store.Marks(ctx, x.ID)
	if err != nil {
		return nil, Release{}, fmt.Errorf("marks of %s: %w", x.ID, err)
	}
	notes, err := s.store.Notes(ctx, x.ID)
	if err != nil {
		return nil, Release{}, fmt.Errorf("notes of %s: %w", x.ID, err)
	}
	rel, err := s.ReleaseState(ctx, x, marks, notes)
	if err != nil {
		return nil, Release{}, err
	}
	if trainee(user, x) {
		marks = releasedOnly(marks, func(m drillroom.Mark) bool { return rel.Last.Covers(m.ID, 0) })
	}
	return applyMarks(auto, marks), rel, nil
}

// OfficialScorecardFor is OfficialScorecard as user sees it (MarkingFor).
func (s *Service) OfficialScorecardFor(ctx context.Context, user drillroom.User, x drillroom.Session) (*Marking, Release, error) {
	auto, err := s.StoredScorecard(ctx, x.ID)
	if err != nil {
		return nil, Release{}, err
	}
	return s.MarkingFor(ctx, user, x, auto)
}

// CoachingFor is Coaching as user sees it: the trainee sees the notes of
// the last release only.
func (s *Service) CoachingFor(ctx context.Context, user drillroom.User, x drillroom.Session, marks []drillroom.Mark, rel Release) (*Coaching, error) {
	c, err := s.Coaching(ctx, x, marks)
	if err != nil || !trainee(user, x) {
		return c, err
	}
	c.Notes = releasedOnly(c.Notes, func(n drillroom.Note) bool { return rel.Last.Covers(0, n.ID) })
	// The trainee acknowledges a release: the last one counts until the
	// next.
	c.Acknowledged = time.Time{}
	if rel.Released() && !c.LastAck.IsZero() && !c.LastAck.Before(rel.Last.At) {
		c.Acknowledged = c.LastAck
	}
	return c, nil
}

func releasedOnly[T any](items []T, released func(T) bool) []T {
	var out []T
	for _, it := range items {
		if released(it) {
			out = append(out, it)
		}
	}
	return out
}

// ReleaseReview releases session x's reviewed scorecard (its marks and
// notes so far) to the trainee, as the coach. The rule is marking's; there
// must be something new to release (drillroom.ErrConflict otherwise, also
// when another coach has just released it: the store decides what a
// release covers in the transaction that records it). It is audited
// (review.publish).
func (s *Service) ReleaseReview(ctx context.Context, user drillroom.User, x drillroom.Session) (drillroom.Release, error) {
	if err := s.mayChange(ctx, user, x); err != nil {
		return drillroom.Release{}, err
	}
	r, err := s.store.AddRelease(ctx, drillroom.Release{SessionID: x.ID, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)})
	if err != nil {
		return drillroom.Release{}, fmt.Errorf("release %s: %w", x.ID, err)
	}
	marks, err := s.store.Marks(ctx, x.ID)
	if err != nil {
		return drillroom.Release{}, fmt.Errorf("release %s: %w", x.ID, err)
	}
	notes, err := s.store.Notes(ctx, x.ID)
	if err != nil {
		return drillroom.Release{}, fmt.Errorf("release %s: %w", x.ID, err)
	}
	nm, nn := len(releasedOnly(marks, func(m drillroom.Mark) bool { return r.Covers(m.ID, 0) })),
		len(releasedOnly(notes, func(n drillroom.Note) bool { return r.Covers(0, n.ID) }))
	s.log.Info("review released", "session", x.ID, "marks", nm, "notes", nn, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewPublish, x, fmt.Sprintf("%d marks, %d notes", nm, nn))
	return r, nil
}
