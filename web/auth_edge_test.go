package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
)

// TestLogoutClosesSockets: signing out closes the websockets opened with
// that login at once (4001), and no other. They used to keep working
// until the next heartbeat, about 25 s.
func TestLogoutClosesSockets(t *testing.T) {
	a, id, cl := annJoined(t)
	other := a.connect("tom", id)
	other.resume(0)
	if status := a.postAs(a.tokens["ann"], "/logout"); status != http.StatusSeeOther {
		t.Fatalf("logout: %d, want 303", status)
	}
	began := time.Now()
	if code, err := cl.closeWithin(2 * time.Second); code != closeUnauthorized {
		t.Fatalf("after sign-out: %v, want close 4001 at once", err)
	}
	t.Logf("socket closed %v after the sign-out", time.Since(began).Round(time.Millisecond))
	other.send(map[string]any{"type": "ping"})
	other.until(func(m serverMessage) bool { return m.Type == msgPong })
}

// TestSocketOriginIsWhole: the websocket origin check compares scheme,
// host and port. An https origin on the server's http host:port used to
// be accepted.
func TestSocketOriginIsWhole(t *testing.T) {
	a, id := annSession(t)
	u, _ := url.Parse(a.http.URL)
	port := u.Port()
	for _, c := range []struct {
		origin string
		want   int
	}{
		{a.http.URL, http.StatusSwitchingProtocols},
		{"https://127.0.0.1:" + port, http.StatusForbidden},
		{"ws://127.0.0.1:" + port, http.StatusForbidden},
		{"http://127.0.0.1:1", http.StatusForbidden},
		{"http://127.0.0.1", http.StatusForbidden},
		{"http://localhost:" + port, http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"http://127.0.0.1:" + port + ".evil.example", http.StatusForbidden},
	} {
		if got, err := a.dialStatus("ann", id, http.Header{"Origin": {c.origin}}); got != c.want {
			t.Errorf("origin %s: status %d (%v), want %d", c.origin, got, err, c.want)
		}
	}
	// Behind a TLS proxy (--secure-cookies) the browser's origin is https.
	s := newLiveAppWith(t, runner.Config{}, Config{SecureCookies: true})
	id = s.session("ann", 1)
	u, _ = url.Parse(s.http.URL)
	for _, c := range []struct {
		origin string
		want   int
	}{
		{"https://" + u.Host, http.StatusSwitchingProtocols},
		{"http://" + u.Host, http.StatusForbidden},
	} {
		if got, err := s.dialStatus("ann", id, http.Header{"Origin": {c.origin}}); got != c.want {
			t.Errorf("secure cookies, origin %s: status %d (%v), want %d", c.origin, got, err, c.want)
		}
	}
}

// TestHSTSWithSecureCookies: a server started with --secure-cookies sits
// behind a TLS proxy, so it sends HSTS although its own requests are plain
// HTTP. It used to send HSTS only when it terminated TLS itself.
func TestHSTSWithSecureCookies(t *testing.T) {
	s := newLiveAppWith(t, runner.Config{}, Config{SecureCookies: true})
	for _, path := range []string{"/login", "/healthz", "/static/app.css"} {
		res, err := http.Get(s.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if h := res.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=31536000") {
			t.Errorf("%s with secure cookies: HSTS %q, want max-age=31536000", path, h)
		}
	}
	plain := newLiveApp(t, runner.Config{})
	res, err := http.Get(plain.http.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if h := res.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("plain HTTP demo: HSTS %q, want none", h)
	}
}

// TestDisableClosesSockets: an administrator disabling an account closes
// its open websockets at once (4001); they used to work until the next
// heartbeat, about 25 s.
func TestDisableClosesSockets(t *testing.T) {
	a, _, cl := annJoined(t)
	ada := createAdmin(t, a.store, "ada", drillroom.RoleTrainer)
	tok := loginFor(t, a.store, ada.ID)
	if status := a.postAs(tok, fmt.Sprintf("/admin/users/%d/disable", a.users["ann"].ID)); status != http.StatusSeeOther {
		t.Fatalf("disable: %d, want 303", status)
	}
	if code, err := cl.closeWithin(2 * time.Second); code != closeUnauthorized {
		t.Fatalf("after the account was disabled: %v, want close 4001 at once", err)
	}
}
