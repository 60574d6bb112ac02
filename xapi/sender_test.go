package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/storetest"
)

// testLRS is a learning record store that enforces what an LRS must: the
// version header, credentials, valid statements (Validate), and a
// statement id stored once (the same statement again is accepted and
// changes nothing; another one with a known id is 409). It can be down.
type testLRS struct {
	t       *testing.T
	mu      sync.Mutex
	down    bool
	dropAck int // answer 500 to this many requests after storing them
	stored  map[string][]byte
	order   []string
	posts   int
	refused []string
}

func newTestLRS(t *testing.T) *testLRS { return &testLRS{t: t, stored: map[string][]byte{}} }

func (l *testLRS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	refuse := func(code int, why string) {
		l.refused = append(l.refused, why)
		http.Error(w, why, code)
	}
	if l.down {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/xapi/statements":
		refuse(http.StatusNotFound, "not the statements resource: "+r.Method+" "+r.URL.Path)
		return
	case r.Header.Get("X-Experience-API-Version") != "1.0.3":
		refuse(http.StatusBadRequest, "X-Experience-API-Version is "+r.Header.Get("X-Experience-API-Version"))
		return
	case r.Header.Get("Content-Type") != "application/json":
		refuse(http.StatusBadRequest, "content type "+r.Header.Get("Content-Type"))
		return
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "drillroom" || p != "secret" {
		refuse(http.StatusUnauthorized, "credentials")
		return
	}
	var raw []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		refuse(http.StatusBadRequest, "not a JSON array: "+err.Error())
		return
	}
	l.posts++
	var ids []string
	for _, m := range raw {
		var s Statement
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			refuse(http.StatusBadRequest, "statement: "+err.Error())
			return
		}
		if err := Validate(s); err != nil {
			refuse(http.StatusBadRequest, "invalid statement: "+err.Error())
			return
		}
		if old, ok := l.stored[s.ID]; ok && !bytes.Equal(old, m) {
			refuse(http.StatusConflict, "statement "+s.ID+" differs from the stored one")
			return
		}
		ids = append(ids, s.ID)
	}
	for i, id := range ids {
		if _, ok := l.stored[id]; !ok {
			l.stored[id] = raw[i]
			l.order = append(l.order, id)
		}
	}
	if l.dropAck > 0 {
		l.dropAck--
		http.Error(w, "stored, but the answer is lost", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(ids)
}

// scoredSessions stores n scored sessions of distinct trainees, each with
// a scorecard as package scoring writes it, and returns their ids.
// openStore opens an empty SQLite store in the test's temporary directory,
// closed when the test ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "drillroom.db"), nil, store.WithPasswordCost(8, 1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func scoredSessions(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		f := storetest.NewFixture(t, st, fmt.Sprintf("trainee%d", i))
		card := &scoring.Scorecard{Scenario: "gas-leak", Version: 1, RubricHash: "r1", Total: float64(40 + 20*i), Band: "b", Passed: i > 0, PassMark: 75,
			KPIs: scoring.KPIs{TalkTime: 250, HoldTime: 10.5, CSAT: 4},
			Sections: []scoring.SectionResult{{ID: "communication", Rules: []scoring.RuleResult{
				{ID: "updates", Title: "Updates while waiting", Section: "communication", Outcome: scoring.Fail, Max: 10,
					Feedback: "You left the caller without an update for 5m20s.", Evidence: []scoring.Evidence{{Seq: 48, T: 240000, Note: "waiting gap of 5m20s"}}},
				{ID: "advice", Title: "Safety advice", Section: "communication", Outcome: scoring.Pass, Points: 15, Max: 15,
					Evidence: []scoring.Evidence{{Seq: 3, T: 20000, Note: "safety advice"}}},
				{ID: "review", Title: "Review", Section: "communication", Outcome: scoring.Pending, Max: 10, Manual: true},
				{ID: "fire", Title: "Fire service", Section: "communication", Outcome: scoring.NA, Max: 10},
			}}}}
		body, _ := json.Marshal(card)
		if err := st.PutScorecard(ctx, f.Session.ID, card.RubricHash, body, card.RuleOutcomes()); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.Session.ID)
	}
	return ids
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// senderToTestLRS opens an empty store and a sender from it to a test LRS
// (backoff from a minute to ten), with a fake clock.
func senderToTestLRS(t *testing.T) (*store.Store, *testLRS, *fakeClock, *Sender) {
	t.Helper()
	st := openStore(t)
	lrs := newTestLRS(t)
	srv := httptest.NewServer(lrs)
	t.Cleanup(srv.Close)
	clock := &fakeClock{t: time.Now()}
	s, err := NewSender(st, SenderConfig{Endpoint: srv.URL + "/xapi/", Username: "drillroom", Password: "secret",
		BaseIRI: "https://drillroom.example.org", Backoff: time.Minute, MaxBackoff: 10 * time.Minute, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return st, lrs, clock, s
}

// TestSenderDeliversOnceThroughAnOutage: statements queued while the LRS is
// down are delivered when it is back, after backoff; a delivery whose
// answer was lost is sent again and stored once; in the end the LRS holds
// every statement of every session exactly once and nothing is due.
func TestSenderDeliversOnceThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)

	lrs.down = true
	sessions := scoredSessions(t, st, 3)
	for round := range 4 { // down for a while: every attempt fails, each later than the last
		clock.Add(15 * time.Minute)
		if n, err := s.SendDue(ctx); err != nil || n != 0 {
			t.Fatalf("round %d with the LRS down: sent %d, err %v; want 0, nil", round, n, err)
		}
	}
	due, err := st.DueStatements(ctx, clock.Now().Add(time.Hour), 10)
	if err != nil || len(due) != 3 || due[0].Attempts != 4 || due[0].LastError == "" {
		t.Fatalf("after the outage: %+v, %v; want 3 entries tried 4 times with the error kept", due, err)
	}
	if n, err := s.SendDue(ctx); err != nil || n != 0 {
		t.Fatalf("before the backoff is over: sent %d, err %v; want nothing tried", n, err)
	}

	lrs.mu.Lock()
	lrs.down, lrs.dropAck = false, 1 // back, but the first answer is lost
	lrs.mu.Unlock()
	clock.Add(time.Hour)
	if n, err := s.SendDue(ctx); err != nil || n != 2 {
		t.Fatalf("the LRS back: sent %d, err %v; want 2 (the first answer was lost)", n, err)
	}
	clock.Add(time.Hour)
	if n, err := s.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("after the lost answer: sent %d, err %v; want the 1 again", n, err)
	}
	if n, err := s.SendDue(ctx); err != nil || n != 0 {
		t.Fatalf("all delivered: sent %d more, err %v", n, err)
	}

	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if len(lrs.refused) > 0 {
		t.Errorf("the LRS refused requests: %v", lrs.refused)
	}
	// Three sessions, one request each, and the one whose answer was lost
	// once more: nothing acknowledged is ever sent again.
	if lrs.posts != 4 {
		t.Errorf("the LRS received %d requests while up, want 4", lrs.posts)
	}
	// Per session: the session's statement and 2 decided rules (the
	// pending and not-applicable ones have no outcome to report).
	if len(lrs.stored) != 3*3 || len(lrs.order) != 9 {
		t.Errorf("the LRS holds %d statements (%d stored), want 9, each once", len(lrs.stored), len(lrs.order))
	}
	perSession := map[string]int{}
	for _, raw := range lrs.stored {
		var s Statement
		json.Unmarshal(raw, &s)
		perSession[s.Context.Extensions["https://drillroom.example.org/xapi/extensions/session"].(string)]++
	}
	for _, id := range sessions {
		if perSession[id] != 3 {
			t.Errorf("session %s: %d statements in the LRS, want 3", id, perSession[id])
		}
	}
}

