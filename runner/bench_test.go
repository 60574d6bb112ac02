package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
)

// BenchmarkDo measures a command through the runner without websockets:
// apply, commit to SQLite (WAL, synchronous=FULL), publish to one
// subscriber, which receives the action event before the next command.
func BenchmarkDo(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(b *testing.B) Store
	}{
		{"sqlite", func(b *testing.B) Store {
			st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			return st
		}},
		{"memory", func(b *testing.B) Store { return newMemStore() }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			st := tc.open(b)
			sc := scenariotest.GasExample(b)
			id := "bench"
			if sq, ok := st.(*store.Store); ok {
				u, err := sq.CreateUser(ctx, "ann", "Ann", drillroom.RoleTrainee, "correct horse battery staple")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := sq.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: sc.ID, Version: sc.Version, Hash: sc.Hash,
					Title: sc.Title, Source: sc.Source, PolicySource: sc.Resolved.Source}); err != nil {
					b.Fatal(err)
				}
				x, err := sq.CreateSession(ctx, drillroom.Session{UserID: u.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				id = x.ID
			} else {
				st.(*memStore).add(newSessionRecord(id, 1, 1))
			}
			r := newTestRunner(b, st, 1024)
			defer r.Close(ctx)
			sub, err := r.Subscribe(ctx, id, SubscribeOptions{Trainee: true})
			if err != nil {
				b.Fatal(err)
			}
			defer sub.Close()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				cid := fmt.Sprintf("c%d", i)
				res, err := r.Do(ctx, id, Command{ID: cid, By: "trainee", Action: simulator.Action{Kind: simulator.ActRecord, Field: "notes", Value: cid}})
				if err != nil || !res.Applied() {
					b.Fatalf("%+v %v", res, err)
				}
				for e := range sub.Events() {
					if e.Type == simulator.EvAction && e.Action.Cmd == cid {
						break
					}
				}
			}
		})
	}
}

// BenchmarkHostedSession measures what one live session costs while it
// waits for its trainee: hosting it (a new engine, its opening events
// committed to an in-memory log, its goroutine) and holding it, with one
// subscriber attached. heap-B/session is the live heap per hosted session
// after a GC, the figure that decides how many concurrent drills fit.
func BenchmarkHostedSession(b *testing.B) {
	ctx := context.Background()
	st := newMemStore()
	r := newTestRunner(b, st, 0) // the default subscriber buffer
	defer r.Close(ctx)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	subs := make([]*Subscription, 0, b.N)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("s%d", i)
		st.add(newSessionRecord(id, int64(i), 1))
		sub, err := r.Subscribe(ctx, id, SubscribeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, sub)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The in-memory log holds each session's events too; the SQLite store
	// keeps them on disk instead, so they are subtracted.
	var logBytes int
	for _, evs := range st.events {
		logBytes += len(evs) * int(unsafe.Sizeof(simulator.Event{}))
	}
	b.ReportMetric(float64(int(after.HeapAlloc-before.HeapAlloc)-logBytes)/float64(len(subs)), "heap-B/session")
	b.ReportMetric(float64(runtime.NumGoroutine())/float64(len(subs)), "goroutines/session")
	for _, sub := range subs {
		sub.Close()
	}
}

// liveScript is what the trainee of BenchmarkLiveSession does in each
// session of the example drill: the opening of its exemplary call (the
// questions, the advice, classification, records, the dispatch) and then
// a line to the caller after another, as a trainee a few minutes into the
// call would have done.
var liveScript = func() []simulator.Action {
	acts := []simulator.Action{
		{Kind: simulator.ActSay, Text: "Gas emergency line, you're through to Sam. Where are you? What's the address?"},
		{Kind: simulator.ActSay, Text: "Please don't touch any light switches or anything electrical, and leave the building now with your son."},
		{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"},
		{Kind: simulator.ActRecord, Field: "location", Value: "Flat 11, Kingsway Court"},
		{Kind: simulator.ActRecord, Field: "hazard", Value: "Strong gas smell in the hallway"},
		{Kind: simulator.ActSay, Text: "What's the best mobile number to call you back on?"},
		{Kind: simulator.ActRecord, Field: "callback", Value: "mobile given by caller"},
		{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}, Text: "Gas escape, household evacuated."},
	}
	lines := []string{
		"You're doing the right thing staying outside. Stay clear of the building.",
		"Update: the engineer is still on the way to you.",
		"Don't worry, help is on the way. Is your son okay?",
		"Another update: no news yet, the engineer is still on their way.",
	}
	for i := range 16 {
		acts = append(acts, simulator.Action{Kind: simulator.ActSay, Text: lines[i%len(lines)]})
	}
	return acts
}()

// BenchmarkLiveSession measures what a live session costs the server's
// heap once it has been played for a while: hosted, with its trainee
// subscribed (the events drained as a socket would), after the 24
// commands of liveScript. One operation is one session; heap-B/session is
// the live heap each holds after a GC (the store's share excluded: its
// log is on disk in production), B/op and allocs/op what hosting and
// playing it allocated. The sessions stay live until the end, as the
// drills of a cohort exam do.
func BenchmarkLiveSession(b *testing.B) {
	ctx := context.Background()
	st := newMemStore()
	st.discard = true
	r := newTestRunner(b, st, 0)
	defer r.Close(ctx)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	subs := make([]*Subscription, 0, 1024)
	var events int
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("s%d", i)
		st.add(newSessionRecord(id, int64(i), 1))
		sub, err := r.Subscribe(ctx, id, SubscribeOptions{Trainee: true, Notify: func() {}})
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, sub)
		for j, a := range liveScript {
			res, err := r.Do(ctx, id, Command{ID: fmt.Sprintf("c%d", j), By: drillroom.ActorTrainee, Action: a})
			if err != nil || !res.Applied() {
				b.Fatalf("command %d: %+v %v", j, res, err)
			}
			events = int(res.LastSeq)
			for drained := false; !drained; {
				select {
				case <-sub.Events():
				default:
					drained = true
				}
			}
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(len(subs)), "heap-B/session")
	b.ReportMetric(float64(events), "events/session")
	for _, sub := range subs {
		sub.Close()
	}
}
