package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// Limits of one websocket connection (docs/protocol.md, "Keep-alive and
// deadlines" and "Framing").
const (
	socketReadLimit     = 16 << 10         // bytes per client message; more closes with 1009
	socketPongWait      = 60 * time.Second // silence (not even a pong) after which the peer is dead
	socketPingEvery     = 25 * time.Second // server pings; well inside socketPongWait
	socketWriteWait     = 10 * time.Second // deadline of every write
	defaultCommandRate  = 10.0             // commands per second, sustained
	defaultCommandBurst = 20.0             // commands in a burst
	// DefaultMaxSocketsPerSession and DefaultMaxSocketsPerUser are the
	// socket quotas (Config.MaxSocketsPerSession, MaxSocketsPerUser).
	DefaultMaxSocketsPerSession = 8
	DefaultMaxSocketsPerUser    = 16
	commandAbuse                = 500 // rate-limited commands within abuseWindow before the connection is closed
	abuseWindow                 = 10 * time.Second
)

// newUpgrader returns the server's websocket upgrader: a small read buffer
// and pooled write buffers, compression off (a read limit on compressed frames
// does not bound the inflated size) and our own origin check. The read
// buffer is held by every socket for its whole life, and a client sends
// little: a command with a line of text is a few hundred bytes, and a
// longer message is simply read in more than one go.
func (s *Server) newUpgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   512,
		WriteBufferSize:  4096,
		// A socket holds a write buffer only while it writes a message:
		// thousands of sockets each write a few hundred bytes every few
		// seconds, so a pool serves them all with a few buffers.
		WriteBufferPool:   &sync.Pool{},
		Subprotocols:      []string{Protocol},
		EnableCompression: false,
		CheckOrigin:       s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, http.StatusText(status), status)
		},
	}
}

// checkOrigin accepts a handshake without Origin (not a browser), from the
// server's own origin, or from an origin the operator allowed. Browsers
// attach cookies to cross-site websocket handshakes, so this check is what
// stops a foreign page from riding a trainee's login. The server's own
// origin is compared whole: scheme, host and port. Its scheme is https
// over TLS, or behind a TLS proxy (SecureCookies), else http.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	if s.origins[strings.ToLower(u.Scheme+"://"+u.Host)] {
		return true
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && sameHostPort(u, r.Host, scheme)
}

// sameHostPort compares an origin's host and port with the Host header,
// filling in the scheme's default port on either side.
func sameHostPort(u *url.URL, host, scheme string) bool {
	def := "80"
	if scheme == "https" {
		def = "443"
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = host, def
	}
	op := u.Port()
	if op == "" {
		op = def
	}
	return strings.EqualFold(strings.Trim(h, "[]"), u.Hostname()) && p == op
}

