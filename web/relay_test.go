package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// nodeTable stands for the database's leases and node registry, shared by
// the test's two nodes: which node holds each session, and where each node
// listens.
type nodeTable struct {
	mu      sync.Mutex
	owner   map[string]string // session -> node
	address map[string]string // node -> host:port
}

func (t *nodeTable) SessionOwner(ctx context.Context, id string) (drillroom.Node, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, ok := t.owner[id]
	if !ok {
		return drillroom.Node{}, fmt.Errorf("owner of %s: %w", id, drillroom.ErrNotFound)
	}
	return drillroom.Node{Name: o, Address: t.address[o]}, nil
}

// tableLeases is one node's leases in the table.
type tableLeases struct {
	t    *nodeTable
	node string
}

func (l tableLeases) Acquire(ctx context.Context, id string) error {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if o, ok := l.t.owner[id]; ok && o != l.node {
		return fmt.Errorf("%w: node %s holds it", drillroom.ErrConflict, o)
	}
	l.t.owner[id] = l.node
	return nil
}

func (l tableLeases) Release(ctx context.Context, id string) error {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if l.t.owner[id] == l.node {
		delete(l.t.owner, id)
	}
	return nil
}

func (l tableLeases) Renew(ctx context.Context) ([]string, error)          { return nil, nil }
func (l tableLeases) Orphaned(ctx context.Context) ([]string, error)       { return nil, nil }
func (l tableLeases) Place(ctx context.Context, id string) (string, error) { return "", nil }
func (l tableLeases) Placed(ctx context.Context) ([]string, error)         { return nil, nil }

// twoNodes is node a (the live app the test talks to) and node b on the
// same store, each with its runner holding the table's leases; relayed to
// b, a's requests reach b's own HTTP server.
func twoNodes(t *testing.T, cfg Config) (a *liveApp, b *Server, bRunner *runner.Runner, table *nodeTable) {
	t.Helper()
	table = &nodeTable{owner: map[string]string{}, address: map[string]string{}}
	cfg.Node, cfg.Nodes = "a", table
	a = newLiveAppWith(t, runner.Config{Leases: tableLeases{table, "a"}, LeaseRenew: time.Hour}, cfg)
	cfg.Node = "b"
	bRunner, b = newTestServerOver(t, a.store, cfg, runner.Config{Leases: tableLeases{table, "b"}, LeaseRenew: time.Hour})
	hb := serveTest(t, b)
	for name, hs := range map[string]*httptest.Server{"a": a.http, "b": hb} {
		u, _ := url.Parse(hs.URL)
		table.address[name] = u.Host
	}
	return a, b, bRunner, table
}

// hostedOn makes node the holder of id's lease in the table.
func (t *nodeTable) hostedOn(id, node string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.owner[id] = node
}

// joined is user's socket on session id through the live app, once the
// session's first event has come through.
func joined(a *liveApp, user, id string) *client {
	a.t.Helper()
	c := a.join(user, id)
	c.until(func(m serverMessage) bool { return m.Type == msgEvent })
	return c
}

// TestRelayToTheOwner: node b hosts ann's session; her socket opened on
// node a is relayed to b and works as on b (hello, resume, acks, events),
// while a hosts nothing. Node a authorizes first (ben, another trainee, gets
// 404 there and learns nothing), b authorizes again, a's socket quota counts
// the relayed sockets, signing out on a ends them, and a request that was
// already relayed is never relayed again.
func TestRelayToTheOwner(t *testing.T) {
	a, _, bRunner, table := twoNodes(t, Config{MaxSocketsPerSession: 2})
	id := a.session("ann", 1)
	table.hostedOn(id, "b")

	ann := joined(a, "ann", id)
	ann.ack("r1", simulator.Action{Kind: simulator.ActSay, Text: "Hello, incident line.", Intents: []string{"greet"}})
	if n := a.applied(id, "r1"); n != 1 {
		t.Errorf("command r1 applied %d times, want 1", n)
	}
	if a.runner.Live() != 0 || bRunner.Live() != 1 {
		t.Errorf("live sessions: a %d, b %d; want the session on b only", a.runner.Live(), bRunner.Live())
	}
	if got := a.server.metrics.socketsRelayed.Load(); got != 1 {
		t.Errorf("a relayed %d sockets, want 1", got)
	}

	// Authorization on a first: ben may not see ann's session.
	if status, _ := a.dialStatus("ben", id, nil); status != http.StatusNotFound {
		t.Errorf("ben's socket on ann's session through a: %d, want 404", status)
	}
	// A foreign origin is refused by a, as by the owner.
	if status, _ := a.dialStatus("ann", id, http.Header{"Origin": {"https://evil.example"}}); status != http.StatusForbidden {
		t.Errorf("a socket from a foreign origin through a: %d, want 403", status)
	}
	// The trainer watches through a too: b serves the observer.
	joined(a, "tom", id)
	// a's quota of sockets per session counts the relayed ones.
	if status, _ := a.dialStatus("cat", id, nil); status != http.StatusTooManyRequests {
		t.Errorf("a third socket on the session through a (quota 2): %d, want 429", status)
	}

	// Signing out on a ends the relayed socket at once.
	a.server.closeLogin(a.tokens["ann"])
	if code, err := ann.closeWithin(5 * time.Second); err == nil || code == 0 {
		t.Errorf("ann's relayed socket after signing out on a: code %d, %v; want it closed", code, err)
	}

	// b never relays a relayed request: a session b does not host, asked
	// for on b as if a had relayed it, is answered "try again".
	other := a.session("ben", 1)
	table.hostedOn(other, "a")
	a.user("ben")
	hdr := http.Header{"Origin": {a.http.URL}, "Cookie": {sessionCookie + "=" + a.tokens["ben"]}, relayHeader: {"a"}}
	req, _ := http.NewRequest(http.MethodGet, "http://"+table.address["b"]+"/ws/sessions/"+other, nil)
	req.Header = hdr
	req.Host = strings.TrimPrefix(a.http.URL, "http://") // as relayed: the client's Host
	for k, v := range map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="} {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a relayed socket for a session b does not host: %d, want 503", res.StatusCode)
	}
}

