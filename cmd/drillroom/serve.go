package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/web"
	"github.com/drillroom/drillroom/xapi"
)

// serveConfig is what runServe parsed from its flags.
type serveConfig struct {
	addr      string
	data      string
	db        string // a postgres:// URL, or "" for SQLite in data
	node      string // --node: this server's name among several on db
	advertise string // --advertise: the host:port the other nodes reach this one at
	leaseTTL  time.Duration
	scenarios string
	demo      bool
	origins   []string
	secure    bool
	logLevel  slog.Level
	// requireApproval makes publishing a drill wait for a second trainer.
	requireApproval bool
	// metricsToken lets a scraper read /metrics (web.Config.MetricsToken).
	metricsToken string
	// disconnectBudget is runner.Config.DisconnectBudget.
	disconnectBudget time.Duration
	// edge holds the web server's timeouts and limits from the flags
	// (web.Config's ReadHeaderTimeout ... LoginIdleTimeout).
	edge web.Config
	// lrs configures the xAPI statements' delivery (docs/operations.md).
	lrs xapi.SenderConfig
	// debugAddr, when set, serves Go's profiles there (loopback only).
	debugAddr string
	// clockCommitWait is store.WithClockCommitWait (SQLite only).
	clockCommitWait time.Duration
}

// shutdownGrace bounds a graceful shutdown: open requests and websockets
// get this long before the process gives up on them.
const shutdownGrace = 10 * time.Second

