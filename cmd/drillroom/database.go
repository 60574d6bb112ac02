package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/drillroom/drillroom/store"
)

// databaseFile is the database's name inside the data directory.
const databaseFile = "drillroom.db"

// dataFlag adds --data, the directory serve keeps the database in.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "data", "the data directory of the server (serve --data)")
}

// databasePath returns the database file in dir, or an error saying why
// there is none: the tools work on a server's database, never create one.
func databasePath(dir string) (string, error) {
	path := filepath.Join(dir, databaseFile)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no database at %s: pass the directory the server uses (serve --data DIR) with --data", path)
	}
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a database file", path)
	}
	return path, nil
}

// openDatabase opens the server's database in dir for a command-line tool.
// It does not upgrade the schema: a tool of another version than the
// server's is refused rather than changing the database under the server.
func openDatabase(ctx context.Context, dir string, stderr io.Writer) (*store.Store, error) {
	path, err := databasePath(dir)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return store.Open(ctx, path, log, store.WithoutMigrating())
}
