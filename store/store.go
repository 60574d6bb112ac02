// Package store keeps drillroom's durable state in SQLite (modernc.org/sqlite):
// users and their logins, published scenario versions, assignments, sessions
// with their append-only event logs and command results, scorecards with
// each rule's outcome in a table of its own (RuleFailureRates reads them in
// one query), and reviews. Backup copies a live database to a new file.
//
// What a backend must offer is the interface storetest.Store, and
// storetest.Run is the conformance suite every backend passes; this
// package's tests run it on a real SQLite file. Stats and SchemaVersion are
// SQLite's own, for /metrics.
//
// One dedicated writer connection serves a single writer goroutine that
// group-commits concurrent writes (writer.go); a separate pool serves
// reads, and a connection of its own checkpoints the WAL beside the writer
// (checkpoint.go). Every connection gets its pragmas (WAL,
// synchronous=FULL, busy_timeout, foreign_keys) from the DSN, so none is
// left unconfigured.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
	"github.com/drillroom/drillroom/store/password"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrClosed is returned once the store has been closed. It is an
// unavailability (drillroom.ErrUnavailable): the service is shutting down.
var ErrClosed = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "store closed"}

// busyTimeout is how long a connection waits for a lock before SQLITE_BUSY.
// Only the writer takes write locks, so readers rarely wait at all; the
// timeout covers checkpoints and a second process opening the same file.
const busyTimeout = 5 * time.Second

// Store is drillroom's SQLite database. It is safe for concurrent use.
type Store struct {
	records.Common // the methods written once for both backends

	path   string
	logger *slog.Logger
	wdb    *sql.DB // the one writer connection, owned by the writer goroutine after Open
	rdb    *sql.DB // read pool
	reads  *stmtCache
	w      *writer
	now    func() time.Time // the wall clock (WithClock)
}

