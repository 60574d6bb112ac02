package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
)

// TestFailoverKill9 is the crash test of several nodes behind a load
// balancer. It starts three real servers (nodes a, b and c, serve --node)
// on one PostgreSQL database and nginx in front of them with the
// repository's own configuration (deploy/nginx.conf). Through nginx it
// signs in and starts six drills: placement must put two on each node. It
// opens every session's socket on node a, so the sessions of b and c are
// relayed, sends actions on all of them and kills b with SIGKILL at a random
// moment. Once b's leases expire, other nodes must take its sessions over
// by themselves (their logs get a restart pause); the clients of those
// sessions reconnect through nginx, resume from the last seq they saw and
// retry the commands they had no answer for, while the other sessions go
// on undisturbed. Every log must hold every acknowledged command exactly
// once, at the seqs its ack named, without a gap, and each client's stream
// must be exactly its session's visible log.
//
// It needs DRILLROOM_TEST_POSTGRES and nginx (skipped without it unless
// DRILLROOM_NGINX=require, as in CI). DRILLROOM_FAILOVER_RUNS sets the number
// of rounds (default 1; CI runs 20). -short skips it.
func TestFailoverKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	postgrestest.Server(t)
	nginx := nginxBinary(t)
	loops := rounds(t, "DRILLROOM_FAILOVER_RUNS")
	bin := buildBinary(t)
	for i := range loops {
		t.Run(fmt.Sprintf("round%d", i+1), func(t *testing.T) { failoverRound(t, bin, nginx, int64(i)) })
	}
}

// leaseTTL is the nodes' --lease-ttl: how long a dead node's sessions wait.
const leaseTTL = 2 * time.Second

// failoverSessions is how many drills a round plays at once: two per node.
const failoverSessions = 6

// played is one session of a round: its client and its connection.
type played struct {
	id    string
	owner string // the node that hosted it before the kill
	tr    *trainee
	conn  *websocket.Conn
	done  chan struct{}
	acked map[string]answer // what was answered before the kill
}

