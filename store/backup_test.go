package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"
)

func TestBackupWhileWriting(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const sessions = 4
	ids := make([]string, sessions)
	for i := range ids {
		ids[i] = storetest.NewFixture(t, s, fmt.Sprintf("u%d", i)).Session.ID
	}
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
	err := s.Backup(ctx, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.Backup(ctx, dest); !errors.Is(err, drillroom.ErrConflict) {
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
