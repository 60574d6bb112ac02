package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// offSiteNexts are next parameters that a browser would follow to another
// host, directly or after http.Redirect cleans the path.
var offSiteNexts = []string{
	`/./\evil.example/phish`,
	`//evil.example`,
	`/\evil.example`,
	`\/evil.example`,
	`/.//evil.example`,
	`/%2F%2Fevil.example`,
	`/%2f/evil.example`,
	`/%5Cevil.example`,
	`/%5C%5Cevil.example`,
	`/.%2F%5Cevil.example`,
	"/\t/evil.example",
	`/%09/evil.example`,
	"/\n/evil.example",
	`/%0A/evil.example`,
	`https://evil.example`,
	`http:evil.example`,
	`javascript:alert(1)`,
	`/../\evil.example`,
	`/%2E%2E/%5Cevil.example`,
	` //evil.example`,
}

// TestNextIsSameOriginPath signs in with every off-site next and checks
// that the redirect stays on the site: "/./\evil.example/phish" used to be
// cleaned by http.Redirect into "/\evil.example/phish", which browsers
// follow to evil.example.
func TestNextIsSameOriginPath(t *testing.T) {
	app := newTestApp(t)
	for _, next := range offSiteNexts {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
		res := app.browser().post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
		if loc := res.header.Get("Location"); res.status != http.StatusSeeOther || loc != "/" {
			t.Errorf("sign-in with next %q: %d to %q, want 303 to /", next, res.status, loc)
		}
		// The login page of a signed-in user redirects at once.
		b := app.signedIn("alice")
		res = b.get("/login?next=" + url.QueryEscape(next))
		if loc := res.header.Get("Location"); res.status != http.StatusSeeOther || loc != "/" {
			t.Errorf("login page with next %q: %d to %q, want 303 to /", next, res.status, loc)
		}
	}
	for _, next := range []string{"/", "/sessions/abc/debrief", "/sessions/abc?x=1", "/static/app.css"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
		res := app.browser().post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
		if loc := res.header.Get("Location"); res.status != http.StatusSeeOther || loc != next {
			t.Errorf("sign-in with next %q: %d to %q, want 303 to it", next, res.status, loc)
		}
		if strings.ContainsAny(res.header.Get("Location"), `\`) {
			t.Errorf("redirect %q has a backslash", res.header.Get("Location"))
		}
	}
}
