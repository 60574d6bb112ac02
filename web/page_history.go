package web

import (
	"net/http"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

type historyPage struct {
	Rows    []historyRow
	Actions []actionRow
}

type historyRow struct {
	ID, Title, Started, Total, BandTitle string
	Mode                                 drillroom.Mode
	Scored, Passed, Acknowledged         bool
	Marks, Notes, OpenDisputes           int
}

type actionRow struct {
	SessionID, Text, Due, By string
	Overdue                  bool
}

// history is one's own history (training.Service.History): ended sessions
// with official scores and coaching, and the agreed actions.
func (u *ui) history(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	h, err := u.svc.History(r.Context(), user)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := historyPage{}
	for _, it := range h.Items {
		p.Rows = append(p.Rows, historyRow{ID: it.Session.ID, Title: it.Title, Mode: it.Session.Mode,
			Started: it.Session.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Scored: it.Scored, Total: formatPercent(it.Total),
			BandTitle: it.BandTitle, Passed: it.Passed, Acknowledged: it.Acknowledged, Marks: it.Marks, Notes: len(it.Notes), OpenDisputes: it.OpenDisputes})
	}
	now := time.Now()
	for _, a := range h.Actions {
		p.Actions = append(p.Actions, actionRow{SessionID: a.SessionID, Text: a.Text, Due: a.Due.UTC().Format("2 Jan 2006"), By: a.By,
			Overdue: training.Overdue(a, now)})
	}
	render(w, r, u.log, http.StatusOK, "history", view{Title: "My history", Data: p})
}
