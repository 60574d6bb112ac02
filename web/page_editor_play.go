package web

import (
	"fmt"
	"net/http"

	"github.com/drillroom/drillroom"
)

// Trying a draft from the editor: play it as a trainee in a new tab (a
// draft play, training.Service.PlayDraft), and turn an ended play into a
// test appended to the draft's tests (training.Service.RecordPlay).

func init() {
	notices["recorded"] = "The play is recorded as a test at the end of the drill's tests: and the draft is saved."
}

// draftPlayRow is one of the author's plays of a draft, on the editor.
type draftPlayRow struct {
	ID      string `json:"id"`
	Started string `json:"started"`
	Ended   bool   `json:"ended"`
	Ending  string `json:"ending,omitempty"`
}

// draftPlays lists the viewer's plays of draft d for the editor.
func (u *ui) draftPlays(r *http.Request, d drillroom.Draft) []draftPlayRow {
	user, _ := userFrom(r.Context())
	xs, err := u.svc.DraftPlays(r.Context(), user, d.ID)
	if err != nil {
		u.log.Error("editor: draft plays", "draft", d.ID, "err", err)
		return nil
	}
	rows := make([]draftPlayRow, 0, len(xs))
	if len(xs) > 20 {
		xs = xs[:20] // the newest twenty
	}
	for _, x := range xs {
		rows = append(rows, draftPlayRow{ID: x.ID, Started: formatTime(x.CreatedAt), Ended: x.State == drillroom.StateEnded, Ending: x.Ending})
	}
	return rows
}

// draftPlaysJSON lists the author's plays of a draft for the editor's
// script, which refreshes its list when the trainer comes back from a
// play's tab.
func (u *ui) draftPlaysJSON(w http.ResponseWriter, r *http.Request) {
	d, err := u.authoring.Draft(r.Context(), actorOf(r), pathID(r))
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plays": u.draftPlays(r, d)})
}

// playDraft starts a draft play of the saved draft and opens its console
// (the editor's form targets a new tab).
func (u *ui) playDraft(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	d, err := u.authoring.Draft(ctx, a, pathID(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	pols, err := u.authoring.Policies(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	x, err := u.svc.PlayDraft(ctx, a.User, d, pols)
	if err != nil {
		u.failEditor(w, r, err, drillroom.CodeInvalid)
		return
	}
	http.Redirect(w, r, "/sessions/"+x.ID, http.StatusSeeOther)
}

// recordPlay appends an ended draft play to the draft's tests. The
// editor's script sends its current text and gets the new text back to
// review and save; without script the saved draft is changed and saved.
func (u *ui) recordPlay(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	d, err := u.authoring.Draft(ctx, a, pathID(r))
	if err != nil {
		u.failPlay(w, r, err)
		return
	}
	src := d.Source
	if wantsJSON(r) {
		src = []byte(r.PostForm.Get("source"))
	}
	pols, err := u.authoring.Policies(ctx, a)
	if err != nil {
		u.failPlay(w, r, err)
		return
	}
	out, err := u.svc.RecordPlay(ctx, a.User, d, r.PostForm.Get("session"), src, pols)
	if err != nil {
		u.failPlay(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]string{"source": string(out)})
		return
	}
	if _, err := u.authoring.SaveDraft(ctx, a, d.ID, d.Name, out); err != nil {
		u.failPlay(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/drafts/%d?done=recorded", d.ID), http.StatusSeeOther)
}

func (u *ui) failPlay(w http.ResponseWriter, r *http.Request, err error) {
	if wantsJSON(r) {
		u.failJSON(w, r, err)
		return
	}
	u.failEditor(w, r, err, drillroom.CodeInvalid, drillroom.CodeConflict)
}