// handleSocket serves GET /ws/sessions/{id}: it authorises the handshake,
// upgrades, and runs the connection until it closes.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		http.Error(w, "This is a websocket endpoint (docs/protocol.md).", http.StatusBadRequest)
		return
	}
	if !s.checkOrigin(r) {
		s.log.Warn("websocket: foreign origin refused", "origin", r.Header.Get("Origin"), "host", r.Host, "remote", r.RemoteAddr)
		http.Error(w, "Origin not allowed.", http.StatusForbidden)
		return
	}
	user, ok := userFrom(r.Context())
	if !ok {
		http.Error(w, "Sign in first.", http.StatusUnauthorized)
		return
	}
	id := chi.URLParam(r, "id")
	// unavailable answers a handshake that failed on our side: the log
	// says what failed, the client is asked to try again.
	unavailable := func(what string, err error) {
		s.log.Error("websocket: "+what, "session", id, "err", err)
		http.Error(w, "Try again shortly.", http.StatusServiceUnavailable)
	}
	// The one access rule: another trainee's session is answered exactly
	// like a missing one.
	x, err := s.svc.Session(r.Context(), user, id)
	if errors.Is(err, drillroom.ErrNotFound) {
		http.Error(w, "No such session.", http.StatusNotFound)
		return
	}
	if err != nil {
		unavailable("look up session", err)
		return
	}
	st, err := s.runner.Status(r.Context(), id)
	if errors.Is(err, runner.ErrElsewhere) {
		// Another node of the deployment hosts it (serve --node): the
		// socket is relayed to that node, which authorizes it again and
		// runs it. If none can be reached (it died and its lease has not
		// run out yet), the client reconnects through the load balancer.
		if s.relay(w, r, user, id) {
			return
		}
		http.Error(w, "Try again shortly.", http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		unavailable("host session", err)
		return
	}
	d, err := s.runner.Drill(r.Context(), x.ScenarioID, x.Version)
	if err != nil {
		unavailable("load drill", err)
		return
	}
	vocab, err := s.vocabs.of(d)
	if err != nil {
		unavailable("vocabulary", err)
		return
	}
	c := &socket{
		srv: s, user: user, session: x, sessionID: id, login: loginTokenFrom(r.Context()),
		trainee: user.Role == drillroom.RoleTrainee,
		quit:    make(chan struct{}),
		shut:    make(chan struct{}),
		tokens:  s.cfg.CommandBurst,
	}
	if err := s.track(c); err != nil {
		s.log.Warn("websocket: refused", "session", id, "user", user.Username, "err", err)
		status, msg := statusFor(err)
		http.Error(w, msg, status)
		return
	}
	cw := &corkingWriter{ResponseWriter: w}
	conn, err := s.upgrader.Upgrade(cw, r, nil)
	if err != nil {
		s.untrack(c)
		return // the upgrader has answered
	}
	c.conn, c.nc = conn, cw.conn
	s.metrics.socketsOpen.Add(1)
	s.metrics.socketsTotal.Add(1)
	s.log.Info("websocket: connected", "session", id, "user", user.Username, "role", user.Role)
	// The connection is ours now: it is read on a goroutine of its own and
	// the handler returns, so that net/http lets go of the connection's
	// 4 KB read and write buffers and of the handler's deep stack, which a
	// socket would otherwise keep for its whole life (docs/performance.md).
	// It needs nothing of the request's context (the socket holds its user,
	// session and login), so it keeps none of it: the request's chain of
	// contexts and values would stay for the socket's whole life.
	// Server.Close ends the socket.
	go func() {
		defer s.untrack(c)
		defer s.metrics.socketsOpen.Add(-1)
		c.run(context.Background(), st, vocab)
		s.log.Info("websocket: closed", "session", id, "user", user.Username, "code", c.code)
	}()
}

// track registers a connection so that Close can end it. It refuses one
// beyond the quotas of sockets per session and per user (ErrLimited), and
// any when the server is closing (ErrUnavailable).
func (s *Server) track(c *socket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return drillroom.Errorf(drillroom.CodeUnavailable, "The server is shutting down.")
	}
	perSession, perUser := 0, 0
	for o := range s.sockets {
		if o.sessionID == c.sessionID {
			perSession++
		}
		if o.user.ID == c.user.ID {
			perUser++
		}
	}
	maxUser := s.cfg.MaxSocketsPerUser
	if c.user.Role == drillroom.RoleTrainer {
		maxUser += monitorLimit // the monitor's board follows each live session on its own socket
	}
	switch {
	case perSession >= s.cfg.MaxSocketsPerSession:
		return drillroom.Errorf(drillroom.CodeLimited, "This session already has %d connections open.", perSession)
	case perUser >= maxUser:
		return drillroom.Errorf(drillroom.CodeLimited, "You already have %d connections open; close a tab.", perUser)
	}
	s.sockets[c] = struct{}{}
	s.wg.Add(1)
	return nil
}

// closeLogin ends every websocket opened with a login token, with 4001:
// signing out must not leave a console working until the next heartbeat.
func (s *Server) closeLogin(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.sockets {
		if c.login == token {
			c.stop(closeUnauthorized, "signed out")
		}
	}
}

// closeUser ends every websocket of a user, with 4001: an administrator
// disabled the account or reset its password, which ended its logins.
func (s *Server) closeUser(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.sockets {
		if c.user.ID == userID {
			c.stop(closeUnauthorized, "signed out by an administrator")
		}
	}
}

