package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
)

// driver is what the driver's errors mean to records.Common.
var driver = records.Driver{NoRows: pgx.ErrNoRows, Unique: isUniqueViolation, ForeignKey: isForeignKeyViolation}

// database is the Store's pool as records.Common uses it: its queries,
// written with ? placeholders for both backends, are rebound to $1, $2...
type database struct{ s *Store }

func (d database) QueryRow(ctx context.Context, query string, args ...any) records.Scanner {
	return records.Row{Row: d.s.pool.QueryRow(ctx, rebind(query), args...), Driver: driver}
}

func (d database) Each(ctx context.Context, query string, args []any, fn func(records.Scanner) error) error {
	rows, err := d.s.pool.Query(ctx, rebind(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return records.Drain(rows, fn)
}

func (d database) Write(ctx context.Context, fn func(records.Tx) error) error {
	return driver.Err(d.s.write(ctx, func(tx pgx.Tx) error { return fn(pgTx{ctx, tx}) }))
}

// pgTx is a write transaction as records.Common uses it.
type pgTx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t pgTx) Exec(query string, args ...any) (int64, error) {
	tag, err := t.tx.Exec(t.ctx, rebind(query), args...)
	return tag.RowsAffected(), driver.Err(err)
}

func (t pgTx) Insert(query string, args ...any) (int64, error) {
	var id int64
	err := t.tx.QueryRow(t.ctx, rebind(query)+" RETURNING id", args...).Scan(&id)
	return id, driver.Err(err)
}

func (t pgTx) QueryRow(query string, args ...any) records.Scanner {
	return records.Row{Row: t.tx.QueryRow(t.ctx, rebind(query), args...), Driver: driver}
}

func (pgTx) Locked(query string, l records.Lock) string { return query + string(l) }

// rebind numbers the ? placeholders of a query written for both backends
// as PostgreSQL's $1, $2...; a ? inside a quoted string is left alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (database) Fold(expr string) string { return "ascii_lower(" + expr + ")" }

func (database) Bytewise(expr string) string { return expr + ` COLLATE "C"` }

// InsertRows copies the rows in with COPY.
func (t pgTx) InsertRows(table string, columns []string, rows [][]any) error {
	_, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	return driver.Err(err)
}

func (t pgTx) SignedOut(so drillroom.Signout) error { return notifySignout(t.ctx, t.tx, so) }
