package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/drillroom/drillroom"
)

// HistoryItem is one ended session of a trainee's history: its official
// score, the coaches' notes and whether the trainee has acknowledged them.
type HistoryItem struct {
	Session      drillroom.Session
	Title        string
	Scored       bool
	Total        float64
	BandTitle    string
	Passed       bool
	Marks        int
	Notes        []drillroom.Note
	Acknowledged bool
	OpenDisputes int
	// Unreleased is whether marks or notes wait for a coach to release
	// them (told to staff only: a trainee's history has only released ones).
	Unreleased bool
}

// History is a trainee's sessions over time, newest first, the coaches'
// notes across them, newest first, the actions their coaches agreed with
// them that are still open, soonest due first, and those done.
type History struct {
	Trainee drillroom.User
	Items   []HistoryItem
	Notes   []drillroom.Note
	Actions []drillroom.Note // open: not done yet
	Done    []DoneAction     // done, the latest first
	// TraineeNotes are the coaches' notes on the trainee as a whole, tied
	// to no session, newest first.
	TraineeNotes []drillroom.TraineeNote
}

// DoneAction is an agreed action and its completion.
type DoneAction struct {
	Action drillroom.Note
	Done   drillroom.ActionDone
}

// History returns user's own history: their ended sessions with their
// official scores and coaching, and every agreed action.
func (s *Service) History(ctx context.Context, user drillroom.User) (*History, error) {
	return s.history(ctx, user, user)
}

// TraineeHistory returns the history of trainee traineeID as viewer sees
// it: the trainee themself, a trainer or coach who shares a cohort with
// them, or an administrator; anyone else, or a user who is not a trainee,
// is drillroom.ErrNotFound (as a missing account), so accounts cannot be
// probed. Staff see every mark and note, released or not (each item says
// whether some wait for a release).
func (s *Service) TraineeHistory(ctx context.Context, viewer drillroom.User, traineeID int64) (*History, error) {
	t, err := s.traineeFor(ctx, viewer, traineeID)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return s.history(ctx, viewer, t)
}

// traineeFor returns trainee traineeID if viewer may read their history:
// the trainee themself, a trainer or coach who shares a cohort with them,
// or an administrator; anyone else, or a user who is not a trainee, is
// drillroom.ErrNotFound.
func (s *Service) traineeFor(ctx context.Context, viewer drillroom.User, traineeID int64) (drillroom.User, error) {
	t, err := s.store.UserByID(ctx, traineeID)
	if err != nil {
		return drillroom.User{}, fmt.Errorf("user %d: %w", traineeID, err)
	}
	ok := t.ID == viewer.ID || viewer.Admin
	if !ok && viewer.Staff() {
		if ok, err = s.store.SharesCohort(ctx, viewer.ID, t.ID); err != nil {
			return drillroom.User{}, fmt.Errorf("user %s: %w", t.Username, err)
		}
	}
	if !ok || t.Role != drillroom.RoleTrainee {
		return drillroom.User{}, fmt.Errorf("user %d for %s: %w", traineeID, viewer.Username, drillroom.ErrNotFound)
	}
	return t, nil
}

func (s *Service) history(ctx context.Context, viewer, user drillroom.User) (*History, error) {
	sessions, err := s.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", user.Username, err)
	}
	h := &History{Trainee: user}
	for _, x := range sessions {
		if x.State != drillroom.StateEnded {
			continue
		}
		it := HistoryItem{Session: x, Title: x.ScenarioID}
		if v, err := s.store.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
			it.Title = v.Title
		}
		var marks []drillroom.Mark
		mk, rel, err := s.OfficialScorecardFor(ctx, viewer, x)
		switch {
		case err == nil:
			it.Scored, it.Total, it.BandTitle, it.Passed = true, mk.Official.Total, mk.Official.BandTitle, mk.Official.Passed
			it.Marks, marks = len(mk.History), mk.History
			it.Unreleased = rel.Pending && viewer.Staff()
		case !errors.Is(err, drillroom.ErrNotFound):
			return nil, err
		}
		c, err := s.CoachingFor(ctx, viewer, x, marks, rel)
		if err != nil {
			return nil, err
		}
		it.Notes, it.Acknowledged, it.OpenDisputes = c.Notes, !c.Acknowledged.IsZero(), len(c.Open)
		h.Notes = append(h.Notes, c.Notes...)
		for _, n := range c.Notes {
			if n.Kind != drillroom.NoteAction {
				continue
			}
			if d, ok := c.Done[n.ID]; ok {
				h.Done = append(h.Done, DoneAction{Action: n, Done: d})
			} else {
				h.Actions = append(h.Actions, n)
			}
		}
		h.Items = append(h.Items, it)
	}
	sort.SliceStable(h.Items, func(i, j int) bool { return h.Items[i].Session.CreatedAt.After(h.Items[j].Session.CreatedAt) })
	sort.SliceStable(h.Notes, func(i, j int) bool { return h.Notes[i].At.After(h.Notes[j].At) })
	sort.SliceStable(h.Actions, func(i, j int) bool { return h.Actions[i].Due.Before(h.Actions[j].Due) })
	sort.SliceStable(h.Done, func(i, j int) bool { return h.Done[i].Done.At.After(h.Done[j].Done.At) })
	if h.TraineeNotes, err = s.store.TraineeNotes(ctx, user.ID); err != nil {
		return nil, fmt.Errorf("history of %s: %w", user.Username, err)
	}
	slices.Reverse(h.TraineeNotes)
	return h, nil
}

// Overdue reports whether an action's due date has passed at now.
func Overdue(n drillroom.Note, now time.Time) bool {
	return n.Kind == drillroom.NoteAction && !n.Due.IsZero() && n.Due.Before(now)
}
