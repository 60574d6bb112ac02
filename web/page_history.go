package web

import (
	"fmt"
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
	Actions []actionRow // open, soonest due first
	Done    []actionRow // done, latest first
	Back    string      // this page's path, for the forms to return to
	// TraineeID is whose history this is; TraineeNotes the coaches' notes
	// on the trainee as a whole, tied to no session, newest first.
	TraineeID    int64
	TraineeNotes []traineeNoteRow
}

// traineeNoteRow is a note on the trainee as a whole, with its
// acknowledgement and, for an action, its completion.
type traineeNoteRow struct {
	ID                            int64
	Kind                          drillroom.NoteKind
	Label, Text, By, At, Due, Ack string
	Actor                         drillroom.Actor
	Overdue                       bool
	Done                          string // who marked it done and when; "" while open
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
	ID                       int64
	SessionID, Text, Due, By string
	Overdue                  bool
	Done                     string // who marked it done and when; "" while open
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
	p := historyOf(h, false)
	p.Back = "/history"
	render(w, r, u.log, http.StatusOK, "history", view{Title: "My history", Data: p})
}

// traineeHistory is a trainee's history as their cohort's trainers and
// coaches (and administrators) read it (training.Service.TraineeHistory):
// every mark and note, released or not, and the open actions.
func (u *ui) traineeHistory(w http.ResponseWriter, r *http.Request) {
	h, user, ok := pageByID(u, w, r, "id", u.svc.TraineeHistory)
	if !ok {
		return
	}
	p := historyOf(h, user.Staff())
	p.Back = fmt.Sprintf("/trainees/%d", h.Trainee.ID)
	if !p.Coach {
		p.Back = "/history" // the trainee on her own page
	}
	render(w, r, u.log, http.StatusOK, "history", view{Title: p.Name + "'s history", Data: p})
}

func historyOf(h *training.History, coach bool) historyPage {
	p := historyPage{Coach: coach, Name: h.Trainee.DisplayName, TraineeID: h.Trainee.ID}
	now := time.Now()
	for _, n := range h.TraineeNotes {
		row := traineeNoteRow{ID: n.ID, Kind: n.Kind, Label: noteLabels[n.Kind], Text: n.Text, By: n.By, Actor: n.Actor, At: when(n.At)}
		if !n.Due.IsZero() {
			row.Due, row.Overdue = n.Due.UTC().Format("2 Jan 2006"), n.Done == nil && training.Overdue(n.Note, now)
		}
		if !n.AckAt.IsZero() {
			row.Ack = "acknowledged by " + n.AckBy + ", " + when(n.AckAt)
		}
		if n.Done != nil {
			row.Done = doneText(*n.Done)
		}
		p.TraineeNotes = append(p.TraineeNotes, row)
	}
	for _, it := range h.Items {
		p.Rows = append(p.Rows, historyRow{ID: it.Session.ID, Title: it.Title, Mode: it.Session.Mode,
			Started: it.Session.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Scored: it.Scored, Total: formatPercent(it.Total),
			BandTitle: it.BandTitle, Passed: it.Passed, Acknowledged: it.Acknowledged, Unreleased: it.Unreleased,
			Marks: it.Marks, Notes: len(it.Notes), OpenDisputes: it.OpenDisputes})
	}
	for _, n := range h.Notes {
		p.Notes = append(p.Notes, historyNote{SessionID: n.SessionID, Kind: noteLabels[n.Kind], Text: n.Text, By: n.By,
			At: n.At.UTC().Format("2 Jan 2006"), Seq: n.Seq})
	}
	for _, a := range h.Actions {
		p.Actions = append(p.Actions, actionRow{ID: a.ID, SessionID: a.SessionID, Text: a.Text, Due: a.Due.UTC().Format("2 Jan 2006"), By: a.By,
			Overdue: training.Overdue(a, now)})
	}
	for _, d := range h.Done {
		p.Done = append(p.Done, actionRow{ID: d.Action.ID, SessionID: d.Action.SessionID, Text: d.Action.Text, Due: d.Action.Due.UTC().Format("2 Jan 2006"),
			By: d.Action.By, Done: doneText(d.Done)})
	}
	return p
}

// addTraineeNote takes a coach's note on a trainee as a whole
// (training.Service.AddTraineeNote) and returns to the trainee's history.
func (u *ui) addTraineeNote(w http.ResponseWriter, r *http.Request) {
	u.traineePost(w, r, func(user drillroom.User, id int64) error {
		in := training.NoteInput{Kind: drillroom.NoteKind(r.PostForm.Get("kind")), Text: r.PostForm.Get("text")}
		if d := r.PostForm.Get("due"); d != "" && in.Kind == drillroom.NoteAction {
			var err error
			if in.Due, err = time.Parse(dateForm, d); err != nil {
				return drillroom.Errorf(drillroom.CodeInvalid, "The due date is not a date.")
			}
		}
		_, err := u.svc.AddTraineeNote(r.Context(), user, id, in)
		return err
	})
}

// ackTraineeNote records the trainee's acknowledgement of a note on them
// (training.Service.AckTraineeNote).
func (u *ui) ackTraineeNote(w http.ResponseWriter, r *http.Request) {
	u.traineePost(w, r, func(user drillroom.User, id int64) error {
		n, err := parseID(r, "n")
		if err != nil {
			return err
		}
		return u.svc.AckTraineeNote(r.Context(), user, id, n)
	})
}

// completeTraineeAction marks an agreed action on a trainee done
// (training.Service.CompleteTraineeAction).
func (u *ui) completeTraineeAction(w http.ResponseWriter, r *http.Request) {
	u.traineePost(w, r, func(user drillroom.User, id int64) error {
		n, err := parseID(r, "n")
		if err != nil {
			return err
		}
		_, err = u.svc.CompleteTraineeAction(r.Context(), user, id, n, r.PostForm.Get("text"))
		return err
	})
}

// traineePost answers a form that does one thing to the trainee of its
// URL, then returns to the history it came from: the trainee's own
// (/history) for the trainee, /trainees/{id} for staff. A refusal is
// answered with the failure page.
func (u *ui) traineePost(w http.ResponseWriter, r *http.Request, do func(user drillroom.User, id int64) error) {
	user, _ := userFrom(r.Context())
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	if err := do(user, id); err != nil {
		u.fail(w, r, err)
		return
	}
	next := fmt.Sprintf("/trainees/%d#trainee-notes", id)
	if user.ID == id {
		next = "/history#trainee-notes"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
