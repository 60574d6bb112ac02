package web

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// gorilla/websocket writes every message with a write system call of its
// own. A command's answer is several messages at once (its events, then
// its ack), and a drain often sends a few events in a row: corkConn lets a
// socket gather such a run of messages and hand it to the kernel in one
// write, which spares the server a system call per message and the
// client a wake-up per message (docs/performance.md).

// corkConn is the connection under a socket's gorilla Conn. While corked
// (cork, as many times as nested), what gorilla writes is kept; uncork
// (the last) writes it all at once, under the write deadline gorilla set
// for the last message.
type corkConn struct {
	net.Conn
	mu    sync.Mutex // gorilla's writes (from any writer, pings included) and uncork's
	corks int
	buf   *[]byte // the run being gathered; from corkBuffers
}

// corkBuffers holds the runs' buffers between runs: a socket keeps none
// while it does not write.
var corkBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxCorkBuffer is the largest buffer put back in the pool: a resync
// snapshot or a long backlog may make one far larger than a run of events.
const maxCorkBuffer = 64 << 10

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corks == 0 {
		return c.Conn.Write(p)
	}
	if c.buf == nil {
		c.buf = corkBuffers.Get().(*[]byte)
	}
	*c.buf = append(*c.buf, p...)
	return len(p), nil
}

// cork starts (or nests in) a run of messages written together.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corks++
	c.mu.Unlock()
}

// uncork ends a run: the last one writes what was gathered, and returns
// the write's error (gorilla saw none while it was kept).
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corks == 0 {
		return errors.New("websocket: uncork without cork")
	}
	c.corks--
	if c.corks > 0 || c.buf == nil {
		return nil
	}
	b := c.buf
	c.buf = nil
	_, err := c.Conn.Write(*b)
	if cap(*b) <= maxCorkBuffer {
		*b = (*b)[:0]
		corkBuffers.Put(b)
	}
	return err
}

// flush writes what the open run has gathered now, whoever holds the
// cork: the close frame goes out before the connection is closed, even
// while a drain or a command's answer is gathering (the run's own uncork
// then finds nothing left, or a closed connection).
func (c *corkConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return nil
	}
	b := c.buf
	c.buf = nil
	_, err := c.Conn.Write(*b)
	return err
}

// corkingWriter is the handshake's ResponseWriter as the upgrader sees it:
// the connection it hijacks is wrapped in a corkConn.
type corkingWriter struct {
	http.ResponseWriter
	conn *corkConn // set by Hijack
}

func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("websocket: the response cannot be hijacked")
	}
	nc, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: nc}
	return w.conn, brw, nil
}
