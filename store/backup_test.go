package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"
)

func TestBackupWhileWriting(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const sessions = 4
	ids := storetest.FixtureSessions(t, s, sessions)
	for _, id := range ids {
		if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1"}, storetest.Events(1, 5)); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for seq := int64(6); ; seq++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", seq)}, storetest.Events(seq, 1)); err != nil {
					t.Errorf("append during backup: %v", err)
					return
				}
			}
		})
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	err := Backup(ctx, s.path, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := Backup(ctx, s.path, dest); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("Backup onto an existing file: got %v, want drillroom.ErrConflict", err)
	}

	b := openAt(t, dest)
	var integrity string
	if err := b.rdb.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("backup integrity_check: %q, %v", integrity, err)
	}
	embedded, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := b.SchemaVersion(ctx); err != nil || v != len(embedded) {
		t.Errorf("backup schema version: %d, %v; want %d (every embedded migration)", v, err, len(embedded))
	}
	for _, id := range ids {
		x, err := b.Session(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if x.LastSeq < 5 {
			t.Errorf("backup session %s: LastSeq %d, want at least the 5 events written before", id, x.LastSeq)
		}
		storetest.AssertLog(t, b, id, x.LastSeq) // a consistent snapshot: LastSeq and the log agree
	}
	// The backup is a working database: it accepts the next append.
	x, _ := b.Session(ctx, ids[0])
	if err := b.AppendEvents(ctx, ids[0], drillroom.Command{}, storetest.Events(x.LastSeq+1, 1)); err != nil {
		t.Errorf("append to the backup: %v", err)
	}
}

func TestBackupRefuses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database at all, just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src, dest string
		want            error
		wantMsg         string
	}{
		{"existing destination", s.path, existing, drillroom.ErrConflict, "never overwrites"},
		{"empty existing destination", s.path, func() string { p := filepath.Join(dir, "empty.db"); os.WriteFile(p, nil, 0o600); return p }(), drillroom.ErrConflict, "exists"},
		{"no database", filepath.Join(dir, "absent.db"), filepath.Join(dir, "b1.db"), drillroom.ErrNotFound, "no database at"},
		{"a directory", dir, filepath.Join(dir, "b2.db"), drillroom.ErrInvalid, "not a database file"},
		{"not a database", notDB, filepath.Join(dir, "b3.db"), drillroom.ErrInvalid, "not a drillroom database"},
		{"missing destination directory", s.path, filepath.Join(dir, "nowhere", "b4.db"), nil, "nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Backup(ctx, tc.src, tc.dest)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("got %v, want %v mentioning %q", err, tc.want, tc.wantMsg)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("existing destination changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Backup of an absent database created it: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := "empty.db existing.db notes.txt"; strings.Join(names, " ") != want {
		t.Errorf("files after refused backups: %v, want %s (no partial copies)", names, want)
	}
}
