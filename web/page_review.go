package web

import (
	"errors"
	"net/http"

	"github.com/drillroom/drillroom/runner"
)

// review takes the trainee's post-incident review of an ended session
// (training.Service.SubmitReview).
func (u *ui) review(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	// The command id is derived from the form's token and the session, so
	// that a double submit (or a retry after a lost response) is applied
	// once.
	err := u.svc.SubmitReview(ctx, user, x, "review-"+csrfFrom(ctx)[:16], r.PostForm.Get("text"))
	if errors.Is(err, runner.ErrElsewhere) && u.relay(w, r, user, x.ID) {
		return // another node hosts the session: it took the review
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sessions/"+x.ID+"/debrief?reviewed=1#review", http.StatusSeeOther)
}
