package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/drillroom/drillroom/store/internal/records"
)

// TableReader reads every row of table: the columns named, in the order
// of key (columns too), calling row with the values (int64, float64,
// string, []byte or nil). row's slice is reused: copy what it keeps.
type TableReader func(table string, columns, key []string, row func(values []any) error) error

// ReadTables runs fn with a reader of one read transaction: every table fn
// reads is of the same instant, even while the server writes. It is how
// drillroom migrate copies an installation, table by table.
func (s *Store) ReadTables(ctx context.Context, fn func(read TableReader) error) error {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read tables: %w", err)
	}
	defer tx.Rollback()
	read := func(table string, columns, key []string, row func([]any) error) error {
		query, err := records.TableQuery(table, columns, key)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("read table %s: %w", table, err)
		}
		defer rows.Close()
		values := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range values {
			ptrs[i] = &values[i]
		}
		return records.ReadTable(table, rows, func() ([]any, error) { return values, rows.Scan(ptrs...) }, row)
	}
	return fn(read)
}
