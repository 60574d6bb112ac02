package records

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// Tx is a write transaction of either backend as Common uses it. Queries
// are written with ? placeholders, as for DB.
type Tx interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(query string, args ...any) (int64, error)
	// Insert runs an INSERT into a table with an id column and returns the
	// new row's id.
	Insert(query string, args ...any) (int64, error)
	// InsertRows inserts rows of values for columns into table, as one
	// bulk write where the backend has one (PostgreSQL's COPY).
	InsertRows(table string, columns []string, rows [][]any) error
	// QueryRow runs a query in the transaction; scanning it when the query
	// matched no row gives ErrNoRows.
	QueryRow(query string, args ...any) Scanner
	// SignedOut tells the other servers on the database that logins ended
	// (a sign-out, a disabled account, a password set), when the
	// transaction commits: PostgreSQL's NOTIFY; SQLite is one server.
	SignedOut(so drillroom.Signout) error
	// Locked adds a row lock to a SELECT where writers run side by side
	// (PostgreSQL); SQLite's one writer runs transactions one at a time
	// and needs none.
	Locked(query string, l Lock) string
}

// Lock is a row lock a SELECT in a write transaction takes.
type Lock string

// The row locks, as PostgreSQL writes them.
const (
	ForUpdate      Lock = " FOR UPDATE"        // the row will be changed
	ForNoKeyUpdate Lock = " FOR NO KEY UPDATE" // the row will be changed, not its key
	ForShare       Lock = " FOR SHARE"         // the row must not change meanwhile
)

// The kinds of constraint violation a backend's errors are classified by
// (Classify), so that Common can tell them whatever the driver.
var (
	ErrUnique     = errors.New("unique violation")
	ErrForeignKey = errors.New("foreign key violation")
)

// Driver says what a backend's driver errors mean.
type Driver struct {
	NoRows             error // what a missing row scans as
	Unique, ForeignKey func(error) bool
}

// Err translates a driver's error: NoRows is ErrNoRows, and constraint
// violations are Classify'd.
func (d Driver) Err(err error) error {
	if errors.Is(err, d.NoRows) {
		return ErrNoRows
	}
	return Classify(err, d.Unique, d.ForeignKey)
}

// Row is a driver's row whose errors the Driver translates.
type Row struct {
	Row    Scanner
	Driver Driver
}

// Scan scans the row and translates its error.
func (r Row) Scan(dest ...any) error { return r.Driver.Err(r.Row.Scan(dest...)) }

// Classify marks a driver's error as ErrUnique or ErrForeignKey, keeping
// its message and the driver's error in its chain.
func Classify(err error, unique, foreignKey func(error) bool) error {
	switch {
	case err == nil:
		return nil
	case unique(err):
		return violation{ErrUnique, err}
	case foreignKey(err):
		return violation{ErrForeignKey, err}
	}
	return err
}

type violation struct{ kind, err error }

func (v violation) Error() string   { return v.err.Error() }
func (v violation) Unwrap() []error { return []error{v.kind, v.err} }

// write runs fn in a write transaction of the backend.
func (c Common) write(ctx context.Context, fn func(Tx) error) error { return c.DB.Write(ctx, fn) }

// changeRow runs an UPDATE or DELETE in tx that must find its row: none
// is drillroom.ErrNotFound.
func changeRow(tx Tx, query string, args ...any) error {
	n, err := tx.Exec(query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return drillroom.ErrNotFound
	}
	return nil
}

// change runs changeRow in a write transaction of its own; errors name
// what was changed.
func (c Common) change(ctx context.Context, what, query string, args ...any) error {
	if err := c.write(ctx, func(tx Tx) error { return changeRow(tx, query, args...) }); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// insert runs tx.Insert; a row that refers to a missing one (a foreign
// key) is drillroom.ErrNotFound.
func insert(tx Tx, query string, args ...any) (int64, error) {
	id, err := tx.Insert(query, args...)
	if errors.Is(err, ErrForeignKey) {
		return 0, drillroom.ErrNotFound
	}
	return id, err
}