// runServe runs the server until ctx is cancelled (SIGINT, SIGTERM), then
// shuts down in order: stop accepting, close websockets, stop the runner's
// session goroutines, close the database.
func runServe(ctx context.Context, args []string, stdio IO) int {
	cfg, code := parseServe(args, stdio)
	if code >= 0 {
		return code
	}
	log := slog.New(slog.NewTextHandler(stdio.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	if err := serve(ctx, cfg, stdio, log); err != nil {
		log.Error("serve", "err", err)
		fmt.Fprintf(stdio.Stderr, "drillroom serve: %v\n", err)
		return 1
	}
	return 0
}

func parseServe(args []string, stdio IO) (serveConfig, int) {
	var cfg serveConfig
	fs := newFlagSet("serve", stdio.Stderr,
		"usage: drillroom serve [--addr HOST:PORT] [--data DIR | --db URL] [--scenarios DIR] [--demo] [--require-approval]",
		"\nServes the trainee console, the debrief and the live protocol (docs/protocol.md).",
		"The listen address is printed on stdout as: drillroom: listening on http://HOST:PORT")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	fs.StringVar(&cfg.data, "data", "data", "directory of the database (created if absent)")
	dbFlag(fs, &cfg.db)
	fs.StringVar(&cfg.node, "node", "", "this server's name, unique among several serving one PostgreSQL database (--db): it hosts the sessions whose lease it holds, and takes over those of a node that died")
	fs.StringVar(&cfg.advertise, "advertise", "", "with --node: the host:port the other nodes reach this server at, to relay sockets to it (default: the listen address, with this machine's host name if it listens on all interfaces)")
	fs.DurationVar(&cfg.leaseTTL, "lease-ttl", 10*time.Second, "with --node: how long a session's lease outlives its node's last renewal (renewed every third of it); a dead node's sessions move after this")
	fs.StringVar(&cfg.scenarios, "scenarios", "", "directory of extra *.drill.yaml and *.policy.yaml files to publish")
	fs.BoolVar(&cfg.demo, "demo", false, "create demo accounts (trainee, trainer, coach), print their passwords once, assign the library to the trainee")
	origins := fs.String("allow-origin", "", "comma-separated extra origins (scheme://host[:port]) allowed to open websockets and post forms, for a proxy that rewrites Host")
	fs.BoolVar(&cfg.secure, "secure-cookies", false, "mark cookies Secure (when a TLS proxy is in front)")
	fs.BoolVar(&cfg.requireApproval, "require-approval", false, "the default, until an administrator chooses on /admin/settings: a drill published in the editor waits for a second trainer's approval")
	fs.StringVar(&cfg.metricsToken, "metrics-token", os.Getenv("DRILLROOM_METRICS_TOKEN"), "bearer token a Prometheus scraper sends to read /metrics (default $DRILLROOM_METRICS_TOKEN; prefer the variable: flags show in the process list)")
	fs.StringVar(&cfg.lrs.Endpoint, "lrs-endpoint", os.Getenv("DRILLROOM_LRS_ENDPOINT"), "xAPI endpoint of a learning record store to send every scored session's statements to (default $DRILLROOM_LRS_ENDPOINT; none: statements stay queued)")
	fs.StringVar(&cfg.lrs.Username, "lrs-username", os.Getenv("DRILLROOM_LRS_USERNAME"), "the LRS's Basic username (default $DRILLROOM_LRS_USERNAME)")
	cfg.lrs.Password = os.Getenv("DRILLROOM_LRS_PASSWORD") // never a flag: flags show in the process list
	fs.StringVar(&cfg.lrs.BaseIRI, "public-url", os.Getenv("DRILLROOM_PUBLIC_URL"), "the server's public address (https://drillroom.example.org), which names drillroom's activities and accounts in xAPI statements (default $DRILLROOM_PUBLIC_URL)")
	fs.StringVar(&cfg.debugAddr, "debug-addr", "", "serve Go's profiles (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060 (off by default)")
	fs.DurationVar(&cfg.clockCommitWait, "clock-commit-wait", store.DefaultClockCommitWait, "SQLite: how long the writes of the sessions' clocks (timed events) may wait to share one commit; a trainee's command is committed at once and takes them along (0: commit each at once; at most 100ms)")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&cfg.disconnectBudget, "disconnect-budget", runner.DefaultDisconnectBudget, "in an assessment, how much drill time in all the clock may stand still while the trainee is disconnected, unless the drill or its policy sets disconnect_budget; then it runs on (0: never stands still)")
	fs.DurationVar(&cfg.edge.ReadHeaderTimeout, "read-header-timeout", web.DefaultReadHeaderTimeout, "time a client has to send a request's headers")
	fs.DurationVar(&cfg.edge.ReadTimeout, "read-timeout", web.DefaultReadTimeout, "time a client has to send a whole request, body included")
	fs.DurationVar(&cfg.edge.WriteTimeout, "write-timeout", web.DefaultWriteTimeout, "time the server has to write an answer")
	fs.DurationVar(&cfg.edge.IdleTimeout, "idle-timeout", web.DefaultIdleTimeout, "a keep-alive connection with no request is closed after this")
	fs.IntVar(&cfg.edge.MaxConnsPerAddr, "max-conns-per-addr", web.DefaultMaxConnsPerAddr, "connections one client address may hold open (-1: no limit, behind a proxy that limits)")
	fs.DurationVar(&cfg.edge.LoginIdleTimeout, "login-idle-timeout", web.DefaultLoginIdleTimeout, "a login unused this long ends (the absolute limit is 12h; -1: none)")
	if err := fs.Parse(args); err != nil {
		return cfg, usageCode(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return cfg, 2
	}
	if err := checkDB(cfg.db); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom serve: %v\n", err)
		return cfg, 2
	}
	if err := checkDebugAddr(cfg.debugAddr); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom serve: %v\n", err)
		return cfg, 2
	}
	if cfg.clockCommitWait < 0 || cfg.clockCommitWait > store.MaxClockCommitWait {
		fmt.Fprintf(stdio.Stderr, "drillroom serve: --clock-commit-wait %v: want 0 to %v\n", cfg.clockCommitWait, store.MaxClockCommitWait)
		return cfg, 2
	}
	if cfg.clockCommitWait != store.DefaultClockCommitWait && isPostgres(cfg.db) {
		fmt.Fprintln(stdio.Stderr, "drillroom serve: --clock-commit-wait is SQLite's; PostgreSQL's writers commit side by side")
		return cfg, 2
	}
	if cfg.node != "" && !isPostgres(cfg.db) {
		fmt.Fprintln(stdio.Stderr, "drillroom serve: --node needs a PostgreSQL database (--db): several nodes share one")
		return cfg, 2
	}
	if cfg.advertise != "" {
		if cfg.node == "" {
			fmt.Fprintln(stdio.Stderr, "drillroom serve: --advertise needs --node")
			return cfg, 2
		}
		if _, _, err := net.SplitHostPort(cfg.advertise); err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom serve: --advertise %q: want host:port\n", cfg.advertise)
			return cfg, 2
		}
	}
	if cfg.leaseTTL < 300*time.Millisecond {
		fmt.Fprintln(stdio.Stderr, "drillroom serve: --lease-ttl must be at least 300ms")
		return cfg, 2
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom serve: --log-level %q: want debug, info, warn or error\n", *level)
		return cfg, 2
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.origins = append(cfg.origins, o)
		}
	}
	return cfg, -1
}

