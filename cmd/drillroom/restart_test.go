package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestRestartKill9 is the crash test of the live path. It builds the real
// binary, serves the demo on a fresh data directory, logs in as the demo
// trainee, starts a library drill and sends actions over the websocket
// while it kills the server with SIGKILL at a random moment. It then starts
// the server again on the same data, reconnects with the last seq it saw,
// retries the commands it had no answer for, and checks that
//   - every acknowledged command is in the log exactly once, at the seqs
//     its ack named;
//   - the log's seqs are 1..N without a gap, and the database is intact;
//   - the trainee's stream over both connections is exactly the visible part
//     of the log: no gap (the prev chain holds), no duplicate.
//
// DRILLROOM_RESTART_RUNS sets how many kill/restart rounds to run (default
// 1; CI runs 20). -short skips it.
func TestRestartKill9(t *testing.T) {
	restartTest(t, func(t *testing.T) backend { return sqliteBackend(t.TempDir()) })
}

// TestRestartKill9Postgres is the same crash test with the server on
// PostgreSQL (serve --db): each round on a database of its own. It needs
// DRILLROOM_TEST_POSTGRES (CI sets it).
func TestRestartKill9Postgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	postgrestest.Server(t)
	restartTest(t, func(t *testing.T) backend { return postgresBackend(postgrestest.URL(t)) })
}

// backend is where a crash test's server keeps its database: the serve
// flags that say so, and how to read the log the server left.
type backend struct {
	flags []string
	log   func(t *testing.T, sessionID string) []simulator.Event
}

func sqliteBackend(data string) backend {
	return backend{flags: []string{"--data", data}, log: func(t *testing.T, sessionID string) []simulator.Event {
		t.Helper()
		ctx := context.Background()
		path := filepath.Join(data, "drillroom.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var integrity string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("integrity_check: %q %v", integrity, err)
		}
		db.Close()
		st, err := store.Open(ctx, path, nil)
		return logOf(t, sessionID, st, err)
	}}
}

func postgresBackend(url string) backend {
	return backend{flags: []string{"--db", url}, log: func(t *testing.T, sessionID string) []simulator.Event {
		t.Helper()
		ctx := context.Background()
		st, err := postgres.Open(ctx, url, nil, postgres.WithoutMigrating())
		return logOf(t, sessionID, st, err)
	}}
}

// logOf reads a session's event log from a store the test opened (err is
// Open's), and closes the store.
func logOf[S interface {
	Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error)
	Close() error
}](t *testing.T, sessionID string, st S, err error) []simulator.Event {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.Events(context.Background(), sessionID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func restartTest(t *testing.T, newBackend func(t *testing.T) backend) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	loops := rounds(t, "DRILLROOM_RESTART_RUNS")
	bin := buildBinary(t)
	for i := range loops {
		t.Run(fmt.Sprintf("round%d", i+1), func(t *testing.T) { restartRound(t, bin, newBackend(t), int64(i)) })
	}
}

// startServer starts the binary's server with the demo accounts.
func startServer(t *testing.T, bin string, where backend) *server {
	t.Helper()
	return startNode(t, bin, where, true)
}

// startNode starts the binary's server, with the demo accounts or not.
func startNode(t *testing.T, bin string, where backend, demo bool) *server {
	t.Helper()
	args := where.flags
	if demo {
		args = append([]string{"--demo"}, args...)
	}
	return startServe(t, bin, time.Minute, args...)
}

// msg is a server message of drillroom.v1 (docs/protocol.md).
type msg struct {
	Type     string          `json:"type"`
	Seq      int64           `json:"seq"`
	Prev     int64           `json:"prev"`
	Event    simulator.Event `json:"event"`
	ID       string          `json:"id"`
	FirstSeq int64           `json:"first_seq"`
	LastSeq  int64           `json:"last_seq"`
	Code     string          `json:"code"`
	Reason   string          `json:"reason"`
}

// answer is what a command got: an ack (first..last) or a refusal
// recorded at seq.
type answer struct {
	first, last int64
	refusedAt   int64
}

// trainee is the test's client: what it received and what was answered.
type trainee struct {
	t       *testing.T
	mu      sync.Mutex
	seqs    []int64           // events received, in order, over all connections
	prev    int64             // last event seq received
	answers map[string]answer // per command id
	sent    []string          // command ids in the order first sent
	action  map[string]simulator.Action
}

func (tr *trainee) lastSeq() int64 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.prev
}

