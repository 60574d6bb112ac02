package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// reviewsPage is the review queue (training.Service.ReviewQueue) with its
// filter form.
type reviewsPage struct {
	Rows       []reviewRow
	Unfiltered int
	Mine       int
	Filter     reviewFilter
	Cohorts    []option
	Trainees   []option
	Drills     []option
	Bands      []option
	Reasons    []option // every reason, labelled with how many sessions are in the queue for it
}

type reviewFilter struct {
	Cohort, Trainee, Drill, From, To, Band, Why string
	Set                                         bool
}

type option struct{ Value, Label string }

type reviewRow struct {
	ID        string
	Trainee   string
	TraineeID int64
	Title     string
	Mode      drillroom.Mode
	Started   string
	Total     string
	BandTitle string
	Passed    bool
	Reasons   []string
	ClaimedBy string
	Until     string
	Mine      bool
}

const dateForm = "2006-01-02"

// reviews lists the sessions of the user's cohorts that need a coach.
func (u *ui) reviews(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	q := r.URL.Query()
	page := reviewsPage{Filter: reviewFilter{Cohort: q.Get("cohort"), Trainee: q.Get("trainee"), Drill: q.Get("drill"),
		From: q.Get("from"), To: q.Get("to"), Band: q.Get("band"), Why: q.Get("why")}}
	f := training.QueueFilter{ScenarioID: page.Filter.Drill, Band: page.Filter.Band, Reason: page.Filter.Why}
	bad := func(what string) {
		u.fail(w, r, drillroom.Errorf(drillroom.CodeInvalid, "The filter's %s is not valid.", what))
	}
	var err error
	if v := page.Filter.Cohort; v != "" {
		if f.CohortID, err = strconv.ParseInt(v, 10, 64); err != nil {
			bad("cohort")
			return
		}
	}
	if v := page.Filter.Trainee; v != "" {
		if f.TraineeID, err = strconv.ParseInt(v, 10, 64); err != nil {
			bad("trainee")
			return
		}
	}
	if v := page.Filter.From; v != "" {
		if f.From, err = time.Parse(dateForm, v); err != nil {
			bad("first date")
			return
		}
	}
	if v := page.Filter.To; v != "" {
		if f.To, err = time.Parse(dateForm, v); err != nil {
			bad("last date")
			return
		}
		f.To = f.To.Add(24 * time.Hour) // the whole last day
	}
	page.Filter.Set = f != (training.QueueFilter{})
	queue, err := u.svc.ReviewQueue(r.Context(), user, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page.Unfiltered, page.Mine = queue.Unfiltered, queue.MineClaimed
	for _, c := range queue.Cohorts {
		page.Cohorts = append(page.Cohorts, option{strconv.FormatInt(c.ID, 10), c.Name})
	}
	for _, t := range queue.Trainees {
		page.Trainees = append(page.Trainees, option{strconv.FormatInt(t.ID, 10), t.DisplayName})
	}
	page.Drills, page.Bands = options(queue.Drills), options(queue.Bands)
	for _, why := range training.Reasons {
		page.Reasons = append(page.Reasons, option{why, fmt.Sprintf("%s (%d)", why, queue.ByReason[why])})
	}
	for _, it := range queue.Items {
		row := reviewRow{ID: it.Session.ID, Trainee: it.Trainee, TraineeID: it.Session.UserID, Title: it.Title, Mode: it.Session.Mode,
			Started: it.Session.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Total: formatPercent(it.Total),
			BandTitle: it.BandTitle, Passed: it.Passed, Reasons: it.Reasons}
		if c := it.Claim; c != nil {
			row.ClaimedBy, row.Until, row.Mine = c.By, c.Until.UTC().Format("15:04 UTC"), c.UserID == user.ID
		}
		page.Rows = append(page.Rows, row)
	}
	render(w, r, u.log, http.StatusOK, "reviews", view{Title: "Reviews", Data: page})
}

func options(m map[string]string) []option {
	var out []option
	for v, l := range m {
		out = append(out, option{v, l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// claim gives the signed-in coach the claim on a session
// (training.Service.Claim), or renews it, and returns to where they came
// from: the queue or the debrief.
func (u *ui) claim(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		_, err := u.svc.Claim(r.Context(), user, x)
		return backTo(r, "/sessions/"+x.ID+"/debrief?claimed=1#score"), err
	})
}

// release ends the signed-in coach's claim on a session.
func (u *ui) release(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		return backTo(r, "/sessions/"+x.ID+"/debrief#score"), u.svc.Release(r.Context(), user, x)
	})
}

// backTo is the form's "back" path if it is the queue, else def.
func backTo(r *http.Request, def string) string {
	if b := r.PostForm.Get("back"); b != "" {
		if p, err := url.Parse(b); err == nil && p.Path == "/reviews" && p.Host == "" && p.Scheme == "" {
			return p.String()
		}
	}
	return def
}
