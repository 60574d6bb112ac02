package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/transcript"
)

// coachingView is the debrief's coaching section: the coaches' notes, the
// thread with the trainee (acknowledgements, disputes and resolutions),
// and the forms each side may use.
type coachingView struct {
	Notes        []noteRow
	Thread       []threadRow
	Open         []threadRow // disputes to resolve, for staff
	CanNote      bool        // a coach or trainer of the cohort
	CanRespond   bool        // the trainee, once there is something to respond to
	Acknowledged string      // when the trainee acknowledged the current marking, if they did
	Rules        []option    // the scorecard's lines a trainee may dispute
	Moments      []option    // the timeline's events a note may annotate
	Annotations  map[int64][]noteRow
	// The release of the reviewed scorecard to the trainee: when and by
	// whom last (Released), whether marks or notes wait for a release
	// (Pending), and, for staff, whether they may release (CanRelease).
	Released   string
	Pending    bool
	CanRelease bool
	// Reviewing: the trainee's view while coaches mark and nothing has
	// been released yet.
	Reviewing bool
	// CanComplete: the viewer may mark the agreed actions done (the
	// trainee, or a trainer or coach, once the call has ended).
	CanComplete bool
}

type noteRow struct {
	ID    int64
	Seq   int64  // the annotated event, 0 for the session
	Clock string // its time in the call
	Kind  drillroom.NoteKind
	Label string
	Text  string
	Due   string
	By    string
	Actor drillroom.Actor
	At    string
	// Done says who marked an action done and when ("" while open).
	Done string
}

type threadRow struct {
	ID     int64
	Kind   drillroom.ResponseKind
	Rule   string // the disputed line's title; "" for the marking as a whole
	Text   string
	By     string
	Actor  drillroom.Actor
	At     string
	Open   bool
	Answer string // for a resolution: the dispute it answers, quoted
}

var noteLabels = map[drillroom.NoteKind]string{
	drillroom.NoteStrength: "Strength", drillroom.NoteDevelopment: "To develop", drillroom.NoteAction: "Action",
}

func when(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// newCoachingView builds the coaching section; moments are the timeline's
// rows, for annotations.
func newCoachingView(c *training.Coaching, mk *markingView, rel training.Release, viewer drillroom.User, x drillroom.Session, moments []transcript.Line) *coachingView {
	v := &coachingView{CanNote: viewer.Staff(), Annotations: map[int64][]noteRow{}, Pending: rel.Pending}
	if rel.Released() {
		v.Released = when(rel.Last.At) + " by " + rel.Last.By
	}
	v.CanRelease = viewer.Staff() && rel.Pending
	v.CanComplete = x.State == drillroom.StateEnded && (viewer.Staff() || viewer.ID == x.UserID)
	v.Reviewing = !viewer.Staff() && !rel.Released()
	clocks := map[int64]string{}
	for _, l := range moments {
		if l.Seq > 0 {
			clocks[l.Seq] = l.Clock
			text := l.Text
			if r := []rune(text); len(r) > 60 {
				text = string(r[:60]) + "…"
			}
			v.Moments = append(v.Moments, option{strconv.FormatInt(l.Seq, 10), l.Clock + " " + l.Who + ": " + text})
		}
	}
	titles := map[string]string{}
	if mk != nil {
		titles = mk.Titles
		for _, id := range mk.Order {
			v.Rules = append(v.Rules, option{id, titles[id]})
		}
	}
	for _, n := range c.Notes {
		row := noteRow{ID: n.ID, Seq: n.Seq, Clock: clocks[n.Seq], Kind: n.Kind, Label: noteLabels[n.Kind], Text: n.Text, By: n.By, Actor: n.Actor, At: when(n.At)}
		if d, ok := c.Done[n.ID]; ok {
			row.Done = doneText(d)
		}
		if !n.Due.IsZero() {
			row.Due = n.Due.UTC().Format("2 Jan 2006")
		}
		if n.Seq > 0 && row.Clock == "" {
			row.Clock = "#" + strconv.FormatInt(n.Seq, 10)
		}
		v.Notes = append(v.Notes, row)
		if n.Seq > 0 {
			v.Annotations[n.Seq] = append(v.Annotations[n.Seq], row)
		}
	}
	open := map[int64]bool{}
	for _, d := range c.Open {
		open[d.ID] = true
	}
	texts := map[int64]string{}
	for _, r := range c.Thread {
		row := threadRow{ID: r.ID, Kind: r.Kind, Rule: titles[r.RuleID], Text: r.Text, By: r.By, Actor: r.Actor, At: when(r.At), Open: open[r.ID]}
		if r.RuleID != "" && row.Rule == "" {
			row.Rule = r.RuleID
		}
		if r.Kind == drillroom.ResponseDispute {
			texts[r.ID] = r.Text
		}
		row.Answer = texts[r.Ref]
		v.Thread = append(v.Thread, row)
		if row.Open && viewer.Staff() {
			v.Open = append(v.Open, row)
		}
	}
	marked := mk != nil && len(mk.History) > 0
	v.CanRespond = viewer.ID == x.UserID && rel.Released() && (marked || len(c.Notes) > 0)
	if !c.Acknowledged.IsZero() {
		v.Acknowledged = when(c.Acknowledged)
	}
	return v
}

// addNote takes a coach's note on a session (training.Service.AddNote).
func (u *ui) addNote(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		var err error
		in := training.NoteInput{Kind: drillroom.NoteKind(r.PostForm.Get("kind")), Text: r.PostForm.Get("text")}
		if m := r.PostForm.Get("seq"); m != "" {
			if in.Seq, err = strconv.ParseInt(m, 10, 64); err != nil {
				return "", drillroom.Errorf(drillroom.CodeInvalid, "Choose a moment of this call.")
			}
		}
		if d := r.PostForm.Get("due"); d != "" && in.Kind == drillroom.NoteAction {
			if in.Due, err = time.Parse(dateForm, d); err != nil {
				return "", drillroom.Errorf(drillroom.CodeInvalid, "The due date is not a date.")
			}
		}
		_, err = u.svc.AddNote(r.Context(), user, x, in)
		return coachedAt(x, "note"), err
	})
}

