package store

import (
	"path/filepath"
	"reflect"
	"slices"
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
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
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
	contract := storetest.Methods()
	typ := reflect.TypeFor[*Store]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		_, only := sqliteOnly[name]
		in := slices.Contains(contract, name)
		switch {
		case in && only:
			t.Errorf("method %s is both in storetest.Store and in sqliteOnly; pick one", name)
		case !in && !only:
			t.Errorf("exported method (*Store).%s is neither in storetest.Store nor in sqliteOnly: add it to the conformance suite, or say here why only SQLite has it", name)
		}
	}
	for name := range sqliteOnly {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("sqliteOnly names %s, which *Store no longer has", name)
		}
	}
}
