package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

func TestLogin(t *testing.T) {
	app := newTestApp(t)

	t.Run("login page renders", func(t *testing.T) {
		res := app.browser().get("/login")
		if res.status != http.StatusOK || !strings.Contains(res.body, `name="password"`) {
			t.Fatalf("GET /login: status %d; want 200 with a password field", res.status)
		}
	})

	t.Run("wrong password and unknown user look the same", func(t *testing.T) {
		wrong := app.browser().login("alice", "not the password")
		unknown := app.browser().login("nobody", "not the password")
		for name, res := range map[string]response{"wrong password": wrong, "unknown user": unknown} {
			if res.status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, res.status)
			}
			if !strings.Contains(res.body, "Wrong username or password.") {
				t.Errorf("%s: body lacks the generic message", name)
			}
			if c := res.header.Get("Set-Cookie"); strings.Contains(c, sessionCookie+"=") && !strings.Contains(c, "Max-Age=0") {
				t.Errorf("%s: set a login cookie %q", name, c)
			}
		}
	})

	t.Run("success sets a hardened cookie and opens the drill list", func(t *testing.T) {
		b := app.browser()
		res := b.login("alice", testPassword)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
			t.Fatalf("login: status %d location %q, want 303 to /", res.status, res.header.Get("Location"))
		}
		cookie := res.header.Get("Set-Cookie")
		for _, want := range []string{sessionCookie + "=", "Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("Set-Cookie %q lacks %q", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("Set-Cookie %q is Secure on plain HTTP; the browser would drop it", cookie)
		}
		home := b.get("/")
		if home.status != http.StatusOK || !strings.Contains(home.body, "Smell of gas in a ground-floor flat") {
			t.Fatalf("GET / after login: status %d, want 200 listing the assigned drill", home.status)
		}
	})

	t.Run("next is followed only within the site", func(t *testing.T) {
		b := app.browser()
		res := b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {"//evil.example/x"}})
		if loc := res.header.Get("Location"); loc != "/" {
			t.Fatalf("login with an off-site next: redirect to %q, want /", loc)
		}
	})

	t.Run("a login form from another site is refused", func(t *testing.T) {
		res := app.browser().postFrom("https://evil.example", "/login", url.Values{"username": {"alice"}, "password": {testPassword}})
		if res.status != http.StatusForbidden {
			t.Fatalf("cross-origin login: status %d, want 403", res.status)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	for i := 1; i <= 5; i++ {
		if res := b.login("bob", "wrong password "+string(rune('0'+i))); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, res.status)
		}
	}
	// Locked out: even the right password is refused, with the same
	// message, so the lockout reveals nothing about the password.
	res := b.login("bob", testPassword)
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("login while locked out: status %d, want 429", res.status)
	}
	if !strings.Contains(res.body, "Wrong username or password.") || res.header.Get("Retry-After") == "" {
		t.Fatalf("locked-out answer: want the generic message and a Retry-After header; got %q", res.header.Get("Retry-After"))
	}
	// Another account from the same address is not affected.
	if res := app.browser().login("alice", testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("alice while bob is locked out: status %d, want 303", res.status)
	}
}

func TestLogout(t *testing.T) {
	app := newTestApp(t)
	b := app.signedIn("alice")
	token := b.csrf()

	// Without the CSRF token: refused, still signed in.
	if res := b.post("/logout", url.Values{}); res.status != http.StatusForbidden {
		t.Fatalf("logout without csrf: status %d, want 403", res.status)
	}
	if res := b.get("/"); res.status != http.StatusOK {
		t.Fatalf("after a refused logout: GET / status %d, want 200", res.status)
	}

	// Keep the cookie to replay it after logout.
	u, _ := url.Parse(app.srv.URL)
	old := b.c.Jar.Cookies(u)

	res := b.post("/logout", url.Values{"csrf": {token}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
		t.Fatalf("logout: status %d location %q, want 303 to /login", res.status, res.header.Get("Location"))
	}
	if res := b.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("after logout: GET / status %d location %q, want a redirect to /login", res.status, res.header.Get("Location"))
	}
	// The old cookie is dead on the server, not just cleared in the browser.
	replay := app.browser()
	replay.c.Jar.SetCookies(u, old)
	if res := replay.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: status %d, want 303 to /login", res.status)
	}
}

