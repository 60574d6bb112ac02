package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The account pages: a signed-in user changes their own password
// (training.Accounts.ChangePassword). A user whose password must change
// (set by an administrator's reset and by the import) can do nothing else
// until they have changed it: passwordGate sends every page to the form and
// refuses every other form post and the websocket.

// passwordPath is the page where a user changes their password.
const passwordPath = "/account/password"

// actorOf is the signed-in user of r as the actor of a use case, with the
// client address the audit log records.
func actorOf(r *http.Request) training.Actor {
	u, _ := userFrom(r.Context())
	return training.Actor{User: u, Addr: clientAddr(r)}
}

// recordSignIn writes a sign-in, a failed or refused one, or a sign-out to
// the audit log. It does not depend on the request staying open: a client
// that hangs up does not erase its attempt.
func (a *auth) recordSignIn(r *http.Request, action, username string, userID int64) {
	if a.accounts == nil {
		return
	}
	a.accounts.RecordSignIn(context.WithoutCancel(r.Context()), action, username, userID, clientAddr(r))
}

// passwordGate holds a user who must change their password at the password
// page: pages redirect there, anything else (a form post, the websocket, an
// API call) is refused with 403. Signing out, signing in as someone else,
// the static assets and the health check stay open.
func (u *ui) passwordGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, ok := userFrom(r.Context())
		if !ok || !user.MustChangePassword || passwordGateOpen(r) {
			next.ServeHTTP(w, r)
			return
		}
		if wantsPage(r) {
			http.Redirect(w, r, passwordPath, http.StatusSeeOther)
			return
		}
		u.log.Warn("auth: refused until the password is changed", "user", user.Username, "method", r.Method, "path", r.URL.Path)
		if r.Method == http.MethodPost && r.Header.Get("Upgrade") == "" {
			renderError(w, r, u.log, http.StatusForbidden, "Change your password before you do anything else.")
			return
		}
		http.Error(w, "Change your password first.", http.StatusForbidden)
	})
}

// passwordGateOpen lists what a user who must change their password may
// still reach.
func passwordGateOpen(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == passwordPath, p == "/healthz", strings.HasPrefix(p, "/static/"):
		return true
	case r.Method == http.MethodPost && (p == "/logout" || p == "/login"):
		return true
	}
	return false
}

// wrongCurrentPassword is training.Accounts.ChangePassword's refusal of a
// wrong current password (TestChangePasswordThrottled pins it).
const wrongCurrentPassword = "Your current password is not right."

// maxPasswordBytes bounds a password, as the store does.
const maxPasswordBytes = 1024

// passwordForm is what the password page shows.
type passwordForm struct {
	MustChange bool
	MinLen     int
	MaxLen     int
}

func (u *ui) passwordView(r *http.Request, flash string) view {
	user, _ := userFrom(r.Context())
	return view{Title: "Change your password", Flash: flash,
		Data: passwordForm{MustChange: user.MustChangePassword, MinLen: training.MinPasswordLen, MaxLen: maxPasswordBytes}}
}

// passwordPage shows the form to change one's own password.
func (u *ui) passwordPage(w http.ResponseWriter, r *http.Request) {
	render(w, r, u.log, http.StatusOK, "account_password", u.passwordView(r, ""))
}

// changePassword changes the signed-in user's password. The store ends
// every login of the user, this one too; the user is signed in again with
// a fresh login and sent home.
func (u *ui) changePassword(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
	refuse := func(msg string) {
		render(w, r, u.log, http.StatusBadRequest, "account_password", u.passwordView(r, msg))
	}
	switch {
	case current == "":
		refuse("Type your current password.")
		return
	case next == "":
		refuse("Type a new password.")
		return
	case len(next) > maxPasswordBytes || len(current) > maxPasswordBytes:
		refuse("A password has at most 1024 bytes.")
		return
	case next != confirm:
		refuse("The new password and its confirmation are not the same.")
		return
	}
	// Guesses at the current password count against the same throttle as
	// the sign-in form: a stolen login must not become a way to learn the
	// password.
	addr := clientAddr(r)
	// As on the sign-in form: the attempt is counted before the password
	// is checked (concurrent guesses cannot overrun the limit), and the
	// argon2id work waits for a slot of the hash gate.
	if ok, wait := u.throttle.reserve(user.Username, addr); !ok {
		u.log.Warn("auth: password change throttled", "user", user.Username, "addr", addr, "wait", wait.Round(1e9))
		w.Header().Set("Retry-After", retryAfter(wait))
		render(w, r, u.log, http.StatusTooManyRequests, "account_password",
			u.passwordView(r, "Too many wrong passwords. Wait a few minutes and try again."))
		return
	}
	if err := u.hashes.acquire(r.Context()); err != nil {
		u.throttle.release(user.Username, addr)
		w.Header().Set("Retry-After", "5")
		status, msg := statusFor(err)
		render(w, r, u.log, status, "account_password", u.passwordView(r, msg))
		return
	}
	err := u.accounts.ChangePassword(r.Context(), actorOf(r), current, next)
	u.hashes.release()
	if err != nil {
		// training checks the current password first; any other refusal
		// means it was right, and gives the reserved attempt back.
		if drillroom.ErrorCode(err) != drillroom.CodeInvalid || drillroom.ErrorMessage(err) != wrongCurrentPassword {
			u.throttle.release(user.Username, addr)
		}
		if drillroom.ErrorCode(err) == drillroom.CodeInvalid {
			refuse(drillroom.ErrorMessage(err))
			return
		}
		u.fail(w, r, err)
		return
	}
	u.throttle.succeed(user.Username, addr)
	token, err := u.store.CreateLogin(r.Context(), user.ID, u.ttl)
	if err != nil {
		// The password is changed; only the new login failed.
		u.log.Error("auth: login after password change", "user", user.Username, "err", err)
		u.clearCookie(w, r)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	u.setCookie(w, r, token)
	u.log.Info("auth: password changed", "user", user.Username)
	http.Redirect(w, r, "/?done=password", http.StatusSeeOther)
}

// notices are the messages a page shows after a redirect, by the "done"
// parameter: fixed texts, so that a link cannot make the site say anything.
var notices = map[string]string{
	"password":       "Your password is changed. You are signed in with it on this device; other devices must sign in again.",
	"saved":          "The account is saved.",
	"disabled":       "The account is disabled: its logins have ended and it cannot sign in. Its work is kept.",
	"enabled":        "The account is enabled again.",
	"cohort-created": "The cohort is created. Add its members below.",
	"cohort-saved":   "The cohort is saved.",
	"member-added":   "The member is added.",
	"member-removed": "The member is removed.",
}

// noticeFor returns the notice a redirect asked for, or "".
func noticeFor(r *http.Request) string { return notices[r.URL.Query().Get("done")] }
