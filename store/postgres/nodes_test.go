package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/storetest"
)

// TestNodesPlaceOnTheLeastLoaded: three registered nodes on one database.
// New sessions go to the least-loaded live node, so six spread two per
// node whichever node places them; a placed session's lease is its node's
// (epoch 1), which finds it in PlacedSessions, hosts it and stops listing
// it; SessionOwner gives every node the owner's address; a heartbeat sets
// the load to the leases held; a node whose heartbeat is older than the TTL
// gets nothing more, and one that unregistered is gone.
func TestNodesPlaceOnTheLeastLoaded(t *testing.T) {
	url := pgtestURL(t)
	ctx := context.Background()
	nodes := map[string]*postgres.Store{}
	for _, name := range []string{"a", "b", "c"} {
		nodes[name] = openURL(t, url, postgres.WithNode(name))
		if err := nodes[name].RegisterNode(ctx, "127.0.0.1:80"+fmt.Sprint(len(nodes))); err != nil {
			t.Fatalf("RegisterNode(%s): %v", name, err)
		}
	}
	a := nodes["a"]
	if err := a.RegisterNode(ctx, "no port"); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("RegisterNode(no port): %v, want ErrInvalid", err)
	}
	if _, err := a.PlaceSession(ctx, "nope", time.Minute); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("PlaceSession(unknown session): %v, want ErrNotFound", err)
	}
	f := storetest.NewFixture(t, a, "ann")
	var ids []string
	for i := range 6 {
		x, err := a.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Seed: int64(i), Mode: drillroom.ModePractice})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.ID)
	}
	perNode := map[string]int{}
	placedOn := map[string]string{}
	for i, id := range ids {
		placer := nodes[[]string{"a", "b", "c"}[i%3]]
		node, err := placer.PlaceSession(ctx, id, time.Minute)
		if err != nil || node == "" {
			t.Fatalf("PlaceSession(%s): %q, %v", id, node, err)
		}
		perNode[node]++
		placedOn[id] = node
	}
	if perNode["a"] != 2 || perNode["b"] != 2 || perNode["c"] != 2 {
		t.Errorf("six new sessions on three idle nodes: %v, want two each", perNode)
	}
	if node, err := a.PlaceSession(ctx, ids[0], time.Minute); err != nil || node != "" {
		t.Errorf("placing a placed session again: %q, %v; want \"\" (acquire it as usual)", node, err)
	}

	for name, st := range nodes {
		placed, err := st.PlacedSessions(ctx)
		if err != nil || len(placed) != perNode[name] {
			t.Fatalf("PlacedSessions(%s): %v, %v; want %d", name, placed, err, perNode[name])
		}
		for _, id := range placed {
			if placedOn[id] != name {
				t.Errorf("PlacedSessions(%s) lists %s, placed on %s", name, id, placedOn[id])
			}
			l, err := st.AcquireLease(ctx, id, time.Minute)
			if err != nil || l.Epoch != 1 || l.Node != name {
				t.Errorf("node %s hosting its placed session %s: %+v, %v; want its lease at epoch 1", name, id, l, err)
			}
		}
		if again, _ := st.PlacedSessions(ctx); len(again) != 0 {
			t.Errorf("PlacedSessions(%s) after hosting them: %v, want none", name, again)
		}
		if err := st.AppendEvents(ctx, placed[0], drillroom.Command{ID: "c1"}, storetest.Events(1, 1)); err != nil {
			t.Errorf("append by the node a session was placed on: %v", err)
		}
	}
	for _, id := range ids {
		o, err := nodes["c"].SessionOwner(ctx, id)
		if err != nil || o.Name != placedOn[id] || o.Address == "" {
			t.Errorf("SessionOwner(%s): %+v, %v; want node %s with its address", id, o, err, placedOn[id])
		}
	}

	// A heartbeat counts the leases a node holds: b gives one up.
	b := nodes["b"]
	var bID string
	for id, n := range placedOn {
		if n == "b" {
			bID = id
		}
	}
	if err := b.ReleaseLease(ctx, bID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SessionOwner(ctx, bID); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("SessionOwner of a released session: %v, want ErrNotFound", err)
	}
	for _, st := range nodes {
		if _, err := st.RenewLeases(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	load := func() map[string]int {
		t.Helper()
		ns, err := a.Nodes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, n := range ns {
			out[n.Name] = n.Load
			if n.Silent < 0 || n.Silent > time.Minute || n.Address == "" || n.Started.IsZero() {
				t.Errorf("node %s: %+v, want its address, start and a recent heartbeat", n.Name, n)
			}
		}
		return out
	}
	if got := load(); got["a"] != 2 || got["b"] != 1 || got["c"] != 2 {
		t.Errorf("loads after b released one and everyone's heartbeat: %v, want a 2, b 1, c 2", got)
	}
	x, err := a.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Seed: 7, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	if node, err := a.PlaceSession(ctx, x.ID, time.Minute); err != nil || node != "b" {
		t.Errorf("a new session: placed on %q, %v; want b, the least loaded", node, err)
	}

	// c stops heartbeating: with a TTL shorter than its silence, nothing
	// more goes to c even when it is the least loaded.
	if err := b.UnregisterNode(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if _, err := a.RenewLeases(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := load(); len(got) != 2 {
		t.Errorf("nodes after b unregistered: %v, want a and c", got)
	}
	y, err := a.CreateSession(ctx, drillroom.Session{UserID: f.User.ID, ScenarioID: "gas-leak", Version: 1, Seed: 8, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	if node, err := a.PlaceSession(ctx, y.ID, 50*time.Millisecond); err != nil || node != "a" {
		t.Errorf("a new session while c is silent: placed on %q, %v; want a, the only live node", node, err)
	}
}
