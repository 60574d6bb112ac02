package store

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func TestReadMigrations(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    []int
		wantErr string
	}{
		{"ordered by number, not by name", map[string]string{"0002_b.sql": "", "0010_j.sql": "", "0001_a.sql": "", "0003_c.sql": "", "0004_d.sql": "", "0005_e.sql": "", "0006_f.sql": "", "0007_g.sql": "", "0008_h.sql": "", "0009_i.sql": ""}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{"gap", map[string]string{"0001_a.sql": "", "0003_c.sql": ""}, nil, "want 2"},
		{"duplicate number", map[string]string{"0001_a.sql": "", "0001_b.sql": ""}, nil, "want 2"},
		{"no number", map[string]string{"init.sql": ""}, nil, "want NNNN_name.sql"},
		{"not sql", map[string]string{"0001_a.txt": ""}, nil, "want NNNN_name.sql"},
		{"zero", map[string]string{"0000_a.sql": ""}, nil, "bad version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := readMigrations(mapFS(tc.files))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got versions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got versions %v, want %v", got, tc.want)
					break
				}
			}
		})
	}
	embedded, err := migrations()
	if err != nil || len(embedded) == 0 || embedded[0].name != "0001_init.sql" {
		t.Errorf("embedded migrations: got %v, %v; want 0001_init.sql first", embedded, err)
	}
}

// An upgrade applies only the new migrations, and a failing migration is
// rolled back whole, leaving the database at the previous version.
func TestMigrateUpgradeAndFailure(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	log := slog.New(slog.DiscardHandler)
	v1 := map[string]string{"0001_a.sql": "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"}
	v2 := map[string]string{"0001_a.sql": v1["0001_a.sql"], "0002_b.sql": "CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x + 1 FROM a;"}
	v3 := map[string]string{"0001_a.sql": v1["0001_a.sql"], "0002_b.sql": v2["0002_b.sql"],
		"0003_bad.sql": "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);"}
	version := func() int {
		var v int
		if err := db.QueryRow("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	run := func(files map[string]string) error {
		ms, err := readMigrations(mapFS(files))
		if err != nil {
			t.Fatal(err)
		}
		return migrate(ctx, db, log, ms)
	}

	if err := run(v1); err != nil {
		t.Fatal(err)
	}
	if err := run(v1); err != nil { // already migrated: nothing to do (re-running 0001 would fail: table a exists)
		t.Fatalf("re-run on a migrated database: %v", err)
	}
	if err := run(v2); err != nil {
		t.Fatalf("upgrade to 2: %v", err)
	}
	if got := version(); got != 2 {
		t.Errorf("after upgrade: version %d, want 2", got)
	}
	var y int
	if err := db.QueryRow("SELECT y FROM b").Scan(&y); err != nil || y != 2 {
		t.Errorf("data migrated by 0002: got %d, %v; want 2", y, err)
	}
	err = run(v3)
	if err == nil || !strings.Contains(err.Error(), "0003_bad.sql") {
		t.Fatalf("failing migration: got %v, want an error naming 0003_bad.sql", err)
	}
	if got := version(); got != 2 {
		t.Errorf("after a failed migration: version %d, want 2", got)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'c'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table c from the failed migration: count %d, %v; want it rolled back", n, err)
	}
	if err := run(v1); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("older program on a newer database: got %v, want a refusal", err)
	}
}
