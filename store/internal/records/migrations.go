package records

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
)

// Migration is one file of a backend's embedded migrations.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// EmbeddedMigrations reads a backend's migrations from the directory
// migrations of fsys (the backend's //go:embed migrations/*.sql), as
// ReadMigrations does.
func EmbeddedMigrations(fsys fs.FS) ([]Migration, error) {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	return ReadMigrations(sub)
}

// ReadMigrations lists the files named NNNN_name.sql at the root of fsys in
// version order, and checks that the versions are 1, 2, 3, ... without gaps.
func ReadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || path.Ext(name) != ".sql" {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: bad version %q", name, num)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d (versions must be 1, 2, 3, ...)", m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}

// CheckSchemaVersion fails (drillroom.ErrUnavailable) unless a database at
// schema version current has exactly the program's migrations, want.
func CheckSchemaVersion(current, want int) error {
	switch {
	case current < want:
		return fmt.Errorf("%w: database schema version %d is older than this program's %d: upgrade it by starting this version's server (back it up first)", drillroom.ErrUnavailable, current, want)
	case current > want:
		return fmt.Errorf("%w: database schema version %d is newer than this program's %d: use the server's version of drillroom", drillroom.ErrUnavailable, current, want)
	}
	return nil
}

// SchemaVersion is the highest migration applied to the database.
func (s Common) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
