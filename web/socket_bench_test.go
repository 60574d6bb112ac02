package web

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// benchPeer is a lean protocol client for benchmarks: one goroutine reads
// and reports the answers to commands and the commands' action events.
type benchPeer struct {
	c       *websocket.Conn
	watch   bool        // report action events (the observer); the trainee reports answers
	answers chan string // command ids, as their ack or reject arrives
	actions chan string // command ids, as their action event arrives
	done    chan struct{}
	mu      sync.Mutex
	errs    []string
}

func (a *liveApp) benchPeer(b *testing.B, user, sessionID string, watch bool) *benchPeer {
	b.Helper()
	c, _, err := a.dial(user, sessionID, nil)
	if err != nil {
		b.Fatal(err)
	}
	p := &benchPeer{c: c, watch: watch, answers: make(chan string, 1024), actions: make(chan string, 1024), done: make(chan struct{})}
	go p.read()
	if err := c.WriteJSON(map[string]any{"type": "resume", "last_seq": 0}); err != nil {
		b.Fatal(err)
	}
	return p
}

func (p *benchPeer) read() {
	defer close(p.done)
	for {
		_, data, err := p.c.ReadMessage()
		if err != nil {
			return
		}
		var m struct {
			Type  string `json:"type"`
			ID    string `json:"id"`
			Code  string `json:"code"`
			Event struct {
				Type   string `json:"type"`
				Action *struct {
					Cmd string `json:"cmd"`
				} `json:"action"`
			} `json:"event"`
		}
		json.Unmarshal(data, &m)
		switch {
		case m.Type == msgAck:
			p.answers <- m.ID
		case m.Type == msgReject:
			p.mu.Lock()
			p.errs = append(p.errs, m.ID+": "+m.Code)
			p.mu.Unlock()
			p.answers <- m.ID
		case p.watch && m.Type == msgEvent && m.Event.Type == string(simulator.EvAction) && m.Event.Action != nil:
			p.actions <- m.Event.Action.Cmd
		}
	}
}

func (p *benchPeer) close() {
	p.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	p.c.Close()
	<-p.done
}

// trip sends one record action from the trainee and waits until the
// trainee has its ack and the observer its action event. It returns the
// two latencies.
func trip(b *testing.B, trainee, observer *benchPeer, id string) (ack, fanout time.Duration) {
	start := time.Now()
	a := simulator.Action{Kind: simulator.ActRecord, Field: "notes", Value: id}
	if err := trainee.c.WriteJSON(map[string]any{"type": "command", "id": id, "action": a}); err != nil {
		b.Fatal(err)
	}
	for got := ""; got != id; {
		select {
		case got = <-trainee.answers:
		case <-time.After(10 * time.Second):
			b.Fatalf("no answer to %s", id)
		}
	}
	ack = time.Since(start)
	for got := ""; got != id; {
		select {
		case got = <-observer.actions:
		case <-time.After(10 * time.Second):
			b.Fatalf("observer never saw %s", id)
		}
	}
	return ack, time.Since(start)
}

// drain discards what a peer has received so far.
func drain(p *benchPeer) {
	for {
		select {
		case <-p.answers:
		case <-p.actions:
		default:
			return
		}
	}
}

func quantile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return math.NaN()
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[int(q*float64(len(s)-1))].Microseconds())
}

// BenchmarkLivePath measures the live path end to end, one command at a
// time: a trainee action arrives on the trainee's websocket, the runner
// applies it, the events are committed to SQLite (WAL, synchronous=FULL),
// the ack goes back to the trainee and the action event reaches a trainer
// watching on a second websocket. Client, server and database share the
// machine.
func BenchmarkLivePath(b *testing.B) {
	a := newLiveAppWith(b, runner.Config{}, Config{CommandRate: 1e9, CommandBurst: 1e9})
	id := a.session("ann", 1)
	obs := a.benchPeer(b, "tom", id, true)
	tr := a.benchPeer(b, "ann", id, false)
	defer obs.close()
	defer tr.close()
	trip(b, tr, obs, "warm-up")
	time.Sleep(50 * time.Millisecond)
	drain(tr)
	drain(obs)

	acks := make([]time.Duration, 0, b.N)
	fans := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ack, fan := trip(b, tr, obs, fmt.Sprintf("b%d", i))
		acks, fans = append(acks, ack), append(fans, fan)
	}
	b.StopTimer()
	if len(tr.errs) > 0 {
		b.Fatalf("rejected: %v", tr.errs[:min(5, len(tr.errs))])
	}
	b.ReportMetric(quantile(acks, 0.5), "ack-p50-µs")
	b.ReportMetric(quantile(acks, 0.99), "ack-p99-µs")
	b.ReportMetric(quantile(fans, 0.5), "fanout-p50-µs")
	b.ReportMetric(quantile(fans, 0.99), "fanout-p99-µs")
}

// BenchmarkLivePathParallel runs the same round trip in 16 sessions at
// once (each with its trainee and a watching trainer), which is where the
// store's group commit pays: concurrent sessions share one fsync.
func BenchmarkLivePathParallel(b *testing.B) {
	const sessions = 16
	a := newLiveAppWith(b, runner.Config{}, Config{CommandRate: 1e9, CommandBurst: 1e9})
	a.user("ann")
	a.user("tom")
	type pair struct{ tr, obs *benchPeer }
	pairs := make(chan pair, sessions)
	var all []pair
	for range sessions {
		id := a.session("ann", 1)
		p := pair{tr: a.benchPeer(b, "ann", id, false), obs: a.benchPeer(b, "tom", id, true)}
		trip(b, p.tr, p.obs, "warm-up")
		all = append(all, p)
		pairs <- p
	}
	defer func() {
		for _, p := range all {
			p.tr.close()
			p.obs.close()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	for _, p := range all {
		drain(p.tr)
		drain(p.obs)
	}
	var mu sync.Mutex
	var acks []time.Duration
	var n int
	b.SetParallelism(sessions / 2) // GOMAXPROCS is 2 here: 16 workers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		p := <-pairs
		var local []time.Duration
		for i := 0; pb.Next(); i++ {
			mu.Lock()
			n++
			id := fmt.Sprintf("p%d", n)
			mu.Unlock()
			ack, _ := trip(b, p.tr, p.obs, id)
			local = append(local, ack)
		}
		mu.Lock()
		acks = append(acks, local...)
		mu.Unlock()
	})
	b.StopTimer()
	for _, p := range all {
		if len(p.tr.errs) > 0 {
			b.Fatalf("rejected: %v", p.tr.errs[:min(5, len(p.tr.errs))])
		}
	}
	b.ReportMetric(quantile(acks, 0.5), "ack-p50-µs")
	b.ReportMetric(quantile(acks, 0.99), "ack-p99-µs")
}