// openServerDatabase opens (creating or upgrading) the server's database:
// PostgreSQL if cfg.db names one, else SQLite in the data directory.
func openServerDatabase(ctx context.Context, cfg serveConfig, log *slog.Logger) (database, error) {
	if isPostgres(cfg.db) {
		if cfg.node != "" {
			return postgres.Open(ctx, cfg.db, log, postgres.WithNode(cfg.node))
		}
		return postgres.Open(ctx, cfg.db, log)
	}
	if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return store.Open(ctx, filepath.Join(cfg.data, databaseFile), log, store.WithClockCommitWait(cfg.clockCommitWait))
}

func serve(ctx context.Context, cfg serveConfig, stdio IO, log *slog.Logger) error {
	st, err := openServerDatabase(ctx, cfg, log.With("component", "store"))
	if err != nil {
		return err
	}
	defer st.Close()

	if cfg.debugAddr != "" {
		stop, err := serveDebug(ctx, cfg.debugAddr, stdio, log.With("component", "debug"))
		if err != nil {
			return err
		}
		defer stop()
	}

	library, err := publish(ctx, st, cfg.scenarios, log)
	if err != nil {
		return err
	}
	if cfg.demo {
		if err := demoAccounts(ctx, st, library, stdio); err != nil {
			return err
		}
	}

	rcfg := runner.Config{Store: st, Logger: log.With("component", "runner"), DisconnectBudget: cfg.disconnectBudget}
	if rcfg.DisconnectBudget == 0 {
		rcfg.DisconnectBudget = -1 // the runner's zero is its default
	}
	if pg, ok := st.(*postgres.Store); ok && cfg.node != "" {
		rcfg.Leases, rcfg.LeaseRenew = nodeLeases{pg, cfg.node, cfg.leaseTTL}, cfg.leaseTTL/3
	}
	rn := runner.New(rcfg)
	if err := rn.Start(ctx); err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := rn.Close(cctx); err != nil {
			log.Error("close runner", "err", err)
		}
	}()

	wcfg := cfg.edge
	wcfg.Store, wcfg.Runner, wcfg.Logger = st, rn, log.With("component", "web")
	wcfg.AllowedOrigins, wcfg.SecureCookies, wcfg.MetricsToken = cfg.origins, cfg.secure, cfg.metricsToken
	wcfg.RequireApproval = cfg.requireApproval
	wcfg.StoreMetrics = storeMetrics(st)
	pg, _ := st.(*postgres.Store)
	if pg != nil && cfg.node != "" {
		wcfg.Node, wcfg.Nodes = cfg.node, pg
	}
	srv, err := web.New(wcfg)
	if err != nil {
		return err
	}
	if pg != nil {
		// Logins ended anywhere (another node, the command line) close
		// this server's sockets at once.
		lctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); pg.ListenSignouts(lctx, srv.SignedOut, nil) }()
		defer func() { stop(); <-done }()
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	if cfg.lrs.Endpoint != "" {
		if cfg.lrs.BaseIRI == "" {
			cfg.lrs.BaseIRI = "http://" + ln.Addr().String()
		}
		cfg.lrs.Logger = log.With("component", "xapi")
		sender, err := xapi.NewSender(st, cfg.lrs)
		if err != nil {
			return err
		}
		sctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); sender.Run(sctx) }()
		defer func() { stop(); <-done }()
		log.Info("xapi: sending statements", "endpoint", cfg.lrs.Endpoint)
	}
	// The timeouts and the per-address cap keep slow or idle connections
	// from exhausting the file limit (web/listen.go).
	hs := srv.HTTPServer()
	ln = srv.Listen(ln)
	if wcfg.Nodes != nil {
		// The other nodes relay this node's sessions' sockets here and
		// place new sessions here from now on; a graceful stop withdraws
		// it first (deferred after the runner's Close, so run before it).
		addr, err := advertised(cfg.advertise, ln.Addr())
		if err != nil {
			return err
		}
		if err := pg.RegisterNode(ctx, addr); err != nil {
			return err
		}
		log.Info("node registered", "node", cfg.node, "address", addr)
		defer func() {
			uctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			if err := pg.UnregisterNode(uctx); err != nil {
				log.Warn("unregister node", "err", err)
			}
		}()
	}
	fmt.Fprintf(stdio.Stdout, "drillroom: listening on http://%s\n", ln.Addr())
	backend := "sqlite"
	if isPostgres(cfg.db) {
		backend = "postgres"
	}
	log.Info("serving", "addr", ln.Addr().String(), "database", backend, "node", cfg.node, "data", cfg.data, "demo", cfg.demo)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	cctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	// Websockets are hijacked connections: Shutdown does not see them, so
	// the web server closes them (1001, going away) alongside.
	wsErr := make(chan error, 1)
	go func() { wsErr <- srv.Close(cctx) }()
	if err := hs.Shutdown(cctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := <-wsErr; err != nil {
		log.Warn("websocket shutdown", "err", err)
	}
	<-errc
	return nil
}

