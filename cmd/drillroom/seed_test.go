package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
	"github.com/drillroom/drillroom/store/postgres/postgrestest"
	"github.com/drillroom/drillroom/web"
)

// TestSeed: seed stores the sessions it says, every one scored from a real
// play of a library drill, spread over the days asked, its trainees in
// cohorts of the size asked; the same seed makes the same choices.
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the library")
	}
	dir := t.TempDir()
	code, out, errs := runMain("seed", "--data", dir, "--sessions", "60", "--trainees", "6", "--cohort-size", "4", "--days", "10")
	if code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errs)
	}
	wantContains(t, out, "seeded 60 scored sessions of 6 trainees")
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, databaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	drills := map[string]bool{}
	var first, last time.Time
	err = st.ScoredSessions(ctx, drillroom.AnalyticsFilter{}, func(x drillroom.ScoredSession) error {
		n++
		drills[x.ScenarioID] = true
		if first.IsZero() {
			first = x.CreatedAt
		}
		last = x.CreatedAt
		if x.RubricHash == "" || x.Band == "" {
			t.Errorf("session %s: scored without a rubric hash or band: %+v", x.SessionID, x)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 60 {
		t.Errorf("got %d scored sessions, want 60", n)
	}
	if len(drills) < 5 {
		t.Errorf("sessions of %d drills, want most of the library", len(drills))
	}
	if span := last.Sub(first); span < 8*24*time.Hour || span > 10*24*time.Hour {
		t.Errorf("sessions span %s, want about 10 days", span)
	}
	cs, err := st.Cohorts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Trainees != 4 || cs[1].Trainees != 2 {
		t.Errorf("cohorts %+v, want Seed cohort 1 of 4 trainees and Seed cohort 2 of 2", cs)
	}
}

// The dashboard benchmark runs on a database of 10,000 scored sessions of
// 200 trainees in one cohort: every session is in the cohort's figures.
// Seeding takes about a minute; DRILLROOM_BENCH_DATA=DIR keeps the
// database in DIR for later runs.
var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchData(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir = os.Getenv("DRILLROOM_BENCH_DATA")
		if benchDir == "" {
			benchDir, benchErr = os.MkdirTemp("", "drillroom-bench-")
			if benchErr != nil {
				return
			}
		}
		if _, err := os.Stat(filepath.Join(benchDir, databaseFile)); err == nil {
			return
		}
		if code, out, errs := runMain("seed", "--data", benchDir, "--sessions", "10000", "--trainees", "200", "--cohort-size", "200"); code != 0 {
			benchErr = &seedError{out + errs}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

type seedError struct{ out string }

func (e *seedError) Error() string { return "seed: " + e.out }

// BenchmarkDashboard answers each view of the cohort dashboard, and each
// export, for a trainer of the seeded cohort of 200 trainees, through the
// whole web stack (routing, sign-in, the use case, the store, rendering),
// on SQLite.
func BenchmarkDashboard(b *testing.B) {
	dir := benchData(b)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, databaseFile), nil, store.WithPasswordCost(8, 1))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchViews(b, st)
}

// BenchmarkDashboardPostgres is BenchmarkDashboard on PostgreSQL, with the
// same data: the seeded SQLite database copied by drillroom migrate into
// the database DRILLROOM_BENCH_POSTGRES names (a postgres:// URL; copied
// only when it is empty, so a second run reuses it), or else into a new
// database of the test server (DRILLROOM_TEST_POSTGRES, "start" for a
// throwaway cluster), dropped at the end.
func BenchmarkDashboardPostgres(b *testing.B) {
	dir := benchData(b)
	ctx := context.Background()
	url := os.Getenv("DRILLROOM_BENCH_POSTGRES")
	if url == "" {
		url = postgrestest.URL(b)
	}
	if !isPostgres(url) {
		b.Fatalf("DRILLROOM_BENCH_POSTGRES=%q: want a postgres:// URL", url)
	}
	st, err := postgres.Open(ctx, url, nil, postgres.WithPasswordCost(8, 1))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByUsername(ctx, "seed-0001"); errors.Is(err, drillroom.ErrNotFound) {
		st.Close()
		if code, out, errs := runMainContext(ctx, "", "migrate", "--from", "sqlite:"+filepath.Join(dir, databaseFile), "--to", url); code != 0 {
			b.Fatalf("migrate the seeded database to PostgreSQL: exit %d: %s%s", code, out, errs)
		}
		if st, err = postgres.Open(ctx, url, nil, postgres.WithPasswordCost(8, 1)); err != nil {
			b.Fatal(err)
		}
		defer st.Close()
	} else if err != nil {
		b.Fatal(err)
	}
	benchViews(b, st)
}

// benchViews runs the dashboard's views on st as sub-benchmarks.
func benchViews(b *testing.B, st database) {
	ctx := context.Background()
	rn := runner.New(runner.Config{Store: st})
	defer rn.Close(ctx)
	srv, err := web.New(web.Config{Store: st, Runner: rn})
	if err != nil {
		b.Fatal(err)
	}
	trainer, err := st.UserByUsername(ctx, "bench-trainer")
	if err != nil {
		us, err := st.CreateUsers(ctx, []drillroom.NewUser{{Username: "bench-trainer", DisplayName: "Bench Trainer", Role: drillroom.RoleTrainer,
			Password: newPassword() + newPassword(), Cohorts: []string{"Seed cohort 1"}}})
		if err != nil {
			b.Fatal(err)
		}
		trainer = us[0]
	}
	token, err := st.CreateLogin(ctx, trainer.ID, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	// rescore stores a seeded session's newest scorecard again, as a
	// re-scoring would: the session is in every view below (an assessment
	// of the drill in focus, in the last 30 days), so no dashboard
	// computed before it is current.
	since := time.Now().AddDate(0, 0, -30)
	var rescored drillroom.ScoredSession
	if err := st.ScoredSessions(ctx, drillroom.AnalyticsFilter{ScenarioID: "gas-smell-flats", Mode: drillroom.ModeAssessment, Since: since.AddDate(0, 0, 1)},
		func(x drillroom.ScoredSession) error {
			rescored = x
			return nil
		}); err != nil || rescored.SessionID == "" {
		b.Fatalf("a session to re-score: %v", err)
	}
	rescore := func(b *testing.B) {
		body, err := st.Scorecard(ctx, rescored.SessionID)
		if err != nil {
			b.Fatal(err)
		}
		var card scoring.Scorecard
		if err := json.Unmarshal(body, &card); err != nil {
			b.Fatal(err)
		}
		if err := st.PutScorecard(ctx, rescored.SessionID, card.RubricHash, body, card.RuleOutcomes()); err != nil {
			b.Fatal(err)
		}
	}
	for _, v := range []struct{ name, path string }{
		{"overview", "/analytics"},
		{"drill", "/analytics?drill=gas-smell-flats"},
		{"assessments", "/analytics?mode=assessment"},
		{"period", "/analytics?from=" + since.Format(time.DateOnly)},
		{"report", "/analytics/report"},
		{"sessions.csv", "/analytics/export/sessions.csv"},
		{"outcomes.csv", "/analytics/export/outcomes.csv"},
	} {
		get := func(b *testing.B) int {
			req := httptest.NewRequest(http.MethodGet, v.path, nil)
			req.AddCookie(&http.Cookie{Name: "drillroom_session", Value: token})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: status %d: %.300s", v.path, rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), `id="empty"`) {
				b.Fatalf("GET %s: no sessions", v.path)
			}
			return rec.Body.Len()
		}
		b.Run(v.name, func(b *testing.B) {
			get(b) // warm: the runner's cache of rubrics, SQLite's page cache
			if dump := os.Getenv("DRILLROOM_BENCH_DUMP"); dump != "" {
				// The responses, to compare two builds' answers.
				req := httptest.NewRequest(http.MethodGet, v.path, nil)
				req.AddCookie(&http.Cookie{Name: "drillroom_session", Value: token})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if err := os.WriteFile(filepath.Join(dump, v.name), rec.Body.Bytes(), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			var size int
			cpu0 := cpuTime()
			for b.Loop() {
				size = get(b)
			}
			// The machine is shared: the CPU time a view costs is the
			// figure that does not depend on the neighbours' load.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(size), "resp-bytes")
		})
		if strings.HasSuffix(v.name, ".csv") {
			continue // the exports keep nothing from one request to the next
		}
		// The same view, each time after a write (not timed): nothing
		// computed before may answer it.
		b.Run(v.name+"-after-write", func(b *testing.B) {
			var size int
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				rescore(b)
				b.StartTimer()
				cpu0 := cpuTime()
				size = get(b)
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(size), "resp-bytes")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
