package postgres_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
)

// The benchmarks are SQLite's (store/bench_test.go) on PostgreSQL, so the
// two backends can be compared in one run.

func openBench(b *testing.B, opts ...postgres.Option) *postgres.Store {
	b.Helper()
	s, err := postgres.Open(context.Background(), postgrestest.URL(b), nil, append([]postgres.Option{postgres.WithPasswordCost(cheap.Memory, cheap.Passes)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchEvent is a typical live-path event: a customer line of ordinary length.
func benchEvent(seq int64) simulator.Event {
	return simulator.Event{Seq: seq, T: seq * 750, Type: simulator.EvLine, From: "customer", Channel: "call",
		ID: "beat-3", Text: "I can still smell it in the hallway, it's getting stronger near the boiler cupboard."}
}

func appendsPerCommit(b *testing.B, before, after postgres.Stats) {
	b.ReportMetric(float64(after.Writes-before.Writes)/float64(after.Commits-before.Commits), "appends/commit")
}

// BenchmarkAppendEvents is the latency-bound case: one session, one event
// and one command id per commit, nothing to batch with.
func BenchmarkAppendEvents(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	f := storetest.NewFixture(b, s, "bench")
	result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
	before := s.Stats()
	b.ReportAllocs()
	seq := int64(0)
	for b.Loop() {
		seq++
		cmd := drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: result}
		if err := s.AppendEvents(ctx, f.Session.ID, cmd, []simulator.Event{benchEvent(seq)}); err != nil {
			b.Fatal(err)
		}
	}
	appendsPerCommit(b, before, s.Stats())
}

// BenchmarkAppendEventsParallel is many live sessions appending at once,
// each goroutine its own session (one event, one command per append): the
// appenders group-commit whatever is queued. The default is 2 appenders;
// 8 shows what more concurrent commits buy.
func BenchmarkAppendEventsParallel(b *testing.B) {
	for _, c := range []struct{ par, appenders int }{{8, 2}, {64, 2}, {64, 8}} {
		par := c.par
		b.Run(fmt.Sprintf("sessions=%dxGOMAXPROCS/appenders=%d", par, c.appenders), func(b *testing.B) {
			s := openBench(b, postgres.WithAppenders(c.appenders))
			ctx := context.Background()
			pool := par * runtime.GOMAXPROCS(0)
			ids := benchSessions(b, s, pool)
			var next atomic.Int64
			result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
			before := s.Stats()
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
			appendsPerCommit(b, before, s.Stats())
		})
	}
}

// benchSessions creates n sessions of one user, concurrently.
func benchSessions(b *testing.B, s *postgres.Store, n int) []string {
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
