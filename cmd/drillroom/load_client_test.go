package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/simulator"
)

// The load generator's client side: one websocket per participant and
// session, speaking drillroom.v1 (docs/protocol.md) as a program someone
// else wrote would, and recording what it needs to judge the server: when
// every event arrived, every command's answer, every break in the prev
// chain.

// sources spreads outgoing connections over loopback addresses
// (127.0.1.1, 127.0.1.2, ...), at most perSource each: the server caps the
// connections of one address (serve --max-conns-per-addr, 256 by default)
// and one source address has only ~28,000 ephemeral ports.
type sources struct {
	mu        sync.Mutex
	n         int
	perSource int
}

func (s *sources) next() net.IP {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.n / s.perSource
	s.n++
	return net.IPv4(127, 0, byte(1+i/250), byte(1+i%250))
}

// dialer returns a websocket dialer bound to one source address, with
// small buffers: a drill's messages are small and thousands of sockets
// share the client's memory.
func (s *sources) dialer() *websocket.Dialer {
	src := s.next()
	return &websocket.Dialer{
		HandshakeTimeout: 30 * time.Second,
		ReadBufferSize:   2048,
		WriteBufferSize:  1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}}
			return d.DialContext(ctx, network, addr)
		},
	}
}

// received is one event as a socket got it.
type received struct {
	seq, t int64
	at     time.Time
}

// ackRange is one acknowledged (or refused) command's events.
type ackRange struct {
	first, last int64
}

// timedConn is what both kinds of load client (a drill's participant and
// the floor's connection) keep of their websocket: when each command was
// sent, when its answer arrived, and why the reader stopped. mu guards
// these and the fields of the client that embeds it.
type timedConn struct {
	conn       *websocket.Conn
	mu         sync.Mutex
	sent       map[string]time.Time
	answered   map[string]time.Time
	readErr    error // why the reader stopped
	closedByUs bool
	done       chan struct{} // closed when the reader has stopped
}

func newTimedConn(conn *websocket.Conn) *timedConn {
	return &timedConn{conn: conn, sent: map[string]time.Time{}, answered: map[string]time.Time{}, done: make(chan struct{})}
}

// readLoop reads messages, each with the moment it arrived, until the
// connection fails or handle refuses one; it keeps why in readErr.
func (c *timedConn) readLoop(handle func(b []byte, now time.Time) error) {
	defer close(c.done)
	for {
		_, b, err := c.conn.ReadMessage()
		now := time.Now()
		if err == nil {
			err = handle(b, now)
		}
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			c.mu.Unlock()
			return
		}
	}
}

// send writes one command with the given id and notes when it left. Only
// one goroutine writes to a connection.
func (c *timedConn) send(id string, body []byte) error {
	c.mu.Lock()
	c.sent[id] = time.Now()
	c.mu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.conn.WriteMessage(websocket.TextMessage, body)
}

// unanswered is how many commands have no answer yet.
func (c *timedConn) unanswered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent) - len(c.answered)
}

// hangUp ends the connection as a client leaving does, with reason in the
// close frame, and waits for the reader.
func (c *timedConn) hangUp(reason string) {
	c.mu.Lock()
	c.closedByUs = true
	c.mu.Unlock()
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, reason), time.Now().Add(time.Second))
	c.conn.Close()
	<-c.done
}

// dropped says whether the connection ended before the load generator
// closed it.
func (c *timedConn) dropped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readErr != nil && !c.closedByUs
}

// answerTimes returns the send-to-answer times of the commands sent
// within [from, to] that were answered, and how many of all the commands
// sent have no answer.
func (c *timedConn) answerTimes(from, to time.Time) (out []time.Duration, unanswered int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, at := range c.sent {
		got, ok := c.answered[id]
		if !ok {
			unanswered++
			continue
		}
		if !at.Before(from) && !at.After(to) {
			out = append(out, got.Sub(at))
		}
	}
	return out, unanswered
}

// loadSocket is one participant's connection to one session: the trainee
// (who acts) or an observer (a trainer, who watches).
type loadSocket struct {
	session string
	trainee bool
	*timedConn

	// Set before the reader starts.
	helloSeq   int64     // last_seq of hello: events up to it are backlog
	scale      float64   // the session clock's scale at hello
	resumeSent time.Time // the clock starts when the server handles resume

	// Guarded by mu.
	prev     int64
	events   []received
	gaps     int                 // events whose prev was not the last seq received
	ranges   map[string]ackRange // per answered command, its events
	rejected map[string]string   // code of each rejected command
	actionT  map[int64]int64     // the action event of each command: seq -> t
	ended    bool
}