// publishReview releases the reviewed scorecard to the trainee
// (training.Service.ReleaseReview).
func (u *ui) publishReview(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		_, err := u.svc.ReleaseReview(r.Context(), user, x)
		return coachedAt(x, "publish"), err
	})
}

// acknowledge records the trainee's acknowledgement of the marking and
// notes (training.Service.Acknowledge).
func (u *ui) acknowledge(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		_, err := u.svc.Acknowledge(r.Context(), user, x)
		return coachedAt(x, "ack"), err
	})
}

// dispute records the trainee's dispute of a line (training.Service.Dispute).
func (u *ui) dispute(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		_, err := u.svc.Dispute(r.Context(), user, x, r.PostForm.Get("rule"), r.PostForm.Get("text"))
		return coachedAt(x, "dispute"), err
	})
}

// resolve takes a coach's answer to a dispute (training.Service.Resolve).
func (u *ui) resolve(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		n, err := noteNumber(r, "dispute")
		if err != nil {
			return "", err
		}
		_, err = u.svc.Resolve(r.Context(), user, x, n, r.PostForm.Get("text"))
		return coachedAt(x, "resolve"), err
	})
}

// completeAction marks an agreed action done (training.Service.CompleteAction)
// and returns to the history page it was sent from, or to the debrief.
func (u *ui) completeAction(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		n, err := noteNumber(r, "action")
		if err != nil {
			return "", err
		}
		_, err = u.svc.CompleteAction(r.Context(), user, x, n, r.PostForm.Get("text"))
		next := coachedAt(x, "action")
		if b := r.PostForm.Get("back"); b == "/history" || b == fmt.Sprintf("/trainees/%d", x.UserID) {
			next = b
		}
		return next, err
	})
}

// noteNumber reads the {n} of the URL, the number of a dispute or an
// action (what) of the session; what is not a number is not found.
func noteNumber(r *http.Request, what string) (int64, error) {
	n, err := strconv.ParseInt(chi.URLParam(r, "n"), 10, 64)
	if err != nil {
		return 0, drillroom.Errorf(drillroom.CodeNotFound, "No such %s.", what)
	}
	return n, nil
}

// doneText says who marked an action done, as what, and when.
func doneText(d drillroom.ActionDone) string {
	s := "done, said " + d.By + " (" + string(d.Actor) + "), " + when(d.At)
	if d.Text != "" {
		s += ": " + d.Text
	}
	return s
}

// coachedAt is the coaching section of x's debrief, with the notice of
// what was done there.
func coachedAt(x drillroom.Session, done string) string {
	return "/sessions/" + x.ID + "/debrief?coached=" + done + "#coaching"
}

// sessionPost answers a form that does one thing to the session of its
// URL: do does it (a use case of training) and returns where to go next.
// A session the user may not see, or a refusal, is answered with the
// failure page.
func (u *ui) sessionPost(w http.ResponseWriter, r *http.Request, do func(user drillroom.User, x drillroom.Session) (next string, err error)) {
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	next, err := do(user, x)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
