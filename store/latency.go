package store

import (
	"slices"
	"sync/atomic"
	"time"
)

// latencyBounds are the upper bounds, in seconds, of the writer's latency
// histograms: from a quarter of a millisecond (a lone commit on a quiet
// disk) to a second.
var latencyBounds = [...]float64{0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

// LatencyBounds returns (a copy of) the upper bounds, in seconds, of the
// buckets of every Histogram the store reports.
func LatencyBounds() []float64 { return slices.Clone(latencyBounds[:]) }

// Histogram is a snapshot of one of the writer's latency histograms.
type Histogram struct {
	Counts []uint64      // per bucket of LatencyBounds, not cumulative; the last counts what exceeded them all
	Sum    time.Duration // of every observation
}

// Count is the number of observations.
func (h Histogram) Count() uint64 {
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// latency is a histogram the writer and its callers add to without a lock.
type latency struct {
	counts [len(latencyBounds) + 1]atomic.Uint64
	sum    atomic.Int64 // nanoseconds
}

func (l *latency) observe(d time.Duration) {
	v := d.Seconds()
	i := 0
	for i < len(latencyBounds) && v > latencyBounds[i] {
		i++
	}
	l.counts[i].Add(1)
	l.sum.Add(int64(d))
}

func (l *latency) snapshot() Histogram {
	h := Histogram{Counts: make([]uint64, len(l.counts)), Sum: time.Duration(l.sum.Load())}
	for i := range l.counts {
		h.Counts[i] = l.counts[i].Load()
	}
	return h
}
