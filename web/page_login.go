package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
)

// loginForm is what the login page shows back after a failed attempt.
type loginForm struct {
	Username string
	Next     string
}

// wrongCredentials is the one message for every failed login: it must not
// tell an unknown user from a wrong password, nor say that an account
// exists and is locked.
const wrongCredentials = "Wrong username or password."

// loginPage shows the sign-in form. A signed-in user is sent on.
func (a *auth) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := userFrom(r.Context()); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	render(w, r, a.log, http.StatusOK, "login", view{Title: "Sign in", Data: loginForm{Next: next}})
}

// login checks a username and password and starts a login.
func (a *auth) login(w http.ResponseWriter, r *http.Request) {
	// A login form has no CSRF token yet (there is no login to derive it
	// from); the origin check stops another site from signing a victim
	// into an attacker's account.
	if !a.readForm(w, r, "login") {
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password") // exactly as typed: no trimming, no truncation
	next := safeNext(r.PostForm.Get("next"))
	addr := clientAddr(r)
	fail := func(status int) {
		render(w, r, a.log, status, "login", view{Title: "Sign in", Flash: wrongCredentials,
			Data: loginForm{Username: username, Next: next}})
	}
	if username == "" || password == "" {
		fail(http.StatusUnauthorized)
		return
	}
	// The attempt is counted before the password is hashed (reserve), so
	// that concurrent guesses cannot all slip past the limit.
	if ok, wait := a.throttle.reserve(username, addr); !ok {
		a.log.Warn("auth: login throttled", "username", username, "addr", addr, "wait", wait.Round(1e9))
		w.Header().Set("Retry-After", retryAfter(wait))
		// The same page and message as a wrong password, with 429 so that
		// scripts back off; a person sees no hint that the account exists.
		a.recordSignIn(r, drillroom.AuditLoginLocked, username, 0)
		fail(http.StatusTooManyRequests)
		return
	}
	if err := a.hashes.acquire(r.Context()); err != nil {
		a.throttle.release(username, addr)
		a.log.Warn("auth: login refused, too many password checks at once", "username", username, "addr", addr)
		w.Header().Set("Retry-After", "5")
		status, msg := statusFor(err)
		render(w, r, a.log, status, "login", view{Title: "Sign in", Flash: msg,
			Data: loginForm{Username: username, Next: next}})
		return
	}
	u, err := a.store.Authenticate(r.Context(), username, password)
	a.hashes.release()
	if err != nil {
		if !errors.Is(err, drillroom.ErrUnauthorized) {
			a.throttle.release(username, addr)
			a.log.Error("auth: authenticate", "username", username, "err", err)
			renderError(w, r, a.log, http.StatusInternalServerError, "")
			return
		}
		locked := a.throttle.locked(username, addr)
		a.log.Warn("auth: login failed", "username", username, "addr", addr, "locked", locked)
		if locked {
			a.recordSignIn(r, drillroom.AuditLoginLocked, username, 0)
		} else {
			a.recordSignIn(r, drillroom.AuditLoginFailed, username, 0)
		}
		fail(http.StatusUnauthorized)
		return
	}
	a.throttle.succeed(username, addr)
	// A fresh token at every login: a token planted before sign-in is
	// never promoted (session fixation).
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := a.store.DeleteLogin(r.Context(), c.Value); err != nil {
			a.log.Warn("auth: drop previous login", "err", err)
		}
	}
	token, err := a.store.CreateLogin(r.Context(), u.ID, a.ttl)
	if err != nil {
		a.log.Error("auth: create login", "user", u.Username, "err", err)
		renderError(w, r, a.log, http.StatusInternalServerError, "")
		return
	}
	a.setCookie(w, r, token)
	a.sweepExpired(r.Context())
	a.log.Info("auth: login", "user", u.Username, "role", u.Role, "addr", addr)
	a.recordSignIn(r, drillroom.AuditLogin, u.Username, u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func retryAfter(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.Itoa(s)
}
