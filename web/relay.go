package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/gorilla/websocket"
)

// Nodes finds the node of a deployment of several (serve --node) that hosts
// a session, so that a socket (or a request) for it that lands on another
// node is relayed there. *postgres.Store satisfies it.
type Nodes interface {
	// SessionOwner returns the node holding the session's live lease, with
	// the address to reach it at; drillroom.ErrNotFound when none does.
	SessionOwner(ctx context.Context, sessionID string) (drillroom.Node, error)
}

// relayHeader marks a request one node relayed to another, with the
// relaying node's name. A relayed request is never relayed again: if the
// session moved meanwhile, the client is told to reconnect (503).
const relayHeader = "Drillroom-Relayed-By"

// relayDialTimeout bounds the connection to the owner: a dead owner whose
// lease has not expired yet refuses at once or not at all, and the client
// retries while its lease runs out.
const relayDialTimeout = 3 * time.Second

// relayCloseGrace is how long a relaying node that must end a tunnel (a
// sign-out, its own shutdown) waits for the owner to close it properly.
const relayCloseGrace = 2 * time.Second

func newRelayTransport() *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: relayDialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		ResponseHeaderTimeout: socketWriteWait,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
	}
}

// relay hands a request for a session that another node hosts to that node,
// as it came: the owner authenticates and authorizes it exactly as if the
// client had reached it directly (the same login cookie on the same
// database, the same Origin against the same Host, its own quotas), and a
// websocket handshake becomes a byte-for-byte tunnel from the client to the
// owner, which runs the protocol. The caller has already authorized the
// request here, so only a user who may see the session learns where it is.
//
// The tunnel counts against this node's socket quotas like a socket of its
// own, and ends when the user signs out here (closeLogin, closeUser) or
// the server closes: the client then reconnects. It returns false, having
// answered nothing, when no other node hosts the session (the caller
// answers 503: try again).
func (s *Server) relay(w http.ResponseWriter, r *http.Request, user drillroom.User, sessionID string) bool {
	if s.cfg.Nodes == nil || r.Header.Get(relayHeader) != "" {
		return false
	}
	owner, err := s.cfg.Nodes.SessionOwner(r.Context(), sessionID)
	if err != nil || owner.Name == s.cfg.Node {
		s.log.Info("relay: no other node hosts the session", "session", sessionID, "err", err)
		return false
	}
	c := &socket{srv: s, user: user, sessionID: sessionID, login: loginTokenFrom(r.Context()),
		trainee: user.Role == drillroom.RoleTrainee, quit: make(chan struct{})}
	if websocket.IsWebSocketUpgrade(r) {
		if err := s.track(c); err != nil {
			s.log.Warn("relay: refused", "session", sessionID, "user", user.Username, "err", err)
			status, msg := statusFor(err)
			http.Error(w, msg, status)
			return true
		}
		defer s.untrack(c)
	}
	rw := &relayWriter{ResponseWriter: w, quit: c.quit, open: &s.metrics.relaysOpen}
	defer func() {
		if rw.hijacked() {
			s.metrics.relaysOpen.Add(-1)
		}
	}()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-c.quit:
		case <-done:
			return
		}
		// The owner ends the socket too when a login ends (every node is
		// told): its close frame, say 4001 signed out, comes through the
		// tunnel if it is given a moment; only then is the tunnel cut.
		select {
		case <-done:
		case <-time.After(relayCloseGrace):
			rw.close()
		}
	}()
	target := &url.URL{Scheme: "http", Host: owner.Address}
	proxy := &httputil.ReverseProxy{
		Transport: s.relayTransport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// The owner checks the Origin against the Host the client
			// used, as this node did.
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
			pr.Out.Header.Set(relayHeader, s.cfg.Node)
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.log.Warn("relay: owner unreachable", "session", sessionID, "node", owner.Name, "address", owner.Address, "err", err)
			if !rw.hijacked() {
				http.Error(w, "Try again shortly.", http.StatusServiceUnavailable)
			}
		},
	}
	s.metrics.socketsRelayed.Add(1)
	s.log.Info("relay: to the session's node", "session", sessionID, "user", user.Username, "node", owner.Name)
	proxy.ServeHTTP(rw, r)
	return true
}

// relayRequest relays an ordinary request whose form this node has already
// read (a page's POST for a session another node hosts): the form is sent
// on as the body.
func (s *Server) relayRequest(w http.ResponseWriter, r *http.Request, user drillroom.User, sessionID string) bool {
	if r.PostForm != nil {
		body := r.PostForm.Encode()
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return s.relay(w, r, user, sessionID)
}

// relayWriter lets the relay close the client's side of a tunnel: the
// reverse proxy hijacks the connection through it.
type relayWriter struct {
	http.ResponseWriter
	quit <-chan struct{}
	open *atomic.Int64 // the relays open, counted once hijacked

	mu   sync.Mutex
	conn net.Conn
}

// Hijack hands the client's connection to the reverse proxy, without the
// HTTP server's deadlines (a tunnel lives as long as its websocket), and
// keeps it so that close can end the tunnel.
func (w *relayWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	conn.SetDeadline(time.Time{})
	w.mu.Lock()
	w.conn = conn
	w.mu.Unlock()
	w.open.Add(1)
	select {
	case <-w.quit:
		conn.Close()
	default:
	}
	return conn, brw, nil
}

func (w *relayWriter) hijacked() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.conn != nil
}

// close ends the tunnel: the proxy's copy from the client fails, and it
// closes the owner's side too.
func (w *relayWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close()
	}
}

// Unwrap lets http.ResponseController reach the server's writer (Flush).
func (w *relayWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// relayEach sends a copy of a page's POST (its form as the body) to every
// other node that hosts one of sessionIDs, once per node and marked as
// relayed, so that each applies it to the sessions it hosts (the monitor's
// "pause all"). The owners authorize it again. It returns how many nodes
// could not be reached or refused it.
func (s *Server) relayEach(r *http.Request, sessionIDs []string) (failed int) {
	if s.cfg.Nodes == nil || r.Header.Get(relayHeader) != "" {
		return 0
	}
	addrs := map[string]string{} // node -> address
	for _, id := range sessionIDs {
		o, err := s.cfg.Nodes.SessionOwner(r.Context(), id)
		if err != nil || o.Name == s.cfg.Node {
			continue // moved meanwhile: it is no longer live elsewhere, or it is here now
		}
		addrs[o.Name] = o.Address
	}
	body := r.PostForm.Encode()
	hc := &http.Client{Transport: s.relayTransport, Timeout: socketWriteWait,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for node, addr := range addrs {
		out, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+addr+r.URL.RequestURI(), strings.NewReader(body))
		if err != nil {
			failed++
			continue
		}
		out.Header = r.Header.Clone()
		out.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		out.Header.Del("Content-Length")
		out.Header.Set(relayHeader, s.cfg.Node)
		out.Host = r.Host // the owner checks the Origin against it
		res, err := hc.Do(out)
		if err != nil {
			s.log.Warn("relay: node unreachable", "node", node, "address", addr, "err", err)
			failed++
			continue
		}
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if res.StatusCode >= 400 {
			s.log.Warn("relay: node refused", "node", node, "status", res.StatusCode)
			failed++
			continue
		}
		s.metrics.socketsRelayed.Add(1)
	}
	return failed
}
