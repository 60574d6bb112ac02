package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/drillroom/drillroom/store/storetest"
)

// The SQLite store is a storetest.Store.
var _ storetest.Store = (*Store)(nil)

// TestConformance runs the backend-agnostic suite on a real SQLite file.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "drillroom.db"), nil,
			WithPasswordCost(cheapArgon.Memory, cheapArgon.Passes), WithClock(now))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		storetest.Closed(t, s)
		return s
	})
}

// sqliteOnly are the exported methods of *Store that are not part of the
// conformance contract, with the reason. Every other exported method must
// be in storetest.Store, so that a second backend cannot miss it.
var sqliteOnly = map[string]string{
	"Stats":         "the single writer's group-commit counters, for /metrics",
	"SchemaVersion": "the number of the embedded SQLite migrations, for /metrics; another backend counts its own",
	"ReadTables":    "drillroom migrate reads an installation table by table (the table names are SQLite's)",
}

func TestEveryMethodIsInTheContract(t *testing.T) {
	storetest.CheckContract(t, (*Store)(nil), sqliteOnly)
}
