package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
)

// TestBackupCommand backs up a database that a live store keeps writing,
// through the real entry point, then opens the copy as a server would.
func TestBackupCommand(t *testing.T) {
	ctx := context.Background()
	dir, st := liveDatabase(t)
	x := scoredSession(t, st, "ann", "gas-poor")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for seq := int64(1); ; seq++ {
			select {
			case <-stop:
				return
			default:
			}
			e := simulator.Event{Seq: seq, T: seq, Type: simulator.EvLine, From: "customer", Text: fmt.Sprintf("line %d", seq)}
			if err := st.AppendEvents(ctx, x.ID, drillroom.Command{ID: fmt.Sprintf("c%d", seq)}, []simulator.Event{e}); err != nil {
				t.Errorf("append while backing up: %v", err)
				return
			}
		}
	})
	dest := filepath.Join(t.TempDir(), "copy.db")
	code, out, errs := runMain("backup", "--data", dir, dest)
	close(stop)
	wg.Wait()
	wantExit0(t, code, errs)
	if !strings.HasPrefix(out, "backed up ") || !strings.Contains(out, dest) {
		t.Errorf("stdout %q, want it to name the copy", out)
	}

	b, err := store.Open(ctx, dest, nil)
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer b.Close()
	got, err := b.Session(ctx, x.ID)
	if err != nil {
		t.Fatalf("session in the copy: %v", err)
	}
	evs, err := b.Events(ctx, x.ID, 0)
	if err != nil || int64(len(evs)) != got.LastSeq {
		t.Errorf("copy: %d events, %v; LastSeq %d (a consistent snapshot has both agree)", len(evs), err, got.LastSeq)
	}
	if _, err := b.Scorecard(ctx, x.ID); err != nil {
		t.Errorf("scorecard in the copy: %v", err)
	}
	if _, err := b.Authenticate(ctx, "ann", "correct horse battery"); err != nil {
		t.Errorf("sign in on the copy: %v", err)
	}
	if rates, err := b.RuleFailureRates(ctx, ""); err != nil || len(rates) == 0 {
		t.Errorf("rule outcomes in the copy: %d, %v", len(rates), err)
	}

	// Refusals name what was wrong and leave DEST as it was.
	before, _ := os.ReadFile(dest)
	wantRefusals(t, []refusal{
		{"existing destination", "", []string{"backup", "--data", dir, dest}, 1, "never overwrites"},
		{"no database", "", []string{"backup", "--data", t.TempDir(), filepath.Join(t.TempDir(), "x.db")}, 1, "no database at"},
		{"missing destination directory", "", []string{"backup", "--data", dir, filepath.Join(t.TempDir(), "no", "x.db")}, 1, "no such file or directory"},
		{"no destination", "", []string{"backup", "--data", dir}, 2, "usage: drillroom backup"},
		{"two destinations", "", []string{"backup", "--data", dir, "a.db", "b.db"}, 2, "usage: drillroom backup"},
	})
	if after, _ := os.ReadFile(dest); string(after) != string(before) {
		t.Errorf("a refused backup changed the existing copy")
	}
}
