package main

import (
	"context"
	"fmt"
	"os"

	"github.com/drillroom/drillroom/store"
)

const backupUsage = `usage: drillroom backup [--data DIR] DEST

Writes a consistent, compacted copy of the server's database to the new file
DEST while the server keeps running (SQLite's VACUUM INTO). DEST must not
exist. The copy is a complete database: to restore, stop the server and put
it in place of DIR/drillroom.db (removing drillroom.db-wal and -shm).
A PostgreSQL database (--db, $DRILLROOM_DATABASE_URL) is backed up with
PostgreSQL's own tools: pg_dump --format=custom --file=FILE URL (online,
consistent), restored with pg_restore; or the site's base backups and WAL archive.`

// runBackup writes a consistent copy of the database in --data to DEST
// while the server keeps running. Exit 0: written; 1: failed (nothing is
// left at DEST); 2: usage.
func runBackup(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("backup", stdio.Stderr, backupUsage)
	data := dataFlag(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) != 1 || args[0] == "" {
		fs.Usage()
		return 2
	}
	dest := args[0]
	if err := checkDB(data.db); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom backup: %v\n", err)
		return 2
	}
	if isPostgres(data.db) {
		fmt.Fprintln(stdio.Stderr, "drillroom backup: this copies SQLite databases; back up PostgreSQL with pg_dump instead:")
		fmt.Fprintln(stdio.Stderr, "  pg_dump --format=custom --file=DEST \"$DRILLROOM_DATABASE_URL\"   (restore with pg_restore)")
		return 1
	}
	src, err := databasePath(data.data)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom backup: %v\n", err)
		return 1
	}
	if err := store.Backup(ctx, src, dest); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom backup: %v\n", err)
		return 1
	}
	size := ""
	if fi, err := os.Stat(dest); err == nil {
		size = fmt.Sprintf(" (%d bytes)", fi.Size())
	}
	fmt.Fprintf(stdio.Stdout, "backed up %s to %s%s\n", src, dest, size)
	return 0
}
