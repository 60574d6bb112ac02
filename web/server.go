// Package web is drillroom's HTTP face: chi routes, authentication, the
// pages, the live websocket protocol (drillroom.v1), health and metrics.
// Handlers translate HTTP and socket messages to the use cases of package
// training and back; errors become statuses, rejections and close codes in
// one place (errors.go).
//
// Templates and static assets are embedded. The console's script is a set
// of ES modules served as they are, with no build step: static/protocol.js
// (the drillroom.v1 client, no page code, for any page that plays or
// watches a session), static/present.js (event wording, from the table of
// texts of package transcript, which also words the debrief), static/clock.js
// and static/console.js (the page's state, rendering and forms).
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/training"
)

// Store is what the web layer reads and writes: the use cases' store
// (training.Store), account and cohort administration
// (training.AccountStore), logins, and what the list pages show.
// *store.Store satisfies it.
type Store interface {
	training.Store
	training.AccountStore
	training.AnalyticsStore
	training.AuthoringStore
	training.AssignStore
	Ping(ctx context.Context) error
	Authenticate(ctx context.Context, username, password string) (drillroom.User, error)
	CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error)
	LoginUser(ctx context.Context, token string) (drillroom.User, error)
	SeenLogin(ctx context.Context, token string, idle time.Duration, touch bool) (drillroom.User, error)
	DeleteLogin(ctx context.Context, token string) error
	DeleteExpiredLogins(ctx context.Context) (int64, error)
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error)
	Review(ctx context.Context, sessionID string) (drillroom.Review, error)
}

// Config is what a Server needs. The caller owns every resource in it and
// closes them after Server.Close.
type Config struct {
	// Store is the database. Required.
	Store Store

	// Runner hosts the live sessions. Required.
	Runner *runner.Runner

	// Logger receives connection, authentication and protocol-violation
	// events. Nil discards them.
	Logger *slog.Logger

	// AllowedOrigins lists extra origins (scheme://host[:port]) that may
	// open a websocket, for deployments behind a proxy that rewrites Host.
	// The server's own host is always allowed.
	AllowedOrigins []string

	// RequireApproval makes publishing a drill wait for a second trainer's
	// approval (the organisation's setting; author and approver are
	// recorded).
	RequireApproval bool

	// SecureCookies marks cookies Secure (set it when served over HTTPS).
	SecureCookies bool

	// CommandRate and CommandBurst limit the commands one websocket may
	// send: CommandRate per second sustained, CommandBurst at once
	// (defaults 10 and 20).
	CommandRate  float64
	CommandBurst float64

	// HashSlots bounds the password checks (argon2id, about 19 MiB each)
	// that run at once; sign-ins beyond it wait, and beyond 32 waiting per
	// slot are refused with 503. Default: GOMAXPROCS.
	HashSlots int

	// MaxSocketsPerSession and MaxSocketsPerUser bound the websockets open
	// at once on one session and by one user (defaults 8 and 16); a
	// handshake beyond them is refused with 429.
	MaxSocketsPerSession int
	MaxSocketsPerUser    int

	// LoginIdleTimeout ends a login nobody has used for that long (a page
	// request, or a command on a websocket), beside the absolute 12 hours
	// (default 30 minutes; -1: none).
	LoginIdleTimeout time.Duration

	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// HTTPServer's (defaults in listen.go); MaxConnsPerAddr bounds the
	// connections of one client address on Listen's listener (default 256,
	// -1: no limit).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxConnsPerAddr   int

	// MetricsToken, when set, lets a scraper read /metrics with the header
	// "Authorization: Bearer TOKEN". Signed-in trainers and coaches may read
	// it too; nobody else.
	MetricsToken string

	// Node is this server's name among several serving one database
	// (serve --node), sent with what it relays; Nodes, when set, finds the
	// node that hosts a session, so that a socket (or a page's POST) for a
	// session another node hosts is relayed there (relay.go). Both empty:
	// one node, which hosts every session itself.
	Node  string
	Nodes Nodes

	// StoreMetrics, when set, is read at each scrape of /metrics for the
	// database's figures. The store's own types stay out of the web layer:
	// the caller that owns the store fills StoreMetrics in.
	StoreMetrics func(ctx context.Context) (StoreMetrics, error)
}

// Server serves drillroom over HTTP. Create it with New, mount Handler, and
// call Close on shutdown: Close ends every open websocket.
type Server struct {
	cfg       Config
	store     Store
	runner    *runner.Runner
	svc       *training.Service
	accounts  *training.Accounts
	authoring *training.Authoring
	assigning *training.Assigning
	log       *slog.Logger
	origins   map[string]bool // lower-case "scheme://host[:port]"
	metrics   *metrics
	upgrader  *websocket.Upgrader
	heartbeat time.Duration // websocket ping interval; tests shorten it
	pongWait  time.Duration // silence after which a socket is closed as idle; tests shorten it
	handler   http.Handler
	// relayTransport reaches the other nodes (Config.Nodes).
	relayTransport *http.Transport
	vocabs         vocabularies // each drill's, for the sockets' hello

	// sockets are the open websocket connections, so that Close can end them.
	mu      sync.Mutex
	closing bool
	sockets map[*socket]struct{}
	wg      sync.WaitGroup
}

// New builds a Server from cfg.
func New(cfg Config) (*Server, error) {
	s := &Server{
		cfg:       cfg,
		store:     cfg.Store,
		runner:    cfg.Runner,
		log:       cfg.Logger,
		origins:   map[string]bool{},
		metrics:   newMetrics(),
		sockets:   map[*socket]struct{}{},
		heartbeat: socketPingEvery,
		pongWait:  socketPongWait,

		relayTransport: newRelayTransport(),
	}
	if s.store == nil || s.runner == nil {
		return nil, errors.New("web: Config.Store and Config.Runner are required")
	}
	if s.cfg.CommandRate <= 0 {
		s.cfg.CommandRate = defaultCommandRate
	}
	if s.cfg.CommandBurst < 1 {
		s.cfg.CommandBurst = defaultCommandBurst
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&s.cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout}, {&s.cfg.ReadTimeout, DefaultReadTimeout},
		{&s.cfg.WriteTimeout, DefaultWriteTimeout}, {&s.cfg.IdleTimeout, DefaultIdleTimeout}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if s.cfg.LoginIdleTimeout == 0 {
		s.cfg.LoginIdleTimeout = DefaultLoginIdleTimeout
	}
	if s.cfg.MaxConnsPerAddr == 0 {
		s.cfg.MaxConnsPerAddr = DefaultMaxConnsPerAddr
	}
	if s.cfg.MaxSocketsPerSession <= 0 {
		s.cfg.MaxSocketsPerSession = DefaultMaxSocketsPerSession
	}
	if s.cfg.MaxSocketsPerUser <= 0 {
		s.cfg.MaxSocketsPerUser = DefaultMaxSocketsPerUser
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
	s.svc = training.New(s.store, s.runner, s.log)
	s.accounts = training.NewAccounts(s.store, s.log)
	s.authoring = training.NewAuthoring(s.store, s.log, cfg.RequireApproval)
	s.assigning = training.NewAssigning(s.store, s.log)
	s.upgrader = s.newUpgrader()
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close ends every open websocket (with close code 1001, going away) and
// waits for their goroutines, or until ctx is done.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for c := range s.sockets {
		c.shutdown()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
