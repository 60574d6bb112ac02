package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// maxReviewRunes bounds a post-incident review.
const maxReviewRunes = 8000

// review takes the trainee's post-incident review of an ended session. It
// goes through the runner as a review action, so it lands in the event log
// (the source of truth, which scoring and replay read), and into the store's
// review row that list pages read.
func (u *ui) review(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, user, err := u.sessionFor(r, chi.URLParam(r, "id"))
	if err != nil {
		u.sessionError(w, r, err)
		return
	}
	if user.ID != x.UserID {
		// Coaches and trainers read reviews; only the trainee writes one.
		renderError(w, r, u.log, http.StatusForbidden, "Only the trainee who took the call writes its review.")
		return
	}
	if x.State != drillroom.StateEnded {
		renderError(w, r, u.log, http.StatusConflict, "The review opens when the call has ended.")
		return
	}
	events, err := u.store.Events(ctx, x.ID, 0)
	if err != nil {
		u.log.Error("review: events", "session", x.ID, "err", err)
		renderError(w, r, u.log, http.StatusInternalServerError, "")
		return
	}
	for _, ev := range events {
		if ev.Type == simulator.EvReview {
			renderError(w, r, u.log, http.StatusConflict, "Your review of this call is already in.")
			return
		}
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	if text == "" || utf8.RuneCountInString(text) > maxReviewRunes {
		renderError(w, r, u.log, http.StatusBadRequest, "Write a review of up to 8,000 characters.")
		return
	}
	// The command id is derived from the form's token and the session, so
	// that a double submit (or a retry after a lost response) is applied
	// once.
	cmd := runner.Command{
		ID:     "review-" + csrfFrom(ctx)[:16],
		By:     drillroom.ActorTrainee,
		Action: simulator.Action{Kind: simulator.ActReview, Text: text},
	}
	res, err := u.live.Do(ctx, x.ID, cmd)
	if err != nil {
		if errors.Is(err, drillroom.ErrNotFound) {
			renderError(w, r, u.log, http.StatusNotFound, "")
			return
		}
		u.log.Error("review: apply", "session", x.ID, "err", err)
		renderError(w, r, u.log, http.StatusServiceUnavailable, "Your review could not be saved. Go back and try again in a moment.")
		return
	}
	if !res.Applied() {
		renderError(w, r, u.log, http.StatusConflict, "The review was not accepted: "+res.Reason+".")
		return
	}
	if err := u.store.PutReview(ctx, x.ID, text); err != nil {
		// The event log already holds it; the row is a convenience copy.
		u.log.Error("review: store copy", "session", x.ID, "err", err)
	}
	u.log.Info("review submitted", "session", x.ID, "user", user.Username)
	http.Redirect(w, r, "/sessions/"+x.ID+"/debrief?reviewed=1#review", http.StatusSeeOther)
}