// publish stores every valid drill of the shipped library and of dir as a
// scenario version. Storing a version is idempotent; a drill changed
// without a new version number is refused by the store and reported, and
// the stored version stays. It returns the ids of the library drills.
func publish(ctx context.Context, st database, dir string, log *slog.Logger) ([]string, error) {
	set, ds := scenarios.LoadFS(scenarios.Library())
	for _, d := range ds.Errors() {
		log.Warn("shipped library", "diagnostic", d.String())
	}
	var library []string
	for _, sc := range set.Scenarios {
		if _, err := training.Publish(ctx, st, sc); err != nil {
			log.Warn("publish shipped drill", "scenario", sc.ID, "err", err)
			continue
		}
		library = append(library, sc.ID)
	}
	if dir != "" {
		extra, ds := scenarios.LoadPaths(dir)
		for _, d := range ds.Errors() {
			log.Warn("extra scenarios", "diagnostic", d.String())
		}
		if len(extra.Scenarios) == 0 && ds.HasErrors() {
			return nil, fmt.Errorf("--scenarios %s: no valid drill (%d errors, see the log)", dir, len(ds.Errors()))
		}
		for _, sc := range extra.Scenarios {
			if _, err := training.Publish(ctx, st, sc); err != nil {
				log.Warn("publish drill", "scenario", sc.ID, "file", sc.File, "err", err)
			}
		}
	}
	log.Info("scenarios published", "library", len(library))
	return library, nil
}

// demoAccounts creates the demo trainee, trainer and coach with random
// passwords, printed once on stdout; accounts that exist are left alone.
// The library is assigned to the demo trainee in both modes.
// demoCohort holds the demo accounts, so the demo trainer and coach see the
// demo trainee's work.
const demoCohort = "Demo cohort"

