package postgres

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
)

// scanner is a pgx.Row or pgx.Rows.
type scanner = records.Scanner

// queryAll runs a read query on the pool and scans every row with scan.
// Errors name what was read. It returns an empty slice, never nil, when no
// row matches.
func queryAll[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	err := forEach(ctx, s, what, query, args, func(row scanner) error {
		v, err := scan(row)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// forEach runs a read query and calls fn with each row as it is read, so
// that an export of any size is never held in memory. fn's error stops the
// query and is returned as it is.
func forEach(ctx context.Context, s *Store, what, query string, args []any, fn func(scanner) error) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// insertRow runs an INSERT ... RETURNING id in tx and returns the new
// row's id. A row that refers to a missing one (a foreign key) is
// drillroom.ErrNotFound.
func insertRow(ctx context.Context, tx pgx.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, query, args...).Scan(&id)
	if isForeignKeyViolation(err) {
		return 0, drillroom.ErrNotFound
	}
	return id, err
}

// nameOf returns the display name of user id, or name when the user cannot
// be read.
func (s *Store) nameOf(ctx context.Context, id int64, name string) string {
	if u, err := s.UserByID(ctx, id); err == nil {
		return u.DisplayName
	}
	return name
}

// queryOne runs a read query on the pool and scans its one row with scan.
// No row is drillroom.ErrNotFound; errors name what was read.
func queryOne[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.pool.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, notFound(err, what)
	}
	return v, nil
}

// changeRow runs an UPDATE or DELETE in tx that must find its row: none
// is drillroom.ErrNotFound.
func changeRow(ctx context.Context, tx pgx.Tx, query string, args ...any) error {
	tag, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return drillroom.ErrNotFound
	}
	return nil
}