func failoverRound(t *testing.T, bin, nginx string, round int64) {
	dbURL := postgrestest.URL(t)
	db := postgresBackend(dbURL)
	nodes := map[string]*server{}
	for _, name := range []string{"a", "b", "c"} {
		flags := append([]string{"--node", name, "--lease-ttl", leaseTTL.String(), "--max-conns-per-addr", "-1"}, db.flags...)
		nodes[name] = startNode(t, bin, backend{flags: flags}, name == "a")
	}
	a, b := nodes["a"], nodes["b"]
	if a.password == "" {
		t.Fatal("no demo password printed by node a")
	}
	stopped := map[string]bool{}
	defer func() {
		for name, s := range nodes {
			if !stopped[name] {
				s.cmd.Process.Signal(syscall.SIGTERM)
				<-s.done
			}
		}
	}()
	lb := startBalancer(t, nginx, []string{a.base, b.base, nodes["c"].base})
	st, err := postgres.Open(context.Background(), dbURL, nil, postgres.WithoutMigrating())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	// Through the balancer: sign in and start the drills. Whichever node
	// serves each start, placement spreads them over the nodes.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ids := startDrills(t, hc, lb, a.password, failoverSessions)
	perNode := map[string]int{}
	var sessions []*played
	for _, id := range ids {
		o, err := st.SessionOwner(context.Background(), id)
		if err != nil {
			t.Fatalf("owner of session %s: %v", id, err)
		}
		perNode[o.Name]++
		sessions = append(sessions, &played{id: id, owner: o.Name,
			tr: &trainee{t: t, answers: map[string]answer{}, action: map[string]simulator.Action{}}})
	}
	if perNode["a"] != 2 || perNode["b"] != 2 || perNode["c"] != 2 {
		t.Fatalf("six drills started on three idle nodes were placed %v, want two on each", perNode)
	}

	// Every socket through node a: b's and c's sessions are relayed.
	for _, p := range sessions {
		p.conn, p.done = dialTrainee(t, jar, a.base, p.id, 0)
		go p.tr.readLoop(p.conn, p.done)
	}
	var wmu sync.Mutex
	send := func(c *websocket.Conn, id string, act simulator.Action) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteJSON(map[string]any{"type": "command", "id": id, "action": act})
	}
	command := func(p *played, n int) {
		id := fmt.Sprintf("f%d-%s-c%d", round, p.id, n)
		act := actions[n%len(actions)]
		p.tr.mu.Lock()
		p.tr.sent = append(p.tr.sent, id)
		p.tr.action[id] = act
		p.tr.mu.Unlock()
		send(p.conn, id, act) // a failed send is retried after the reconnect
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(round)))
	killAfter := 3 + rng.IntN(8)
	n := 0
	for ; n < killAfter; n++ {
		time.Sleep(120 * time.Millisecond)
		for _, p := range sessions {
			command(p, n)
		}
	}
	// Before the kill, every session answered through a: b's and c's
	// relayed, since their leases are still theirs.
	for _, p := range sessions {
		for deadline := time.Now().Add(15 * time.Second); len(p.tr.unanswered()) == len(p.tr.sent); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("session %s of node %s: no command answered through node a", p.id, p.owner)
			}
		}
	}
	time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-b.done
	stopped["b"] = true
	killed := time.Now()
	for _, p := range sessions {
		if p.owner == "b" {
			<-p.done // the relay to b broke
			p.conn.Close()
		}
		p.tr.mu.Lock()
		p.acked = map[string]answer{}
		for id, ans := range p.tr.answers {
			p.acked[id] = ans
		}
		p.tr.mu.Unlock()
	}

	// The other sessions go on through a while b's are moved.
	for _, p := range sessions {
		if p.owner != "b" {
			command(p, n)
		}
	}
	n++

	// Without any client, other nodes take b's sessions over once its
	// leases have expired: their logs get the restart pause.
	limit := 5*leaseTTL + 10*time.Second
	for _, p := range sessions {
		if p.owner != "b" {
			continue
		}
		for !restartPaused(t, db, p.id, p.tr.lastSeq()) {
			if time.Since(killed) > limit {
				t.Fatalf("no node took session %s over by itself within %v of the kill", p.id, limit)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	took := time.Since(killed)

	// b's clients reconnect through the balancer, which may send them to
	// any node: the one that took the session serves it, another relays.
	for _, p := range sessions {
		if p.owner != "b" {
			continue
		}
		for p.conn = nil; p.conn == nil; {
			// An error means no node serves the session (yet).
			c, _, err := dialHello(&websocket.Dialer{HandshakeTimeout: 5 * time.Second}, jar, lb, p.id, 5*time.Second)
			if err == nil {
				p.conn = c
				break
			}
			if time.Since(killed) > limit {
				t.Fatalf("session %s: no node served its socket through the balancer within %v of the kill: %v", p.id, limit, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		o, err := st.SessionOwner(context.Background(), p.id)
		if err != nil || o.Name == "b" {
			t.Fatalf("session %s after the failover: owner %+v, %v; want a live node", p.id, o, err)
		}
		t.Logf("session %s of node b is on node %s (%d commands sent, %d answered before the kill, last seq %d)",
			p.id, o.Name, len(p.tr.sent), len(p.acked), p.tr.lastSeq())
		p.done = make(chan struct{})
		if err := p.conn.WriteJSON(map[string]any{"type": "resume", "last_seq": p.tr.lastSeq()}); err != nil {
			t.Fatal(err)
		}
		go p.tr.readLoop(p.conn, p.done)
		for _, id := range p.tr.unanswered() {
			p.tr.mu.Lock()
			act := p.tr.action[id]
			p.tr.mu.Unlock()
			if err := send(p.conn, id, act); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("killed node b after %d commands per session; its sessions moved within %v", n-1, took.Round(10*time.Millisecond))
	for _, p := range sessions {
		command(p, n)
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range sessions {
		for len(p.tr.unanswered()) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if ids := p.tr.unanswered(); len(ids) > 0 {
			t.Fatalf("session %s (node %s): commands never answered after the failover: %v", p.id, p.owner, ids)
		}
	}
	time.Sleep(300 * time.Millisecond)
	for _, name := range []string{"a", "c"} {
		nodes[name].cmd.Process.Signal(syscall.SIGTERM)
		if err := <-nodes[name].done; err != nil {
			t.Errorf("graceful shutdown of node %s: %v", name, err)
		}
		stopped[name] = true
	}
	for _, p := range sessions {
		<-p.done
		p.conn.Close()
		checkLog(t, db.log(t, p.id), p.tr, p.acked, p.owner == "b")
	}
}

// startDrills signs the demo trainee in and starts n drills, each library
// drill in practice and then in assessment mode, as a browser would.
func startDrills(t *testing.T, hc *http.Client, base, password string, n int) []string {
	t.Helper()
	resp, err := hc.PostForm(base+"/login", url.Values{"username": {"trainee"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
	resp, err = hc.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	var drills []string
	for _, m := range regexp.MustCompile(`action="/drills/([^/"]+)/start"`).FindAllSubmatch(page, -1) {
		if !slices.Contains(drills, string(m[1])) {
			drills = append(drills, string(m[1]))
		}
	}
	if csrf == nil || len(drills) == 0 {
		t.Fatalf("drill list without a start form:\n%s", page)
	}
	var ids []string
	for _, mode := range []string{"practice", "assessment"} {
		for _, d := range drills {
			if len(ids) == n {
				return ids
			}
			resp, err = hc.PostForm(base+"/drills/"+d+"/start", url.Values{"csrf": {string(csrf[1])}, "mode": {mode}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/sessions/") {
				t.Fatalf("start drill %s in %s: %s, Location %q", d, mode, resp.Status, loc)
			}
			ids = append(ids, strings.TrimPrefix(loc, "/sessions/"))
		}
	}
	t.Fatalf("only %d drills to start, want %d", len(ids), n)
	return nil
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

// nginxBinary finds nginx; without it the test skips, unless
// DRILLROOM_NGINX=require (CI), when it fails.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("DRILLROOM_NGINX") == "require" {
		t.Fatal("nginx is not installed, and DRILLROOM_NGINX=require (apt-get install nginx-light)")
	}
	t.Skip("nginx is not installed (apt-get install nginx-light); set DRILLROOM_NGINX=require to fail instead")
	return ""
}

// startBalancer runs nginx with deploy/nginx.conf in front of the nodes
// (http://HOST:PORT each), on a free loopback port, until the test ends. It
// returns the balancer's base URL.
func startBalancer(t *testing.T, nginx string, nodes []string) string {
	t.Helper()
	conf, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	servers := regexp.MustCompile(`(?m)^(\s*server )127\.0\.0\.1:808[1-9]( .*)$`)
	if got := len(servers.FindAllIndex(conf, -1)); got != len(nodes) {
		t.Fatalf("deploy/nginx.conf has %d upstream servers, want %d", got, len(nodes))
	}
	i := 0
	conf = servers.ReplaceAllFunc(conf, func(line []byte) []byte {
		m := servers.FindSubmatch(line)
		addr := strings.TrimPrefix(nodes[i], "http://")
		i++
		return []byte(string(m[1]) + addr + string(m[2]))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	listen := regexp.MustCompile(`(?m)^(\s*listen )127\.0\.0\.1:8080;$`)
	if !listen.Match(conf) {
		t.Fatal("deploy/nginx.conf: no listen 127.0.0.1:8080 line")
	}
	conf = listen.ReplaceAll(conf, []byte("${1}"+addr+";"))
	dir := t.TempDir()
	for _, d := range []string{"logs", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", path, "-e", "stderr", "-g", "daemon off;")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-done
	})
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("nginx exited: %v (logs in %s)", err, dir)
		default:
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("nginx did not listen within 10 s")
		}
	}
	return "http://" + addr
}
