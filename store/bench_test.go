package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

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
	f := newFixture(b, s, "bench")
	result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
	b.ReportAllocs()
	seq := int64(0)
	for b.Loop() {
		seq++
		cmd := Command{ID: fmt.Sprintf("c%d", seq), Result: result}
		if err := s.AppendEvents(ctx, f.session.ID, cmd, []simulator.Event{benchEvent(seq)}); err != nil {
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
			const pool = 2048
			ids := make([]string, pool)
			for i := range ids {
				ids[i] = newFixture(b, s, fmt.Sprintf("u%d", i)).session.ID
			}
			var next atomic.Int64
			result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
			batches0, writes0 := s.w.batches.Load(), s.w.writes.Load()
			b.SetParallelism(par)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := next.Add(1) - 1
				if i >= pool {
					b.Errorf("more than %d goroutines", pool)
					return
				}
				id := ids[i]
				seq := int64(0)
				for pb.Next() {
					seq++
					cmd := Command{ID: fmt.Sprintf("c%d", seq), Result: result}
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

// BenchmarkEvents reads back a drill-sized log (600 events).
func BenchmarkEvents(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	f := newFixture(b, s, "bench")
	const n = 600
	batch := make([]simulator.Event, 0, 50)
	for seq := int64(1); seq <= n; seq++ {
		batch = append(batch, benchEvent(seq))
		if len(batch) == cap(batch) {
			if err := s.AppendEvents(ctx, f.session.ID, Command{}, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Events(ctx, f.session.ID, 0)
		if err != nil || len(got) != n {
			b.Fatalf("got %d events, %v", len(got), err)
		}
	}
}
