package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// ClaimTTL is how long a claim on a session lasts unless renewed: long
// enough to mark a session, short enough that a coach who walks away does
// not block it for the day.
const ClaimTTL = 30 * time.Minute

// Why a session is in the review queue.
const (
	ReasonPending    = "manual items to score"
	ReasonAssessment = "assessment to review"
	ReasonIntervened = "a trainer intervened"
	ReasonFlagged    = "marks to check after a re-scoring"
	// ReasonUnreleased: coaches have marked the session or written notes
	// on it that the trainee has not been given yet (training.ReleaseReview).
	ReasonUnreleased = "marked, not released to the trainee"
)

// Reasons are the reasons a session is in the review queue, in the order
// the queue gives them.
var Reasons = []string{ReasonPending, ReasonAssessment, ReasonIntervened, ReasonFlagged, ReasonUnreleased, ReasonDispute}

// QueueFilter narrows the review queue; zero fields match everything.
type QueueFilter struct {
	CohortID   int64
	TraineeID  int64
	ScenarioID string
	From, To   time.Time // the session started at or after From, before To
	Band       string    // the official band id
	Reason     string    // one of Reasons: only the sessions in the queue for it
}

// QueueItem is one session that needs a coach.
type QueueItem struct {
	Session   drillroom.Session
	Trainee   string
	Title     string
	Total     float64
	Band      string
	BandTitle string
	Passed    bool
	Reasons   []string
	Claim     *drillroom.Claim // nil when nobody holds it
}

// Queue is the review queue of a coach: the items the filter kept, newest
// first, and what the filter can choose from.
type Queue struct {
	Items       []QueueItem
	Cohorts     []drillroom.Cohort
	Trainees    []drillroom.User
	Drills      map[string]string // titles by scenario id, of the sessions in the queue before filtering
	Bands       map[string]string // band titles by id, likewise
	Unfiltered  int               // how many sessions need a coach, whatever the filter
	MineClaimed int               // of those, how many the user holds claims on
	ByReason    map[string]int    // of those, how many are in the queue for each reason
}

// ReviewQueue returns the ended, scored sessions of user's cohorts (every
// cohort for an administrator) that need a coach: manual items to score,
// assessments and sessions where a trainer intervened that nobody has
// marked yet, marks a re-scoring flagged, marks or notes not released to
// the trainee yet, and open disputes. Only trainers and coaches
// have a queue.
func (s *Service) ReviewQueue(ctx context.Context, user drillroom.User, f QueueFilter) (*Queue, error) {
	if !user.Staff() {
		return nil, drillroom.Errorf(drillroom.CodeForbidden, "The review queue is for coaches and trainers.")
	}
	if f.Reason != "" && !slices.Contains(Reasons, f.Reason) {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "Choose one of the reasons a session is in the queue.")
	}
	q := &Queue{Drills: map[string]string{}, Bands: map[string]string{}, ByReason: map[string]int{}}
	var err error
	if user.Admin {
		q.Cohorts, err = s.store.Cohorts(ctx)
	} else {
		q.Cohorts, err = s.store.UserCohorts(ctx, user.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("review queue of %s: cohorts: %w", user.Username, err)
	}
	if q.Trainees, err = s.Trainees(ctx, user); err != nil {
		return nil, fmt.Errorf("review queue of %s: %w", user.Username, err)
	}
	inCohort := map[int64]bool(nil)
	if f.CohortID != 0 {
		ok := false
		for _, c := range q.Cohorts {
			ok = ok || c.ID == f.CohortID
		}
		if !ok {
			return nil, drillroom.Errorf(drillroom.CodeInvalid, "Choose one of your cohorts.")
		}
		members, err := s.store.CohortMembers(ctx, f.CohortID)
		if err != nil {
			return nil, fmt.Errorf("review queue of %s: members: %w", user.Username, err)
		}
		inCohort = map[int64]bool{}
		for _, m := range members {
			inCohort[m.ID] = true
		}
	}
	claims, err := s.store.ActiveClaims(ctx)
	if err != nil {
		return nil, fmt.Errorf("review queue of %s: claims: %w", user.Username, err)
	}
	claimOf := map[string]drillroom.Claim{}
	for _, c := range claims {
		claimOf[c.SessionID] = c
	}
	for _, t := range q.Trainees {
		sessions, err := s.store.SessionsForUser(ctx, t.ID)
		if err != nil {
			return nil, fmt.Errorf("review queue of %s: sessions of %s: %w", user.Username, t.Username, err)
		}
		for _, x := range sessions {
			item, ok, err := s.queueItem(ctx, x)
			if err != nil {
				return nil, fmt.Errorf("review queue of %s: %w", user.Username, err)
			}
			if !ok {
				continue
			}
			item.Trainee = t.DisplayName
			if c, ok := claimOf[x.ID]; ok {
				item.Claim = &c
				if c.UserID == user.ID {
					q.MineClaimed++
				}
			}
			q.Unfiltered++
			for _, why := range item.Reasons {
				q.ByReason[why]++
			}
			q.Drills[x.ScenarioID] = item.Title
			if item.Band != "" {
				q.Bands[item.Band] = item.BandTitle
			}
			if (inCohort != nil && !inCohort[t.ID]) || (f.TraineeID != 0 && f.TraineeID != t.ID) ||
				(f.ScenarioID != "" && f.ScenarioID != x.ScenarioID) || (!f.From.IsZero() && x.CreatedAt.Before(f.From)) ||
				(!f.To.IsZero() && !x.CreatedAt.Before(f.To)) || (f.Band != "" && f.Band != item.Band) ||
				(f.Reason != "" && !slices.Contains(item.Reasons, f.Reason)) {
				continue
			}
			q.Items = append(q.Items, item)
		}
	}
	sort.SliceStable(q.Items, func(i, j int) bool { return q.Items[i].Session.CreatedAt.After(q.Items[j].Session.CreatedAt) })
	return q, nil
}

