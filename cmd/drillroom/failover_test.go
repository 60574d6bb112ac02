package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestFailoverKill9 is the crash test of several nodes. It starts three
// real servers (nodes a, b and c, serve --node) on one PostgreSQL
// database, starts a drill through node a (which takes its lease), checks
// that the other nodes refuse the session's socket while a owns it, sends
// actions and kills a with SIGKILL at a random moment. Once a's lease has
// expired, another node must take the session over by itself (its log gets
// a restart pause). The client then reconnects to the nodes in turn, as a
// load balancer would send it, until it reaches the new owner, resumes
// from the last seq it saw and retries the commands it had no answer for.
// The log must hold every acknowledged command exactly once, at the seqs
// its ack named, without a gap, and the client's stream must be exactly
// the visible log.
//
// It needs DRILLROOM_TEST_POSTGRES. DRILLROOM_FAILOVER_RUNS sets the number
// of rounds (default 1; CI runs 20). -short skips it.
func TestFailoverKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	postgrestest.Server(t)
	loops := 1
	if s := os.Getenv("DRILLROOM_FAILOVER_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("DRILLROOM_FAILOVER_RUNS=%q: want a positive integer", s)
		}
		loops = n
	}
	bin := filepath.Join(t.TempDir(), "drillroom")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	for i := range loops {
		t.Run(fmt.Sprintf("round%d", i+1), func(t *testing.T) { failoverRound(t, bin, int64(i)) })
	}
}

// leaseTTL is the nodes' --lease-ttl: how long a dead node's sessions wait.
const leaseTTL = 2 * time.Second

func failoverRound(t *testing.T, bin string, round int64) {
	db := postgresBackend(postgrestest.URL(t))
	node := func(name string, demo bool) *server {
		return startNode(t, bin, backend{flags: append([]string{"--node", name, "--lease-ttl", leaseTTL.String()}, db.flags...)}, demo)
	}
	a := node("a", true)
	if a.password == "" {
		t.Fatal("no demo password printed by node a")
	}
	others := []*server{node("b", false), node("c", false)}
	defer func() {
		for _, s := range others {
			s.cmd.Process.Signal(syscall.SIGTERM)
			<-s.done
		}
	}()

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sessionID := startDrill(t, hc, a.base, a.password)
	tr := &trainee{t: t, answers: map[string]answer{}, action: map[string]simulator.Action{}}
	conn, done := dialTrainee(t, jar, a.base, sessionID, 0)
	go tr.readLoop(conn, done)
	for _, s := range others {
		if c, err := tryDial(jar, s.base, sessionID); err == nil {
			c.Close()
			t.Fatalf("node %s accepted the socket of a session node a owns", s.base)
		}
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(round)))
	killAfter := 3 + rng.IntN(10)
	var wmu sync.Mutex
	send := func(c *websocket.Conn, id string, act simulator.Action) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteJSON(map[string]any{"type": "command", "id": id, "action": act})
	}
	n := 0
	for ; n < killAfter; n++ {
		time.Sleep(120 * time.Millisecond)
		id := fmt.Sprintf("f%d-c%d", round, n)
		act := actions[n%len(actions)]
		tr.mu.Lock()
		tr.sent = append(tr.sent, id)
		tr.action[id] = act
		tr.mu.Unlock()
		if err := send(conn, id, act); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	killAt := time.Duration(rng.IntN(3000)) * time.Microsecond
	time.Sleep(killAt)
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.done
	<-done
	conn.Close()
	tr.mu.Lock()
	ackedBefore := map[string]answer{}
	for id, ans := range tr.answers {
		ackedBefore[id] = ans
	}
	tr.mu.Unlock()
	killed := time.Now()

	// Without any client, another node takes the session over once a's
	// lease has expired: the log gets its restart pause.
	took := time.Duration(0)
	for time.Since(killed) < 5*leaseTTL+10*time.Second {
		if restartPaused(t, db, sessionID, tr.lastSeq()) {
			took = time.Since(killed)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if took == 0 {
		t.Fatalf("no node took the session over by itself within %v of the kill", 5*leaseTTL+10*time.Second)
	}

	// Reconnect as through a load balancer: each node in turn, with a short
	// back-off, until one has taken the session over.
	var owner *server
	for owner == nil && time.Since(killed) < 5*leaseTTL+10*time.Second {
		for _, s := range others {
			c, err := tryDial(jar, s.base, sessionID)
			if err != nil {
				continue
			}
			owner = s
			conn = c
			break
		}
		if owner == nil {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if owner == nil {
		t.Fatalf("no node took the session over within %v of the kill", 5*leaseTTL+10*time.Second)
	}
	t.Logf("killed node a %v after command %d (%d sent, %d answered, last seq %d); %s took over after %v",
		killAt, n-1, n, len(ackedBefore), tr.lastSeq(), owner.base, took.Round(10*time.Millisecond))
	done = make(chan struct{})
	if err := conn.WriteJSON(map[string]any{"type": "resume", "last_seq": tr.lastSeq()}); err != nil {
		t.Fatal(err)
	}
	go tr.readLoop(conn, done)
	for _, s := range others {
		if s == owner {
			continue
		}
		if c, err := tryDial(jar, s.base, sessionID); err == nil {
			c.Close()
			t.Errorf("node %s accepted the socket while %s owns the session", s.base, owner.base)
		}
	}
	for _, id := range tr.unanswered() {
		tr.mu.Lock()
		act := tr.action[id]
		tr.mu.Unlock()
		if err := send(conn, id, act); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(tr.unanswered()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ids := tr.unanswered(); len(ids) > 0 {
		t.Fatalf("commands never answered after the failover: %v", ids)
	}
	time.Sleep(300 * time.Millisecond)
	for _, s := range others {
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-s.done; err != nil {
			t.Errorf("graceful shutdown of %s: %v", s.base, err)
		}
	}
	others = nil
	<-done
	conn.Close()
	checkLog(t, db.log(t, sessionID), tr, ackedBefore)
}

// restartPaused reports whether the session's log has a pause with reason
// restart after seq.
func restartPaused(t *testing.T, db backend, sessionID string, after int64) bool {
	for _, e := range db.log(t, sessionID) {
		if e.Seq > after && e.Type == simulator.EvPause && e.Reason == "restart" {
			return true
		}
	}
	return false
}

// tryDial opens the session's websocket and reads hello; an error means the
// node did not serve the session (another node owns it).
func tryDial(jar http.CookieJar, base, sessionID string) (*websocket.Conn, error) {
	u, _ := url.Parse(base)
	hdr := http.Header{"Origin": {base}}
	for _, c := range jar.Cookies(u) {
		hdr.Add("Cookie", c.Name+"="+c.Value)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, _, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws/sessions/"+sessionID, hdr)
	if err != nil {
		return nil, err
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hello msg
	if err := c.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		c.Close()
		return nil, fmt.Errorf("hello: %+v %v", hello, err)
	}
	c.SetReadDeadline(time.Time{})
	return c, nil
}
