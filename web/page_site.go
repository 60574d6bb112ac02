package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/store"
)

// ui serves the pages: sign-in, the drill list, the console and the
// debrief. Its handlers live in page_*.go, one file per page or action.
type ui struct {
	*auth
	store *store.Store
	live  liveSessions
}

func newUI(st *store.Store, live liveSessions, log *slog.Logger, secure bool, trustedOrigins []string) *ui {
	return &ui{auth: newAuth(st, log, secure, trustedOrigins), store: st, live: live}
}

// liveSessions is what the pages need from the live-session host
// (*runner.Runner): hosting a new session, applying the trainee's
// post-incident review, and loading the scenario version a session plays.
type liveSessions interface {
	Scenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error)
	Status(ctx context.Context, sessionID string) (runner.Status, error)
	Do(ctx context.Context, sessionID string, cmd runner.Command) (runner.Result, error)
}

// scenario loads a published scenario version through the runner, which
// loads it from the exact YAML stored with it and caches it.
func (u *ui) scenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
	return u.live.Scenario(ctx, id, version)
}

// errNoAccess is returned by sessionFor when the user may not see the
// session. Pages answer it exactly like a missing session (404), so a
// trainee cannot probe for other trainees' session ids.
var errNoAccess = errors.New("no access to session")

// canSee reports whether user may see session x: trainees their own,
// trainers and coaches any.
func canSee(user drillroom.User, x drillroom.Session) bool {
	switch user.Role {
	case drillroom.RoleTrainer, drillroom.RoleCoach:
		return true
	}
	return x.UserID == user.ID
}

// sessionFor loads the session named by the {id} route parameter and checks
// that the signed-in user may see it.
func (u *ui) sessionFor(r *http.Request, id string) (drillroom.Session, drillroom.User, error) {
	user, ok := userFrom(r.Context())
	if !ok {
		return drillroom.Session{}, drillroom.User{}, errNoAccess
	}
	x, err := u.store.Session(r.Context(), id)
	if err != nil {
		return drillroom.Session{}, user, err
	}
	if !canSee(user, x) {
		u.log.Warn("auth: session refused", "user", user.Username, "session", id, "path", r.URL.Path)
		return drillroom.Session{}, user, errNoAccess
	}
	return x, user, nil
}

// sessionError answers a failed sessionFor.
func (u *ui) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNoAccess) || errors.Is(err, drillroom.ErrNotFound) {
		renderError(w, r, u.log, http.StatusNotFound, "")
		return
	}
	u.log.Error("load session", "path", r.URL.Path, "err", err)
	renderError(w, r, u.log, http.StatusInternalServerError, "")
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
