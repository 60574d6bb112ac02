package web

import (
	"net/http"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

type historyPage struct {
	// Coach is set when staff read a trainee's history (/trainees/{id}):
	// the page then names the trainee and says what waits for a release.
	Coach   bool
	Name    string
	Rows    []historyRow
	Notes   []historyNote
	Actions []actionRow
}

type historyRow struct {
	ID, Title, Started, Total, BandTitle     string
	Mode                                     drillroom.Mode
	Scored, Passed, Acknowledged, Unreleased bool
	Marks, Notes, OpenDisputes               int
}

type historyNote struct {
	SessionID, Kind, Text, By, At string
	Seq                           int64
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
	render(w, r, u.log, http.StatusOK, "history", view{Title: "My history", Data: historyOf(h, false)})
}

// traineeHistory is a trainee's history as their cohort's trainers and
// coaches (and administrators) read it (training.Service.TraineeHistory):
// every mark and note, released or not, and the open actions.
func (u *ui) traineeHistory(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	h, err := u.svc.TraineeHistory(r.Context(), user, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := historyOf(h, user.Staff())
	render(w, r, u.log, http.StatusOK, "history", view{Title: p.Name + "'s history", Data: p})
}

func historyOf(h *training.History, coach bool) historyPage {
	p := historyPage{Coach: coach, Name: h.Trainee.DisplayName}
	for _, it := range h.Items {
		p.Rows = append(p.Rows, historyRow{ID: it.Session.ID, Title: it.Title, Mode: it.Session.Mode,
			Started: it.Session.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Scored: it.Scored, Total: formatPercent(it.Total),
			BandTitle: it.BandTitle, Passed: it.Passed, Acknowledged: it.Acknowledged, Unreleased: it.Unreleased,
			Marks: it.Marks, Notes: len(it.Notes), OpenDisputes: it.OpenDisputes})
	}
	for _, n := range h.Notes {
		p.Notes = append(p.Notes, historyNote{SessionID: n.SessionID, Kind: noteKindLabel(n.Kind), Text: n.Text, By: n.By,
			At: n.At.UTC().Format("2 Jan 2006"), Seq: n.Seq})
	}
	now := time.Now()
	for _, a := range h.Actions {
		p.Actions = append(p.Actions, actionRow{SessionID: a.SessionID, Text: a.Text, Due: a.Due.UTC().Format("2 Jan 2006"), By: a.By,
			Overdue: training.Overdue(a, now)})
	}
	return p
}

// noteKindLabel is how a kind of coaching note reads on a page.
func noteKindLabel(k drillroom.NoteKind) string {
	switch k {
	case drillroom.NoteStrength:
		return "Strength"
	case drillroom.NoteDevelopment:
		return "To develop"
	}
	return "Action"
}