func demoAccounts(ctx context.Context, st database, library []string, stdio IO) error {
	for _, a := range []struct {
		name, display string
		role          drillroom.Role
	}{
		{"trainee", "Demo Trainee", drillroom.RoleTrainee},
		{"trainer", "Demo Trainer", drillroom.RoleTrainer},
		{"coach", "Demo Coach", drillroom.RoleCoach},
	} {
		_, err := st.UserByUsername(ctx, a.name)
		if err == nil {
			fmt.Fprintf(stdio.Stdout, "demo account: %-8s username=%s  exists (password unchanged)\n", a.role, a.name)
			continue
		}
		if !errors.Is(err, drillroom.ErrNotFound) {
			return err
		}
		password := newPassword()
		// The demo trainer is also the administrator: accounts, cohorts and
		// the audit log are part of the tour.
		if _, err := st.CreateUsers(ctx, []drillroom.NewUser{{Username: a.name, DisplayName: a.display, Role: a.role,
			Password: password, Admin: a.role == drillroom.RoleTrainer, Cohorts: []string{demoCohort}}}); err != nil {
			return fmt.Errorf("demo account %s: %w", a.name, err)
		}
		fmt.Fprintf(stdio.Stdout, "demo account: %-8s username=%s  password=%s\n", a.role, a.name, password)
	}
	// Accounts made by an older version are put in the demo cohort too.
	cohort, err := findOrCreateCohort(ctx, st, demoCohort)
	if err != nil {
		return err
	}
	for _, name := range []string{"trainee", "trainer", "coach"} {
		u, err := st.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		if err := st.AddToCohort(ctx, cohort.ID, u.ID); err != nil {
			return fmt.Errorf("demo cohort: %w", err)
		}
	}
	u, err := st.UserByUsername(ctx, "trainee")
	if err != nil {
		return err
	}
	if u.Role != drillroom.RoleTrainee {
		return fmt.Errorf("demo account trainee exists with role %s", u.Role)
	}
	for _, id := range library {
		for _, mode := range []drillroom.Mode{drillroom.ModePractice, drillroom.ModeAssessment} {
			if err := st.Assign(ctx, u.ID, id, mode); err != nil {
				return fmt.Errorf("assign %s to the demo trainee: %w", id, err)
			}
		}
	}
	return nil
}

func findOrCreateCohort(ctx context.Context, st database, name string) (drillroom.Cohort, error) {
	cs, err := st.Cohorts(ctx)
	if err != nil {
		return drillroom.Cohort{}, err
	}
	for _, c := range cs {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	return st.CreateCohort(ctx, name, "The demo accounts")
}

// newPassword returns 96 random bits as 16 URL-safe characters.
func newPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// nodeLeases are the PostgreSQL store's session leases as the runner uses
// them (serve --node).
type nodeLeases struct {
	st   *postgres.Store
	node string
	ttl  time.Duration
}

func (l nodeLeases) Acquire(ctx context.Context, id string) error {
	_, err := l.st.AcquireLease(ctx, id, l.ttl)
	return err
}

func (l nodeLeases) Renew(ctx context.Context) ([]string, error) { return l.st.RenewLeases(ctx, l.ttl) }

func (l nodeLeases) Release(ctx context.Context, id string) error { return l.st.ReleaseLease(ctx, id) }

func (l nodeLeases) Orphaned(ctx context.Context) ([]string, error) {
	return l.st.OrphanedSessions(ctx)
}

func (l nodeLeases) Place(ctx context.Context, id string) (string, error) {
	node, err := l.st.PlaceSession(ctx, id, l.ttl)
	if node == l.node {
		node = ""
	}
	return node, err
}

func (l nodeLeases) Placed(ctx context.Context) ([]string, error) { return l.st.PlacedSessions(ctx) }

// advertised is the address a node registers for the others to relay to:
// --advertise, else the listen address, with the machine's host name in
// place of an unspecified host (:8080, 0.0.0.0:8080, [::]:8080).
func advertised(flag string, listen net.Addr) (string, error) {
	if flag != "" {
		return flag, nil
	}
	host, port, err := net.SplitHostPort(listen.String())
	if err != nil {
		return "", fmt.Errorf("advertised address: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		name, err := os.Hostname()
		if err != nil {
			return "", fmt.Errorf("advertised address: no --advertise, and the host name: %w", err)
		}
		host = name
	}
	return net.JoinHostPort(host, port), nil
}
