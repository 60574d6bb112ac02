package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// The append benchmarks every backend runs (store/bench_test.go,
// store/postgres/bench_test.go), so that the backends compare in one run.

// Counts reads a backend's group-commit counters: appends written and
// commits made so far.
type Counts func() (appends, commits int64)

// BenchEvent is a typical live-path event: a customer line of ordinary
// length.
func BenchEvent(seq int64) simulator.Event {
	return simulator.Event{Seq: seq, T: seq * 750, Type: simulator.EvLine, From: "customer", Channel: "call",
		ID: "beat-3", Text: "I can still smell it in the hallway, it's getting stronger near the boiler cupboard."}
}

// BenchAppend is the latency-bound case: one session, one event and one
// command id per durable commit, nothing to batch with.
func BenchAppend(b *testing.B, s Store, counts Counts) {
	ctx := context.Background()
	f := NewFixture(b, s, "bench")
	appends0, commits0 := counts()
	b.ReportAllocs()
	seq := int64(0)
	for b.Loop() {
		seq++
		if err := s.AppendEvents(ctx, f.Session.ID, benchCommand(seq), []simulator.Event{BenchEvent(seq)}); err != nil {
			b.Fatal(err)
		}
	}
	reportPerCommit(b, counts, appends0, commits0)
}

// BenchAppendParallel is many live sessions appending at once: par
// goroutines per GOMAXPROCS, each its own session (one event, one command
// per append). The backend group-commits whatever is queued, so
// throughput grows with the sessions while each caller still waits for a
// durable commit.
func BenchAppendParallel(b *testing.B, s Store, par int, counts Counts) {
	ctx := context.Background()
	pool := par * runtime.GOMAXPROCS(0)
	ids := BenchSessions(b, s, pool)
	var next atomic.Int64
	appends0, commits0 := counts()
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
			if err := s.AppendEvents(ctx, id, benchCommand(seq), []simulator.Event{BenchEvent(seq)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportPerCommit(b, counts, appends0, commits0)
}

// BenchSessions creates n sessions of one user, concurrently.
func BenchSessions(b testing.TB, s Store, n int) []string {
	b.Helper()
	f := NewFixture(b, s, "bench")
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

// benchResult is a typical acknowledgement, every benchmark command's
// result.
var benchResult = []byte(`{"type":"ack","cmd":"c","seq":1}`)

// benchCommand is the command of the seq-th append.
func benchCommand(seq int64) drillroom.Command {
	return drillroom.Command{ID: fmt.Sprintf("c%d", seq), Result: benchResult}
}

func reportPerCommit(b *testing.B, counts Counts, appends0, commits0 int64) {
	appends, commits := counts()
	b.ReportMetric(float64(appends-appends0)/float64(commits-commits0), "appends/commit")
}
