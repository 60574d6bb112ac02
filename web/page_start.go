package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
)

// startDrill starts (or resumes) a session of a drill in the mode asked
// for and opens its console (training.Service.StartDrill).
func (u *ui) startDrill(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	mode := drillroom.Mode(r.PostForm.Get("mode"))
	x, _, err := u.svc.StartDrill(r.Context(), user, chi.URLParam(r, "scenario"), mode)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sessions/"+x.ID, http.StatusSeeOther)
}