// queueItem decides whether session x needs a coach, and why.
func (s *Service) queueItem(ctx context.Context, x drillroom.Session) (QueueItem, bool, error) {
	if x.State != drillroom.StateEnded {
		return QueueItem{}, false, nil
	}
	mk, err := s.OfficialScorecard(ctx, x)
	if errors.Is(err, drillroom.ErrNotFound) {
		return QueueItem{}, false, nil // not scored yet: nothing to mark
	}
	if err != nil {
		return QueueItem{}, false, err
	}
	c := mk.Official
	item := QueueItem{Session: x, Title: x.ScenarioID, Total: c.Total, Band: c.Band, BandTitle: c.BandTitle, Passed: c.Passed}
	if v, err := s.store.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
		item.Title = v.Title
	}
	if len(c.Pending) > 0 {
		item.Reasons = append(item.Reasons, ReasonPending)
	}
	if !mk.Marked() {
		if x.Mode == drillroom.ModeAssessment {
			item.Reasons = append(item.Reasons, ReasonAssessment)
		}
		events, err := s.store.Events(ctx, x.ID, 0)
		if err != nil {
			return QueueItem{}, false, fmt.Errorf("events of %s: %w", x.ID, err)
		}
		if trainerIntervened(events) {
			item.Reasons = append(item.Reasons, ReasonIntervened)
		}
	}
	if len(mk.Flags) > 0 {
		item.Reasons = append(item.Reasons, ReasonFlagged)
	}
	coaching, err := s.Coaching(ctx, x, nil)
	if err != nil {
		return QueueItem{}, false, err
	}
	rel, err := s.ReleaseState(ctx, x, mk.History, coaching.Notes)
	if err != nil {
		return QueueItem{}, false, err
	}
	if rel.Pending {
		item.Reasons = append(item.Reasons, ReasonUnreleased)
	}
	if len(coaching.Open) > 0 {
		item.Reasons = append(item.Reasons, ReasonDispute)
	}
	return item, len(item.Reasons) > 0, nil
}

func trainerIntervened(events []simulator.Event) bool {
	for _, ev := range events {
		if ev.Action != nil && ev.Action.By == drillroom.ActorTrainer {
			return true
		}
	}
	return false
}

// Claim gives user the claim on session x for ClaimTTL, or renews theirs,
// so that other coaches see it is being marked; another's claim that has
// not lapsed is drillroom.ErrConflict.
func (s *Service) Claim(ctx context.Context, user drillroom.User, x drillroom.Session) (drillroom.Claim, error) {
	if err := s.mayMark(ctx, user, x); err != nil {
		return drillroom.Claim{}, err
	}
	c, err := s.store.ClaimSession(ctx, x.ID, user.ID, ClaimTTL)
	if err != nil {
		return drillroom.Claim{}, err
	}
	s.log.Info("session claimed", "session", x.ID, "by", user.Username, "until", c.Until)
	s.audit(ctx, user, drillroom.AuditReviewClaim, x, "until "+c.Until.UTC().Format("2006-01-02 15:04 UTC"))
	return c, nil
}

// Release ends user's claim on session x.
func (s *Service) Release(ctx context.Context, user drillroom.User, x drillroom.Session) error {
	if err := s.mayMark(ctx, user, x); err != nil {
		return err
	}
	if err := s.store.ReleaseClaim(ctx, x.ID, user.ID); err != nil {
		return err
	}
	s.audit(ctx, user, drillroom.AuditReviewRelease, x, "")
	return nil
}

// SessionClaim returns the claim on session x, if one has not lapsed.
func (s *Service) SessionClaim(ctx context.Context, x drillroom.Session) (drillroom.Claim, bool) {
	c, err := s.store.SessionClaim(ctx, x.ID)
	return c, err == nil
}

// mayMark is the rule for marking and claiming: a trainer or coach who may
// see the session (its cohort's, or any for an administrator), once the
// call has ended.
func (s *Service) mayMark(ctx context.Context, user drillroom.User, x drillroom.Session) error {
	if !user.Staff() {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only a coach marks a session.")
	}
	if ok, err := s.canSee(ctx, user, x); err != nil || !ok {
		if err == nil {
			err = drillroom.ErrNotFound
		}
		return fmt.Errorf("session %s for %s: %w", x.ID, user.Username, err)
	}
	if x.State != drillroom.StateEnded {
		return drillroom.Errorf(drillroom.CodeConflict, "A session is marked once the call has ended.")
	}
	return nil
}

// audit records a review action in the audit log too; a failure to record
// is logged, never hidden, and does not undo the action (its own history
// already holds it).
func (s *Service) audit(ctx context.Context, user drillroom.User, action string, x drillroom.Session, detail string) {
	err := s.store.AppendAudit(ctx, drillroom.AuditEntry{ActorID: user.ID, Actor: user.Username, Action: action,
		Target: "session " + x.ID, Detail: detail})
	if err != nil {
		s.log.Error("audit: could not record", "action", action, "actor", user.Username, "session", x.ID, "err", err)
	}
}
