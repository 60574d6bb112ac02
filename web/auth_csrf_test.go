package web

import (
	"net/http/httptest"
	"testing"
)

func TestCSRFToken(t *testing.T) {
	a, b := csrfToken("login-token-a"), csrfToken("login-token-b")
	if a == "" || a == b {
		t.Fatalf("tokens %q and %q: want distinct, non-empty tokens per login", a, b)
	}
	if csrfToken("login-token-a") != a {
		t.Fatal("token is not stable for one login")
	}
	if !validCSRF("login-token-a", a) {
		t.Fatal("own token refused")
	}
	for _, got := range []string{"", b, a[:len(a)-1], "login-token-a"} {
		if validCSRF("login-token-a", got) {
			t.Errorf("validCSRF(%q) = true, want false", got)
		}
	}
	if validCSRF("", csrfToken("")) {
		t.Error("a request without a login accepted an empty token")
	}
}

func TestOriginGuard(t *testing.T) {
	g := newOriginGuard(discardLogger(), []string{"https://drills.example.org"})
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		ok      bool
	}{
		{"get is safe", "GET", map[string]string{"Origin": "https://evil.example"}, true},
		{"same origin", "POST", map[string]string{"Origin": "http://app.test"}, true},
		{"fetch metadata same-origin", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"fetch metadata cross-site", "POST", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, false},
		{"foreign origin", "POST", map[string]string{"Origin": "https://evil.example"}, false},
		{"null origin", "POST", map[string]string{"Origin": "null"}, false},
		{"trusted origin", "POST", map[string]string{"Origin": "https://drills.example.org"}, true},
		{"same-site referer only", "POST", map[string]string{"Referer": "http://app.test/sessions/x/debrief"}, true},
		{"foreign referer only", "POST", map[string]string{"Referer": "https://evil.example/page"}, false},
		{"no headers (not a browser)", "POST", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://app.test/logout", nil)
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			err := g.check(r)
			if (err == nil) != tc.ok {
				t.Fatalf("check = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                      "/",
		"/sessions/abc":         "/sessions/abc",
		"/sessions/abc?x=1":     "/sessions/abc?x=1",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"/login":                "/",
		"/logout":               "/",
		"sessions/relative":     "/",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
