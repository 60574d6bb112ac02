package store

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"

	"github.com/drillroom/drillroom/simulator"
)

func sqliteCounts(s *Store) storetest.Counts {
	return func() (int64, int64) { st := s.Stats(); return st.Writes, st.Commits }
}

// BenchmarkAppendEvents is storetest.BenchAppend on SQLite.
func BenchmarkAppendEvents(b *testing.B) {
	s := openTest(b)
	storetest.BenchAppend(b, s, sqliteCounts(s))
}

// BenchmarkAppendEventsParallel is storetest.BenchAppendParallel on
// SQLite: the one writer group-commits whatever is queued.
func BenchmarkAppendEventsParallel(b *testing.B) {
	for _, par := range []int{8, 64} {
		b.Run(fmt.Sprintf("sessions=%dxGOMAXPROCS", par), func(b *testing.B) {
			s := openTest(b)
			storetest.BenchAppendParallel(b, s, par, sqliteCounts(s))
		})
	}
}

// BenchmarkWALPages measures what a commit writes: WAL frames (database
// pages) per append and per commit, for 1, 16 and 128 sessions appending at
// once. Checkpoints are off during the measurement so that the
// WAL file's growth counts every frame written.
func BenchmarkWALPages(b *testing.B) {
	for _, n := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			s := openTest(b)
			ctx := context.Background()
			ids := storetest.BenchSessions(b, s, n)
			result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
			const warm = 20 // give every session a log that already spans pages
			for _, id := range ids {
				for seq := int64(1); seq <= warm; seq++ {
					if err := s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}, []simulator.Event{storetest.BenchEvent(seq)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			// An empty WAL, and no checkpoint from now on (the writer's
			// connection takes none of its own).
			if _, err := s.w.ckpt.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				b.Fatal(err)
			}
			s.w.ckpt.close()
			walSize := func() int64 {
				fi, err := os.Stat(s.path + "-wal")
				if err != nil {
					b.Fatal(err)
				}
				return fi.Size()
			}
			var pageSize int64
			if err := s.rdb.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
				b.Fatal(err)
			}
			st0, wal0 := s.Stats(), walSize()
			per := (b.N + n - 1) / n
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Go(func() {
					for seq := int64(warm + 1); seq <= int64(warm+per); seq++ {
						if err := s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}, []simulator.Event{storetest.BenchEvent(seq)}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			st1 := s.Stats()
			frames := float64(walSize()-wal0) / float64(pageSize+24) // each WAL frame is a 24-byte header and a page
			b.ReportMetric(frames/float64(st1.Writes-st0.Writes), "pages/append")
			b.ReportMetric(frames/float64(st1.Commits-st0.Commits), "pages/commit")
			b.ReportMetric(float64(st1.Writes-st0.Writes)/float64(st1.Commits-st0.Commits), "appends/commit")
		})
	}
}

// BenchmarkEvents reads back a drill-sized log (600 events).
func BenchmarkEvents(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	f := storetest.NewFixture(b, s, "bench")
	const n = 600
	batch := make([]simulator.Event, 0, 50)
	for seq := int64(1); seq <= n; seq++ {
		batch = append(batch, storetest.BenchEvent(seq))
		if len(batch) == cap(batch) {
			if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{}, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Events(ctx, f.Session.ID, 0)
		if err != nil || len(got) != n {
			b.Fatalf("got %d events, %v", len(got), err)
		}
	}
}
