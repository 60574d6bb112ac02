package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/store"
)

// liveDatabase opens a server's database in a new data directory, as serve
// does, and keeps it open until the test ends: the tools must work beside a
// running server.
func liveDatabase(t *testing.T) (dir string, st *store.Store) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, databaseFile), nil, store.WithPasswordCost(64, 1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return dir, st
}

// scoredSession stores a session of the gas-smell-basic drill for a new
// trainee, scored with a golden scorecard of the scoring package's tests.
func scoredSession(t *testing.T, st *store.Store, username, golden string) drillroom.Session {
	t.Helper()
	ctx := context.Background()
	body, err := os.ReadFile(filepath.Join("..", "..", "scoring", "testdata", golden+".golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var card scoring.Scorecard
	if err := json.Unmarshal(body, &card); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, username, "", drillroom.RoleTrainee, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: card.Scenario, Version: 1, Hash: card.ScenarioHash, Source: []byte("id: x\n")}); err != nil {
		t.Fatal(err)
	}
	x, err := st.CreateSession(ctx, drillroom.Session{UserID: u.ID, ScenarioID: card.Scenario, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EndSession(ctx, x.ID, "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutScorecard(ctx, x.ID, card.RubricHash, body, card.RuleOutcomes()); err != nil {
		t.Fatal(err)
	}
	return x
}
