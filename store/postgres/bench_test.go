package postgres_test

import (
	"fmt"
	"testing"

	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/store/storetest"
)

// The benchmarks are SQLite's (store/bench_test.go) on PostgreSQL, so the
// two backends can be compared in one run.

func pgCounts(s *postgres.Store) storetest.Counts {
	return func() (int64, int64) { st := s.Stats(); return st.Writes, st.Commits }
}

// BenchmarkAppendEvents is storetest.BenchAppend on PostgreSQL.
func BenchmarkAppendEvents(b *testing.B) {
	s := openURL(b, postgrestest.URL(b))
	storetest.BenchAppend(b, s, pgCounts(s))
}

// BenchmarkAppendEventsParallel is storetest.BenchAppendParallel on
// PostgreSQL: the appenders group-commit whatever is queued. The default
// is 2 appenders; 8 shows what more concurrent commits buy.
func BenchmarkAppendEventsParallel(b *testing.B) {
	for _, c := range []struct{ par, appenders int }{{8, 2}, {64, 2}, {64, 8}} {
		b.Run(fmt.Sprintf("sessions=%dxGOMAXPROCS/appenders=%d", c.par, c.appenders), func(b *testing.B) {
			s := openURL(b, postgrestest.URL(b), postgres.WithAppenders(c.appenders))
			storetest.BenchAppendParallel(b, s, c.par, pgCounts(s))
		})
	}
}