// SignedOut closes this server's websockets of logins that ended elsewhere
// (another node of the deployment, an administrator, the command line),
// with 4001, as a sign-out here does: a deployment of several nodes calls
// it for every notification of an ended login.
func (s *Server) SignedOut(so drillroom.Signout) {
	if so.UserID != 0 {
		s.closeUser(so.UserID)
	}
	if len(so.Login) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.sockets {
		if c.login != "" && bytes.Equal(drillroom.LoginHash(c.login), so.Login) {
			c.stop(closeUnauthorized, "signed out")
		}
	}
}

func (s *Server) untrack(c *socket) {
	s.mu.Lock()
	delete(s.sockets, c)
	s.mu.Unlock()
	s.wg.Done()
}

// socket is one websocket connection. One goroutine reads, and writes
// the answers to what it read. Nothing waits for events: the runner calls
// kick when it has queued some, and a goroutine started then writes them
// and ends (drain); a timer sends the pings. The writers take turns
// through wmu (gorilla allows one writer at a time).
type socket struct {
	srv       *Server
	conn      *websocket.Conn
	nc        *corkConn // under conn: runs of messages written at once
	user      drillroom.User
	login     string            // the login token, re-checked at every heartbeat
	session   drillroom.Session // as loaded at the handshake: its owner never changes
	sessionID string
	trainee   bool

	wmu     sync.Mutex    // one writer at a time
	quit    chan struct{} // closed by stop
	once    sync.Once
	code    int           // close code sent when stopping; 0: none (the peer is gone)
	text    string        // close reason
	shut    chan struct{} // closed when closeConn has closed the connection
	running atomic.Bool   // run has begun: conn is set
	closing sync.Once

	active   atomic.Bool // a command arrived since the last heartbeat (the login check clears it)
	checking atomic.Bool // a heartbeat's login check is running
	pinger   *time.Timer // the next heartbeat

	// The events: the reader sends the subscription's start, then sets
	// live; from then on one drain at a time sends what is queued. While
	// the reader applies a command (acting), a kick starts no drain: the
	// reader sends the command's events itself, with its ack.
	events   <-chan *simulator.Event
	live     atomic.Bool
	draining atomic.Bool
	pending  atomic.Bool // kicked since the running drain last looked
	acting   atomic.Bool

	// Owned by the reader.
	resumed   bool
	sub       *runner.Subscription
	tokens    float64
	last      time.Time
	abuse     int       // rate-limited commands since abuseFrom
	abuseFrom time.Time // start of the current abuse window

	// Owned by whoever sends events: the reader until live, then the
	// drain that runs.
	prev     int64 // seq of the last event sent
	endSent  bool
	writeErr error
}

// stop closes the connection, with code (0: just drop it): the reader
// notices, and ends the rest. A connection not running yet (still being
// upgraded) is closed as soon as it runs.
func (c *socket) stop(code int, text string) {
	c.once.Do(func() {
		c.code, c.text = code, text
		close(c.quit)
	})
	if c.running.Load() {
		c.closeConn()
	}
}

// closeConn sends the close frame, if stop gave a code, and closes the
// connection, once, off the caller's goroutine (stop is called under the
// server's lock).
func (c *socket) closeConn() {
	c.closing.Do(func() {
		go func() {
			defer close(c.shut)
			c.closeFrame()
			c.nc.flush()   // the close frame, if a run is gathering
			c.conn.Close() // unblocks the reader
		}()
	})
}

// shutdown is Server.Close's way to end the connection: going away, so the
// client reconnects (to the restarted server) with back-off.
func (c *socket) shutdown() { c.stop(websocket.CloseGoingAway, "server shutting down") }

func (c *socket) run(ctx context.Context, st runner.Status, vocab json.RawMessage) {
	c.running.Store(true)
	select {
	case <-c.quit: // stopped while being upgraded
		c.closeConn()
	default:
	}
	c.pinger = time.AfterFunc(time.Hour, c.ping) // armed once assigned: ping resets it
	c.pinger.Reset(c.srv.heartbeat)
	state := drillroom.StateLive
	if st.Ended {
		state = drillroom.StateEnded
	}
	c.send(helloMessage{
		Type: msgHello, Protocol: Protocol, Role: string(c.user.Role),
		Session: helloSession{ID: st.Session.ID, Scenario: st.Session.ScenarioID, Title: st.Title, Mode: st.Session.Mode, State: state},
		Clock:   st.Clock, LastSeq: st.LastSeq, HeartbeatMs: c.srv.heartbeat.Milliseconds(),
		Vocabulary: vocab, Limits: protocolLimits(c.srv.cfg),
	})
	c.readLoop(ctx)
	c.stop(0, "") // the reader has said why, or a writer has
	c.pinger.Stop()
	<-c.shut
	if c.sub != nil {
		c.sub.Close()
	}
}