// TestStatementsOfASession: one statement for the session (passed or
// failed, scaled score, completion, duration) and one per decided rule
// with its evidence and feedback, all valid, with stable ids.
func TestStatementsOfASession(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	id := scoredSessions(t, st, 1)[0]
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	sts, err := Build(ctx, st, Config{BaseIRI: "https://drillroom.example.org/"}, Ref{SessionID: id, ScorecardID: 7, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 3 {
		t.Fatalf("got %d statements, want the session's and 2 rules'", len(sts))
	}
	s := sts[0]
	if s.Verb.ID != VerbFailed || *s.Result.Score.Scaled != 0.4 || !*s.Result.Completion || *s.Result.Success || s.Result.Duration != "PT4M20.5S" {
		t.Errorf("session statement: verb %s, result %+v score %+v; want failed, scaled 0.4, complete, PT4M20.5S", s.Verb.ID, s.Result, s.Result.Score)
	}
	if s.Object.ID != "https://drillroom.example.org/xapi/drills/gas-leak" || s.Actor.Account.Name != "trainee0" || s.Timestamp != "2026-03-01T09:30:00Z" {
		t.Errorf("session statement: object %s, actor %+v, timestamp %s", s.Object.ID, s.Actor.Account, s.Timestamp)
	}
	r := sts[1]
	ev, _ := json.Marshal(r.Context.Extensions["https://drillroom.example.org/xapi/extensions/evidence"])
	if r.Verb.ID != VerbFailed || r.Object.ID != "https://drillroom.example.org/xapi/drills/gas-leak/rules/updates" ||
		string(ev) != `[{"seq":48,"at":"PT4M","note":"waiting gap of 5m20s"}]` || r.Result.Response == "" ||
		r.Context.ContextActivities.Parent[0].ID != s.Object.ID || r.Context.Registration != s.Context.Registration {
		t.Errorf("rule statement: %s %s evidence %s response %q", r.Verb.ID, r.Object.ID, ev, r.Result.Response)
	}
	again, _ := Build(ctx, st, Config{BaseIRI: "https://drillroom.example.org"}, Ref{SessionID: id, ScorecardID: 7, At: at})
	a, _ := json.Marshal(sts)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Error("the same scoring built twice gives other statements: a resend would conflict")
	}
	other, _ := Build(ctx, st, Config{BaseIRI: "https://drillroom.example.org"}, Ref{SessionID: id, ScorecardID: 8, At: at})
	if other[0].ID == sts[0].ID {
		t.Error("another scoring of the session has the same statement id")
	}
	if _, err := NewSender(st, SenderConfig{Endpoint: "lrs.example.org", BaseIRI: "https://x.org"}); err == nil {
		t.Error("NewSender took an endpoint without a scheme")
	}
}

// TestSenderSkipsDraftPlays: an author's play of their own draft is scored
// like any session, but it is no learning record: its outbox entry is
// marked done without a request, and the published drill's sessions are
// still delivered.
func TestSenderSkipsDraftPlays(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)
	published := scoredSessions(t, st, 1)
	author, err := st.CreateUser(ctx, "author", "An Author", drillroom.RoleTrainer, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	draft := drillroom.DraftPlayID(9)
	if _, err := st.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: draft, Version: 1, Hash: "d1", Title: "Draft", Source: []byte("id: gas-leak\n")}); err != nil {
		t.Fatal(err)
	}
	x, err := st.CreateSession(ctx, drillroom.Session{UserID: author.ID, ScenarioID: draft, Version: 1, Seed: 1, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatal(err)
	}
	card := &scoring.Scorecard{Scenario: "gas-leak", Version: 1, RubricHash: "r1", Total: 50, PassMark: 75}
	body, _ := json.Marshal(card)
	if err := st.PutScorecard(ctx, x.ID, card.RubricHash, body, card.RuleOutcomes()); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if n, err := s.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("SendDue: sent %d, err %v; want 1 (the published drill's session only)", n, err)
	}
	if due, err := st.DueStatements(ctx, clock.Now().Add(time.Hour), 10); err != nil || len(due) != 0 {
		t.Errorf("due after sending: %+v, %v; want nothing (the draft play's entry done)", due, err)
	}
	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if lrs.posts != 1 {
		t.Errorf("the LRS got %d requests, want 1", lrs.posts)
	}
	for _, raw := range lrs.stored {
		var st Statement
		json.Unmarshal(raw, &st)
		if got := st.Context.Extensions["https://drillroom.example.org/xapi/extensions/session"]; got != published[0] {
			t.Errorf("the LRS holds a statement of session %v, want only %s", got, published[0])
		}
	}
}

