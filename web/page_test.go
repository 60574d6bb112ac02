package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

const testPassword = "correct horse battery staple"

// testApp is the whole web application over a real store in a temp dir.
type testApp struct {
	t       *testing.T
	store   *store.Store
	runner  *runner.Runner
	server  *Server
	srv     *httptest.Server
	users   map[string]drillroom.User
	drillID string
	classA  drillroom.Cohort // the one cohort everyone joins
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	ctx := context.Background()
	st, rn, srv := newTestServer(t, Config{}, runner.Config{})
	ts := serveTest(t, srv)
	app := &testApp{t: t, store: st, runner: rn, server: srv, srv: ts, users: map[string]drillroom.User{}}
	for _, u := range []struct {
		name string
		role drillroom.Role
	}{{"alice", drillroom.RoleTrainee}, {"bob", drillroom.RoleTrainee}, {"carol", drillroom.RoleCoach}, {"trent", drillroom.RoleTrainer}} {
		app.users[u.name] = createUser(t, st, u.name, u.role)
	}
	// One cohort holds everyone, so the trainer and the coach may see the
	// trainees' sessions.
	cohort, err := st.CreateCohort(ctx, "Class A", "")
	if err != nil {
		t.Fatal(err)
	}
	app.classA = cohort
	for _, u := range app.users {
		if err := st.AddToCohort(ctx, cohort.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	app.drillID = publishExample(t, st)
	for _, name := range []string{"alice", "bob"} {
		for _, mode := range []drillroom.Mode{drillroom.ModePractice, drillroom.ModeAssessment} {
			if err := st.Assign(ctx, app.users[name].ID, app.drillID, mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	return app
}

// openTestStore opens a real SQLite file in a temp dir (opts are Open's);
// it closes when the test ends.
func openTestStore(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "drillroom.db"), nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// createUser creates user username with role, named as the username with
// a capital ("ada" is "Ada"), with the test password.
func createUser(t testing.TB, st *store.Store, username string, role drillroom.Role) drillroom.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), username, strings.ToUpper(username[:1])+username[1:], role, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// createAdmin is createUser with the administrator flag.
func createAdmin(t testing.TB, st *store.Store, username string, role drillroom.Role) drillroom.User {
	t.Helper()
	u := createUser(t, st, username, role)
	u.Admin = true
	u, err := st.UpdateUser(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// loginFor starts a login of an hour for user userID in st, as signing in
// does, and returns its token.
func loginFor(t testing.TB, st Store, userID int64) string {
	t.Helper()
	tok, err := st.CreateLogin(context.Background(), userID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// newTestServer is the server over a new test store (openTestStore) with
// its runner. It fills in Runner and, unless set, Store of cfg, and Store
// of rcfg. They close when the test ends, the server first; a failure to
// close fails the test.
func newTestServer(t testing.TB, cfg Config, rcfg runner.Config, opts ...store.Option) (*store.Store, *runner.Runner, *Server) {
	t.Helper()
	st := openTestStore(t, opts...)
	rn, srv := newTestServerOver(t, st, cfg, rcfg)
	return st, rn, srv
}

// newTestServerOver is newTestServer over st.
func newTestServerOver(t testing.TB, st *store.Store, cfg Config, rcfg runner.Config) (*runner.Runner, *Server) {
	t.Helper()
	rcfg.Store = st
	rn := runner.New(rcfg)
	if cfg.Store == nil {
		cfg.Store = st
	}
	cfg.Runner = rn
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(cctx); err != nil {
			t.Errorf("server close: %v", err)
		}
		if err := rn.Close(cctx); err != nil {
			t.Errorf("runner close: %v", err)
		}
	})
	return rn, srv
}

// serveTest serves srv on a test HTTP server, which closes when the test
// ends (before the server).
func serveTest(t testing.TB, srv *Server) *httptest.Server {
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs
}

func (a *testApp) srvHandler() http.Handler { return a.server.Handler() }

// publishExample stores the example gas drill with its policy, as serve
// does with the library.
func publishExample(t *testing.T, st *store.Store) string {
	t.Helper()
	sc := scenariotest.GasExample(t)
	_, err := training.Publish(context.Background(), st, sc)
	if err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

// browser is one user's cookie jar against the app. It does not follow
// redirects, so tests see them.
type browser struct {
	app *testApp
	c   *http.Client
}

func (a *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{app: a, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) response {
	b.app.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.app.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (b *browser) get(path string) response {
	b.app.t.Helper()
	req, _ := http.NewRequest("GET", b.app.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser would (Origin header set).
func (b *browser) post(path string, form url.Values) response {
	b.app.t.Helper()
	return b.postFrom(b.app.srv.URL, path, form)
}

func (b *browser) postFrom(origin, path string, form url.Values) response {
	b.app.t.Helper()
	req, _ := http.NewRequest("POST", b.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return b.do(req)
}

// getCase is a GET a browser makes and the status it must get.
type getCase struct {
	who  string // who browses, for the failure
	b    *browser
	path string
	want int
}

// wantGets makes each GET and fails the test where its status is not the
// one wanted.
func wantGets(t *testing.T, cases []getCase) {
	t.Helper()
	for _, tc := range cases {
		if res := tc.b.get(tc.path); res.status != tc.want {
			t.Errorf("%s GET %s: status %d, want %d", tc.who, tc.path, res.status, tc.want)
		}
	}
}

func (b *browser) login(username, password string) response {
	b.app.t.Helper()
	return b.post("/login", url.Values{"username": {username}, "password": {password}})
}

// signedIn logs in and fails the test if that does not work.
func (a *testApp) signedIn(username string) *browser {
	a.t.Helper()
	b := a.browser()
	if res := b.login(username, testPassword); res.status != http.StatusSeeOther {
		a.t.Fatalf("login %s: status %d, want 303", username, res.status)
	}
	return b
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page the browser can see.
func (b *browser) csrf() string {
	b.app.t.Helper()
	res := b.get("/")
	m := csrfRE.FindStringSubmatch(res.body)
	if m == nil {
		b.app.t.Fatalf("no csrf token on the home page (status %d)", res.status)
	}
	return m[1]
}

// start starts the example drill and returns the session id.
func (b *browser) start(mode drillroom.Mode) string {
	b.app.t.Helper()
	res := b.post("/drills/"+b.app.drillID+"/start", url.Values{"csrf": {b.csrf()}, "mode": {string(mode)}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sessions/") {
		b.app.t.Fatalf("start drill: status %d location %q, want 303 to /sessions/...; body %s", res.status, loc, res.body)
	}
	return strings.TrimPrefix(loc, "/sessions/")
}

// act applies a trainee action through the runner, as the socket would.
func (a *testApp) act(sessionID, cmdID string, act simulator.Action) runner.Result {
	a.t.Helper()
	res, err := a.runner.Do(context.Background(), sessionID, runner.Command{ID: cmdID, By: "trainee", Action: act})
	if err != nil {
		a.t.Fatalf("runner.Do %s: %v", act.Kind, err)
	}
	return res
}

// ended checks that the store has the session as ended: the runner ends it
// before it answers the closing command.
func (a *testApp) ended(id string) drillroom.Session {
	a.t.Helper()
	x, err := a.store.Session(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	if x.State != drillroom.StateEnded {
		a.t.Fatalf("session %s is %s after closing, want ended", id, x.State)
	}
	return x
}
