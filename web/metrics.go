package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drillroom/drillroom"
)

// ackBuckets are the upper bounds (seconds) of the action-ack latency
// histogram: from the command's arrival on the socket to its ack or reject
// being queued for writing. Most of it is the group commit.
var ackBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// metrics are the server's counters, exposed at /metrics in the Prometheus
// text format (version 0.0.4), written by hand to keep the dependency list
// short.
type metrics struct {
	socketsOpen      atomic.Int64
	socketsTotal     atomic.Int64
	socketsDropped   atomic.Int64 // closed by the server because the client fell behind
	socketsRelayed   atomic.Int64 // relayed to the node that hosts their session (serve --node)
	relaysOpen       atomic.Int64
	commandsAcked    atomic.Int64
	commandsRejected atomic.Int64
	connsRefused     atomic.Int64 // connections closed at accept: their address held too many

	mu        sync.Mutex
	ackCounts []uint64 // per bucket, not cumulative; last is +Inf
	ackSum    float64
}

func newMetrics() *metrics {
	return &metrics{ackCounts: make([]uint64, len(ackBuckets)+1)}
}

// observeAck records one command's latency.
func (m *metrics) observeAck(d time.Duration) {
	v := d.Seconds()
	i := 0
	for i < len(ackBuckets) && v > ackBuckets[i] {
		i++
	}
	m.mu.Lock()
	m.ackCounts[i]++
	m.ackSum += v
	m.mu.Unlock()
}

// gauges are values the server reads from elsewhere when scraped.
type gauges struct {
	liveSessions  int
	eventsWritten int64
	store         *StoreMetrics // nil without Config.StoreMetrics, or when it failed
}

// StoreMetrics are the database's figures shown at /metrics.
type StoreMetrics struct {
	Commits       int64 // durable transactions committed since start
	Writes        int64 // write requests committed since start; Writes/Commits is the mean group commit
	QueuedWrites  int   // write requests waiting now
	SchemaVersion int   // the database schema's version
	// Latencies are the backend's latency histograms, when it keeps any
	// (SQLite's writer does).
	Latencies []Histogram
}

// Histogram is one latency histogram family at /metrics.
type Histogram struct {
	Name, Help string
	Bounds     []float64 // upper bounds, seconds
	Counts     []uint64  // per bucket, not cumulative; one more than Bounds (+Inf)
	Sum        float64   // seconds
}

// write writes every metric in the text format: the families of one
// unlabelled value from tables, then the commands by outcome, the store's
// figures when there are any, and the ack latency histogram.
func (m *metrics) write(w io.Writer, g gauges) {
	writeScalars(w, []scalar{
		{"drillroom_live_sessions", "gauge", "Sessions hosted by the runner (running or paused).", int64(g.liveSessions)},
		{"drillroom_sockets_connected", "gauge", "Open websocket connections.", m.socketsOpen.Load()},
		{"drillroom_sockets_opened_total", "counter", "Websocket connections accepted since start.", m.socketsTotal.Load()},
		{"drillroom_sockets_dropped_total", "counter", "Websockets closed because the client fell behind.", m.socketsDropped.Load()},
		{"drillroom_sockets_relayed_total", "counter", "Websockets and requests relayed to the node that hosts their session.", m.socketsRelayed.Load()},
		{"drillroom_relays_open", "gauge", "Websockets relayed to another node open now.", m.relaysOpen.Load()},
		{"drillroom_connections_refused_total", "counter", "Connections closed at accept because their address held too many.", m.connsRefused.Load()},
		{"drillroom_events_written_total", "counter", "Session events durably committed since start.", g.eventsWritten},
	})

	writeFamily(w, "drillroom_commands_total", "counter", "Commands answered, by outcome.")
	fmt.Fprintf(w, "drillroom_commands_total{outcome=\"ack\"} %d\n", m.commandsAcked.Load())
	fmt.Fprintf(w, "drillroom_commands_total{outcome=\"reject\"} %d\n", m.commandsRejected.Load())

	if st := g.store; st != nil {
		writeScalars(w, []scalar{
			{"drillroom_store_commits_total", "counter", "Database transactions committed since start.", st.Commits},
			{"drillroom_store_writes_total", "counter", "Database writes committed since start (writes/commits is the mean group commit).", st.Writes},
			{"drillroom_store_queued_writes", "gauge", "Database writes waiting for the writer.", int64(st.QueuedWrites)},
			{"drillroom_store_schema_version", "gauge", "The database schema's version.", int64(st.SchemaVersion)},
		})
		for _, h := range st.Latencies {
			writeHistogram(w, h)
		}
	}

	m.mu.Lock()
	ack := Histogram{Name: "drillroom_command_ack_seconds", Help: "Time from a command's arrival to its ack or reject.",
		Bounds: ackBuckets, Counts: append([]uint64(nil), m.ackCounts...), Sum: m.ackSum}
	m.mu.Unlock()
	writeHistogram(w, ack)
}

// writeHistogram writes h as a histogram family: cumulative buckets, the
// sum and the count.
func writeHistogram(w io.Writer, h Histogram) {
	writeFamily(w, h.Name, "histogram", h.Help)
	var cum uint64
	for i, le := range h.Bounds {
		if i < len(h.Counts) {
			cum += h.Counts[i]
		}
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", h.Name, le, cum)
	}
	if len(h.Counts) > len(h.Bounds) {
		cum += h.Counts[len(h.Bounds)]
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", h.Name, cum)
	fmt.Fprintf(w, "%s_sum %g\n", h.Name, h.Sum)
	fmt.Fprintf(w, "%s_count %d\n", h.Name, cum)
}

// scalar is a metric family of one unlabelled value.
type scalar struct {
	name, kind, help string
	value            int64
}

func writeScalars(w io.Writer, families []scalar) {
	for _, f := range families {
		writeFamily(w, f.name, f.kind, f.help)
		fmt.Fprintf(w, "%s %d\n", f.name, f.value)
	}
}

// writeFamily writes the HELP and TYPE lines that open a metric family.
func writeFamily(w io.Writer, name, kind, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

// handleMetrics serves GET /metrics.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.mayReadMetrics(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="drillroom metrics"`)
		http.Error(w, "metrics need a bearer token (--metrics-token) or a trainer or coach login", http.StatusUnauthorized)
		return
	}
	g := gauges{liveSessions: s.runner.Live(), eventsWritten: s.runner.EventsWritten()}
	if f := s.cfg.StoreMetrics; f != nil {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		sm, err := f(ctx)
		cancel()
		if err != nil {
			s.log.Warn("metrics: read the store's figures", "err", err)
		} else {
			g.store = &sm
		}
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w, g)
}

// mayReadMetrics: the configured bearer token (compared in constant time),
// or a signed-in trainer or coach. Trainees see no operational figures.
func (s *Server) mayReadMetrics(r *http.Request) bool {
	if tok := s.cfg.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && subtle.ConstantTimeCompare([]byte(got), []byte(tok)) == 1 {
			return true
		}
	}
	u, ok := userFrom(r.Context())
	return ok && (u.Role == drillroom.RoleTrainer || u.Role == drillroom.RoleCoach)
}
