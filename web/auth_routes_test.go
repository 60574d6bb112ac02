package web

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestEveryRouteIsGuarded walks the router and sends each route an
// anonymous request. Every route must be listed here with what an anonymous
// visitor gets, so a new route cannot be added without deciding who may use
// it (the per-user and per-session rules are in TestSessionAccess).
func TestEveryRouteIsGuarded(t *testing.T) {
	app := newTestApp(t)
	const (
		public   = "public"   // anyone: 200
		login    = "login"    // pages: 303 to /login
		refused  = "refused"  // forms and APIs: 401
		upgrade  = "upgrade"  // the websocket endpoint: 400 without an upgrade (it checks the login itself)
		postForm = "postForm" // the login form: 401 for empty credentials
	)
	matrix := map[string]string{
		"GET /healthz":                             public,
		"GET /metrics":                             refused,
		"GET /static/*":                            public,
		"GET /login":                               public,
		"POST /login":                              postForm,
		"GET /ws/sessions/{id}":                    upgrade,
		"GET /":                                    login,
		"GET /sessions/{id}":                       login,
		"GET /sessions/{id}/debrief":               login,
		"GET /api/sessions/{id}/scorecard":         refused,
		"POST /logout":                             refused,
		"POST /drills/{scenario}/start":            refused,
		"POST /sessions/{id}/review":               refused,
		"POST /sessions/{id}/marks":                refused,
		"GET /reviews":                             login,
		"GET /history":                             login,
		"GET /sessions/{id}/replay":                login,
		"GET /sessions/{id}/replay/frame":          login,
		"POST /sessions/{id}/calibration":          refused,
		"GET /calibration":                         login,
		"GET /calibration/{round}":                 login,
		"POST /calibration/{round}/marks":          refused,
		"POST /calibration/{round}/publish":        refused,
		"POST /sessions/{id}/claim":                refused,
		"POST /sessions/{id}/release":              refused,
		"POST /sessions/{id}/notes":                refused,
		"POST /sessions/{id}/publish":              refused,
		"POST /sessions/{id}/acknowledge":          refused,
		"POST /sessions/{id}/disputes":             refused,
		"POST /sessions/{id}/disputes/{n}/resolve": refused,
		"GET /account/password":                    login,
		"POST /account/password":                   refused,
		"GET /cohorts/{id}":                        login,
		"GET /analytics":                           login,
		"GET /analytics/report":                    login,
		"GET /analytics/export/{kind}.csv":         login,
		"GET /analytics/export/statements.json":    login,
		// Administration (page_admin_*.go); what signed-in users who are
		// not administrators get is in TestAdminPagesRefuseOthers.
		"GET /admin/users":                               login,
		"POST /admin/users":                              refused,
		"GET /admin/users/{id}":                          login,
		"POST /admin/users/{id}":                         refused,
		"POST /admin/users/{id}/disable":                 refused,
		"POST /admin/users/{id}/enable":                  refused,
		"POST /admin/users/{id}/password":                refused,
		"GET /admin/cohorts":                             login,
		"POST /admin/cohorts":                            refused,
		"GET /admin/cohorts/{id}":                        login,
		"POST /admin/cohorts/{id}":                       refused,
		"POST /admin/cohorts/{id}/members":               refused,
		"POST /admin/cohorts/{id}/members/{user}/remove": refused,
		"GET /admin/import":                              login,
		"POST /admin/import":                             refused,
		"GET /admin/audit":                               login,
		"GET /admin/settings":                            login,
		"POST /admin/settings":                           refused,
		// Authoring (page_editor*.go); what trainees, coaches and other
		// trainers get is in TestAuthorPagesRefuseOthers.
		"GET /author/":                                     login,
		"GET /author/schema.json":                          login,
		"POST /author/drafts":                              refused,
		"POST /author/upload":                              refused,
		"POST /author/check":                               refused,
		"POST /author/test":                                refused,
		"GET /author/drafts/{id}":                          login,
		"POST /author/drafts/{id}":                         refused,
		"GET /author/drafts/{id}/download":                 login,
		"POST /author/drafts/{id}/delete":                  refused,
		"POST /author/drafts/{id}/publish":                 refused,
		"GET /author/drafts/{id}/plays":                    login,
		"POST /author/drafts/{id}/play":                    refused,
		"POST /author/drafts/{id}/record":                  refused,
		"GET /author/publications/{id}":                    login,
		"POST /author/publications/{id}/approve":           refused,
		"POST /author/publications/{id}/reject":            refused,
		"GET /author/drills/{scenario}":                    login,
		"GET /author/drills/{scenario}/{version}/download": login,
		"GET /author/drills/{scenario}/{version}/policy":   login,
		"GET /author/policies/{policy}/download":           login,
		"POST /author/drills/{scenario}/{version}/retire":  refused,
		// The event log over HTTP (page_monitor_events.go); who may read
		// which session is in TestSessionEventsPages.
		"GET /api/sessions/{id}/events": refused,
		// The live monitor (page_monitor*.go); refusals in TestMonitorPages.
		"GET /api/monitor/sessions":  refused,
		"GET /monitor/":              login,
		"GET /monitor/sessions/{id}": login,
		"POST /monitor/class":        refused,
		"POST /monitor/pause-all":    refused,
		// Assignments (page_assign.go); refusals in TestAssignPages.
		// A trainee's history and agreed actions done (page_trainee.go,
		// page_coaching.go); refusals in the authorization matrix.
		"GET /trainees/{id}":                   login,
		"POST /sessions/{id}/actions/{n}/done": refused,
		// Notes on a trainee as a whole (page_history.go); refusals in
		// the authorization matrix and TestTraineeNotesPage.
		"POST /trainees/{id}/notes":                 refused,
		"POST /trainees/{id}/notes/{n}/acknowledge": refused,
		"POST /trainees/{id}/notes/{n}/done":        refused,
		"GET /assignments/":                         login,
		"POST /assignments/":                        refused,
		"GET /assignments/{id}":                     login,
		"POST /assignments/{id}/withdraw":           refused,
	}
	routes, ok := app.srvHandler().(chi.Routes)
	if !ok {
		t.Fatalf("the server's handler is a %T, want a chi router", app.srvHandler())
	}
	var seen []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		seen = append(seen, key)
		want, ok := matrix[key]
		if !ok {
			t.Errorf("route %s is not in the access matrix of this test: decide who may use it and add it", key)
			return nil
		}
		path := strings.NewReplacer("{n}", "1", "{round}", "1", "{id}", "some-id", "{scenario}", "some-drill", "{user}", "some-user", "*", "app.css").Replace(route)
		b := app.browser()
		var res response
		if method == http.MethodGet {
			res = b.get(path)
		} else {
			res = b.post(path, nil)
		}
		switch want {
		case public:
			if res.status != http.StatusOK {
				t.Errorf("%s (anonymous): status %d, want 200", key, res.status)
			}
		case login:
			if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login?next=") {
				t.Errorf("%s (anonymous): status %d location %q, want 303 to /login", key, res.status, res.header.Get("Location"))
			}
		case refused, postForm:
			if res.status != http.StatusUnauthorized {
				t.Errorf("%s (anonymous): status %d, want 401", key, res.status)
			}
		case upgrade:
			if res.status != http.StatusBadRequest {
				t.Errorf("%s (anonymous, no upgrade): status %d, want 400", key, res.status)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(seen)
	for key := range matrix {
		if sort.SearchStrings(seen, key) == len(seen) || seen[sort.SearchStrings(seen, key)] != key {
			t.Errorf("the matrix lists %s, which the router does not have", key)
		}
	}
}
