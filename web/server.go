// Package web is drillroom's HTTP face: chi routes, authentication, the
// pages, the live websocket protocol (drillroom.v1), health and metrics.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Config is what a Server needs. The caller owns every resource in it and
// closes them after Server.Close.
type Config struct {
	// Logger receives connection, authentication and protocol-violation
	// events. Nil discards them.
	Logger *slog.Logger

	// AllowedOrigins lists extra origins (scheme://host[:port]) that may
	// open a websocket, for deployments behind a proxy that rewrites Host.
	// The server's own host is always allowed.
	AllowedOrigins []string

	// SecureCookies marks cookies Secure (set it when served over HTTPS).
	SecureCookies bool
}

// Server serves drillroom over HTTP. Create it with New, mount Handler, and
// call Close on shutdown: Close ends every open websocket.
type Server struct {
	cfg     Config
	log     *slog.Logger
	origins map[string]bool // lower-case "scheme://host[:port]"
	metrics *metrics
	handler http.Handler

	mu sync.Mutex
	wg sync.WaitGroup
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		origins: map[string]bool{},
		metrics: newMetrics(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, o := range cfg.AllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, errors.New("web: allowed origin " + o + ": want scheme://host[:port]")
		}
		s.origins[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close ends every open websocket (with close code 1001, going away) and
// waits for their goroutines, or until ctx is done.
func (s *Server) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
