package web

import (
	"crypto/rand"
	"encoding/binary"
	"net/http"
	"slices"

	"github.com/drillroom/drillroom"
	"github.com/go-chi/chi/v5"
)

// startDrill starts a session of a drill the user may start, in the mode
// asked for, and opens its console. A live session of the same drill and
// mode is resumed instead, so a double click or a second tab never leaves
// a forgotten call running.
func (u *ui) startDrill(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	ctx := r.Context()
	id := chi.URLParam(r, "scenario")
	mode := drillroom.Mode(r.PostForm.Get("mode"))
	drills, err := u.startable(ctx, user)
	if err != nil {
		u.log.Error("start drill: list", "user", user.Username, "err", err)
		renderError(w, r, u.log, http.StatusInternalServerError, "")
		return
	}
	allowed := false
	for _, d := range drills {
		if d.ScenarioID == id && slices.Contains(d.Modes, mode) {
			allowed = true
		}
	}
	if !allowed {
		u.log.Warn("start drill: not assigned", "user", user.Username, "scenario", id, "mode", mode)
		renderError(w, r, u.log, http.StatusForbidden, "This drill is not assigned to you in that mode.")
		return
	}
	mine, err := u.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		u.log.Error("start drill: sessions", "user", user.Username, "err", err)
		renderError(w, r, u.log, http.StatusInternalServerError, "")
		return
	}
	for _, x := range mine {
		if x.ScenarioID == id && x.Mode == mode && x.State == drillroom.StateLive {
			http.Redirect(w, r, "/sessions/"+x.ID, http.StatusSeeOther)
			return
		}
	}
	v, err := u.store.LatestScenarioVersion(ctx, id)
	if err != nil {
		u.sessionError(w, r, err)
		return
	}
	sc, err := u.scenario(ctx, v.ScenarioID, v.Version)
	if err != nil {
		u.log.Error("start drill: load scenario", "scenario", id, "version", v.Version, "err", err)
		renderError(w, r, u.log, http.StatusInternalServerError, "This drill cannot be played right now.")
		return
	}
	scale := sc.Settings.TimeScale
	if scale <= 0 {
		scale = 1
	}
	x, err := u.store.CreateSession(ctx, drillroom.Session{
		UserID: user.ID, ScenarioID: v.ScenarioID, Version: v.Version, Hash: v.Hash,
		Seed: newSeed(), Mode: mode, Scale: scale,
	})
	if err != nil {
		u.log.Error("start drill: create session", "user", user.Username, "scenario", id, "err", err)
		renderError(w, r, u.log, http.StatusInternalServerError, "")
		return
	}
	// Host it now: the runner writes the call's opening events, so the
	// console finds a call in progress and a drill that cannot be played
	// fails here, not in the trainee's face on the console.
	if u.live != nil {
		if _, err := u.live.Status(ctx, x.ID); err != nil {
			u.log.Error("start drill: host session", "session", x.ID, "scenario", id, "err", err)
			renderError(w, r, u.log, http.StatusServiceUnavailable, "The drill could not be started. Try again in a moment.")
			return
		}
	}
	u.log.Info("session started", "session", x.ID, "user", user.Username, "scenario", id, "version", v.Version, "mode", mode)
	http.Redirect(w, r, "/sessions/"+x.ID, http.StatusSeeOther)
}

// newSeed draws the seed that picks the session's variation: random, so
// that trainees cannot learn one call by heart.
func newSeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}
