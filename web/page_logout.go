package web

import (
	"net/http"

	"github.com/drillroom/drillroom"
)

// logout ends the login on the server, clears the cookie and goes to the
// sign-in page. It sits behind requireUser and checkForm: a cross-site page
// cannot sign a user out.
func (a *auth) logout(w http.ResponseWriter, r *http.Request) {
	if token := loginTokenFrom(r.Context()); token != "" {
		if err := a.store.DeleteLogin(r.Context(), token); err != nil {
			a.log.Error("auth: delete login", "err", err)
			renderError(w, r, a.log, http.StatusInternalServerError, "")
			return
		}
		if a.onLogout != nil {
			a.onLogout(token)
		}
	}
	if u, ok := userFrom(r.Context()); ok {
		a.log.Info("auth: logout", "user", u.Username)
		a.recordSignIn(r, drillroom.AuditLogout, u.Username, u.ID)
	}
	a.clearCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