// dialSession opens a participant's socket, reads hello and sends resume
// from 0, as a new client does.
func dialSession(ctx context.Context, d *websocket.Dialer, base, sessionID, cookie string, trainee bool) (*loadSocket, error) {
	hdr := http.Header{"Cookie": {cookie}}
	url := "ws" + strings.TrimPrefix(base, "http") + "/ws/sessions/" + sessionID
	conn, resp, err := d.DialContext(ctx, url, hdr)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: %w (HTTP %s)", sessionID, err, resp.Status)
		}
		return nil, fmt.Errorf("dial %s: %w", sessionID, err)
	}
	s := &loadSocket{session: sessionID, trainee: trainee, timedConn: newTimedConn(conn),
		ranges: map[string]ackRange{}, rejected: map[string]string{}, actionT: map[int64]int64{}}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	var hello struct {
		Type    string `json:"type"`
		LastSeq int64  `json:"last_seq"`
		Clock   struct {
			Scale float64 `json:"scale"`
		} `json:"clock"`
	}
	if err := conn.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		conn.Close()
		return nil, fmt.Errorf("hello of %s: %q %v", sessionID, hello.Type, err)
	}
	conn.SetReadDeadline(time.Time{})
	s.helloSeq, s.scale = hello.LastSeq, hello.Clock.Scale
	if s.scale <= 0 {
		s.scale = 1
	}
	s.resumeSent = time.Now()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"resume","last_seq":0}`)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("resume %s: %w", sessionID, err)
	}
	go s.readLoop(s.handle)
	return s, nil
}

// serverMsg is the part of a server message the load generator reads.
type serverMsg struct {
	Type     string `json:"type"`
	Seq      int64  `json:"seq"`
	Prev     int64  `json:"prev"`
	T        int64  `json:"t"`
	ID       string `json:"id"`
	FirstSeq int64  `json:"first_seq"`
	LastSeq  int64  `json:"last_seq"`
	Code     string `json:"code"`
	Event    struct {
		Type   string `json:"type"`
		Action *struct {
			Cmd string `json:"cmd"`
		} `json:"action"`
	} `json:"event"`
}

// handle records one server message that arrived at now.
func (s *loadSocket) handle(b []byte, now time.Time) error {
	var m serverMsg
	if err := decodeServerMsg(b, &m); err != nil {
		return fmt.Errorf("undecodable message %.80q: %w", b, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m.Type {
	case "event":
		if m.Prev != s.prev {
			s.gaps++
		}
		s.prev = m.Seq
		s.events = append(s.events, received{seq: m.Seq, t: m.T, at: now})
		if m.Event.Type == string(simulator.EvAction) && m.Event.Action != nil && m.Event.Action.Cmd != "" {
			s.actionT[m.Seq] = m.T
		}
	case "ack":
		s.answered[m.ID] = now
		s.ranges[m.ID] = ackRange{m.FirstSeq, m.LastSeq}
	case "reject":
		if _, seen := s.answered[m.ID]; !seen {
			s.answered[m.ID] = now
			s.rejected[m.ID] = m.Code
			if m.Seq > 0 {
				s.ranges[m.ID] = ackRange{m.Seq, m.Seq}
			}
		}
	case "ended":
		s.ended = true
	case "resync":
		s.gaps++ // a new client resuming from 0 is never resynced
	}
	return nil
}

// command sends one command with a fresh id; the answer is recorded by the
// reader. Only the session's driver goroutine writes after resume.
func (s *loadSocket) command(id string, a simulator.Action) error {
	b, err := json.Marshal(map[string]any{"type": "command", "id": id, "action": a})
	if err != nil {
		return err
	}
	return s.send(id, b)
}

// close ends the connection as a client leaving does.
func (s *loadSocket) close() { s.hangUp("load test over") }

// clockStart bounds, from below, the real time at which the session's
// virtual time 0 passed: not before resume was sent, and not before any
// of the trainee's commands was sent minus the virtual time the server
// stamped on its action. Lateness measured from it is an upper bound.
func (s *loadSocket) clockStart() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := s.resumeSent
	for id, r := range s.ranges {
		t, ok := s.actionT[r.first]
		if !ok {
			continue
		}
		if at := s.sent[id].Add(-s.virtual(t)); at.After(start) {
			start = at
		}
	}
	return start
}

// virtual converts virtual milliseconds to real time at the session's scale.
func (s *loadSocket) virtual(ms int64) time.Duration {
	return time.Duration(float64(ms) / s.scale * float64(time.Millisecond))
}

// timed returns the lateness of every timed event (one the session's
// clock fired, not a command's immediate result) that arrived within
// [from, to]: its arrival minus the real moment its virtual time passed.
// An event is a command's own when it lies within the command's answered
// range and carries the virtual time of the command's action; events
// before the first one resume returned (the backlog) are not live.
func (s *loadSocket) timed(from, to time.Time) []time.Duration {
	start := s.clockStart()
	s.mu.Lock()
	defer s.mu.Unlock()
	own := map[int64]bool{}
	for _, r := range s.ranges {
		t, ok := s.actionT[r.first]
		for seq := r.first; seq <= r.last; seq++ {
			own[seq] = true
		}
		if !ok {
			continue
		}
		// Timers that fell due before the action and that the action's
		// apply fired first are timed events inside the range.
		for _, e := range s.events {
			if e.seq >= r.first && e.seq <= r.last && e.t < t {
				own[e.seq] = false
			}
		}
	}
	var out []time.Duration
	for _, e := range s.events {
		if e.seq <= s.helloSeq || own[e.seq] || e.at.Before(from) || e.at.After(to) {
			continue
		}
		out = append(out, e.at.Sub(start.Add(s.virtual(e.t))))
	}
	return out
}
