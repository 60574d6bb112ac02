package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

// liveApp is the server over a real store in a temp dir, with the example
// gas drill published and four users: trainees ann and ben, trainer tom,
// coach cat.
type liveApp struct {
	t      testing.TB
	store  *store.Store
	runner *runner.Runner
	server *Server
	http   *httptest.Server
	sc     *scenarios.Scenario
	users  map[string]drillroom.User
	tokens map[string]string
	cohort int64 // the one cohort every test user joins
}

func newLiveApp(t testing.TB, rcfg runner.Config) *liveApp {
	return newLiveAppWith(t, rcfg, Config{})
}

// newLiveAppWith is newLiveApp with server settings (Store and Runner are
// filled in).
func newLiveAppWith(t testing.TB, rcfg runner.Config, cfg Config) *liveApp {
	t.Helper()
	st, rn, srv := newTestServer(t, cfg, rcfg)
	hs := serveTest(t, srv)
	a := &liveApp{t: t, store: st, runner: rn, server: srv, http: hs, users: map[string]drillroom.User{}, tokens: map[string]string{}}
	sc := scenariotest.GasExample(t)
	a.sc = sc
	_, err := training.Publish(context.Background(), st, sc)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// roles of the test users; they are created when first used, because
// hashing a password with argon2id is the slowest part of a test.
var liveRoles = map[string]drillroom.Role{"ann": drillroom.RoleTrainee, "ben": drillroom.RoleTrainee, "tom": drillroom.RoleTrainer, "cat": drillroom.RoleCoach}

// user returns the named test user, creating it and a login on first use.
func (a *liveApp) user(name string) drillroom.User {
	a.t.Helper()
	if u, ok := a.users[name]; ok {
		return u
	}
	ctx := context.Background()
	u, err := a.store.CreateUser(ctx, name, name, liveRoles[name], testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	tok := loginFor(a.t, a.store, u.ID)
	// Every test user is in one cohort, so the trainer and the coach may
	// see the trainees' sessions.
	if a.cohort == 0 {
		c, err := a.store.CreateCohort(ctx, "Class A", "")
		if err != nil {
			a.t.Fatal(err)
		}
		a.cohort = c.ID
	}
	if err := a.store.AddToCohort(ctx, a.cohort, u.ID); err != nil {
		a.t.Fatal(err)
	}
	a.users[name], a.tokens[name] = u, tok
	return u
}

// annJoined is a live app with a session of ann's at real-time scale, and
// ann's connection to it, joined.
func annJoined(t testing.TB) (a *liveApp, sessionID string, ann *client) {
	t.Helper()
	a, sessionID = annSession(t)
	return a, sessionID, a.join("ann", sessionID)
}

// annSession is a live app with a session of ann's at real-time scale.
func annSession(t testing.TB) (a *liveApp, sessionID string) {
	t.Helper()
	a = newLiveApp(t, runner.Config{})
	return a, a.session("ann", 1)
}

// session creates a session of the example drill for user at scale.
func (a *liveApp) session(user string, scale float64) string {
	a.t.Helper()
	return a.sessionIn(user, drillroom.ModePractice, scale)
}

// sessionIn creates a session of user's of the example drill in mode, at
// time scale.
func (a *liveApp) sessionIn(user string, mode drillroom.Mode, scale float64) string {
	a.t.Helper()
	x, err := a.store.CreateSession(context.Background(), drillroom.Session{
		UserID: a.user(user).ID, ScenarioID: a.sc.ID, Version: a.sc.Version, Seed: 42, Mode: mode, Scale: scale,
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return x.ID
}

func (a *liveApp) wsURL(sessionID string) string {
	return "ws" + strings.TrimPrefix(a.http.URL, "http") + "/ws/sessions/" + sessionID
}

// dial opens a websocket as user ("" for nobody) with the server's own
// origin, unless hdr says otherwise.
func (a *liveApp) dial(user, sessionID string, hdr http.Header) (*websocket.Conn, *http.Response, error) {
	if hdr == nil {
		hdr = http.Header{}
	}
	if hdr.Get("Origin") == "" {
		hdr.Set("Origin", a.http.URL)
	}
	if user != "" {
		a.user(user)
		hdr.Set("Cookie", sessionCookie+"="+a.tokens[user])
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{Protocol}}
	return d.Dial(a.wsURL(sessionID), hdr)
}

// dialStatus is dial for a test of the handshake's answer: it returns the
// handshake's status (0 when there was none) and closes the connection.
func (a *liveApp) dialStatus(user, sessionID string, hdr http.Header) (int, error) {
	c, res, err := a.dial(user, sessionID, hdr)
	if c != nil {
		c.Close()
	}
	if res == nil {
		return 0, err
	}
	return res.StatusCode, err
}

// postAs posts an empty form (its CSRF token only) to path with login
// token tok, from the server's own origin, and returns the status; it
// does not follow a redirect.
func (a *liveApp) postAs(tok, path string) int {
	a.t.Helper()
	return a.postForm(tok, path, url.Values{}).StatusCode
}

// postForm posts form with its CSRF token to path with login token tok,
// from the server's own origin, and returns the response (its body
// closed); it does not follow a redirect.
func (a *liveApp) postForm(tok, path string, form url.Values) *http.Response {
	a.t.Helper()
	return sendAs(a.t, a.http.URL, http.MethodPost, path, tok, form)
}

// sendAs sends a request to the server at base as login token tok (""
// for nobody), as a browser on the site would: a POST carries form with
// the login's CSRF token, from the server's own origin. It does not follow
// a redirect, and returns the response with its body closed.
func sendAs(t testing.TB, base, method, path, tok string, form url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		if tok != "" {
			form.Set(csrfField, csrfToken(tok))
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
	}
	if tok != "" {
		req.Header.Set("Cookie", sessionCookie+"="+tok)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// client is a test protocol client.
type client struct {
	t       testing.TB
	c       *websocket.Conn
	raw     []string        // every message received, as sent
	pending []serverMessage // received, not yet consumed
	last    int64           // highest event seq received
	prev    int64           // for checking the prev chain
}

// serverMessage has the fields of every server message.
type serverMessage struct {
	Type     string          `json:"type"`
	Protocol string          `json:"protocol"`
	Role     string          `json:"role"`
	Seq      int64           `json:"seq"`
	Prev     int64           `json:"prev"`
	T        int64           `json:"t"`
	Event    simulator.Event `json:"event"`
	ID       string          `json:"id"`
	FirstSeq int64           `json:"first_seq"`
	LastSeq  int64           `json:"last_seq"`
	Code     string          `json:"code"`
	Reason   string          `json:"reason"`
	Snapshot json.RawMessage `json:"snapshot"`
	Ending   string          `json:"ending"`
	Clock    runner.Clock    `json:"clock"`
}

func (a *liveApp) connect(user, sessionID string) *client {
	a.t.Helper()
	c, _, err := a.dial(user, sessionID, nil)
	if err != nil {
		a.t.Fatalf("dial as %s: %v", user, err)
	}
	cl := &client{t: a.t, c: c}
	a.t.Cleanup(func() { c.Close() })
	if m := cl.read(); m.Type != msgHello || m.Protocol != Protocol {
		a.t.Fatalf("first message %+v, want hello", m)
	}
	return cl
}

// join connects user to the session and resumes from its start.
func (a *liveApp) join(user, sessionID string) *client {
	a.t.Helper()
	cl := a.connect(user, sessionID)
	cl.resume(0)
	return cl
}

// playedCall is a session of user's at real-time scale played to its end:
// the caller greeted, acts taken (commands act1, act2 and so on) and the
// call closed. It returns once the runner has the ended session's status.
func (a *liveApp) playedCall(user string, acts ...simulator.Action) string {
	a.t.Helper()
	id := a.session(user, 1)
	cl := a.join(user, id)
	cl.ack("hello", sayHello)
	for i, act := range acts {
		cl.ack(fmt.Sprintf("act%d", i+1), act)
	}
	cl.closeCall()
	if _, err := a.runner.Status(context.Background(), id); err != nil {
		a.t.Fatal(err)
	}
	return id
}

// applied is how many times command cmd was applied in the session's
// stored log.
func (a *liveApp) applied(sessionID, cmd string) int {
	a.t.Helper()
	return len(storedEvents(a.t, a.store, sessionID, func(e simulator.Event) bool {
		return e.Type == simulator.EvAction && e.Action.Cmd == cmd
	}))
}

// storedEvents returns the events of session id's stored log that match.
func storedEvents(t testing.TB, st *store.Store, id string, match func(simulator.Event) bool) []simulator.Event {
	t.Helper()
	log, err := st.Events(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []simulator.Event
	for _, e := range log {
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

// byTrainer matches the events of actions a trainer took.
func byTrainer(e simulator.Event) bool {
	return e.Action != nil && e.Action.By == drillroom.ActorTrainer
}

func (cl *client) send(v any) {
	cl.t.Helper()
	if err := cl.c.WriteJSON(v); err != nil {
		cl.t.Fatal(err)
	}
}

func (cl *client) resume(last int64) {
	cl.send(map[string]any{"type": "resume", "last_seq": last})
	cl.prev = last
}

func (cl *client) command(id string, a simulator.Action) {
	cl.send(map[string]any{"type": "command", "id": id, "action": a})
}

// next reads one message, or returns the read error.
func (cl *client) next(wait time.Duration) (serverMessage, error) {
	cl.c.SetReadDeadline(time.Now().Add(wait))
	_, b, err := cl.c.ReadMessage()
	if err != nil {
		return serverMessage{}, err
	}
	cl.raw = append(cl.raw, string(b))
	var m serverMessage
	if err := json.Unmarshal(b, &m); err != nil {
		cl.t.Fatalf("bad server message %s: %v", b, err)
	}
	if m.Type == msgEvent {
		if m.Prev != cl.prev {
			cl.t.Errorf("event %d has prev %d, want %d", m.Seq, m.Prev, cl.prev)
		}
		if m.Seq <= cl.last {
			cl.t.Errorf("event %d again (have up to %d)", m.Seq, cl.last)
		}
		cl.prev, cl.last = m.Seq, m.Seq
	}
	if m.Type == msgResync {
		cl.prev, cl.last = m.LastSeq, m.LastSeq
	}
	return m, nil
}

// read returns the oldest message not yet consumed.
func (cl *client) read() serverMessage {
	cl.t.Helper()
	if len(cl.pending) > 0 {
		m := cl.pending[0]
		cl.pending = cl.pending[1:]
		return m
	}
	return cl.receive()
}

func (cl *client) receive() serverMessage {
	cl.t.Helper()
	m, err := cl.next(10 * time.Second)
	if err != nil {
		cl.t.Fatalf("read: %v", err)
	}
	return m
}

// until returns the oldest message, received or still to come, that
// satisfies ok; messages passed over stay for later reads.
func (cl *client) until(ok func(serverMessage) bool) serverMessage {
	cl.t.Helper()
	for i, m := range cl.pending {
		if ok(m) {
			cl.pending = append(cl.pending[:i:i], cl.pending[i+1:]...)
			return m
		}
	}
	for {
		m := cl.receive()
		if ok(m) {
			return m
		}
		cl.pending = append(cl.pending, m)
	}
}

// answer reads until the ack or reject of command id.
func (cl *client) answer(id string) serverMessage {
	cl.t.Helper()
	return cl.until(func(m serverMessage) bool { return (m.Type == msgAck || m.Type == msgReject) && m.ID == id })
}

// do sends command id and returns its ack or reject.
func (cl *client) do(id string, a simulator.Action) serverMessage {
	cl.t.Helper()
	cl.command(id, a)
	return cl.answer(id)
}

// ack sends command id and fails the test unless it is acknowledged.
func (cl *client) ack(id string, a simulator.Action) {
	cl.t.Helper()
	if m := cl.do(id, a); m.Type != msgAck {
		cl.t.Fatalf("command %s (%s): %+v, want an ack", id, a.Kind, m)
	}
}

// closeCode reads until the connection ends and returns its close code
// (-1 when it ended without a close frame).
func (cl *client) closeCode() int {
	cl.t.Helper()
	code, _ := cl.closeWithin(10 * time.Second)
	return code
}

// closeWithin is closeCode where a silence of wait also ends the reading
// (-1); it returns the error that ended it too.
func (cl *client) closeWithin(wait time.Duration) (int, error) {
	cl.t.Helper()
	for {
		_, err := cl.next(wait)
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, err
		}
		return -1, err
	}
}

// closeCall closes the call (handed over) and waits for its end event.
func (cl *client) closeCall() simulator.Event {
	cl.t.Helper()
	cl.ack("close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"})
	return cl.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvEnd }).Event
}

// debriefText is the session's debrief as user reads it, entities decoded.
func debriefText(t *testing.T, a *liveApp, user, sessionID string) string {
	t.Helper()
	return html.UnescapeString(getPage(t, a, user, "/sessions/"+sessionID+"/debrief"))
}

// debriefAbsences is the debrief's list of the clock and the trainee's
// absences as user reads it.
func debriefAbsences(t *testing.T, a *liveApp, user, sessionID string) string {
	t.Helper()
	page := debriefText(t, a, user, sessionID)
	i := strings.Index(page, `id="away"`)
	if i < 0 {
		t.Fatal("the debrief does not list the absences")
	}
	away := page[i:]
	return away[:strings.Index(away, "</ul>")]
}
