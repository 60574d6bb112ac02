package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/store"
)

// outcomeCounter is the real SQLite store, counting the rule outcomes it
// has handed to the export so far.
type outcomeCounter struct {
	*store.Store
	read atomic.Int64
}

func (c *outcomeCounter) ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error {
	return c.Store.ScoredOutcomes(ctx, f, func(o drillroom.OutcomeRecord) error {
		c.read.Add(1)
		return fn(o)
	})
}

// watchingWriter is a response writer that notes, at each write that
// reaches it, how many rows the store had read by then.
type watchingWriter struct {
	*httptest.ResponseRecorder
	st     *outcomeCounter
	writes []int64 // rows read at each write
}

func (w *watchingWriter) Write(b []byte) (int, error) {
	w.writes = append(w.writes, w.st.read.Load())
	return w.ResponseRecorder.Write(b)
}

// TestOutcomesExportStreams: the CSV of every rule outcome is written as
// the store reads it: the first rows reach the client when a few hundred
// of the 6,000 outcomes have been read, and the writes keep pace with the
// reading to the end, so the export never holds the rows in memory.
func TestOutcomesExportStreams(t *testing.T) {
	ctx := context.Background()
	real := openTestStore(t)
	st := &outcomeCounter{Store: real}
	_, srv := newTestServerOver(t, real, Config{Store: st}, runner.Config{})
	admin := createAdmin(t, real, "ada", drillroom.RoleCoach)
	trainee := createUser(t, real, "tia", drillroom.RoleTrainee)
	if _, err := real.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: "gas-leak", Version: 1, Hash: "sha256:aaaa",
		Title: "Gas leak", Source: []byte("id: gas-leak\n")}); err != nil {
		t.Fatal(err)
	}
	const sessions, rules = 400, 15
	for i := range sessions {
		x, err := real.CreateSession(ctx, drillroom.Session{UserID: trainee.ID, ScenarioID: "gas-leak", Version: 1, Seed: int64(i), Mode: drillroom.ModePractice})
		if err != nil {
			t.Fatal(err)
		}
		var outcomes []drillroom.RuleOutcome
		var ruleJSON []string
		for r := range rules {
			outcomes = append(outcomes, drillroom.RuleOutcome{RuleID: fmt.Sprintf("rule-%02d", r), Section: "s", Title: "A rule", Outcome: "fail", MaxPoints: 10})
			ruleJSON = append(ruleJSON, fmt.Sprintf(`{"id":"rule-%02d","outcome":"fail","feedback":"Do better next time, please."}`, r))
		}
		body, _ := json.Marshal(map[string]any{"total": 10, "band": "poor", "sections": []map[string]any{{"id": "s", "rules": json.RawMessage("[" + join(ruleJSON) + "]")}}})
		if err := real.PutScorecard(ctx, x.ID, "r1", body, outcomes); err != nil {
			t.Fatal(err)
		}
	}
	token := loginFor(t, real, admin.ID)
	req := httptest.NewRequest(http.MethodGet, "/analytics/export/outcomes.csv", nil)
	req.AddCookie(&http.Cookie{Name: "drillroom_session", Value: token})
	w := &watchingWriter{ResponseRecorder: httptest.NewRecorder(), st: st}
	srv.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %.300s", w.Code, w.Body.String())
	}
	recs, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil || len(recs) != sessions*rules+1 {
		t.Fatalf("%d records (%v), want a header and %d rows", len(recs), err, sessions*rules)
	}
	total := int64(sessions * rules)
	if len(w.writes) < 10 {
		t.Fatalf("%d writes reached the client, want the rows in many writes: %v", len(w.writes), w.writes)
	}
	if first := w.writes[0]; first > 1000 {
		t.Errorf("the first write reached the client after %d of %d rows were read, want within the first 1,000", first, total)
	}
	// Between two writes, never more than a flush's worth of rows read.
	for i := 1; i < len(w.writes); i++ {
		if gap := w.writes[i] - w.writes[i-1]; gap > 1000 {
			t.Errorf("writes %d and %d: %d rows read in between, want at most 1,000", i-1, i, gap)
		}
	}
	if last := w.writes[len(w.writes)-1]; last != total {
		t.Errorf("the last write came after %d rows, want all %d", last, total)
	}
}

func join(parts []string) string {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p)
	}
	return b.String()
}
