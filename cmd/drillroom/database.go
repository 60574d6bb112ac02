package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/web"
	"github.com/drillroom/drillroom/xapi"
)

// databaseFile is the SQLite database's name inside the data directory.
const databaseFile = "drillroom.db"

// envDatabaseURL is the environment variable that names a PostgreSQL
// database instead of SQLite (the default of --db). Prefer it to the flag:
// a password in a flag shows in the process list.
const envDatabaseURL = "DRILLROOM_DATABASE_URL"

// database is what the commands need of the store, whichever the backend:
// SQLite's *store.Store or PostgreSQL's *postgres.Store.
type database interface {
	web.Store
	runner.Store
	training.AccountStore
	training.Catalogue
	xapi.Store
	Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error
	RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error)
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}

var (
	_ database = (*store.Store)(nil)
	_ database = (*postgres.Store)(nil)
)

// location says where a command's database is: the PostgreSQL database of
// --db, else the SQLite file in the data directory.
type location struct {
	data string // --data: the data directory (SQLite)
	db   string // --db: a postgres:// URL, or "" for SQLite
}

// dataFlag adds --data, the directory serve keeps the SQLite database in,
// and --db, a PostgreSQL database instead.
func dataFlag(fs *flag.FlagSet) *location {
	l := &location{}
	fs.StringVar(&l.data, "data", "data", "the data directory of the server (serve --data)")
	dbFlag(fs, &l.db)
	return l
}

// dbFlag adds --db to fs, defaulting to $DRILLROOM_DATABASE_URL.
func dbFlag(fs *flag.FlagSet, db *string) {
	fs.StringVar(db, "db", os.Getenv(envDatabaseURL), "a PostgreSQL database (postgres://...) instead of SQLite in --data (default $"+envDatabaseURL+"; prefer the variable: flags show in the process list)")
}

// isPostgres reports whether db names a PostgreSQL database; anything else
// but "" is refused by checkDB.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func checkDB(db string) error {
	if db != "" && !isPostgres(db) {
		return errors.New("--db: want a postgres:// URL (SQLite is the default: leave --db and $" + envDatabaseURL + " unset and use --data)")
	}
	return nil
}

// databasePath returns the SQLite database file in dir, or an error saying
// why there is none: the tools work on a server's database, never create one.
func databasePath(dir string) (string, error) {
	path := filepath.Join(dir, databaseFile)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no database at %s: pass the directory the server uses (serve --data DIR) with --data", path)
	}
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a database file", path)
	}
	return path, nil
}

// openDatabase opens the server's database for a command-line tool. It
// does not upgrade the schema: a tool of another version than the server's
// is refused rather than changing the database under the server.
func openDatabase(ctx context.Context, where location, stderr io.Writer) (database, error) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := checkDB(where.db); err != nil {
		return nil, err
	}
	if isPostgres(where.db) {
		return postgres.Open(ctx, where.db, log, postgres.WithoutMigrating())
	}
	path, err := databasePath(where.data)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, path, log, store.WithoutMigrating())
}

// sqliteLatency is one of SQLite's writer histograms as /metrics shows it.
func sqliteLatency(name, help string, h store.Histogram) web.Histogram {
	return web.Histogram{Name: name, Help: help, Bounds: store.LatencyBounds(), Counts: h.Counts, Sum: h.Sum.Seconds()}
}

// storeMetrics reads the group-commit counters and the schema version of
// either backend, for /metrics.
func storeMetrics(st database) func(ctx context.Context) (web.StoreMetrics, error) {
	return func(ctx context.Context) (web.StoreMetrics, error) {
		v, err := st.SchemaVersion(ctx)
		var m web.StoreMetrics
		switch st := st.(type) {
		case *store.Store:
			s := st.Stats()
			m = web.StoreMetrics{Commits: s.Commits, Writes: s.Writes, QueuedWrites: s.Queued, Latencies: []web.Histogram{
				sqliteLatency("drillroom_store_command_wait_seconds", "Time a command's events waited for their durable commit (the writer's queue, the commit and the wake-up), for appends that succeeded.", s.CommandWait),
				sqliteLatency("drillroom_store_clock_wait_seconds", "Time a session clock's events (timed events, pauses) waited for their durable commit.", s.ClockWait),
				sqliteLatency("drillroom_store_commit_seconds", "Time of each batch of writes the writer committed, from its BEGIN to its COMMIT (a failed batch with its writes retried one by one).", s.Commit),
			}}
		case *postgres.Store:
			s := st.Stats()
			m = web.StoreMetrics{Commits: s.Commits, Writes: s.Writes, QueuedWrites: s.Queued}
		}
		m.SchemaVersion = v
		return m, err
	}
}
