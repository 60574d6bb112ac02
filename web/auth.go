package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// sessionCookie carries the login token. It is HttpOnly (scripts never see
// it), SameSite=Lax (sent on top-level navigation, not on cross-site
// subrequests or form posts), Path=/ and Secure when served over TLS.
const sessionCookie = "drillroom_session"

// loginTTL is the absolute lifetime of a login: a working day and a bit.
// Logging out, or a password change, ends it earlier on the server.
const loginTTL = 12 * time.Hour

// DefaultLoginIdleTimeout ends a login unused for half an hour
// (Config.LoginIdleTimeout).
const DefaultLoginIdleTimeout = 30 * time.Minute

type ctxKey int

const (
	ctxUser ctxKey = iota
	ctxLoginToken
)

// userFrom returns the signed-in user of a request that passed through
// auth.loadUser. Handlers that need a user use it; the websocket handler
// uses it to authorise the handshake.
func userFrom(ctx context.Context) (drillroom.User, bool) {
	u, ok := ctx.Value(ctxUser).(drillroom.User)
	return u, ok
}

// loginTokenFrom returns the login token of the request, for deriving the
// CSRF token. Empty when no one is signed in.
func loginTokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(ctxLoginToken).(string)
	return t
}

// csrfFrom is the CSRF token forms of this request's pages must carry.
func csrfFrom(ctx context.Context) string { return csrfToken(loginTokenFrom(ctx)) }

// auth holds the authentication machinery: the store of accounts and
// logins, the login throttle and the cross-origin guard.
type auth struct {
	store    Store
	log      *slog.Logger
	throttle *throttle
	hashes   *hashGate // bounds concurrent password checks
	origin   *originGuard
	secure   bool               // Secure cookies even when the request itself is not TLS (behind a TLS proxy)
	onLogout func(token string) // ends what the login opened (its websockets); may be nil
	// onUserLocked ends every websocket of a user whose logins an
	// administrator ended (disabled, password reset); may be nil.
	onUserLocked func(userID int64)
	ttl          time.Duration
	idle         time.Duration      // a login unused this long ends (0: never)
	accounts     *training.Accounts // records sign-ins in the audit log (page_account.go); nil records nothing

	// lastSweep is when expired logins were last reclaimed (Unix seconds).
	lastSweep atomic.Int64
}

// sweepInterval is how often, at most, a sign-in reclaims expired logins.
const sweepInterval = time.Hour

// sweepExpired reclaims the rows of expired logins, at most once per
// sweepInterval. It piggybacks on sign-ins instead of running a timer, so
// the web layer owns no goroutine; the store already refuses expired logins,
// so a late sweep costs only disk space.
func (a *auth) sweepExpired(ctx context.Context) {
	now := time.Now().Unix()
	last := a.lastSweep.Load()
	if now-last < int64(sweepInterval/time.Second) || !a.lastSweep.CompareAndSwap(last, now) {
		return
	}
	n, err := a.store.DeleteExpiredLogins(ctx)
	if err != nil {
		a.log.Warn("auth: reclaim expired logins", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("auth: reclaimed expired logins", "count", n)
	}
}

// newAuth builds the authentication machinery from the server's settings
// (cfg.Store is not used: st is).
func newAuth(st Store, log *slog.Logger, cfg Config) *auth {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &auth{store: st, log: log, throttle: newThrottle(nil), hashes: newHashGate(cfg.HashSlots),
		origin: newOriginGuard(log, cfg.AllowedOrigins), secure: cfg.SecureCookies, ttl: loginTTL, idle: max(cfg.LoginIdleTimeout, 0)}
}

// loadUser puts the signed-in user (if any) into the request context. A
// stale or unknown cookie is cleared so that the browser stops sending it.
func (a *auth) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		// Static assets are the same for everyone: no login lookup.
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		// A page request is a use of the login: its idle time restarts.
		u, err := a.store.SeenLogin(r.Context(), c.Value, a.idle, true)
		if err != nil {
			if !errors.Is(err, drillroom.ErrUnauthorized) {
				a.log.Error("auth: look up login", "err", err)
				http.Error(w, "The service is unavailable; try again shortly.", http.StatusServiceUnavailable)
				return
			}
			a.clearCookie(w, r)
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), ctxUser, u)
		ctx = context.WithValue(ctx, ctxLoginToken, c.Value)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// wantsPage reports whether a refused request should be redirected to the