// send writes a message of the reader's (hello, a command's answer, an
// error, a pong) itself, under the lock the writer goroutine also takes:
// an ack goes out as soon as its command is committed, without a hand-over
// to the writer. A client that does not read makes the write wait for the
// whole write deadline: it is then closed as slow, and the reader, and
// with it the client's next command, has waited with it.
func (c *socket) send(msg any) {
	b, err := json.Marshal(msg)
	if err != nil {
		c.srv.log.Error("websocket: encode", "err", err)
		c.stop(websocket.CloseInternalServerErr, "internal error")
		return
	}
	c.wmu.Lock()
	c.conn.SetWriteDeadline(time.Now().Add(socketWriteWait))
	err = c.conn.WriteMessage(websocket.TextMessage, b)
	c.wmu.Unlock()
	c.sent(err)
}

// sent handles the outcome of a write of the reader's.
func (c *socket) sent(err error) {
	var ne net.Error
	switch {
	case err == nil:
	case errors.As(err, &ne) && ne.Timeout():
		c.srv.metrics.socketsDropped.Add(1)
		c.stop(closeSlow, "too slow")
	default:
		c.stop(0, "") // the connection broke
	}
}

// answer sends a command's answer: the events it published (those no
// drain has sent yet), then msg, in one write.
func (c *socket) answer(msg any) {
	c.acting.Store(false)
	c.nc.cork()
	if c.live.Load() && c.pending.Load() && c.draining.CompareAndSwap(false, true) {
		c.drain()
	}
	c.send(msg)
	c.sent(c.nc.uncork())
}

