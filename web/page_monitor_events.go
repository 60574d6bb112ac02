package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// sessionEvents serves GET /api/sessions/{id}/events?after=N&limit=M: one
// page of a session's event log as the user may see it (training.Service.
// Events; docs/protocol.md, "The event log over HTTP"). A monitor catches
// up on a long session with it, then follows the socket from its last seq.
func (u *ui) sessionEvents(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil {
		u.failJSON(w, r, invalid("after is a sequence number, 0 or more."))
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	page, err := u.svc.EventPage(r.Context(), user, chi.URLParam(r, "id"), after, limit)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
