package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
)

// table is one table drillroom migrate copies: its columns, its key (the
// order it is read in), and the columns whose type differs between the
// backends (SQLite's 0/1 integers are PostgreSQL booleans).
type table struct {
	name    string
	columns []string
	key     []string
	bools   []string
}

// tables are every table of the schema but the migration records, parents
// before children (PostgreSQL checks the foreign keys as rows arrive).
var tables = []table{
	{"users", cols("id, username, display_name, role, password_hash, created_at, admin, disabled, must_change"), cols("id"), cols("admin, disabled, must_change")},
	{"cohorts", cols("id, name, description, created_at"), cols("id"), nil},
	{"cohort_members", cols("cohort_id, user_id, added_at"), cols("cohort_id, user_id"), nil},
	{"logins", cols("token_hash, user_id, created_at, expires_at, seen_at"), cols("token_hash"), nil},
	{"scenario_versions", cols("scenario_id, version, hash, title, summary, briefing, difficulty, duration_ms, tags, source, policy_source, created_at, retired_at"), cols("scenario_id, version"), nil},
	{"assignments", cols("user_id, scenario_id, mode, assigned_at"), cols("user_id, scenario_id, mode"), nil},
	{"sessions", cols("id, rowid, user_id, scenario_id, version, hash, seed, mode, scale, state, ending, created_at, updated_at, last_seq"), cols("id"), nil},
	{"events", cols("session_id, seq, t, type, body"), cols("session_id, seq"), nil},
	{"commands", cols("session_id, cmd_id, first_seq, last_seq, result, created_at"), cols("session_id, cmd_id"), nil},
	{"scorecards", cols("id, session_id, rubric_hash, body, created_at"), cols("id"), nil},
	{"rule_outcomes", cols("scorecard_id, session_id, rubric_hash, rule_id, section, title, outcome, points, max_points, critical"), cols("scorecard_id, rule_id"), nil},
	{"reviews", cols("session_id, text, created_at, updated_at"), cols("session_id"), nil},
	{"audit", cols("id, at, actor_id, actor, action, target, detail, addr"), cols("id"), nil},
	{"marks", cols("id, session_id, rule_id, kind, outcome, points, old_outcome, old_points, reason, rubric_hash, rule_hash, by_id, actor, at"), cols("id"), nil},
	{"claims", cols("session_id, user_id, at, until"), cols("session_id"), nil},
	{"notes", cols("id, session_id, kind, text, due, seq, by_id, actor, at"), cols("id"), nil},
	{"responses", cols("id, session_id, kind, rule_id, ref, text, by_id, actor, at"), cols("id"), nil},
	{"calibration_rounds", cols("id, session_id, lead_id, created_at, published_at"), cols("id"), nil},
	{"calibration_members", cols("round_id, user_id"), cols("round_id, user_id"), nil},
	{"calibration_marks", cols("round_id, user_id, rule_id, outcome, points, at"), cols("round_id, user_id, rule_id"), nil},
	// What the triggers on scorecards keep: copied as they are (the copy
	// runs with those triggers off), so the copy is verified like the rest.
	{"scorecard_facts", cols("session_id, scorecard_id, user_id, scenario_id, version, mode, started_at, scored_at, rubric_hash, total, band, passed, handling_time, talk_time, hold_time, wrap_up, fcr, csat, time_to_classify, time_to_first_escalation, longest_silence, outcomes, released_id, official_scorecard_id, official_release_id, official_total, official_band, official_passed, official_changes, rev"), cols("session_id"), cols("passed, fcr, official_passed")},
	{"rule_notes", cols("scorecard_id, rule_id, feedback"), cols("scorecard_id, rule_id"), nil},
	{"xapi_outbox", cols("id, session_id, scorecard_id, release_id, queued_at, attempts, next_at, sent_at, last_error, statements, voided_at"), cols("id"), nil},
	{"releases", cols("id, session_id, by_id, actor, at, last_mark, last_note"), cols("id"), nil},
	{"actions_done", cols("note_id, session_id, text, by_id, actor, at"), cols("note_id"), nil},
	{"drafts", cols("id, author_id, name, source, created_at, updated_at"), cols("id"), nil},
	{"publications", cols("id, scenario_id, version, hash, title, source, author_id, approver_id, state, requested_at, decided_at, policy_source"), cols("id"), nil},
	{"drill_assignments", cols("id, scenario_id, version, mode, cohort_id, user_id, due_at, attempts, assigned_by, assigned_at"), cols("id"), nil},
	{"settings", cols("key, value, updated_by, updated_at"), cols("key"), nil},
	{"trainee_notes", cols("id, trainee_id, kind, text, due, by_id, actor, at, ack_by, ack_at, done_by, done_actor, done_text, done_at"), cols("id"), nil},
}

