package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// driver is what the driver's errors mean to records.Common.
var driver = records.Driver{NoRows: sql.ErrNoRows, Unique: isUniqueViolation, ForeignKey: isForeignKeyViolation}

// database is the Store's read pool and writer as records.Common uses
// them.
type database struct{ s *Store }

func (d database) QueryRow(ctx context.Context, query string, args ...any) records.Scanner {
	if st := d.s.reads.get(ctx, query); st != nil {
		return records.Row{Row: st.QueryRowContext(ctx, args...), Driver: driver}
	}
	return records.Row{Row: d.s.rdb.QueryRowContext(ctx, query, args...), Driver: driver}
}

func (d database) Each(ctx context.Context, query string, args []any, fn func(records.Scanner) error) error {
	var rows *sql.Rows
	var err error
	if st := d.s.reads.get(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = d.s.rdb.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	return records.Drain(rows, fn)
}

func (d database) Write(ctx context.Context, fn func(records.Tx) error) error {
	return driver.Err(d.s.w.do(ctx, false, func(tx *wtx) error { return fn(sqlTx{tx}) }))
}

// sqlTx is a write transaction as records.Common uses it.
type sqlTx struct{ tx *wtx }

func (t sqlTx) Exec(query string, args ...any) (int64, error) {
	res, err := t.tx.Exec(query, args...)
	if err != nil {
		return 0, driver.Err(err)
	}
	return res.RowsAffected()
}

func (t sqlTx) Insert(query string, args ...any) (int64, error) {
	res, err := t.tx.Exec(query, args...)
	if err != nil {
		return 0, driver.Err(err)
	}
	return res.LastInsertId()
}

func (t sqlTx) QueryRow(query string, args ...any) records.Scanner {
	return records.Row{Row: t.tx.QueryRow(query, args...), Driver: driver}
}

// Locked adds no lock: the one writer runs transactions one at a time.
func (sqlTx) Locked(query string, _ records.Lock) string { return query }

func (database) Fold(expr string) string { return expr + " COLLATE NOCASE" }

func (database) Bytewise(expr string) string { return expr }

// InsertRows inserts the rows one by one, as the SQLite store always
// wrote them.
func (t sqlTx) InsertRows(table string, columns []string, rows [][]any) error {
	q := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" + records.Placeholders(len(columns)) + ")"
	for _, r := range rows {
		if _, err := t.tx.Exec(q, r...); err != nil {
			return driver.Err(err)
		}
	}
	return nil
}

// SignedOut tells nobody: SQLite serves one server.
func (sqlTx) SignedOut(drillroom.Signout) error { return nil }

// stmtCache keeps the read pool's statements prepared: a query the store
// runs often (a socket's login check every heartbeat: 480 a second at
// 10,000 live drills) is compiled once per connection instead of on every
// call. It holds at most maxCachedStatements; a query beyond that is
// compiled each time, as before.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// get returns query prepared on the pool, or nil when the cache is full or
// the query does not compile (running it reports why).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}
