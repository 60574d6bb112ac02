package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/store/internal/records"
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
			ms, err := records.ReadMigrations(mapFS(tc.files))
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
				got = append(got, m.Version)
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
	if err != nil || len(embedded) == 0 || embedded[0].Name != "0001_init.sql" {
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
		ms, err := records.ReadMigrations(mapFS(files))
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

// Migration 0003 backfills the rule outcomes of scorecards stored before it,
// from their JSON, exactly as PutScorecard writes them for new scorings
// (scoring.Scorecard.RuleOutcomes).
func TestMigrationBackfillsRuleOutcomes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if err := migrate(ctx, db, slog.New(slog.DiscardHandler), all[:2]); err != nil {
		t.Fatal(err)
	}
	var cards []scoring.Scorecard
	for _, name := range []string{"gas-poor", "gas-good", "outage-teams"} {
		body, err := os.ReadFile(filepath.Join("..", "scoring", "testdata", name+".golden.json"))
		if err != nil {
			t.Fatal(err)
		}
		var c scoring.Scorecard
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cards = append(cards, c)
		for _, q := range []string{
			"INSERT OR IGNORE INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'ann', 'Ann', 'trainee', 'x', 0)",
			"INSERT INTO scenario_versions (scenario_id, version, hash, title, summary, difficulty, duration_ms, tags, source, policy_source, created_at) VALUES ('" + name + "', 1, 'h', 't', '', '', 0, '[]', x'00', x'', 0)",
			"INSERT INTO sessions (id, user_id, scenario_id, version, hash, seed, mode, scale, state, created_at, updated_at) VALUES ('" + name + "', 1, '" + name + "', 1, 'h', 1, 'practice', 1, 'ended', 0, 0)",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := db.Exec("INSERT INTO scorecards (session_id, rubric_hash, body, created_at) VALUES (?, ?, ?, 0)", name, c.RubricHash, body); err != nil {
			t.Fatal(err)
		}
	}
	// A scorecard without sections (as early tests stored) backfills nothing.
	if _, err := db.Exec(`INSERT INTO scorecards (session_id, rubric_hash, body, created_at) VALUES ('gas-poor', 'r0', CAST('{"total":80}' AS BLOB), 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := openAt(t, path)
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(all) {
		t.Fatalf("schema version after upgrade: %d, %v; want %d", v, err, len(all))
	}
	for i, name := range []string{"gas-poor", "gas-good", "outage-teams"} {
		want := cards[i].RuleOutcomes()
		rows, err := s.rdb.Query(`SELECT rubric_hash, rule_id, section, title, outcome, points, max_points, critical
			FROM rule_outcomes WHERE session_id = ?`, name)
		if err != nil {
			t.Fatal(err)
		}
		var got []drillroom.RuleOutcome
		for rows.Next() {
			var o drillroom.RuleOutcome
			if err := rows.Scan(&o.RubricHash, &o.RuleID, &o.Section, &o.Title, &o.Outcome, &o.Points, &o.MaxPoints, &o.Critical); err != nil {
				t.Fatal(err)
			}
			got = append(got, o)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		byID := func(a, b drillroom.RuleOutcome) int { return strings.Compare(a.RuleID, b.RuleID) }
		slices.SortFunc(got, byID)
		slices.SortFunc(want, byID)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: backfilled outcomes\n got %+v\nwant %+v", name, got, want)
		}
	}
	var n int
	if err := s.rdb.QueryRow("SELECT COUNT(*) FROM rule_outcomes WHERE rubric_hash = 'r0'").Scan(&n); err != nil || n != 0 {
		t.Errorf("outcomes of the scorecard without sections: %d, %v; want none", n, err)
	}
	// The backfilled outcomes are what the report reads; gas-poor's newest
	// scorecard is the one without sections, so it reports nothing.
	rates, err := s.RuleFailureRates(ctx, "gas-good")
	if err != nil || len(rates) != len(cards[1].RuleOutcomes()) {
		t.Errorf("RuleFailureRates(gas-good) after the backfill: %d rules, %v; want %d", len(rates), err, len(cards[1].RuleOutcomes()))
	}
	if rates, err := s.RuleFailureRates(ctx, "gas-poor"); err != nil || len(rates) != 0 {
		t.Errorf("RuleFailureRates(gas-poor): %d rules, %v; want none (its newest scorecard has no rules)", len(rates), err)
	}
}

// WithoutMigrating opens only a database at this program's schema: it
// neither upgrades an older one nor creates one.
func TestOpenWithoutMigrating(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", dsn(old, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, slog.New(slog.DiscardHandler), all[:len(all)-1]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := Open(ctx, old, nil, WithoutMigrating()); err == nil || !strings.Contains(err.Error(), "older than this program's") {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open(older schema, WithoutMigrating): got %v, want a refusal naming the versions", err)
	}
	s := openAt(t, old) // the ordinary Open upgrades it
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(all) {
		t.Fatalf("after upgrade: version %d, %v", v, err)
	}
	s.Close()
	s, err = Open(ctx, old, nil, WithoutMigrating())
	if err != nil {
		t.Fatalf("Open(current schema, WithoutMigrating): %v", err)
	}
	s.Close()
	if s, err := Open(ctx, filepath.Join(dir, "empty.db"), nil, WithoutMigrating()); err == nil {
		s.Close()
		t.Errorf("Open(new file, WithoutMigrating): got nil error, want a refusal")
	}
}
