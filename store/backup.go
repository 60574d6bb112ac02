package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/drillroom/drillroom"
)

// Backup writes a consistent copy of the database to dest with VACUUM INTO,
// while the store keeps serving reads and writes: the copy is the state of
// one read transaction. dest must not exist. Copying the database file (or
// its -wal file) with cp while the server runs can produce a corrupt copy;
// use this instead.
func (s *Store) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup to %s: %w: file exists", abs, drillroom.ErrConflict)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	// VACUUM cannot run inside a transaction, and the readers are
	// query_only, so the copy gets a connection of its own. It only reads
	// the source, so it does not compete with the writer for the lock.
	db, err := sql.Open("sqlite", dsn(s.path, false))
	if err != nil {
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	s.logger.Info("store: backup written", "path", abs)
	return nil
}