func (c *socket) readLoop(ctx context.Context) {
	c.conn.SetReadLimit(socketReadLimit)
	c.conn.SetReadDeadline(time.Now().Add(c.srv.pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(c.srv.pongWait))
	})
	for {
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, websocket.ErrReadLimit):
				// gorilla has already sent close 1009.
				c.srv.log.Warn("websocket: message too big", "session", c.sessionID, "user", c.user.Username)
				c.stop(0, "")
			case errors.As(err, &ne) && ne.Timeout():
				// Nothing, not even a pong, for socketPongWait: the
				// client may be alive behind a stalled network, so the
				// close says "reconnect", never 1000.
				c.stop(closeIdle, "nothing received for 60 s; reconnect and resume")
			default:
				// The client closed (gorilla has answered its close
				// frame) or the connection broke: nothing to send.
				c.stop(0, "")
			}
			return
		}
		c.conn.SetReadDeadline(time.Now().Add(c.srv.pongWait))
		if typ != websocket.TextMessage {
			c.stop(websocket.ClosePolicyViolation, "binary frames are not part of "+Protocol)
			return
		}
		m, perr := decodeClientMessage(data)
		switch {
		case perr != nil && perr.id != "":
			c.srv.metrics.commandsRejected.Add(1)
			c.send(rejectMessage{Type: msgReject, ID: perr.id, Code: perr.code, Reason: perr.reason})
			continue
		case perr != nil:
			c.send(errorMessage{Type: msgError, Code: perr.code, Reason: perr.reason})
			continue
		}
		switch m.Type {
		case msgPing:
			c.send(pongMessage{Type: msgPong})
		case msgResume:
			if !c.resume(ctx, m) {
				return
			}
		case msgCommand:
			if !c.command(ctx, m) {
				return
			}
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// resume subscribes the connection to the session and hands the
// subscription to the writer. It returns false when the connection must end.
func (c *socket) resume(ctx context.Context, m clientMessage) bool {
	if c.resumed {
		c.send(errorMessage{Type: msgError, Code: codeBadMessage, Reason: "resume was already sent on this connection"})
		return true
	}
	trainee := c.trainee
	sub, err := c.srv.runner.Subscribe(ctx, c.sessionID, runner.SubscribeOptions{
		AfterSeq: m.LastSeq,
		Resync:   m.Resync,
		Trainee:  trainee,
		Notify:   c.kick,
		Snapshot: func(e *simulator.Engine, log []simulator.Event) any {
			if trainee {
				v := e.TraineeView()
				v.Events = simulator.TraineeEvents(log)
				return v
			}
			return e.Snapshot()
		},
	})
	if err != nil {
		c.srv.log.Error("websocket: subscribe", "session", c.sessionID, "err", err)
		c.stop(closeFor(err))
		return false
	}
	c.resumed, c.sub = true, sub
	c.events = sub.Events()
	c.nc.cork() // the backlog or the snapshot goes out in one write
	c.start(sub)
	if err := c.nc.uncork(); err != nil {
		c.writeErr = err
		c.sent(err)
		return false
	}
	c.live.Store(true)
	c.kick() // what was published meanwhile
	return true
}

// command applies one client command and answers it. It returns false when
// the connection must end.
func (c *socket) command(ctx context.Context, m clientMessage) bool {
	start := time.Now()
	reject := func(code, reason string, seq int64) {
		c.srv.metrics.commandsRejected.Add(1)
		c.srv.metrics.observeAck(time.Since(start))
		c.answer(rejectMessage{Type: msgReject, ID: m.ID, Code: code, Reason: reason, Seq: seq})
	}
	c.active.Store(true)
	if !c.resumed {
		reject(codeBadMessage, "send resume before commands", 0)
		return true
	}
	if !c.allow(start) {
		// Rate-limited commands are counted per abuseWindow: a client that
		// sends a burst and then waits is answered, one that keeps
		// hammering far beyond the limit is closed.
		if start.Sub(c.abuseFrom) > abuseWindow {
			c.abuseFrom, c.abuse = start, 0
		}
		c.abuse++
		if c.abuse > commandAbuse {
			c.srv.log.Warn("websocket: command flood", "session", c.sessionID, "user", c.user.Username)
			c.stop(websocket.ClosePolicyViolation, "too many commands")
			return false
		}
		reject(codeRateLimited, "too many commands; retry shortly with the same id", 0)
		return true
	}
	c.acting.Store(true)
	res, err := c.srv.svc.Act(ctx, c.user, c.session, m.ID, *m.Action)
	if err != nil {
		code, reason := rejectFor(err)
		if code == codeUnavailable {
			c.srv.log.Error("websocket: command", "session", c.sessionID, "cmd", m.ID, "err", err)
			reason = "the command could not be stored and was not applied; retry with the same id"
		}
		reject(code, reason, 0)
		if errors.Is(err, runner.ErrClosed) {
			c.stop(closeFor(err))
			return false
		}
		return true
	}
	if !res.Applied() {
		reject(res.Code, res.Reason, res.Seq)
		return true
	}
	c.srv.metrics.commandsAcked.Add(1)
	c.srv.metrics.observeAck(time.Since(start))
	c.answer(ackMessage{Type: msgAck, ID: m.ID, FirstSeq: res.FirstSeq, LastSeq: res.LastSeq})
	return true
}

// allow takes a token from the connection's command bucket.
func (c *socket) allow(now time.Time) bool {
	if !c.last.IsZero() {
		c.tokens = min(c.srv.cfg.CommandBurst, c.tokens+now.Sub(c.last).Seconds()*c.srv.cfg.CommandRate)
	}
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// kick has the events queued on the subscription sent: by the drain that
// runs, or by one started now. The runner calls it after queueing events
// and after dropping the subscription.
func (c *socket) kick() {
	c.pending.Store(true)
	if !c.live.Load() {
		return // the reader sends the start, then kicks
	}
	if c.acting.Load() {
		return // the reader sends them with the command's answer
	}
	if c.draining.CompareAndSwap(false, true) {
		go c.drain()
	}
}

// drain sends the queued events, then ends; a kick while it looked is not
// lost (pending). It runs with draining set: on a goroutine of its own
// (kick) or on the reader's (answer).
func (c *socket) drain() {
	for {
		c.pending.Store(false)
		if !c.drainQueued() {
			return // no drain after this one
		}
		c.draining.Store(false)
		if !c.pending.Load() || !c.draining.CompareAndSwap(false, true) {
			return
		}
	}
}

// drainQueued sends what is queued now, in one write; false when the
// connection is to end.
func (c *socket) drainQueued() bool {
	c.nc.cork()
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				c.nc.uncork()
				c.dropped(c.sub.Err())
				return false
			}
			c.event(*e)
			if c.writeErr != nil {
				c.nc.uncork()
				c.stop(0, "") // the connection is broken
				return false
			}
			continue
		default:
		}
		break
	}
	if err := c.nc.uncork(); err != nil {
		c.writeErr = err
		c.stop(0, "") // the connection is broken
		return false
	}
	return true
}

