package training

import (
	"context"
	"errors"
	"fmt"
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
}

// History is a trainee's sessions over time, newest first, and the
// actions their coaches agreed with them, soonest due first.
type History struct {
	Items   []HistoryItem
	Actions []drillroom.Note
}

// History returns user's own history: their ended sessions with their
// official scores and coaching, and every agreed action.
func (s *Service) History(ctx context.Context, user drillroom.User) (*History, error) {
	sessions, err := s.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", user.Username, err)
	}
	h := &History{}
	for _, x := range sessions {
		if x.State != drillroom.StateEnded {
			continue
		}
		it := HistoryItem{Session: x, Title: x.ScenarioID}
		if v, err := s.store.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
			it.Title = v.Title
		}
		var marks []drillroom.Mark
		mk, rel, err := s.OfficialScorecardFor(ctx, user, x)
		switch {
		case err == nil:
			it.Scored, it.Total, it.BandTitle, it.Passed = true, mk.Official.Total, mk.Official.BandTitle, mk.Official.Passed
			it.Marks, marks = len(mk.History), mk.History
		case !errors.Is(err, drillroom.ErrNotFound):
			return nil, err
		}
		c, err := s.CoachingFor(ctx, user, x, marks, rel)
		if err != nil {
			return nil, err
		}
		it.Notes, it.Acknowledged, it.OpenDisputes = c.Notes, !c.Acknowledged.IsZero(), len(c.Open)
		for _, n := range c.Notes {
			if n.Kind == drillroom.NoteAction {
				h.Actions = append(h.Actions, n)
			}
		}
		h.Items = append(h.Items, it)
	}
	sort.SliceStable(h.Items, func(i, j int) bool { return h.Items[i].Session.CreatedAt.After(h.Items[j].Session.CreatedAt) })
	sort.SliceStable(h.Actions, func(i, j int) bool { return h.Actions[i].Due.Before(h.Actions[j].Due) })
	return h, nil
}

// Overdue reports whether an action's due date has passed at now.
func Overdue(n drillroom.Note, now time.Time) bool {
	return n.Kind == drillroom.NoteAction && !n.Due.IsZero() && n.Due.Before(now)
}
