package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner = records.Scanner

// database is the Store's read pool and writer as records.Common uses
// them.
type database struct{ s *Store }

func (d database) QueryRow(ctx context.Context, query string, args ...any) records.Scanner {
	return row{d.s.rdb.QueryRowContext(ctx, query, args...)}
}

func (d database) Each(ctx context.Context, query string, args []any, fn func(records.Scanner) error) error {
	rows, err := d.s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d database) Write(ctx context.Context, fn func(records.Tx) error) error {
	return classify(d.s.w.do(ctx, func(tx *wtx) error { return fn(sqlTx{tx}) }))
}

// sqlTx is a write transaction as records.Common uses it.
type sqlTx struct{ tx *wtx }

func (t sqlTx) Exec(query string, args ...any) (int64, error) {
	res, err := t.tx.Exec(query, args...)
	if err != nil {
		return 0, classify(err)
	}
	return res.RowsAffected()
}

func (t sqlTx) Insert(query string, args ...any) (int64, error) {
	res, err := t.tx.Exec(query, args...)
	if err != nil {
		return 0, classify(err)
	}
	return res.LastInsertId()
}

func (t sqlTx) QueryRow(query string, args ...any) records.Scanner {
	return row{t.tx.QueryRow(query, args...)}
}

// Locked adds no lock: the one writer runs transactions one at a time.
func (sqlTx) Locked(query string, _ records.Lock) string { return query }

func classify(err error) error {
	return records.Classify(err, isUniqueViolation, isForeignKeyViolation)
}

// row is a *sql.Row whose missing row is records.ErrNoRows, and whose
// constraint violations are classified.
type row struct{ *sql.Row }

func (r row) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return records.ErrNoRows
	}
	return classify(err)
}

func (database) Fold(expr string) string { return expr + " COLLATE NOCASE" }

func (database) Bytewise(expr string) string { return expr }

// InsertRows inserts the rows one by one, as the SQLite store always
// wrote them.
func (t sqlTx) InsertRows(table string, columns []string, rows [][]any) error {
	q := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" + records.Placeholders(len(columns)) + ")"
	for _, r := range rows {
		if _, err := t.tx.Exec(q, r...); err != nil {
			return classify(err)
		}
	}
	return nil
}

// SignedOut tells nobody: SQLite serves one server.
func (sqlTx) SignedOut(drillroom.Signout) error { return nil }
