package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// ui serves the pages: sign-in, the drill list, the console and the
// debrief. Its handlers live in page_*.go, one file per page or action;
// they translate HTTP to the use cases of package training and back.
type ui struct {
	*auth
	store     Store
	svc       *training.Service
	authoring *training.Authoring
	assigning *training.Assigning
	// relay sends a request for a session another node hosts to that node
	// (Server.relayRequest); false: no other node hosts it.
	relay func(w http.ResponseWriter, r *http.Request, user drillroom.User, sessionID string) bool
	// relayEach sends a copy of a POST to each other node that hosts one
	// of the sessions (Server.relayEach) and returns how many failed.
	relayEach func(r *http.Request, sessionIDs []string) int
}

func newUI(st Store, svc *training.Service, log *slog.Logger, cfg Config) *ui {
	return &ui{auth: newAuth(st, log, cfg), store: st, svc: svc}
}

// sessionFor loads session id for the signed-in user, under the one access
// rule (training.CanSee): a session they may not see is not found.
func (u *ui) sessionFor(r *http.Request, id string) (drillroom.Session, drillroom.User, error) {
	user, ok := userFrom(r.Context())
	if !ok {
		return drillroom.Session{}, drillroom.User{}, drillroom.ErrUnauthorized
	}
	x, err := u.svc.Session(r.Context(), user, id)
	return x, user, err
}

// pageSession is sessionFor for a page about the session of its URL
// ({id}): when the session cannot be shown it answers with the failure
// page and returns ok false.
func (u *ui) pageSession(w http.ResponseWriter, r *http.Request) (x drillroom.Session, user drillroom.User, ok bool) {
	x, user, err := u.sessionFor(r, chi.URLParam(r, "id"))
	if err != nil {
		u.fail(w, r, err)
		return drillroom.Session{}, drillroom.User{}, false
	}
	return x, user, true
}

// pageByID loads, for the signed-in user, what the number {param} of the
// URL names (load: a use case of training, which applies its access rule):
// when the number is malformed or load fails it answers with the failure
// page and returns ok false.
func pageByID[T any](u *ui, w http.ResponseWriter, r *http.Request, param string,
	load func(context.Context, drillroom.User, int64) (T, error)) (v T, user drillroom.User, ok bool) {
	user, _ = userFrom(r.Context())
	id, ok := u.pageID(w, r, param)
	if !ok {
		return v, user, false
	}
	v, err := load(r.Context(), user, id)
	if err != nil {
		u.fail(w, r, err)
		return v, user, false
	}
	return v, user, true
}

// displayName returns a user's display name, or a neutral label when the
// account cannot be read.
func (u *ui) displayName(ctx context.Context, id int64) string {
	usr, err := u.store.UserByID(ctx, id)
	if err != nil {
		return fmt.Sprintf("user %d", id)
	}
	return usr.DisplayName
}
