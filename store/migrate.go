package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"time"

	"github.com/drillroom/drillroom/store/internal/records"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration = records.Migration

// migrations lists the embedded migrations in version order.
func migrations() ([]migration, error) { return records.EmbeddedMigrations(migrationFS) }

// migrate applies, in order, every embedded migration not yet recorded in
// schema_migrations, each in its own transaction with its record, so a crash
// between two migrations leaves a database that the next Open continues.
func migrate(ctx context.Context, db *sql.DB, logger *slog.Logger, ms []migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("database schema version %d is newer than this program's %d", current, len(ms))
	}
	for _, m := range ms[current:] {
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UnixMilli()); err != nil {
				return err
			}
			return tx.Commit()
		}()
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		logger.Info("store: applied migration", "migration", m.Name)
	}
	return nil
}

// checkSchema fails unless the database has exactly the migrations ms.
func checkSchema(ctx context.Context, db *sql.DB, ms []migration) error {
	var current int
	err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current)
	if err != nil {
		return fmt.Errorf("read schema version (is this a drillroom database?): %w", err)
	}
	return records.CheckSchemaVersion(current, len(ms))
}
