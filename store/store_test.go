package store

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/password"
	"github.com/drillroom/drillroom/store/storetest"
)

// cheapArgon keeps the tests fast; TestPasswordRehash covers the real parameters.
var cheapArgon = password.Params{Memory: 64, Passes: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// openTest opens a store with opts on a new file in t.TempDir and closes it
// at cleanup.
func openTest(t testing.TB, opts ...Option) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "drillroom.db"), opts...)
}

func openAt(t testing.TB, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, slog.New(slog.DiscardHandler), append(opts, WithPasswordCost(cheapArgon.Memory, cheapArgon.Passes))...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openUnmanaged opens the store at path with cheap password hashing for a
// test that closes it itself: to reopen it, or to see what Close does.
func openUnmanaged(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	s.Hasher = password.New(cheapArgon)
	return s
}

func TestOpenFreshAndMigrated(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub dir?#", "drill room.db")
	if _, err := Open(ctx, path, nil); err == nil {
		t.Fatalf("Open in a missing directory: got nil error")
	}
	path = filepath.Join(t.TempDir(), "drill room?#.db") // characters a DSN must escape
	for round := 1; round <= 3; round++ {
		s, err := Open(ctx, path, nil)
		if err != nil {
			t.Fatalf("round %d: Open: %v", round, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Errorf("round %d: schema version %d, want %d", round, v, len(ms))
		}
		var applied int
		if err := s.rdb.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != len(ms) {
			t.Errorf("round %d: %d migration rows, want %d (a migration ran twice or not at all)", round, applied, len(ms))
		}
		if round == 1 {
			if _, err := s.CreateUser(ctx, "ann", "Ann", drillroom.RoleTrainee, "password one"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UserByUsername(ctx, "ann"); err != nil {
			t.Errorf("round %d: user written in round 1: %v", round, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("round %d: database file not at the path given: %v", round, err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	s := openUnmanaged(t, path)
	err := s.w.do(ctx, false, func(tx *wtx) error {
		_, err := tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, path, nil); err == nil {
		s.Close()
		t.Fatalf("Open of a database from a newer program: got nil error, want one")
	}
}

func TestOpenPasswordCost(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		mem, t   uint32
		want     error
		wantHash string
	}{
		{"cheap for tests", 64, 1, nil, "$argon2id$v=19$m=64,t=1,p=1$"},
		{"raised", 32 * 1024, 3, nil, "$argon2id$v=19$m=32768,t=3,p=1$"},
		{"too little memory", 4, 1, drillroom.ErrInvalid, ""},
		{"zero passes", 64, 0, drillroom.ErrInvalid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), filepath.Join(dir, tc.name+".db"), nil, WithPasswordCost(tc.mem, tc.t))
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Errorf("got %v, want %v", err, tc.want)
				}
				if s != nil {
					s.Close()
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			u, err := s.CreateUser(context.Background(), "ann", "Ann", drillroom.RoleTrainee, "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			var h string
			s.rdb.QueryRow("SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&h)
			if !strings.HasPrefix(h, tc.wantHash) {
				t.Errorf("hash %q, want prefix %q", h, tc.wantHash)
			}
		})
	}
}

func TestOpenRejectsNonFilePaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if s, err := Open(context.Background(), p, nil); !errors.Is(err, drillroom.ErrInvalid) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(%q): got %v, want drillroom.ErrInvalid", p, err)
		}
	}
}

// Every pooled connection, not just the first, must carry the DSN pragmas.
func TestPragmasOnEveryConnection(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var conns []interface{ Close() error }
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 4; i++ {
		c, err := s.rdb.Conn(ctx) // holding each forces a new connection
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for _, tc := range []struct {
			pragma string
			want   string
		}{
			{"journal_mode", "wal"},
			{"synchronous", "2"},
			{"busy_timeout", "5000"},
			{"foreign_keys", "1"},
			{"query_only", "1"},
			{"temp_store", "2"},
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("reader connection %d: PRAGMA %s = %q, want %q", i, tc.pragma, got, tc.want)
			}
		}
	}
	// The writer's connection writes, and leaves checkpoints to the
	// checkpointer's, which has the same pragmas.
	var qo, auto string
	err := s.w.do(ctx, false, func(tx *wtx) error {
		if err := tx.QueryRow("PRAGMA query_only").Scan(&qo); err != nil {
			return err
		}
		return tx.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto)
	})
	if err != nil {
		t.Fatal(err)
	}
	if qo != "0" || auto != "0" {
		t.Errorf("writer: query_only = %s, wal_autocheckpoint = %s; want 0 and 0", qo, auto)
	}
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"synchronous", "2"}, {"busy_timeout", "5000"}, {"query_only", "0"},
	} {
		var got string
		if err := s.w.ckpt.db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("checkpointer: PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
}

func TestReopenReadsBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	s := openUnmanaged(t, path)
	f := storetest.NewFixture(t, s, "ann")
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1", Result: []byte(`{"ack":"c1"}`)}, storetest.Events(1, 3)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutScorecard(ctx, f.Session.ID, "rubric-1", []byte(`{"total":80}`), nil); err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateLogin(ctx, f.User.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{}, storetest.Events(4, 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("AppendEvents after Close: got %v, want ErrClosed", err)
	}

	s = openAt(t, path)
	got, err := s.Events(ctx, f.Session.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := storetest.Events(1, 3)
	if len(got) != len(want) {
		t.Fatalf("got %d events after reopen, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].T != want[i].T || got[i].Type != want[i].Type || got[i].Text != want[i].Text {
			t.Errorf("event %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	x, err := s.Session(ctx, f.Session.ID)
	if err != nil {
		t.Fatal(err)
	}
	if x.LastSeq != 3 || x.State != drillroom.StateLive || x.Hash != "sha256:aaaa" || x.Seed != 42 {
		t.Errorf("session after reopen: got %+v, want LastSeq 3, live, hash sha256:aaaa, seed 42", x)
	}
	if r, err := s.CommandResult(ctx, f.Session.ID, "c1"); err != nil || string(r) != `{"ack":"c1"}` {
		t.Errorf("CommandResult after reopen: got %q, %v", r, err)
	}
	if sc, err := s.Scorecard(ctx, f.Session.ID); err != nil || string(sc) != `{"total":80}` {
		t.Errorf("Scorecard after reopen: got %q, %v", sc, err)
	}
	if u, err := s.LoginUser(ctx, token); err != nil || u.ID != f.User.ID {
		t.Errorf("LoginUser after reopen: got %+v, %v; want user %d", u, err, f.User.ID)
	}
	if _, err := s.Authenticate(ctx, "ann", "correct horse battery"); err != nil {
		t.Errorf("Authenticate after reopen: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