// nullable are the columns that may hold NULL (table.column); every other
// column is NOT NULL.
var nullable = map[string]bool{
	"xapi_outbox.sent_at":          true,
	"xapi_outbox.voided_at":        true,
	"scenario_versions.retired_at": true,
	"publications.approver_id":     true,
	"publications.decided_at":      true,
	"drill_assignments.cohort_id":  true,
	"drill_assignments.user_id":    true,
	"drill_assignments.due_at":     true,
	"settings.updated_by":          true,
	// A note on a trainee (store migration 0020): NULL until acknowledged
	// or done.
	"trainee_notes.ack_by":  true,
	"trainee_notes.done_by": true,
	// A session's official result, kept for analytics (see store
	// migration 0019): NULL until a review is released and computed.
	"scorecard_facts.released_id":           true,
	"scorecard_facts.official_scorecard_id": true,
	"scorecard_facts.official_release_id":   true,
	"scorecard_facts.official_total":        true,
	"scorecard_facts.official_band":         true,
	"scorecard_facts.official_passed":       true,
	"scorecard_facts.official_changes":      true,
}

func cols(s string) []string { return strings.Split(s, ", ") }

// tally is what a table holds, as drillroom migrate compares it: the row
// count and an order-independent checksum of the rows' canonical form
// (the sum, word by word, of each row's SHA-256).
type tally struct {
	rows int64
	sum  [4]uint64
}

func (t *tally) add(values []any) error {
	h := sha256.New()
	for _, v := range values {
		c, err := canonical(v)
		if err != nil {
			return err
		}
		h.Write(binary.AppendUvarint(nil, uint64(len(c))))
		h.Write(c)
	}
	d := h.Sum(nil)
	for i := range t.sum {
		t.sum[i] += binary.BigEndian.Uint64(d[8*i:])
	}
	t.rows++
	return nil
}

func (t tally) String() string {
	return fmt.Sprintf("%016x%016x%016x%016x", t.sum[0], t.sum[1], t.sum[2], t.sum[3])
}

// canonical encodes a value the same whichever backend read it: integers
// (and booleans, 0 or 1) in decimal, reals exactly, text and bytes as
// their bytes, each with a type letter.
func canonical(v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return []byte("n"), nil
	case bool:
		if v {
			return []byte("i1"), nil
		}
		return []byte("i0"), nil
	case int64:
		return strconv.AppendInt([]byte("i"), v, 10), nil
	case int32:
		return strconv.AppendInt([]byte("i"), int64(v), 10), nil
	case int16:
		return strconv.AppendInt([]byte("i"), int64(v), 10), nil
	case float64:
		return strconv.AppendUint([]byte("f"), math.Float64bits(v), 16), nil
	case string:
		return append([]byte("b"), v...), nil
	case []byte:
		return append([]byte("b"), v...), nil
	}
	return nil, fmt.Errorf("a value of type %T", v)
}

