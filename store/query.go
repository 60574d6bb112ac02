package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// driver is what the driver's errors mean to records.Common.
var driver = records.Driver{NoRows: sql.ErrNoRows, Unique: isUniqueViolation, ForeignKey: isForeignKeyViolation}

// database is the Store's read pool and writer as records.Common uses
// them.
type database struct{ s *Store }

func (d database) QueryRow(ctx context.Context, query string, args ...any) records.Scanner {
	return records.Row{Row: d.s.rdb.QueryRowContext(ctx, query, args...), Driver: driver}
}

func (d database) Each(ctx context.Context, query string, args []any, fn func(records.Scanner) error) error {
	rows, err := d.s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return records.Drain(rows, fn)
}

func (d database) Write(ctx context.Context, fn func(records.Tx) error) error {
	return driver.Err(d.s.w.do(ctx, func(tx *wtx) error { return fn(sqlTx{tx}) }))
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
