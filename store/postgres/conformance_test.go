package postgres_test

import (
	"os"
	"testing"
	"time"

	"github.com/drillroom/drillroom/store/password"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }

// The PostgreSQL store is a storetest.Store.
var _ storetest.Store = (*postgres.Store)(nil)

// cheap keeps argon2id fast in tests.
var cheap = password.Params{Memory: 64, Passes: 1}

// open opens a store on a new database of its own, closed at t's cleanup.
func open(t *testing.T, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	url := postgrestest.URL(t)
	s, err := postgres.Open(t.Context(), url, nil, append([]postgres.Option{postgres.WithPasswordCost(cheap.Memory, cheap.Passes)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	storetest.Closed(t, s)
	return s
}

// TestConformance runs the backend-agnostic suite on a real PostgreSQL.
func TestConformance(t *testing.T) {
	postgrestest.Server(t) // skip the whole suite, once, without PostgreSQL
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		return open(t, postgres.WithClock(now))
	})
}

// postgresOnly are the exported methods of *Store outside the conformance
// contract, with the reason.
var postgresOnly = map[string]string{
	"Stats":            "the appenders' group-commit counters, for /metrics",
	"SchemaVersion":    "the number of the embedded PostgreSQL migrations, for /metrics",
	"ReadTables":       "drillroom migrate verifies a copy table by table",
	"WriteTables":      "drillroom migrate fills a new database table by table",
	"AcquireLease":     "session leases, for several nodes on one database (SQLite has one node)",
	"RenewLeases":      "session leases",
	"ReleaseLease":     "session leases",
	"OrphanedSessions": "session leases: the live sessions a node may take over",
	"RegisterNode":     "the node registry: where to relay a socket, where to place a session",
	"UnregisterNode":   "the node registry",
	"Nodes":            "the node registry",
	"PlaceSession":     "placement on the least-loaded node",
	"PlacedSessions":   "placement: the sessions placed on a node that it hosts next",
	"SessionOwner":     "the node registry: the owner of a session, to relay its socket to",
	"ListenSignouts":   "ended logins, for every node to close their sockets at once (one node needs no notification)",
}

func TestEveryMethodIsInTheContract(t *testing.T) {
	storetest.CheckContract(t, (*postgres.Store)(nil), postgresOnly)
}
