package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// csrfField is the name of the hidden form field that carries the token.
const csrfField = "csrf"

// csrfToken derives the anti-forgery token of one login from its login
// token. The login token lives only in an HttpOnly cookie, so a page on
// another origin can neither read nor compute it; the derived token changes
// with every login and needs no storage. It also survives a server restart,
// so a form left open across a restart still submits.
func csrfToken(loginToken string) string {
	if loginToken == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(loginToken))
	m.Write([]byte("drillroom csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF reports whether got is the token of loginToken.
func validCSRF(loginToken, got string) bool {
	want := csrfToken(loginToken)
	return want != "" && got != "" && hmac.Equal([]byte(want), []byte(got))
}

var errCrossOrigin = errors.New("cross-origin request refused")

// originGuard refuses state-changing requests that a browser sent from
// another origin. It uses the standard library's Fetch-Metadata and Origin
// check and adds a Referer fallback for the old browsers that send neither.
type originGuard struct {
	cop *http.CrossOriginProtection
}

// newOriginGuard trusts, besides the request's own host, the origins the
// operator allowed (a proxy that rewrites Host). Server.New has already
// refused malformed ones; one that still fails here is logged and skipped,
// which can only make the guard stricter.
func newOriginGuard(log *slog.Logger, trusted []string) *originGuard {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			log.Warn("auth: trusted origin skipped", "origin", o, "err", err)
		}
	}
	return &originGuard{cop: cop}
}

// check returns errCrossOrigin when r must be refused. Safe methods pass.
func (g *originGuard) check(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if err := g.cop.Check(r); err != nil {
		return errCrossOrigin
	}
	if r.Header.Get("Sec-Fetch-Site") != "" || r.Header.Get("Origin") != "" {
		return nil // already judged above
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		u, err := url.Parse(ref)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return errCrossOrigin
		}
	}
	return nil
}
