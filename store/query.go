package store

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner = records.Scanner

// queryAll runs a read query on the read pool and scans every row with
// scan. Errors name what was read. It returns an empty slice, never nil,
// when no row matches.
func queryAll[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// insertRow runs an INSERT in tx and returns the new row's id. A row that
// refers to a missing one (a foreign key) is drillroom.ErrNotFound.
func insertRow(tx *wtx, query string, args ...any) (int64, error) {
	res, err := tx.Exec(query, args...)
	if isForeignKeyViolation(err) {
		return 0, drillroom.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// changeRow runs an UPDATE or DELETE in tx that must find its row: none
// is drillroom.ErrNotFound.
func changeRow(tx *wtx, query string, args ...any) error {
	res, err := tx.Exec(query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return drillroom.ErrNotFound
	}
	return nil
}

// nameOf returns the display name of user id, or name when the user cannot
// be read.
func (s *Store) nameOf(ctx context.Context, id int64, name string) string {
	if u, err := s.UserByID(ctx, id); err == nil {
		return u.DisplayName
	}
	return name
}

// queryOne runs a read query on the read pool and scans its one row with
// scan. No row is drillroom.ErrNotFound; errors name what was read.
func queryOne[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.rdb.QueryRowContext(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, notFound(err, what)
	}
	return v, nil
}
