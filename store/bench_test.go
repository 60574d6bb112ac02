package store

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"

	"github.com/drillroom/drillroom/simulator"
)

// benchEvent is a typical live-path event: a customer line of ordinary length.
func benchEvent(seq int64) simulator.Event {
	return simulator.Event{Seq: seq, T: seq * 750, Type: simulator.EvLine, From: "customer", Channel: "call",
		ID: "beat-3", Text: "I can still smell it in the hallway, it's getting stronger near the boiler cupboard."}
}

// BenchmarkAppendEvents is the latency-bound case: one session, one event
// and one command id per durable commit, nothing to batch with.
func BenchmarkAppendEvents(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	f := storetest.NewFixture(b, s, "bench")
	result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
	b.ReportAllocs()
	seq := int64(0)
	for b.Loop() {
		seq++
		cmd := drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}
		if err := s.AppendEvents(ctx, f.Session.ID, cmd, []simulator.Event{benchEvent(seq)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.w.writes.Load())/float64(s.w.batches.Load()), "appends/commit")
}

// BenchmarkAppendEventsParallel is many live sessions appending at once,
// each goroutine its own session (one event, one command per append): the
// writer group-commits whatever is queued, so throughput grows with the
// number of concurrent sessions while each caller still waits for a
// durable commit.
func BenchmarkAppendEventsParallel(b *testing.B) {
	for _, par := range []int{8, 64} {
		b.Run(fmt.Sprintf("sessions=%dxGOMAXPROCS", par), func(b *testing.B) {
			s := openTest(b)
			ctx := context.Background()
			pool := par * runtime.GOMAXPROCS(0)
			ids := benchSessions(b, s, pool)
			var next atomic.Int64
			result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
			batches0, writes0 := s.w.batches.Load(), s.w.writes.Load()
			b.SetParallelism(par)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := next.Add(1) - 1
				if i >= int64(pool) {
					b.Errorf("more than %d goroutines", pool)
					return
				}
				id := ids[i]
				seq := int64(0)
				for pb.Next() {
					seq++
					cmd := drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}
					if err := s.AppendEvents(ctx, id, cmd, []simulator.Event{benchEvent(seq)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(s.w.writes.Load()-writes0)/float64(s.w.batches.Load()-batches0), "appends/commit")
		})
	}
}

// benchSessions creates n sessions of one user, concurrently.
func benchSessions(b *testing.B, s *Store, n int) []string {
	b.Helper()
	f := storetest.NewFixture(b, s, "bench")
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			x, err := s.CreateSession(context.Background(), drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1})
			if err != nil {
				b.Error(err)
				return
			}
			ids[i] = x.ID
		})
	}
	wg.Wait()
	return ids
}

// BenchmarkWALPages measures what a commit writes: WAL frames (database
// pages) per append and per commit, for 1, 16 and 128 sessions appending at
// once. Automatic checkpoints are off during the measurement so that the
// WAL file's growth counts every frame written.
func BenchmarkWALPages(b *testing.B) {
	for _, n := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			s := openTest(b)
			ctx := context.Background()
			ids := benchSessions(b, s, n)
			result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
			const warm = 20 // give every session a log that already spans pages
			for _, id := range ids {
				for seq := int64(1); seq <= warm; seq++ {
					if err := s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}, []simulator.Event{benchEvent(seq)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, err := s.wdb.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.wdb.Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
				b.Fatal(err)
			}
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
						if err := s.AppendEvents(ctx, id, drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}, []simulator.Event{benchEvent(seq)}); err != nil {
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
		batch = append(batch, benchEvent(seq))
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
