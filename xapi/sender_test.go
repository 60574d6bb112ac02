package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
// version header, credentials, valid statements (Validate, which refuses
// a voiding statement whose object is not a StatementRef), a statement id
// stored once (the same statement again is accepted and changes nothing;
// another one with a known id is 409), a batch stored whole or not at all,
// and voiding (xAPI 1.0.3, "Voided"): a voiding statement whose target is
// itself a voiding statement is refused, and a statement is voided when a
// voiding statement names it (its target need not be known). It can be
// down.
type testLRS struct {
	t       *testing.T
	mu      sync.Mutex
	down    bool
	dropAck int // answer 500 to this many requests after storing them
	stored  map[string][]byte
	order   []string
	voiding map[string]bool // ids of voiding statements
	voided  map[string]int  // statement id -> voiding statements naming it
	posts   int
	refused []string
}

func newTestLRS(t *testing.T) *testLRS {
	return &testLRS{t: t, stored: map[string][]byte{}, voiding: map[string]bool{}, voided: map[string]int{}}
}

// set takes the LRS down or brings it up; up, it loses its answers to the
// next dropAck requests (after storing what they carry).
func (l *testLRS) set(down bool, dropAck int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down, l.dropAck = down, dropAck
}

// standing returns the statements the LRS holds that are neither voided
// nor voiding, in the order stored.
func (l *testLRS) standing(t *testing.T) []Statement {
	t.Helper()
	var out []Statement
	for _, id := range l.order {
		if l.voiding[id] || l.voided[id] > 0 {
			continue
		}
		var s Statement
		if err := json.Unmarshal(l.stored[id], &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

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
	var batch []Statement
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
		batch = append(batch, s)
	}
	inBatch := map[string]bool{}
	for _, s := range batch {
		if s.Verb.ID == VerbVoided {
			inBatch[s.ID] = true
		}
	}
	for _, s := range batch {
		if s.Verb.ID == VerbVoided && (l.voiding[s.Object.ID] || inBatch[s.Object.ID]) {
			refuse(http.StatusBadRequest, "statement "+s.ID+" voids "+s.Object.ID+", itself a voiding statement")
			return
		}
	}
	for i, id := range ids {
		if _, ok := l.stored[id]; !ok {
			l.stored[id] = raw[i]
			l.order = append(l.order, id)
			if s := batch[i]; s.Verb.ID == VerbVoided {
				l.voiding[id] = true
				l.voided[s.Object.ID]++
			}
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

// scoredSessions stores n scored sessions of distinct trainees, each with
// a scorecard as package scoring writes it, and returns their ids.
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

// sendDue runs one round of s and fails the test unless it delivered
// want entries without an error; what names the step of the test.
func sendDue(t *testing.T, s *Sender, want int, what string) {
	t.Helper()
	if n, err := s.SendDue(context.Background()); err != nil || n != want {
		t.Fatalf("%s: sent %d, err %v; want %d", what, n, err, want)
	}
}

// failRounds runs rounds rounds of s, 15 minutes apart, with the LRS
// down: each must deliver nothing and fail without an error.
func failRounds(t *testing.T, clock *fakeClock, s *Sender, rounds int) {
	t.Helper()
	for round := range rounds { // each attempt later than the last
		clock.Add(15 * time.Minute)
		sendDue(t, s, 0, fmt.Sprintf("round %d with the LRS down", round))
	}
}

// TestSenderDeliversOnceThroughAnOutage: statements queued while the LRS is
// down are delivered when it is back, after backoff; a delivery whose
// answer was lost is sent again and stored once; in the end the LRS holds
// every statement of every session exactly once and nothing is due.
func TestSenderDeliversOnceThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)

	lrs.set(true, 0)
	sessions := scoredSessions(t, st, 3)
	failRounds(t, clock, s, 4) // down for a while: every attempt fails
	due, err := st.DueStatements(ctx, clock.Now().Add(time.Hour), 10)
	if err != nil || len(due) != 3 || due[0].Attempts != 4 || due[0].LastError == "" {
		t.Fatalf("after the outage: %+v, %v; want 3 entries tried 4 times with the error kept", due, err)
	}
	sendDue(t, s, 0, "before the backoff is over (nothing tried)")

	lrs.set(false, 1) // back, but the first answer is lost
	clock.Add(time.Hour)
	sendDue(t, s, 2, "the LRS back (the first answer was lost)")
	clock.Add(time.Hour)
	sendDue(t, s, 1, "after the lost answer (the lost one again)")
	sendDue(t, s, 0, "all delivered")

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
	sendDue(t, s, 1, "the published drill's session only")
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
// ids and marked official; the automatic ones sent before are voided in
// the same request (one voiding statement each, by drillroom, naming the
// replacement), and an override not yet released sends nothing.
func TestSenderReportsTheOfficialScorecard(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)
	id := scoredSessions(t, st, 1)[0]
	clock.Add(time.Minute)
	sendDue(t, s, 1, "the automatic statements (1 session)")
	coach, err := st.CreateUser(ctx, "cora", "Cora", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMark(ctx, drillroom.Mark{SessionID: id, RuleID: "updates", Kind: drillroom.MarkOverride, Outcome: scoring.Pass, Points: 10,
		OldOutcome: scoring.Fail, Reason: "The caller was updated on the other line.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	sendDue(t, s, 0, "an override not released")
	if _, err := st.AddRelease(ctx, drillroom.Release{SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	sendDue(t, s, 1, "the released review (the session's statements again)")

	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if len(lrs.refused) > 0 || len(lrs.order) != 9 {
		t.Fatalf("the LRS holds %d statements (refused %v), want 3 automatic, 3 voiding them and 3 official", len(lrs.order), lrs.refused)
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
	auto, official := statement(0), statement(6)
	for i := range 3 {
		v, target := statement(3+i), statement(i)
		if v.Verb.ID != VerbVoided || v.Object.ObjectType != "StatementRef" || v.Object.ID != target.ID || lrs.voided[target.ID] != 1 ||
			v.Actor.Account.Name != "drillroom" || v.Context.Extensions["https://drillroom.example.org/xapi/extensions/replaced-by"] != official.ID {
			t.Errorf("statement %d: %s %s %s by %+v; want it to void automatic statement %s, once, by drillroom, replaced by %s",
				3+i, v.Verb.ID, v.Object.ObjectType, v.Object.ID, v.Actor.Account, target.ID, official.ID)
		}
	}
	if st := lrs.standing(t); len(st) != 3 || st[0].ID != official.ID {
		t.Errorf("the LRS's standing statements: %d, want the 3 official ones", len(st))
	}
	if which(auto) != "automatic" || which(official) != "official" {
		t.Errorf("scorecard extensions %v then %v, want automatic then official", which(auto), which(official))
	}
	if official.Context.Registration != auto.Context.Registration || official.ID == auto.ID {
		t.Errorf("official statement: registration %s id %s; want the session's registration and a new id", official.Context.Registration, official.ID)
	}
	if *auto.Result.Score.Scaled == *official.Result.Score.Scaled || *official.Result.Score.Raw <= *auto.Result.Score.Raw {
		t.Errorf("session score: automatic %v, official %v; want the official total higher, recomputed with the override", *auto.Result.Score.Raw, *official.Result.Score.Raw)
	}
	rule := statement(7)
	if rule.Object.ID != "https://drillroom.example.org/xapi/drills/gas-leak/rules/updates" || rule.Verb.ID != VerbPassed || !*rule.Result.Success ||
		rule.Result.Response != "The caller was updated on the other line." {
		t.Errorf("official rule statement: %s %s success %v response %q; want updates passed with the coach's reason", rule.Object.ID, rule.Verb.ID, *rule.Result.Success, rule.Result.Response)
	}
	if autoRule := statement(1); autoRule.Verb.ID != VerbFailed {
		t.Errorf("the automatic rule statement sent before: %s, want it failed, as sent", autoRule.Verb.ID)
	}
}

// release marks rule "updates" passed on session id as a coach and
// releases the review.
func release(t *testing.T, st *store.Store, id, reason string) {
	t.Helper()
	ctx := context.Background()
	coach, err := st.UserByUsername(ctx, "cora")
	if err != nil {
		if coach, err = st.CreateUser(ctx, "cora", "Cora", drillroom.RoleCoach, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddMark(ctx, drillroom.Mark{SessionID: id, RuleID: "updates", Kind: drillroom.MarkOverride, Outcome: scoring.Pass, Points: 10,
		OldOutcome: scoring.Fail, Reason: reason, RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddRelease(ctx, drillroom.Release{SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatal(err)
	}
}

// TestSenderVoidsThroughAnOutage: the automatic statements were sent; a
// coach's released review must void them and send the official ones while
// the LRS is down. Nothing is lost: the request is retried with backoff
// until the LRS is back; the answer to the first request that reaches it
// is lost, so it is sent again, and the LRS stores each voiding statement
// once. A second release then voids the first official statements (never
// the voiding ones). In the end the LRS holds, standing, exactly the
// newest official statements, and nothing is due.
func TestSenderVoidsThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)
	id := scoredSessions(t, st, 1)[0]
	clock.Add(time.Minute)
	sendDue(t, s, 1, "the automatic statements")
	lrs.mu.Lock()
	auto := lrs.standing(t)
	lrs.mu.Unlock()
	lrs.set(true, 0)

	release(t, st, id, "Updated on the other line.")
	failRounds(t, clock, s, 3)
	due, err := st.DueStatements(ctx, clock.Now().Add(time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].Attempts != 3 || due[0].ReleaseID == 0 {
		t.Fatalf("due after the outage: %+v, %v; want the release's entry, tried 3 times", due, err)
	}
	lrs.set(false, 1)
	clock.Add(time.Hour)
	sendDue(t, s, 0, "the LRS back, its answer lost")
	clock.Add(time.Hour)
	sendDue(t, s, 1, "after the lost answer")
	lrs.mu.Lock()
	official := lrs.standing(t)
	if len(official) != 3 || len(lrs.order) != 9 {
		t.Fatalf("after the release: %d standing, %d stored; want 3 official standing and 9 stored (3 automatic, 3 voiding, 3 official)", len(official), len(lrs.order))
	}
	for _, a := range auto {
		if lrs.voided[a.ID] != 1 {
			t.Errorf("automatic statement %s voided by %d statements, want 1", a.ID, lrs.voided[a.ID])
		}
	}
	lrs.mu.Unlock()

	release(t, st, id, "On second listening: updated twice.")
	clock.Add(time.Minute)
	sendDue(t, s, 1, "the second release")
	sendDue(t, s, 0, "all delivered")
	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if len(lrs.refused) > 0 {
		t.Errorf("the LRS refused: %v", lrs.refused)
	}
	// Up: the lost answer, its resend, the second release.
	if lrs.posts != 1+2+1 {
		t.Errorf("the LRS received %d requests while up, want 4 (the automatic, the release twice, the second release)", lrs.posts)
	}
	newest := lrs.standing(t)
	if len(newest) != 3 || len(lrs.order) != 15 {
		t.Fatalf("in the end: %d standing, %d stored; want the 3 newest standing of 15 (two sets voided)", len(newest), len(lrs.order))
	}
	for _, o := range official {
		if lrs.voided[o.ID] != 1 {
			t.Errorf("first official statement %s voided by %d statements, want 1", o.ID, lrs.voided[o.ID])
		}
	}
	if newest[1].Result.Response != "On second listening: updated twice." {
		t.Errorf("the newest rule statement's response %q, want the second release's reason", newest[1].Result.Response)
	}
}

// TestSenderVoidsWhatALostAnswerMayHaveStored: the automatic statements
// reach the LRS but the answer is lost; before the retry, a coach's review
// is released, so the automatic entry is superseded and never retried. The
// release's request still voids the automatic statements, which the LRS
// did store: they were recorded before they were posted.
func TestSenderVoidsWhatALostAnswerMayHaveStored(t *testing.T) {
	st, lrs, clock, s := senderToTestLRS(t)
	id := scoredSessions(t, st, 1)[0]
	lrs.set(false, 1)
	clock.Add(time.Minute)
	sendDue(t, s, 0, "the automatic statements, answer lost")
	release(t, st, id, "Updated on the other line.")
	clock.Add(time.Hour)
	sendDue(t, s, 1, "the release (the automatic entry superseded)")
	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if lrs.posts != 2 || len(lrs.refused) > 0 {
		t.Errorf("%d requests (refused %v), want 2", lrs.posts, lrs.refused)
	}
	standing := lrs.standing(t)
	if len(standing) != 3 || len(lrs.order) != 9 {
		t.Fatalf("%d standing of %d stored, want the 3 official of 9 (the automatic ones voided)", len(standing), len(lrs.order))
	}
	for _, s := range standing {
		if s.Context.Extensions["https://drillroom.example.org/xapi/extensions/scorecard"] != "official" {
			t.Errorf("standing statement %s reports the %v scorecard, want official", s.ID, s.Context.Extensions["https://drillroom.example.org/xapi/extensions/scorecard"])
		}
	}
}

// TestSenderNeverVoidsANewerReport: two nodes' senders share the outbox.
// One reads the automatic entry as current; before it delivers, a review is
// released and the other node delivers the official report. The first
// node's late delivery posts nothing: the official statements stand, none
// voided, and the automatic entry is marked sent.
func TestSenderNeverVoidsANewerReport(t *testing.T) {
	ctx := context.Background()
	st, lrs, clock, s := senderToTestLRS(t)
	id := scoredSessions(t, st, 1)[0]
	clock.Add(time.Minute)
	due, err := st.DueStatements(ctx, clock.Now(), 10)
	if err != nil || len(due) != 1 || !due[0].Current {
		t.Fatalf("due: %+v, %v; want the automatic entry, current", due, err)
	}
	stale := due[0] // what the slow node read

	release(t, st, id, "Updated on the other line.")
	sendDue(t, s, 1, "the other node (the official report)")
	lrs.mu.Lock()
	official := lrs.standing(t)
	posts := lrs.posts
	lrs.mu.Unlock()

	if voided, err := s.deliver(ctx, stale); !errors.Is(err, errSuperseded) || voided != nil {
		t.Fatalf("the slow node's delivery: voided %v, err %v; want errSuperseded and nothing voided", voided, err)
	}
	lrs.mu.Lock()
	defer lrs.mu.Unlock()
	if lrs.posts != posts || len(lrs.refused) > 0 {
		t.Errorf("the slow node posted %d requests (refused %v), want none", lrs.posts-posts, lrs.refused)
	}
	if got := lrs.standing(t); len(got) != len(official) || len(official) != 3 {
		t.Fatalf("%d standing after the slow node, want the 3 official", len(got))
	}
	for _, o := range official {
		if lrs.voided[o.ID] != 0 {
			t.Errorf("official statement %s voided", o.ID)
		}
	}
}