// Open opens (creating if absent) the database at path, applies the embedded
// migrations that have not run yet, and starts the writer goroutine. Close
// must be called to stop it.
func Open(ctx context.Context, path string, logger *slog.Logger, opts ...Option) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	h, err := password.ForCost(o.passwordMemoryKiB, o.passwordPasses)
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	if o.windowSet && (o.window < 0 || o.window > MaxClockCommitWait) {
		return nil, fmt.Errorf("open store %q: %w: clock commit wait %v, want 0 to %v", path, drillroom.ErrInvalid, o.window, MaxClockCommitWait)
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open store %q: %w: want a file path", path, drillroom.ErrInvalid)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	// The writer leaves checkpoints to the checkpointer (checkpoint.go).
	wdb, err := sql.Open("sqlite", dsn(abs, false, "wal_autocheckpoint(0)"))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	// One writer connection: SQLite has one writer at a time anyway, and a
	// single connection never meets SQLITE_BUSY from its own pool.
	oneConnection(wdb)

	rdb, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	rdb.SetMaxOpenConns(8)
	rdb.SetMaxIdleConns(8)
	rdb.SetConnMaxIdleTime(5 * time.Minute)

	cdb, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		rdb.Close()
		wdb.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	oneConnection(cdb)

	now := time.Now
	if o.now != nil {
		now = o.now
	}
	s := &Store{path: abs, logger: logger, wdb: wdb, rdb: rdb, reads: &stmtCache{db: rdb, m: map[string]*sql.Stmt{}}, now: now}
	s.Common = records.Common{DB: database{s}, Now: now, Hasher: h, Logger: logger}
	fail := func(err error) (*Store, error) {
		cdb.Close()
		rdb.Close()
		wdb.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	if err := checkPragmas(ctx, wdb); err != nil {
		return fail(err)
	}
	ms, err := migrations()
	if err != nil {
		return fail(err)
	}
	if o.noMigrate {
		if err := checkSchema(ctx, wdb, ms); err != nil {
			return fail(err)
		}
	} else if err := migrate(ctx, wdb, logger, ms); err != nil {
		return fail(err)
	}
	if err := checkPragmas(ctx, rdb); err != nil {
		return fail(err)
	}
	if err := checkPragmas(ctx, cdb); err != nil {
		return fail(err)
	}
	window, every, restartAt := gatherWindow, checkpointWrites, int64(restartFrames)
	if o.windowSet {
		window = o.window
	}
	if o.testWindow != 0 {
		window = o.testWindow
	}
	if o.ckptWrites != 0 {
		every = o.ckptWrites
	}
	if o.ckptRestartAt != 0 {
		restartAt = o.ckptRestartAt
	}
	ckpt := startCheckpointer(cdb, logger, every, restartAt)
	if s.w, err = startWriter(ctx, wdb, logger, maxBatch, window, hotQueries, ckpt); err != nil {
		ckpt.close()
		return fail(err)
	}
	logger.Info("store opened", "path", abs)
	return s, nil
}

// oneConnection makes db's pool one connection, kept open for good.
func oneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

// Option changes how Open configures a Store.
type Option func(*options)

type options struct {
	passwordMemoryKiB, passwordPasses uint32
	now                               func() time.Time
	noMigrate                         bool

	window    time.Duration // WithClockCommitWait, when windowSet
	windowSet bool

	// For the package's tests: a clock commit wait beyond the bound, and
	// the checkpointer's thresholds; zero is the default.
	testWindow    time.Duration
	ckptWrites    int
	ckptRestartAt int64
}

// The clock commit wait (WithClockCommitWait): the default and the bound.
const (
	DefaultClockCommitWait = gatherWindow
	MaxClockCommitWait     = 100 * time.Millisecond
)

// WithClockCommitWait sets how long an append without a command (a
// session clock's timed events, the runner's pauses and resumes) may wait
// for other writes to share its commit (by default it does not wait). A
// command's append is committed at once and takes what is waiting along.
// 0 commits every write as soon as the writer is free; at most
// MaxClockCommitWait.
func WithClockCommitWait(d time.Duration) Option {
	return func(o *options) { o.window, o.windowSet = d, true }
}

// WithoutMigrating makes Open refuse a database whose schema is not this
// program's instead of upgrading it. The command-line tools that work on a
// server's database (report, users) use it, so that running a newer binary
// beside an older server does not upgrade the database under it.
func WithoutMigrating() Option {
	return func(o *options) { o.noMigrate = true }
}

// WithClock makes the store read the wall clock from now instead of
// time.Now: every stored time (creation, expiry, ordering) comes from it.
// It exists for tests, which move a fake clock to check login expiry and
// ordering without sleeping.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithPasswordCost sets argon2id's memory (KiB, at least 8) and passes (at
// least 1) for passwords hashed from now on, instead of the defaults (19 MiB,
// 2 passes). It exists for tests, where each default hash costs a tenth of a
// second or more; never lower it in production. Hashes keep their own
// parameters, so a store opened later with the defaults still verifies them,
// and re-hashes them at the next login.
func WithPasswordCost(memoryKiB, passes uint32) Option {
	return func(o *options) { o.passwordMemoryKiB, o.passwordPasses = memoryKiB, passes }
}

// dsn builds the modernc.org/sqlite DSN. The pragmas travel in the DSN
// because database/sql opens connections at will: a one-off PRAGMA statement
// would configure only whichever pooled connection happened to run it.
// busy_timeout runs first (the driver orders it so), before journal_mode
// needs a lock. Writers begin with BEGIN IMMEDIATE so a transaction never has
// to upgrade a read lock to a write lock half-way.
func dsn(abs string, readOnly bool, pragmas ...string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Temporary tables and sort spills stay in memory, so a full temp
	// directory cannot fail a write the database volume has room for.
	q.Add("_pragma", "temp_store(MEMORY)")
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "mmap_size(268435456)")
	} else {
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	// url.URL writes "file:///abs"; SQLite accepts that form with
	// SQLITE_OPEN_URI, and it percent-encodes '?' and '#' in the path.
	return u.String()
}

// checkPragmas reads the pragmas back: an ignored DSN key must fail Open,
// not leave a database in rollback-journal mode with no busy timeout.
func checkPragmas(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	var timeout, syncMode, fk int64
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil {
		return fmt.Errorf("read busy_timeout: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode); err != nil {
		return fmt.Errorf("read synchronous: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	switch {
	case !strings.EqualFold(mode, "wal"):
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	case timeout != busyTimeout.Milliseconds():
		return fmt.Errorf("busy_timeout is %d, want %d", timeout, busyTimeout.Milliseconds())
	case syncMode != 2:
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", syncMode)
	case fk != 1:
		return fmt.Errorf("foreign_keys is %d, want 1", fk)
	}
	return nil
}

// Close stops the writer goroutine after it has committed and answered every
// write already submitted, copies the WAL into the database file, then
// closes the connections. Calls after the first return nil.
func (s *Store) Close() error {
	if !s.w.stop() {
		return nil
	}
	ckptErr := s.w.ckpt.close()
	// The last checkpoint leaves an empty WAL: the database file alone is
	// the whole database once the server has stopped.
	if _, err := s.wdb.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		s.logger.Warn("store: final checkpoint", "err", err)
	}
	// Let SQLite refresh the query planner's statistics where they have
	// drifted; it is cheap when there is nothing to do.
	if _, err := s.wdb.Exec("PRAGMA optimize"); err != nil {
		s.logger.Warn("store: PRAGMA optimize", "err", err)
	}
	s.reads.close()
	err := errors.Join(ckptErr, s.rdb.Close(), s.wdb.Close())
	if err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	s.logger.Info("store closed", "path", s.path)
	return nil
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// sqliteCode returns the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func isForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
