// Package postgres keeps drillroom's durable state in PostgreSQL, with
// pgx/v5 and its pool: the same records, methods and guarantees as the
// SQLite store (store), checked by the same conformance suite
// (store/storetest). A site that already operates PostgreSQL runs
// drillroom on it with serve --db postgres://...; several nodes can share
// one database.
//
// Event appends are group-committed: an appender goroutine takes every
// append already queued and sends them in one pipeline inside one
// transaction, each as a call of the append_events function (which checks
// the sequence and the command id before writing anything), then commits
// once. Appends are spread over a few appenders by session, so one
// session's appends are always in order on one of them and two appenders
// never wait on each other's row locks. Every other write is a transaction
// of its own on the pool: they are rare (accounts, sessions, scorecards).
//
// Errors are drillroom's coded errors, read from PostgreSQL's SQLSTATE
// codes (pgconn.PgError.Code), never from message text. Passwords are
// hashed by store/password, as in SQLite.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
	"github.com/drillroom/drillroom/store/password"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrClosed is returned once the store has been closed. It is an
// unavailability (drillroom.ErrUnavailable): the service is shutting down.
var ErrClosed = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "store closed"}

// Store is drillroom's PostgreSQL database. It is safe for concurrent use.
type Store struct {
	records.Common // the methods written once for both backends

	pool      *pgxpool.Pool
	logger    *slog.Logger
	now       func() time.Time
	appenders []*appender

	mu     sync.RWMutex // held for reading by every write; Close takes it
	closed bool

	node    string // WithNode: this node's name, when several share the database
	leaseMu sync.Mutex
	leases  map[string]Lease // the session leases this Store holds, by session
}

// Option changes how Open configures a Store.
type Option func(*options)

type options struct {
	passwordMemoryKiB, passwordPasses uint32
	now                               func() time.Time
	noMigrate                         bool
	appenders                         int
	node                              string
}

// WithNode makes the Store one node of several on the database, named
// node: it may then append only to the sessions whose lease it holds
// (AcquireLease); every append carries the lease's epoch, and the database
// refuses it (ErrLeaseLost) once another node has taken the session.
func WithNode(node string) Option { return func(o *options) { o.node = node } }

// WithoutMigrating makes Open refuse a database whose schema is not this
// program's instead of upgrading it (for the command-line tools).
func WithoutMigrating() Option { return func(o *options) { o.noMigrate = true } }

// WithClock makes the store read the wall clock from now (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithPasswordCost sets argon2id's memory (KiB, at least 8) and passes for
// new hashes (tests only; never lower it in production).
func WithPasswordCost(memoryKiB, passes uint32) Option {
	return func(o *options) { o.passwordMemoryKiB, o.passwordPasses = memoryKiB, passes }
}

// WithAppenders sets how many appender goroutines group-commit event
// appends (default 2); each holds one connection while it commits.
func WithAppenders(n int) Option { return func(o *options) { o.appenders = n } }

// maxBatch bounds how many appends share one transaction.
const maxBatch = 256

// Open connects to the database at url (a postgres:// URL or a libpq
// keyword/value string; pool_max_conns and the other pgxpool parameters
// apply), applies the embedded migrations not yet applied, and starts the
// appenders. Close must be called to stop them.
func Open(ctx context.Context, url string, logger *slog.Logger, opts ...Option) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := options{appenders: 2}
	for _, opt := range opts {
		opt(&o)
	}
	h, err := password.ForCost(o.passwordMemoryKiB, o.passwordPasses)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	if o.appenders < 1 {
		return nil, fmt.Errorf("open postgres store: %w: %d appenders", drillroom.ErrInvalid, o.appenders)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included: say only what failed.
		return nil, fmt.Errorf("open postgres store: %w: the database URL does not parse", drillroom.ErrInvalid)
	}
	if cfg.MaxConns < int32(o.appenders)+4 {
		cfg.MaxConns = int32(o.appenders) + 4
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	now := time.Now
	if o.now != nil {
		now = o.now
	}
	s := &Store{pool: pool, logger: logger, now: now, node: o.node, leases: map[string]Lease{}}
	s.Common = records.Common{DB: database{s}, Now: now, Hasher: h, Logger: logger}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store %s: %w", describe(cfg), err)
	}
	if o.noMigrate {
		err = checkSchema(ctx, pool)
	} else {
		err = migrate(ctx, pool, logger)
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store %s: %w", describe(cfg), err)
	}
	for range o.appenders {
		s.appenders = append(s.appenders, startAppender(pool, logger, maxBatch))
	}
	logger.Info("store opened", "database", describe(cfg))
	return s, nil
}

// describe names the database for logs and errors without its password.
func describe(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close stops the appenders after they have committed and answered every
// append already submitted, then closes the pool. Calls after the first
// return nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	for _, a := range s.appenders {
		a.stop()
	}
	s.pool.Close()
	s.logger.Info("store closed")
	return nil
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return fmt.Errorf("ping store: %w", ErrClosed)
	}
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// write runs fn in a transaction of its own, unless the store is closed.
// A serialization failure or a deadlock (the database chose this
// transaction to abort) is retried a few times: nothing of it was written.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if c := code(err); c != codeSerialization && c != codeDeadlock {
			return err
		}
	}
	return err
}

// SQLSTATE codes drillroom maps (PostgreSQL's Appendix A).
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeBadEncoding         = "22021" // character_not_in_repertoire: a NUL byte in text
	codeSerialization       = "40001"
	codeDeadlock            = "40P01"
)

// code returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func code(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isUniqueViolation(err error) bool     { return code(err) == codeUniqueViolation }
func isForeignKeyViolation(err error) bool { return code(err) == codeForeignKeyViolation }

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