const migrateUsage = `usage: drillroom migrate --from sqlite:PATH --to postgres://...

Copies every record of a SQLite installation (PATH: its drillroom.db) into an
empty PostgreSQL database, creating the schema there, in one transaction, then
reads both back and compares, table by table, the row counts and a checksum
of every row. Stop the server first: what it writes during the copy is not
copied. The SQLite file is only read. Password hashes are copied as they are
(both backends share the hashing), so every account keeps its password.`

// runMigrate copies a SQLite installation into an empty PostgreSQL
// database. Exit 0: copied and verified; 1: failed (nothing is left in the
// PostgreSQL database unless the verification itself failed); 2: usage.
func runMigrate(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("migrate", stdio.Stderr, migrateUsage)
	from := fs.String("from", "", "the source: sqlite:PATH of a drillroom.db")
	to := fs.String("to", "", "the target: a postgres:// URL of an empty database (default $"+envDatabaseURL+")")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if *to == "" {
		*to = os.Getenv(envDatabaseURL)
	}
	path, ok := strings.CutPrefix(*from, "sqlite:")
	if len(args) != 0 || !ok || path == "" || !isPostgres(*to) {
		fs.Usage()
		return 2
	}
	log := slog.New(slog.NewTextHandler(stdio.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := migrateInstallation(ctx, path, *to, log, stdio); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom migrate: %v\n", err)
		return 1
	}
	return 0
}

func migrateInstallation(ctx context.Context, path, url string, log *slog.Logger, stdio IO) error {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("--from: no SQLite database file at %s", path)
	}
	src, err := store.Open(ctx, path, log, store.WithoutMigrating())
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, url, log)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer dst.Close()

	want := make([]tally, len(tables))
	const chunk = 5000
	err = dst.WriteTables(ctx, func(write postgres.TableWriter) error {
		return src.ReadTables(ctx, func(read store.TableReader) error {
			for i, t := range tables {
				var rows [][]any
				flush := func() error {
					if len(rows) == 0 {
						return nil
					}
					err := write(t.name, t.columns, rows)
					rows = rows[:0]
					return err
				}
				err := read(t.name, t.columns, t.key, func(values []any) error {
					row := make([]any, len(values))
					for j, v := range values {
						switch n := v.(type) {
						case nil:
							// The SQLite driver reads an empty BLOB as nil:
							// only a nullable column's nil is NULL.
							if !nullable[t.name+"."+t.columns[j]] {
								row[j] = []byte{}
							}
						case []byte:
							if n == nil {
								n = []byte{} // pgx would write a nil slice as NULL
							}
							row[j] = n
						case int64:
							if slices.Contains(t.bools, t.columns[j]) {
								row[j] = n != 0
							} else {
								row[j] = n
							}
						default:
							row[j] = v
						}
					}
					if err := want[i].add(row); err != nil {
						return fmt.Errorf("table %s: %w", t.name, err)
					}
					rows = append(rows, row)
					if len(rows) == chunk {
						return flush()
					}
					return nil
				})
				if err != nil {
					return err
				}
				if err := flush(); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}

	got := make([]tally, len(tables))
	err = dst.ReadTables(ctx, func(read postgres.TableReader) error {
		for i, t := range tables {
			if err := read(t.name, t.columns, t.key, func(values []any) error { return got[i].add(values) }); err != nil {
				return fmt.Errorf("table %s: %w", t.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	tw := tabwriter.NewWriter(stdio.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tCHECKSUM\tVERIFIED")
	bad := 0
	for i, t := range tables {
		ok := "yes"
		if got[i] != want[i] {
			ok = fmt.Sprintf("NO: PostgreSQL has %d rows, checksum %s", got[i].rows, got[i])
			bad++
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.name, want[i].rows, want[i], ok)
	}
	tw.Flush()
	if bad > 0 {
		return fmt.Errorf("%d tables differ after the copy: do not use the PostgreSQL database", bad)
	}
	fmt.Fprintf(stdio.Stdout, "copied %s to PostgreSQL: every table verified\n", path)
	return nil
}
