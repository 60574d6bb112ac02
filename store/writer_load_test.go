package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/storetest"
)

// TestWriterOpenLoop drives the writer as ten thousand live drills do, with
// nothing else on the machine's cores (no sockets, no engines): commands
// (a command id and three events) and the session clocks' writes (one
// event) arrive at fixed rates on sessions picked at random, whether or
// not the writer has answered the ones before, and it reports how long
// each waited for its commit. It is off unless DRILLROOM_WRITER_LOAD gives
// the number of sessions; DRILLROOM_WRITER_SECONDS sets the window (10 s),
// DRILLROOM_WRITER_CHECKPOINT_WRITES the writes between two background
// checkpoints (checkpointWrites) and DRILLROOM_WRITER_PROFILE a file for a
// CPU profile of the window:
//
//	DRILLROOM_WRITER_LOAD=10000 DRILLROOM_WRITER_SECONDS=15 go test -run '^TestWriterOpenLoop$' -v ./store/
//
// The rates are those the load test measures at 10,000 drills (1,000
// commands and about 1,100 clock writes a second; docs/performance.md).
// It asserts only that every write was stored.
func TestWriterOpenLoop(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DRILLROOM_WRITER_LOAD"))
	if n <= 0 {
		t.Skip("DRILLROOM_WRITER_LOAD is not set")
	}
	secs, _ := strconv.Atoi(os.Getenv("DRILLROOM_WRITER_SECONDS"))
	if secs <= 0 {
		secs = 10
	}
	const cmdRate, clockRate = 1000, 1100 // a second
	const warm = 20                       // events already in each log, as mid-drill
	var opts []Option
	if every, _ := strconv.Atoi(os.Getenv("DRILLROOM_WRITER_CHECKPOINT_WRITES")); every > 0 {
		opts = append(opts, withCheckpoints(every, restartFrames))
	}
	s := openTest(t, opts...)
	ctx := context.Background()
	ids := storetest.BenchSessions(t, s, n)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			evs := make([]simulator.Event, warm)
			for j := range evs {
				evs[j] = storetest.BenchEvent(int64(j + 1))
			}
			if err := s.AppendEvents(ctx, id, drillroom.Command{}, evs); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// One session's writes go in order, as the runner's do.
	type sessionLog struct {
		mu   sync.Mutex
		last int64
	}
	logs := make([]sessionLog, n)
	for i := range logs {
		logs[i].last = warm
	}
	result := []byte(`{"type":"ack","cmd":"c","seq":1}`)
	write := func(i int, command bool) (time.Duration, error) {
		l := &logs[i]
		l.mu.Lock()
		defer l.mu.Unlock()
		k, cmd := 1, drillroom.Command{}
		if command {
			k, cmd = 3, drillroom.Command{ID: fmt.Sprintf("c%d", l.last), Result: result}
		}
		evs := make([]simulator.Event, k)
		for j := range evs {
			evs[j] = storetest.BenchEvent(l.last + int64(j) + 1)
		}
		start := time.Now()
		if err := s.AppendEvents(ctx, ids[i], cmd, evs); err != nil {
			return 0, err
		}
		l.last += int64(k)
		return time.Since(start), nil
	}

	if p := os.Getenv("DRILLROOM_WRITER_PROFILE"); p != "" {
		pf, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var mu sync.Mutex
	var cmdWait, clockWait []time.Duration
	st0, runs0, done0 := s.Stats(), s.w.ckpt.runs.Load(), s.w.ckpt.completed.Load()
	start := time.Now()
	end := start.Add(time.Duration(secs) * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	// fire writes on a session picked at random, without waiting for it,
	// and keeps how long it waited in waits.
	fire := func(command bool, waits *[]time.Duration) {
		i := rand.IntN(n)
		wg.Go(func() {
			d, err := write(i, command)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
		})
	}
	var cmds, clocks int
	for now := range tick.C {
		if now.After(end) {
			break
		}
		el := now.Sub(start).Seconds()
		for ; float64(cmds) < el*cmdRate; cmds++ {
			fire(true, &cmdWait)
		}
		for ; float64(clocks) < el*clockRate; clocks++ {
			fire(false, &clockWait)
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	st1 := s.Stats()
	if len(cmdWait) != cmds || len(clockWait) != clocks {
		t.Fatalf("stored %d of %d commands and %d of %d clock writes", len(cmdWait), cmds, len(clockWait), clocks)
	}
	commits := st1.Commits - st0.Commits
	t.Logf("%d sessions, %d s window, a background checkpoint every %d writes, load average %s", n, secs, s.w.ckpt.every, loadAverage())
	t.Logf("commands (%d): %s", len(cmdWait), quantiles(cmdWait))
	t.Logf("clock writes (%d): %s", len(clockWait), quantiles(clockWait))
	t.Logf("%d commits (%.0f a second), %.2f writes a commit; %d background checkpoints, %d completed by the writer",
		commits, float64(commits)/float64(secs), float64(st1.Writes-st0.Writes)/float64(commits),
		s.w.ckpt.runs.Load()-runs0, s.w.ckpt.completed.Load()-done0)
}

// quantiles formats the median, p90, p99 and maximum of d (sorted in place).
func quantiles(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	return fmt.Sprintf("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", q(.5), q(.9), q(.99), q(1))
}

// loadAverage is /proc/loadavg's first three figures, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var a, b5, c string
	fmt.Sscan(string(b), &a, &b5, &c)
	return a + " " + b5 + " " + c
}
