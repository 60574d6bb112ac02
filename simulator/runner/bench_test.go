package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

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
			sc := loadExample(b)
			id := "bench"
			if sq, ok := st.(*store.Store); ok {
				u, err := sq.CreateUser(ctx, "ann", "Ann", store.RoleTrainee, "correct horse battery staple")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := sq.PutScenarioVersion(ctx, store.ScenarioVersion{ScenarioID: sc.ID, Version: sc.Version, Hash: sc.Hash,
					Title: sc.Title, Source: sc.Source, PolicySource: sc.Resolved.Source}); err != nil {
					b.Fatal(err)
				}
				x, err := sq.CreateSession(ctx, store.Session{UserID: u.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: 1})
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
