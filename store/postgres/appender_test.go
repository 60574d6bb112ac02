package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"
)

// TestGroupCommit: appends from many sessions at once share transactions,
// so the commits are fewer than the appends, and every log is gap-free.
func TestGroupCommit(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const sessions, per = 32, 20
	ids := make([]string, sessions)
	for i := range ids {
		ids[i] = storetest.NewFixture(t, s, fmt.Sprintf("u%d", i)).Session.ID
	}
	before := s.Stats()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for k := range per {
				cmd := drillroom.Command{ID: fmt.Sprintf("c%d", k), Result: []byte(`{}`)}
				if err := s.AppendEvents(ctx, id, cmd, storetest.Events(int64(k)+1, 1)); err != nil {
					t.Errorf("append %d to %s: %v", k, id, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		storetest.AssertLog(t, s, id, per)
	}
	st := s.Stats()
	writes, commits := st.Writes-before.Writes, st.Commits-before.Commits
	if writes != sessions*per {
		t.Errorf("Stats: %d appends written, want %d", writes, sessions*per)
	}
	if commits >= writes {
		t.Errorf("Stats: %d commits for %d appends: no group commit", commits, writes)
	}
	t.Logf("%d appends in %d commits (%.1f per commit)", writes, commits, float64(writes)/float64(commits))
}
