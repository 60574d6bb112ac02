package web

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// The HTTP server's defaults (Config.ReadHeaderTimeout and the rest). A
// request must send its headers within 5 s and its whole body within
// 30 s; an answer must be written within 60 s; a keep-alive connection
// with no request is closed after 2 minutes. Websockets clear these
// deadlines when they upgrade and keep their own (docs/protocol.md).
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	// DefaultMaxConnsPerAddr is how many connections one client address
	// may hold open at once: a classroom behind one NAT is a few hundred
	// (each browser holds up to six, plus its websocket).
	DefaultMaxConnsPerAddr = 256
)

// HTTPServer returns the http.Server to serve Handler with: the timeouts
// of Config (so that slow or idle connections cannot be held for ever)
// and a bounded header size. Serve it on Listen's listener.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Listen wraps ln so that one client address holds at most
// Config.MaxConnsPerAddr connections at once (websockets included); a
// connection beyond it is closed as soon as it is accepted, before it
// costs a goroutine or a buffer. Other addresses are not affected, so a
// flood from one address leaves the server answering everyone else.
// Behind a reverse proxy every client has the proxy's address: raise the
// limit there, or set it to -1 (no limit) and let the proxy limit.
func (s *Server) Listen(ln net.Listener) net.Listener {
	if s.cfg.MaxConnsPerAddr < 0 {
		return ln
	}
	return &addrLimiter{Listener: ln, max: s.cfg.MaxConnsPerAddr, open: map[string]int{}, m: s.metrics}
}

// addrLimiter is Listen's listener.
type addrLimiter struct {
	net.Listener
	max  int
	m    *metrics
	mu   sync.Mutex
	open map[string]int // open connections per client address
}

func (l *addrLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := hostOf(c.RemoteAddr())
		l.mu.Lock()
		if l.open[host] >= l.max {
			l.mu.Unlock()
			l.m.connsRefused.Add(1)
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset: no TIME_WAIT left behind on our side
			}
			c.Close()
			continue
		}
		l.open[host]++
		l.mu.Unlock()
		return &limitedConn{Conn: c, l: l, host: host}, nil
	}
}

// connsFrom is how many connections host holds now.
func (l *addrLimiter) connsFrom(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[host]
}

func (l *addrLimiter) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// limitedConn gives its place back when it is closed (by the HTTP server,
// or by a websocket that took it over).
type limitedConn struct {
	net.Conn
	l    *addrLimiter
	host string
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.host) })
	return err
}