// TestRelayOwnerUnreachable: the owner's lease is in the table but nothing
// answers at its address (it died, its lease has not expired): the socket
// is answered 503, and the client retries.
func TestRelayOwnerUnreachable(t *testing.T) {
	a, _, _, table := twoNodes(t, Config{})
	id := a.session("ann", 1)
	dead := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(dead.URL, "http://")
	dead.Close()
	table.mu.Lock()
	table.owner[id], table.address["dead"] = "dead", addr
	table.mu.Unlock()
	if status, _ := a.dialStatus("ann", id, nil); status != http.StatusServiceUnavailable {
		t.Errorf("a socket whose owner is unreachable: %d, want 503", status)
	}
	if a.runner.Live() != 0 {
		t.Error("a hosted a session another node holds")
	}
}

// TestRelayReviewPage: the post-incident review, a page's POST, sent to a
// node that does not host the ended session, is relayed to the one that
// does and stored once, as the trainee's.
func TestRelayReviewPage(t *testing.T) {
	a, _, _, table := twoNodes(t, Config{})
	id := a.session("ann", 1)
	table.hostedOn(id, "b")
	ann := a.join("ann", id)
	ann.ack("end", simulator.Action{Kind: simulator.ActClose, Resolution: "resolved"})
	ann.until(func(m serverMessage) bool { return m.Type == msgEnded })

	res := a.postForm(a.tokens["ann"], "/sessions/"+id+"/review", url.Values{"text": {"I should have asked for the address first."}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "reviewed=1") {
		t.Fatalf("review through a: %s, Location %q; want 303 to the debrief", res.Status, res.Header.Get("Location"))
	}
	reviews := storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvReview })
	for _, e := range reviews {
		if e.Action != nil && e.Action.By != "" && e.Action.By != drillroom.ActorTrainee {
			t.Errorf("the review is recorded as %q, want the trainee's", e.Action.By)
		}
	}
	if len(reviews) != 1 {
		t.Errorf("%d reviews in the log, want 1", len(reviews))
	}
	if a.runner.Live() != 0 {
		t.Error("a hosted the session to take the review")
	}
}

// TestSignedOutOnAnotherNode: a login that ended elsewhere (the
// notification every node gets) closes its sockets with 4001: on the owner,
// the close passes through the relay to the client on the other node (which
// gives the owner a moment before it cuts the tunnel itself); a user's
// logins ending closes that user's sockets, and nobody else's.
func TestSignedOutOnAnotherNode(t *testing.T) {
	a, b, _, table := twoNodes(t, Config{})
	id := a.session("ann", 1)
	table.hostedOn(id, "b")
	ann, tom, cat := joined(a, "ann", id), joined(a, "tom", id), joined(a, "cat", id)

	b.SignedOut(drillroom.Signout{Login: drillroom.LoginHash(a.tokens["ann"])})
	if code := ann.closeCode(); code != closeUnauthorized {
		t.Errorf("ann's relayed socket after her login ended: close %d, want %d", code, closeUnauthorized)
	}
	for _, node := range []*Server{a.server, b} { // every node is told
		node.SignedOut(drillroom.Signout{UserID: a.users["tom"].ID})
	}
	if code := tom.closeCode(); code != closeUnauthorized {
		t.Errorf("tom's relayed socket after his logins ended: close %d, want %d", code, closeUnauthorized)
	}
	cat.send(map[string]any{"type": "ping"})
	if m := cat.until(func(m serverMessage) bool { return m.Type == msgPong }); m.Type != msgPong {
		t.Errorf("cat's socket after others signed out: %+v, want a pong", m)
	}
}

// TestRelayPauseAll: the monitor's "pause all" on node a pauses the board's
// sessions a hosts itself and has every other node that hosts some pause
// theirs: ann's on b and ben's on a each get exactly one trainer's pause,
// as tom's, and neither node hosts the other's session.
func TestRelayPauseAll(t *testing.T) {
	a, _, bRunner, table := twoNodes(t, Config{})
	annID, benID := a.session("ann", 1), a.session("ben", 1)
	table.hostedOn(annID, "b")
	table.hostedOn(benID, "a")
	joined(a, "ann", annID)
	joined(a, "ben", benID)
	a.user("tom")
	if status := a.postAs(a.tokens["tom"], "/monitor/pause-all"); status != http.StatusSeeOther {
		t.Fatalf("pause all on a: %d, want 303", status)
	}
	for _, id := range []string{annID, benID} {
		pauses := storedEvents(t, a.store, id, func(e simulator.Event) bool { return e.Type == simulator.EvPause && byTrainer(e) })
		if len(pauses) != 1 {
			t.Errorf("session %s: %d trainer's pauses, want 1", id, len(pauses))
		}
	}
	if a.runner.Live() != 1 || bRunner.Live() != 1 {
		t.Errorf("live sessions: a %d, b %d; want one each", a.runner.Live(), bRunner.Live())
	}
}