// login page (a browser navigating to a page) rather than answered 401 (an
// API call, a websocket handshake, a form post whose login expired).
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	p := r.URL.Path
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/ws/")
}

// requireUser lets signed-in users through. Others are sent to the login
// page (pages) or refused with 401 (everything else).
func (a *auth) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := userFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		if wantsPage(r) {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		http.Error(w, "Sign in first.", http.StatusUnauthorized)
	})
}

// requireRole lets through signed-in users with one of roles; it must sit
// behind requireUser. Others get 403, and the refusal is logged.
func (a *auth) requireRole(roles ...drillroom.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := userFrom(r.Context())
			if !ok {
				http.Error(w, "Sign in first.", http.StatusUnauthorized)
				return
			}
			for _, role := range roles {
				if u.Role == role {
					next.ServeHTTP(w, r)
					return
				}
			}
			a.log.Warn("auth: role refused", "user", u.Username, "role", u.Role, "method", r.Method, "path", r.URL.Path)
			http.Error(w, "You do not have access to this page.", http.StatusForbidden)
		})
	}
}

// checkForm guards a state-changing form post of a signed-in user: the
// request must come from our own origin and carry the login's CSRF token.
// It parses the form (bounded) so that handlers can read r.PostForm.
func (a *auth) checkForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.readForm(w, r, "form") && a.checkToken(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// sameSite refuses a form sent from another site (403; what names it in
// the log) and bounds the body to limit bytes. It reports whether the
// handler may go on.
func (a *auth) sameSite(w http.ResponseWriter, r *http.Request, what string, limit int64) bool {
	if err := a.origin.check(r); err != nil {
		a.log.Warn("auth: cross-origin "+what+" refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"), "referer", r.Header.Get("Referer"))
		http.Error(w, "This form was sent from another site and was refused.", http.StatusForbidden)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return true
}

// readForm is sameSite for a form of up to maxFormBytes, which it parses
// into r.PostForm (400 if it cannot).
func (a *auth) readForm(w http.ResponseWriter, r *http.Request, what string) bool {
	if !a.sameSite(w, r, what, maxFormBytes) {
		return false
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read.", http.StatusBadRequest)
		return false
	}
	return true
}

// checkToken refuses a parsed form that lacks the login's CSRF token
// (403). It reports whether the handler may go on.
func (a *auth) checkToken(w http.ResponseWriter, r *http.Request) bool {
	if !validCSRF(loginTokenFrom(r.Context()), r.PostForm.Get(csrfField)) {
		u, _ := userFrom(r.Context())
		a.log.Warn("auth: bad csrf token", "path", r.URL.Path, "user", u.Username)
		http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
}

// maxFormBytes bounds every form body (a review is the longest form).
const maxFormBytes = 64 << 10

func (a *auth) secureCookie(r *http.Request) bool { return a.secure || r.TLS != nil }

func (a *auth) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(a.ttl / time.Second),
		HttpOnly: true,
		Secure:   a.secureCookie(r),
		SameSite: http.SameSiteLaxMode,
	})
}

func (a *auth) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   a.secureCookie(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// clientAddr is the address the throttle counts by: the peer's IP without
// the port. Forwarded headers are not trusted: a client could forge them to
// escape the throttle.
func clientAddr(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// safeNext returns next if it is a path on this site, else "/". It stops
// the login form from being used as an open redirect. Browsers read a
// backslash as a slash and ignore tabs and newlines in URLs, and
// http.Redirect cleans the path ("/./\evil" becomes "/\evil", which a
// browser follows to the host evil), so anything but a plain path is
// refused, encoded or not: only a path that starts with one slash, has no
// backslash, control character or empty segment, and that cleaning leaves
// as it is.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || r < 0x20 || r == 0x7f || r == ' ' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	// Decoded, the path must still be plain: no %5C, %2F%2F or %09 tricks.
	p := u.Path
	if p == "" || p[0] != '/' || strings.Contains(p, "//") || strings.ContainsAny(p, "\\\t\r\n") || path.Clean(p) != p && path.Clean(p)+"/" != p {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}