// readLoop reads one connection until it fails, recording events and
// answers. Protocol violations fail the test.
func (tr *trainee) readLoop(c *websocket.Conn, done chan<- struct{}) {
	defer close(done)
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			return
		}
		var m msg
		if err := json.Unmarshal(b, &m); err != nil {
			tr.t.Errorf("bad message %s", b)
			return
		}
		tr.mu.Lock()
		switch m.Type {
		case "event":
			if m.Prev != tr.prev {
				tr.t.Errorf("event %d: prev %d, want %d (gap)", m.Seq, m.Prev, tr.prev)
			}
			tr.seqs = append(tr.seqs, m.Seq)
			tr.prev = m.Seq
		case "ack":
			tr.answers[m.ID] = answer{first: m.FirstSeq, last: m.LastSeq}
		case "reject":
			if m.Code == "refused" {
				tr.answers[m.ID] = answer{refusedAt: m.Seq}
			} else if m.Code != "rate_limited" && m.Code != "unavailable" {
				tr.t.Errorf("command %s rejected: %s %s", m.ID, m.Code, m.Reason)
			}
		case "resync":
			tr.t.Errorf("unexpected resync: %s", b)
		}
		tr.mu.Unlock()
	}
}

func (tr *trainee) unanswered() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []string
	for _, id := range tr.sent {
		if _, ok := tr.answers[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// actions are trainee actions any library drill accepts or refuses
// cleanly; either way they are recorded.
var actions = []simulator.Action{
	{Kind: simulator.ActSay, Text: "Hello, you're through to the incident line.", Intents: []string{"greet"}},
	{Kind: simulator.ActSay, Text: "Can you tell me the exact address?", Intents: []string{"ask_location"}},
	{Kind: simulator.ActSay, Text: "What is happening right now?", Intents: []string{"ask_details"}},
	{Kind: simulator.ActSay, Text: "You're doing the right thing.", Intents: []string{"reassure"}},
	{Kind: simulator.ActRecord, Field: "callback", Value: "07700 900123"},
	{Kind: simulator.ActSay, Text: "I'm still with you.", Intents: []string{"update"}},
}

func restartRound(t *testing.T, bin string, where backend, round int64) {
	srv := startServer(t, bin, where)
	if srv.password == "" {
		t.Fatal("no demo password printed on the first start")
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sessionID := startDrill(t, hc, srv.base, srv.password)

	tr := &trainee{t: t, answers: map[string]answer{}, action: map[string]simulator.Action{}}
	conn, done := dialTrainee(t, jar, srv.base, sessionID, 0)
	go tr.readLoop(conn, done)

	// Send commands about 8 a second (under the rate limit) and kill the
	// server within 3ms of sending one of them, so that the kill often
	// lands while that command is being applied or committed.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(round)))
	killAfter := 3 + rng.IntN(12)
	var wmu sync.Mutex
	send := func(c *websocket.Conn, id string, a simulator.Action) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteJSON(map[string]any{"type": "command", "id": id, "action": a})
	}
	n := 0
	for ; n < killAfter; n++ {
		time.Sleep(120 * time.Millisecond)
		id := fmt.Sprintf("r%d-c%d", round, n)
		a := actions[n%len(actions)]
		tr.mu.Lock()
		tr.sent = append(tr.sent, id)
		tr.action[id] = a
		tr.mu.Unlock()
		if err := send(conn, id, a); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	killAt := time.Duration(rng.IntN(3000)) * time.Microsecond
	time.Sleep(killAt)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	<-done
	conn.Close()
	tr.mu.Lock()
	ackedBefore := map[string]answer{}
	for id, a := range tr.answers {
		ackedBefore[id] = a
	}
	tr.mu.Unlock()
	t.Logf("killed %v after command %d: %d commands sent, %d answered, last seq %d", killAt, n-1, n, len(ackedBefore), tr.lastSeq())

	// Start again on the same data; the login survives in the database.
	srv = startServer(t, bin, where)
	if srv.password != "" {
		t.Errorf("the second start printed the demo trainee's password again")
	}
	conn, done = dialTrainee(t, jar, srv.base, sessionID, tr.lastSeq())
	go tr.readLoop(conn, done)
	for _, id := range tr.unanswered() {
		tr.mu.Lock()
		a := tr.action[id]
		tr.mu.Unlock()
		if err := send(conn, id, a); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(tr.unanswered()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ids := tr.unanswered(); len(ids) > 0 {
		t.Fatalf("commands never answered after the restart: %v", ids)
	}
	// Let the stream catch up, then stop gracefully.
	time.Sleep(300 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.done; err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	<-done
	conn.Close()

	checkLog(t, where.log(t, sessionID), tr, ackedBefore, true)
}

// startDrill logs in through the login form, opens the drill list and
// starts the first assigned drill in practice mode, as a browser would.
func startDrill(t *testing.T, hc *http.Client, base, password string) string {
	t.Helper()
	return startDrills(t, hc, base, password, 1)[0]
}

// dialHello opens the session's websocket with the jar's cookies, as the
// page on base does, and reads hello, waiting for it at most wait (0: as
// long as it takes).
func dialHello(d *websocket.Dialer, jar http.CookieJar, base, sessionID string, wait time.Duration) (*websocket.Conn, msg, error) {
	u, _ := url.Parse(base)
	hdr := http.Header{"Origin": {base}}
	for _, c := range jar.Cookies(u) {
		hdr.Add("Cookie", c.Name+"="+c.Value)
	}
	c, _, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws/sessions/"+sessionID, hdr)
	if err != nil {
		return nil, msg{}, fmt.Errorf("dial: %w", err)
	}
	if wait > 0 {
		c.SetReadDeadline(time.Now().Add(wait))
	}
	var hello msg
	if err := c.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		c.Close()
		return nil, hello, fmt.Errorf("hello: %+v %v", hello, err)
	}
	c.SetReadDeadline(time.Time{})
	return c, hello, nil
}

// dialTrainee opens the session's websocket with the login cookie, reads
// hello and resumes from last.
func dialTrainee(t *testing.T, jar http.CookieJar, base, sessionID string, last int64) (*websocket.Conn, chan struct{}) {
	t.Helper()
	c, hello, err := dialHello(websocket.DefaultDialer, jar, base, sessionID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if hello.LastSeq < last {
		t.Fatalf("server's last seq %d is behind the %d the client saw: acknowledged events lost", hello.LastSeq, last)
	}
	if err := c.WriteJSON(map[string]any{"type": "resume", "last_seq": last}); err != nil {
		t.Fatal(err)
	}
	return c, make(chan struct{})
}

// checkLog checks the log the server left against what the client saw;
// restarted: its host was killed, so the log must have a restart pause.
func checkLog(t *testing.T, log []simulator.Event, tr *trainee, ackedBefore map[string]answer, restarted bool) {
	t.Helper()
	byCmd := map[string][]simulator.Event{}
	var visible []int64
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Fatalf("log seq %d at position %d: gap", e.Seq, i)
		}
		if e.Action != nil && e.Action.Cmd != "" && (e.Type == simulator.EvAction || e.Type == simulator.EvRejected) {
			byCmd[e.Action.Cmd] = append(byCmd[e.Action.Cmd], e)
		}
		if simulator.Visible(e) {
			visible = append(visible, e.Seq)
		}
	}
	for id, a := range ackedBefore {
		evs := byCmd[id]
		if len(evs) != 1 {
			t.Errorf("acknowledged command %s is in the log %d times", id, len(evs))
			continue
		}
		if a.refusedAt == 0 && (evs[0].Seq < a.first || evs[0].Seq > a.last) {
			t.Errorf("acknowledged command %s at seq %d, its ack said %d..%d", id, evs[0].Seq, a.first, a.last)
		}
	}
	for id, a := range tr.answers {
		if len(byCmd[id]) != 1 {
			t.Errorf("command %s (answered %+v) is in the log %d times", id, a, len(byCmd[id]))
		}
	}
	// The stream must be the visible log; only what the graceful shutdown
	// wrote after closing the socket (the pause for the disconnect) is
	// missing from it.
	n := min(len(tr.seqs), len(visible))
	if fmt.Sprint(tr.seqs) != fmt.Sprint(visible[:n]) {
		t.Errorf("trainee received %v\nvisible log is %v", tr.seqs, visible)
	}
	for _, seq := range visible[n:] {
		if e := log[seq-1]; e.Type != simulator.EvPause || e.Reason != "disconnect" {
			t.Errorf("event %d (%s) is in the log but never reached the trainee", seq, e.Type)
		}
	}
	var pausedForRestart bool
	for _, e := range log {
		if e.Type == simulator.EvPause && e.Reason == "restart" {
			pausedForRestart = true
		}
	}
	if pausedForRestart != restarted {
		t.Errorf("a pause with reason restart in the log: %v, want %v", pausedForRestart, restarted)
	}
}
