package web

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// scorecardDoc is the scorecard of a session as JSON for programs
// (GET /api/sessions/{id}/scorecard, docs/protocol.md).
type scorecardDoc struct {
	Session   string             `json:"session"`
	Scenario  string             `json:"scenario"`
	Version   int                `json:"version"`
	Mode      drillroom.Mode     `json:"mode"`
	Ending    string             `json:"ending"`
	Scorecard *scoring.Scorecard `json:"scorecard"`
}

// scorecardJSON serves a session's scorecard as JSON, under the debrief's
// access rule (training: whoever may see the session), and like the
// debrief only once the call has ended: while it runs the rubric is not
// shown (409).
func (u *ui) scorecardJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user, ok := userFrom(ctx)
	if !ok {
		u.failJSON(w, r, drillroom.ErrUnauthorized)
		return
	}
	// The access rule of the debrief (Service.Session), with the failure
	// answered as JSON.
	x, err := u.svc.Session(ctx, user, chi.URLParam(r, "id"))
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	if x.State != drillroom.StateEnded {
		u.failJSON(w, r, drillroom.Errorf(drillroom.CodeConflict, "the call is still in progress; its scorecard comes when it ends"))
		return
	}
	sc, events, err := u.svc.ScenarioLog(ctx, x)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	card, err := u.svc.Scorecard(ctx, x, sc, events)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	// The official scorecard, as the debrief shows it: the automatic one
	// with the coaches' marks (each overridden rule keeps its automatic
	// result in "auto").
	mk, _, err := u.svc.MarkingFor(ctx, user, x, card)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	card = mk.Official
	writeJSON(w, http.StatusOK, scorecardDoc{Session: x.ID, Scenario: x.ScenarioID, Version: x.Version, Mode: x.Mode,
		Ending: x.Ending, Scorecard: card})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
