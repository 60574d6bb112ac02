package records

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/password"
)

// ErrNoRows is what scanning a DB's QueryRow gives when the query matched
// no row (database/sql's and pgx's own errors are translated to it).
var ErrNoRows = errors.New("no rows in result set")

// DB is a backend's database as Common uses it. Queries are written
// once, with ? placeholders; a PostgreSQL DB rebinds them to $1, $2...
type DB interface {
	// QueryRow runs a query and returns its first row; scanning it when
	// the query matched none gives ErrNoRows.
	QueryRow(ctx context.Context, query string, args ...any) Scanner
	// Each runs a query and calls fn with each row as it is read. fn's
	// error stops the query and is returned as it is.
	Each(ctx context.Context, query string, args []any, fn func(Scanner) error) error
	// Write runs fn in a write transaction, which commits if fn returns
	// nil. Its errors, and those of the Tx, are Classify'd.
	Write(ctx context.Context, fn func(Tx) error) error
	// Fold is expr compared and ordered without regard to ASCII case, as
	// usernames and cohort names are: SQLite's NOCASE collation,
	// PostgreSQL's ascii_lower.
	Fold(expr string) string
	// Bytewise is expr ordered by its bytes: SQLite's BINARY collation,
	// PostgreSQL's "C".
	Bytewise(expr string) string
}

// Common holds the store methods whose SQL is the same in both backends:
// each backend's Store embeds one over its database, so they are written
// once. What a backend does in its own dialect stays in the backend.
type Common struct {
	DB     DB
	Now    func() time.Time // the store's clock (what has lapsed)
	Hasher *password.Hasher
	Logger *slog.Logger // what does not fail a call (a login's use not noted)
}

// One runs a query and scans its one row with scan. No row is
// drillroom.ErrNotFound; errors name what was read.
func One[T any](ctx context.Context, db DB, what string, scan func(Scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(db.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, NotFound(err, what)
	}
	return v, nil
}

// All runs a query and scans every row with scan. Errors name what was
// read. It returns an empty slice, never nil, when no row matches.
func All[T any](ctx context.Context, db DB, what string, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	err := db.Each(ctx, query, args, func(row Scanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// NotFound names what was read in err, and makes ErrNoRows
// drillroom.ErrNotFound.
func NotFound(err error, what string) error {
	if errors.Is(err, ErrNoRows) {
		return fmt.Errorf("%s: %w", what, drillroom.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// NameOf returns the display name of user id, or name when the user cannot
// be read.
func NameOf(ctx context.Context, c Common, id int64, name string) string {
	if u, err := c.UserByID(ctx, id); err == nil {
		return u.DisplayName
	}
	return name
}

// Each runs a query and calls fn with each row as it is read, so that an
// export of any size is never held in memory. fn's error stops the query
// and is returned as it is; the others name what was read.
func Each(ctx context.Context, db DB, what, query string, args []any, fn func(Scanner) error) error {
	var stopped error
	err := db.Each(ctx, query, args, func(row Scanner) error {
		stopped = fn(row)
		return stopped
	})
	if err != nil && err != stopped {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}

// Rows is a result set of either backend: database/sql's *Rows, pgx's
// Rows (their Close differs, and stays with the backend).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Drain calls fn with each row of rows, for a DB's Each: fn's error stops
// it and is returned as it is.
func Drain(rows Rows, fn func(Scanner) error) error {
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