func TestRequireUser(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	tests := []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/", http.StatusSeeOther, "/login?next=%2F"},
		{"GET", "/sessions/abc", http.StatusSeeOther, "/login?next=%2Fsessions%2Fabc"},
		{"GET", "/sessions/abc/debrief", http.StatusSeeOther, "/login?next=%2Fsessions%2Fabc%2Fdebrief"},
		{"POST", "/logout", http.StatusUnauthorized, ""},
		{"POST", "/drills/gas-smell-basic/start", http.StatusUnauthorized, ""},
		{"POST", "/sessions/abc/review", http.StatusUnauthorized, ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var res response
			if tc.method == "GET" {
				res = b.get(tc.path)
			} else {
				res = b.post(tc.path, url.Values{})
			}
			if res.status != tc.status || res.header.Get("Location") != tc.location {
				t.Fatalf("status %d location %q, want %d %q", res.status, res.header.Get("Location"), tc.status, tc.location)
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	bob := app.signedIn("bob")
	path := "/drills/" + app.drillID + "/start"
	tests := []struct {
		name   string
		origin string
		form   url.Values
	}{
		{"no token", app.srv.URL, url.Values{"mode": {"practice"}}},
		{"another login's token", app.srv.URL, url.Values{"mode": {"practice"}, "csrf": {bob.csrf()}}},
		{"foreign origin with a valid token", "https://evil.example", url.Values{"mode": {"practice"}, "csrf": {alice.csrf()}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res := alice.postFrom(tc.origin, path, tc.form); res.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", res.status)
			}
		})
	}
	xs, err := app.store.SessionsForUser(context.Background(), app.users["alice"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 0 {
		t.Fatalf("refused forms created %d sessions, want 0", len(xs))
	}
}

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t)
	b := app.signedIn("alice")
	for _, path := range []string{"/login", "/", "/static/app.css"} {
		res := b.get(path)
		h := res.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows unsafe-inline", path)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: nosniff %q, referrer %q, frame %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"), h.Get("X-Frame-Options"))
		}
	}
	if cc := b.get("/").header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("home page Cache-Control %q, want no-store", cc)
	}
}

func TestNotFoundPage(t *testing.T) {
	app := newTestApp(t)
	if res := app.browser().get("/static/"); res.status != http.StatusNotFound {
		t.Errorf("GET /static/: status %d, want 404 (no directory listing)", res.status)
	}
	res := app.signedIn("alice").get("/no/such/page")
	if res.status != http.StatusNotFound || !strings.Contains(res.body, "Back to my drills") {
		t.Fatalf("unknown path: status %d; want 404 with the site's error page", res.status)
	}
	if !strings.Contains(res.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatal("the 404 page lacks the security headers")
	}
}

func TestRequireRole(t *testing.T) {
	a := newAuth(nil, discardLogger(), Config{})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := a.requireRole(drillroom.RoleTrainer, drillroom.RoleCoach)(ok)
	tests := []struct {
		name   string
		user   *drillroom.User
		status int
	}{
		{"anonymous", nil, http.StatusUnauthorized},
		{"trainee", &drillroom.User{Username: "alice", Role: drillroom.RoleTrainee}, http.StatusForbidden},
		{"trainer", &drillroom.User{Username: "trent", Role: drillroom.RoleTrainer}, http.StatusNoContent},
		{"coach", &drillroom.User{Username: "carol", Role: drillroom.RoleCoach}, http.StatusNoContent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/coaching", nil)
			if tc.user != nil {
				r = r.WithContext(context.WithValue(r.Context(), ctxUser, *tc.user))
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
		})
	}
}
