package simulator

import (
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// BenchmarkRecogniseLine recognises the dev corpus's lines in turn, each
// with its own drill, and reports the median and 99th percentile of one
// line's time besides the mean (ns/op) and the CPU time (cpu-ns/op, which
// other load on a shared machine inflates much less), and what a line
// allocates.
func BenchmarkRecogniseLine(b *testing.B) {
	b.ReportAllocs()
	lines := readCorpusFile(b, "testdata/intents/corpus-dev.jsonl")
	ds, err := libraryDrills()
	if err != nil {
		b.Fatal(err)
	}
	durs := make([]time.Duration, 0, 1<<16)
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		l := &lines[i%len(lines)]
		i++
		t0 := time.Now()
		ds[l.Drill].MatchIntents(l.Text)
		if len(durs) < cap(durs) {
			durs = append(durs, time.Since(t0))
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	slices.Sort(durs)
	if n := len(durs); n > 0 {
		b.ReportMetric(float64(durs[n/2].Nanoseconds()), "ns/line-p50")
		b.ReportMetric(float64(durs[n*99/100].Nanoseconds()), "ns/line-p99")
	}
}

// BenchmarkPrepareDrill prepares every library drill once per op and
// reports the time per drill: warm, with the policy's examples already
// read (every drill after the first of a process), and cold, reading every
// example again.
func BenchmarkPrepareDrill(b *testing.B) {
	set := scenariotest.Library(b)
	run := func(b *testing.B, cold bool) {
		cpu0 := cpuTime()
		for b.Loop() {
			for _, sc := range set.Scenarios {
				if cold {
					exampleCache.Clear()
					exampleCacheSize.Store(0)
				}
				if _, err := Prepare(sc); err != nil {
					b.Fatal(err)
				}
			}
		}
		n := float64(b.N * len(set.Scenarios))
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/drill")
		if cpu := cpuTime() - cpu0; cpu > 0 {
			b.ReportMetric(float64(cpu)/n, "cpu-ns/drill")
		}
	}
	b.Run("warm", func(b *testing.B) { run(b, false) })
	b.Run("cold", func(b *testing.B) { run(b, true) })
}
