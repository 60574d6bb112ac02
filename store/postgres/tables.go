package postgres

import (
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
)

// TableReader reads every row of table: the columns named, in the order
// of key (columns too), calling row with the values (as pgx decodes them).
// row's slice is not reused.
type TableReader func(table string, columns, key []string, row func(values []any) error) error

// TableWriter copies rows into table (COPY), in as many calls as the caller
// likes.
type TableWriter func(table string, columns []string, rows [][]any) error

// ReadTables runs fn with a reader of one repeatable-read, read-only
// transaction: every table fn reads is of the same instant.
func (s *Store) ReadTables(ctx context.Context, fn func(read TableReader) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(func(table string, columns, key []string, row func([]any) error) error {
			query, err := records.TableQuery(table, columns, key)
			if err != nil {
				return err
			}
			rows, err := tx.Query(ctx, query)
			if err != nil {
				return fmt.Errorf("read table %s: %w", table, err)
			}
			defer rows.Close()
			return records.ReadTable(table, rows, rows.Values, row)
		})
	})
}

// identities are the columns PostgreSQL numbers itself; after rows are
// copied in with their numbers, their sequences continue after the highest.
var identities = [][2]string{{"users", "id"}, {"cohorts", "id"}, {"scorecards", "id"}, {"audit", "id"}, {"sessions", "rowid"},
	{"marks", "id"}, {"notes", "id"}, {"responses", "id"}, {"calibration_rounds", "id"}, {"xapi_outbox", "id"},
	{"releases", "id"}, {"drafts", "id"}, {"publications", "id"}, {"drill_assignments", "id"}, {"trainee_notes", "id"}}

// derived are the triggers that fill tables from the rows of others
// (analytics and the xAPI outbox from scorecards and releases; the facts'
// revisions): off while rows are copied in, since the copy brings their
// tables' rows as they were.
var derived = [][2]string{{"scorecards", "scorecards_facts"}, {"scorecards", "scorecards_xapi"},
	{"releases", "releases_facts"}, {"releases", "releases_xapi"}, {"scorecard_facts", "scorecard_facts_rev"}}

// WriteTables runs fn with a writer that copies rows into the tables, all
// in one transaction: if fn or a copy fails, nothing is written. The
// database must hold no drillroom data yet (drillroom.ErrConflict): it is
// how drillroom migrate fills a new database. The identity sequences then
// continue after the copied ids. The triggers that derive rows from
// scorecards are off during the copy (the transaction locks the table).
func (s *Store) WriteTables(ctx context.Context, fn func(write TableWriter) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, t := range []string{"users", "cohorts", "scenario_versions", "sessions", "events", "audit"} {
			var found bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+")").Scan(&found); err != nil {
				return err
			}
			if found {
				return fmt.Errorf("%w: the database already holds drillroom data (table %s is not empty)", drillroom.ErrConflict, t)
			}
		}
		for _, d := range derived {
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DISABLE TRIGGER %s", d[0], d[1])); err != nil {
				return fmt.Errorf("turn off trigger %s: %w", d[1], err)
			}
		}
		err := fn(func(table string, columns []string, rows [][]any) error {
			if err := records.CheckIdentifiers(append([]string{table}, columns...)...); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy into %s: %w", table, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, d := range derived {
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s ENABLE TRIGGER %s", d[0], d[1])); err != nil {
				return fmt.Errorf("turn on trigger %s: %w", d[1], err)
			}
		}
		// The facts keep the revisions they were copied with; the counter
		// continues after the highest (migration 0013).
		if _, err := tx.Exec(ctx, "UPDATE analytics_rev SET rev = GREATEST(rev, (SELECT COALESCE(MAX(rev), 0) FROM scorecard_facts)) WHERE id = 1"); err != nil {
			return fmt.Errorf("continue the analytics revisions: %w", err)
		}
		for _, id := range identities {
			if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX(%s), 0) + 1, false) FROM %s",
				id[0], id[1], id[1], id[0])); err != nil {
				return fmt.Errorf("continue the ids of %s: %w", id[0], err)
			}
		}
		return nil
	})
}