// TestSenderReportsTheOfficialScorecard: a coach's override released to
// the trainee queues the session's statements again, now of the official
// scorecard (the rule's new outcome and the recomputed total), with new
// ids and marked official; the automatic ones sent before stay as they
// were, and an override not yet released sends nothing.
func TestSenderReportsTheOfficialScorecard(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)
	id := scoredSessions(t, st, 1)[0]
	clock.Add(time.Minute)
	if n, err := s.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("the automatic statements: sent %d, err %v; want 1 session", n, err)
	}
	coach, err := st.CreateUser(ctx, "cora", "Cora", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMark(ctx, drillroom.Mark{SessionID: id, RuleID: "updates", Kind: drillroom.MarkOverride, Outcome: scoring.Pass, Points: 10,
		OldOutcome: scoring.Fail, Reason: "The caller was updated on the other line.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if n, err := s.SendDue(ctx); err != nil || n != 0 {
		t.Fatalf("an override not released: sent %d, err %v; want nothing", n, err)
	}
	if _, err := st.AddRelease(ctx, drillroom.Release{SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	if n, err := s.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("the released review: sent %d, err %v; want the session's statements again", n, err)
	}

	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if len(lrs.refused) > 0 || len(lrs.order) != 6 {
		t.Fatalf("the LRS holds %d statements (refused %v), want 3 automatic and 3 official", len(lrs.order), lrs.refused)
	}
	statement := func(i int) Statement {
		var s Statement
		if err := json.Unmarshal(lrs.stored[lrs.order[i]], &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	which := func(s Statement) any {
		return s.Context.Extensions["https://drillroom.example.org/xapi/extensions/scorecard"]
	}
	auto, official := statement(0), statement(3)
	if which(auto) != "automatic" || which(official) != "official" {
		t.Errorf("scorecard extensions %v then %v, want automatic then official", which(auto), which(official))
	}
	if official.Context.Registration != auto.Context.Registration || official.ID == auto.ID {
		t.Errorf("official statement: registration %s id %s; want the session's registration and a new id", official.Context.Registration, official.ID)
	}
	if *auto.Result.Score.Scaled == *official.Result.Score.Scaled || *official.Result.Score.Raw <= *auto.Result.Score.Raw {
		t.Errorf("session score: automatic %v, official %v; want the official total higher, recomputed with the override", *auto.Result.Score.Raw, *official.Result.Score.Raw)
	}
	rule := statement(4)
	if rule.Object.ID != "https://drillroom.example.org/xapi/drills/gas-leak/rules/updates" || rule.Verb.ID != VerbPassed || !*rule.Result.Success ||
		rule.Result.Response != "The caller was updated on the other line." {
		t.Errorf("official rule statement: %s %s success %v response %q; want updates passed with the coach's reason", rule.Object.ID, rule.Verb.ID, *rule.Result.Success, rule.Result.Response)
	}
	if autoRule := statement(1); autoRule.Verb.ID != VerbFailed {
		t.Errorf("the automatic rule statement sent before: %s, want it failed, as sent", autoRule.Verb.ID)
	}
}
