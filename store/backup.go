package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/drillroom/drillroom"
)

// Backup writes a consistent copy of the drillroom database at src to dest
// with VACUUM INTO, while the server keeps reading and writing it: the copy
// is the state of one read transaction, compacted. Copying the database
// file (or its -wal file) with cp while the server runs can produce a
// corrupt copy; use this instead.
//
// dest must not exist (drillroom.ErrConflict): Backup never overwrites. The
// copy is written to a temporary file beside dest, synced, and then linked
// into place, so dest is either absent or complete. src must be a drillroom
// database (drillroom.ErrNotFound if absent, ErrInvalid if it is something
// else); it is neither created nor migrated, so a backup taken before an
// upgrade holds the old schema.
func Backup(ctx context.Context, src, dest string) error {
	if err := backup(ctx, src, dest); err != nil {
		return fmt.Errorf("backup %s to %s: %w", src, dest, err)
	}
	return nil
}

func backup(ctx context.Context, src, dest string) (err error) {
	src, err = filepath.Abs(src)
	if err != nil {
		return err
	}
	dest, err = filepath.Abs(dest)
	if err != nil {
		return err
	}
	switch fi, err := os.Stat(src); {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: no database at %s", drillroom.ErrNotFound, src)
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: %s is not a database file", drillroom.ErrInvalid, src)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%w: %s exists; a backup never overwrites", drillroom.ErrConflict, dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// VACUUM INTO wants a file that does not exist or is empty: an empty
	// temporary file of our own, in dest's directory so it can be linked.
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer func() {
		if rmErr := os.Remove(tmpPath); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) && err == nil {
			err = rmErr
		}
	}()
	if err := vacuumInto(ctx, src, tmpPath); err != nil {
		return err
	}
	if err := syncFile(tmpPath); err != nil {
		return err
	}
	// A hard link does not replace an existing file, so a dest created
	// since the check above is never overwritten.
	if err := os.Link(tmpPath, dest); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w: %s exists; a backup never overwrites", drillroom.ErrConflict, dest)
		}
		return err
	}
	return syncFile(filepath.Dir(dest))
}

// vacuumInto copies the database at src to the empty file dest, on a
// connection of its own with only a busy timeout: VACUUM cannot run inside
// a transaction, and nothing here may change src (not even switch a file
// that turns out not to be ours to WAL).
func vacuumInto(ctx context.Context, src, dest string) error {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	u := url.URL{Scheme: "file", Path: src, RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n); err != nil {
		return fmt.Errorf("%w: %s is not a drillroom database: %v", drillroom.ErrInvalid, src, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s is not a drillroom database (no schema_migrations table)", drillroom.ErrInvalid, src)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return err
	}
	return nil
}

// syncFile fsyncs a file or directory.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