// ping sends the heartbeat and checks the login, every Server.heartbeat
// until the connection stops.
func (c *socket) ping() {
	select {
	case <-c.quit:
		return
	default:
	}
	// The login is checked on a goroutine of its own, so that a database
	// query's deep stack is not kept by a socket's goroutine.
	if c.checking.CompareAndSwap(false, true) {
		go func() {
			defer c.checking.Store(false)
			if !c.loggedIn() {
				c.stop(closeUnauthorized, "signed out")
			}
		}()
	}
	if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(socketWriteWait)); err != nil {
		c.stop(0, "")
		return
	}
	c.pinger.Reset(c.srv.heartbeat)
}

// loggedIn re-checks the connection's login, so that signing out (or the
// login expiring) also ends the websockets it opened. A database error is
// not a sign-out: the connection stays.
func (c *socket) loggedIn() bool {
	ctx, cancel := context.WithTimeout(context.Background(), socketWriteWait)
	defer cancel()
	// A command since the last heartbeat is a use of the login; pings and
	// an open console alone are not, so a forgotten tab does not keep a
	// login alive past the idle timeout.
	_, err := c.srv.store.SeenLogin(ctx, c.login, max(c.srv.cfg.LoginIdleTimeout, 0), c.active.Swap(false))
	return !errors.Is(err, drillroom.ErrUnauthorized)
}

func (c *socket) write(b []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(socketWriteWait))
	c.writeErr = c.conn.WriteMessage(websocket.TextMessage, b)
}

func (c *socket) writeJSON(msg any) {
	b, err := json.Marshal(msg)
	if err != nil {
		c.writeErr = err
		return
	}
	c.write(b)
}

func (c *socket) closeFrame() {
	if c.code != 0 {
		msg := websocket.FormatCloseMessage(c.code, c.text)
		c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(socketWriteWait))
	}
}

// start sends what a new subscription begins with: a resync snapshot or
// the missed events, then ended if the call is over.
func (c *socket) start(sub *runner.Subscription) {
	if sub.ResyncReason != "" {
		c.writeJSON(resyncMessage{Type: msgResync, Reason: sub.ResyncReason, LastSeq: sub.LastSeq, Clock: sub.Clock, Snapshot: sub.Snapshot})
		c.prev = sub.LastSeq
	} else {
		c.prev = min(sub.AfterSeq, sub.LastSeq)
		for _, e := range sub.Backlog {
			c.event(e)
		}
	}
	// Sent: the subscription lives as long as the socket, its backlog
	// need not.
	sub.Backlog, sub.Snapshot = nil, nil
	if sub.Ended && !c.endSent {
		c.endSent = true
		c.writeJSON(endedMessage{Type: msgEnded, Ending: sub.Ending, Kind: sub.EndKind, LastSeq: sub.LastSeq})
	}
}

// event sends one event as the connection's role may see it.
func (c *socket) event(e simulator.Event) {
	out := e
	if c.trainee {
		var ok bool
		if out, ok = e.ForTrainee(); !ok {
			return
		}
	}
	c.writeJSON(eventMessage{Type: msgEvent, Seq: e.Seq, Prev: c.prev, T: e.T, Event: out})
	c.prev = e.Seq
	if e.Type == simulator.EvEnd && !c.endSent {
		c.endSent = true
		c.writeJSON(endedMessage{Type: msgEnded, Ending: e.ID, Kind: e.Reason, LastSeq: e.Seq})
	}
}

// dropped ends the connection after the runner dropped its subscription.
func (c *socket) dropped(err error) {
	if errors.Is(err, runner.ErrSlow) {
		c.srv.metrics.socketsDropped.Add(1)
	}
	c.stop(closeFor(err))
}
