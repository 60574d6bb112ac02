package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// drillRow is one drill a user may start.
type drillRow struct {
	ScenarioID string
	Title      string
	Summary    string
	Difficulty string
	Duration   string
	Modes      []drillroom.Mode // practice, assessment
}

// sessionRow is one of the user's sessions.
type sessionRow struct {
	ID        string
	Trainee   string // set on the trainees' sessions a trainer or coach sees
	Title     string
	Mode      drillroom.Mode
	Started   string
	Live      bool
	Scored    bool
	Total     string
	BandTitle string
	Passed    bool
}

type drillsPage struct {
	// Due are the assignments trainers gave the user, with their state
	// (page_assign.go).
	Due      []dueRow
	Assigned []drillRow
	Sessions []sessionRow
	// Others are the trainees' sessions, newest first, for trainers and
	// coaches to open (nil for trainees).
	Others      []sessionRow
	ShowOthers  bool
	OthersLimit int
	// Reviews counts the review queue, for trainers and coaches.
	Reviews *reviewCount
	// Cohorts are a trainer's or coach's cohorts (every cohort for an
	// administrator), each with a link to its page.
	Cohorts []drillroom.Cohort
}

type reviewCount struct {
	Waiting, Mine int
	Reasons       []reasonCount // the reasons at least one session is in the queue for
}

// reasonCount is how many sessions are in the queue for one reason, with
// the queue filtered to them.
type reasonCount struct {
	Reason string
	Count  int
	Link   string
}

// othersLimit caps the trainees' sessions listed for trainers and coaches.
const othersLimit = 100

// drills is the home page: the drills the user may start and their own
// sessions, newest first.
func (u *ui) drills(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	ctx := r.Context()
	assigned, err := u.startable(ctx, user)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := drillsPage{}
	titles := map[string]string{}
	for _, d := range assigned {
		page.Assigned = append(page.Assigned, d)
		titles[d.ScenarioID] = d.Title
	}
	if page.Due, err = u.due(ctx, user); err != nil {
		u.fail(w, r, err)
		return
	}
	sessions, err := u.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		u.fail(w, r, fmt.Errorf("sessions of %s: %w", user.Username, err))
		return
	}
	page.Sessions = u.sessionRows(ctx, user, sessions, titles, nil)
	if user.Role == drillroom.RoleTrainer || user.Role == drillroom.RoleCoach {
		page.ShowOthers, page.OthersLimit = true, othersLimit
		others, names, err := u.svc.TraineeSessions(ctx, user, othersLimit)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		page.Others = u.sessionRows(ctx, user, others, titles, names)
		q, err := u.svc.ReviewQueue(ctx, user, training.QueueFilter{})
		if err != nil {
			u.fail(w, r, err)
			return
		}
		page.Reviews = &reviewCount{Waiting: q.Unfiltered, Mine: q.MineClaimed}
		for _, why := range training.Reasons {
			if n := q.ByReason[why]; n > 0 {
				page.Reviews.Reasons = append(page.Reviews.Reasons, reasonCount{Reason: why, Count: n, Link: "/reviews?why=" + url.QueryEscape(why)})
			}
		}
		if page.Cohorts, err = u.accounts.Cohorts(ctx, actorOf(r)); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	render(w, r, u.log, http.StatusOK, "drills", view{Title: "My drills", Notice: noticeFor(r), Data: page})
}

// sessionRows lists sessions newest first, with their scores. names, when
// given, labels each row with its trainee. A trainee sees the scores
// the coaches have released.
func (u *ui) sessionRows(ctx context.Context, user drillroom.User, sessions []drillroom.Session, titles map[string]string, names map[int64]string) []sessionRow {
	sort.SliceStable(sessions, func(i, j int) bool { return sessions[i].CreatedAt.After(sessions[j].CreatedAt) })
	var rows []sessionRow
	for _, x := range sessions {
		row := sessionRow{ID: x.ID, Mode: x.Mode, Live: x.State == drillroom.StateLive,
			Started: x.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Trainee: names[x.UserID]}
		row.Title = titles[x.ScenarioID]
		if row.Title == "" {
			if v, err := u.store.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
				row.Title = v.Title
				titles[x.ScenarioID] = v.Title
			} else {
				row.Title = x.ScenarioID
			}
		}
		if drillroom.IsDraftPlay(x.ScenarioID) {
			row.Title = "Draft play: " + row.Title // a trainer trying an unpublished draft
		}
		if !row.Live {
			// The official score: the automatic one with the coaches' marks.
			if mk, _, err := u.svc.OfficialScorecardFor(ctx, user, x); err == nil {
				card := mk.Official
				row.Scored, row.Total, row.BandTitle, row.Passed = true, formatPercent(card.Total), card.BandTitle, card.Passed
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// startable lists the drills user may start (training.Service.Startable)
// as rows of the drill list.
func (u *ui) startable(ctx context.Context, user drillroom.User) ([]drillRow, error) {
	drills, err := u.svc.Startable(ctx, user)
	if err != nil {
		return nil, err
	}
	var rows []drillRow
	for _, d := range drills {
		// Trainees read the briefing; the summary may give the handling away.
		summary := d.Briefing
		if user.Role == drillroom.RoleTrainer {
			summary = d.Summary
		}
		rows = append(rows, drillRow{ScenarioID: d.ScenarioID, Title: d.Title, Summary: summary, Difficulty: d.Difficulty,
			Duration: formatSeconds((time.Duration(d.DurationMs) * time.Millisecond).Seconds()), Modes: d.Modes})
	}
	return rows, nil
}
