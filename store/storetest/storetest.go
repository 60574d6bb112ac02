// Package storetest is the conformance suite every drillroom store backend
// must pass: SQLite now, PostgreSQL later. A backend's tests call Run with a
// function that opens an empty store of that backend; Run checks every method
// of Store against the contract the runner, the web layer and the CLI rely
// on: the happy paths, drillroom.ErrNotFound from every getter, ErrInvalid
// for bad input, conflicts, at-most-once commands, gap-free sequence numbers
// under concurrent writers, ordering, and what an ended session still
// accepts. At the end Run fails if some method of Store was never called, so
// the suite cannot silently fall behind the interface.
//
// The package declares Store itself and imports no backend.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Store is what a backend must offer. Operational methods that only make
// sense for one backend (SQLite's group-commit counters, its migration
// number) are not part of it; the SQLite package lists them.
type Store interface {
	// Users and logins.
	CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, password string) (drillroom.User, error)
	Authenticate(ctx context.Context, username, password string) (drillroom.User, error)
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	UserByUsername(ctx context.Context, username string) (drillroom.User, error)
	ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error)
	SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error
	CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error)
	UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error)

	// Cohorts.
	CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error)
	UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error)
	Cohort(ctx context.Context, id int64) (drillroom.Cohort, error)
	Cohorts(ctx context.Context) ([]drillroom.Cohort, error)
	UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error)
	AddToCohort(ctx context.Context, cohortID, userID int64) error
	RemoveFromCohort(ctx context.Context, cohortID, userID int64) error
	CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error)
	TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error)
	SharesCohort(ctx context.Context, a, b int64) (bool, error)

	// The audit log.
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
	Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error)
	CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error)
	LoginUser(ctx context.Context, token string) (drillroom.User, error)
	SeenLogin(ctx context.Context, token string, idle time.Duration, touch bool) (drillroom.User, error)
	DeleteLogin(ctx context.Context, token string) error
	DeleteExpiredLogins(ctx context.Context) (int64, error)

	// The catalogue and assignments.
	PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error)
	ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error)
	LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error)
	LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error)
	Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error
	Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error)
	AddAssignment(ctx context.Context, a drillroom.Assignment) (drillroom.Assignment, error)
	ListAssignments(ctx context.Context) ([]drillroom.Assignment, error)
	DeleteAssignment(ctx context.Context, id int64) error
	ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error)
	RetireScenarioVersion(ctx context.Context, id string, version int) error

	// Authoring: drafts and the record of publications.
	CreateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error)
	UpdateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error)
	Draft(ctx context.Context, id int64) (drillroom.Draft, error)
	Drafts(ctx context.Context, authorID int64) ([]drillroom.Draft, error)
	DeleteDraft(ctx context.Context, id int64) error

	// The organisation's settings.
	Setting(ctx context.Context, key string) (drillroom.Setting, error)
	PutSetting(ctx context.Context, st drillroom.Setting) (drillroom.Setting, error)
	AddPublication(ctx context.Context, p drillroom.Publication) (drillroom.Publication, error)
	Publication(ctx context.Context, id int64) (drillroom.Publication, error)
	Publications(ctx context.Context, state drillroom.PublicationState) ([]drillroom.Publication, error)
	DecidePublication(ctx context.Context, id, approverID int64, state drillroom.PublicationState) (drillroom.Publication, error)

	// Sessions and their event logs.
	CreateSession(ctx context.Context, x drillroom.Session) (drillroom.Session, error)
	Session(ctx context.Context, id string) (drillroom.Session, error)
	SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error)
	LiveSessions(ctx context.Context) ([]drillroom.Session, error)
	EndSession(ctx context.Context, id string, ending string) error
	AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error
	CommandResult(ctx context.Context, sessionID, cmdID string) ([]byte, error)
	Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error)

	// Scorecards and reviews.
	PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error
	RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error)
	Scorecard(ctx context.Context, sessionID string) ([]byte, error)
	PutReview(ctx context.Context, sessionID, text string) error
	Review(ctx context.Context, sessionID string) (drillroom.Review, error)

	// Coaches' marks (manual scores, overrides), append-only.
	AddMark(ctx context.Context, m drillroom.Mark) (drillroom.Mark, error)
	Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error)

	// Coaches' claims on sessions under review.
	ClaimSession(ctx context.Context, sessionID string, userID int64, ttl time.Duration) (drillroom.Claim, error)
	ReleaseClaim(ctx context.Context, sessionID string, userID int64) error
	SessionClaim(ctx context.Context, sessionID string) (drillroom.Claim, error)
	ActiveClaims(ctx context.Context) ([]drillroom.Claim, error)

	// Coaching notes and the thread with the trainee, append-only.
	AddNote(ctx context.Context, n drillroom.Note) (drillroom.Note, error)
	Notes(ctx context.Context, sessionID string) ([]drillroom.Note, error)
	AddRelease(ctx context.Context, r drillroom.Release) (drillroom.Release, error)
	Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error)
	CompleteAction(ctx context.Context, d drillroom.ActionDone) (drillroom.ActionDone, error)
	DoneActions(ctx context.Context, sessionID string) ([]drillroom.ActionDone, error)
	AddTraineeNote(ctx context.Context, n drillroom.TraineeNote) (drillroom.TraineeNote, error)
	TraineeNotes(ctx context.Context, traineeID int64) ([]drillroom.TraineeNote, error)
	AckTraineeNote(ctx context.Context, traineeID, noteID, byID int64) error
	CompleteTraineeAction(ctx context.Context, traineeID int64, d drillroom.ActionDone) (drillroom.ActionDone, error)
	AddResponse(ctx context.Context, r drillroom.Response) (drillroom.Response, error)
	Responses(ctx context.Context, sessionID string) ([]drillroom.Response, error)

	// Calibration rounds: blind marking by several coaches.
	CreateRound(ctx context.Context, r drillroom.Round) (drillroom.Round, error)
	Round(ctx context.Context, id int64) (drillroom.Round, error)
	SessionRounds(ctx context.Context, sessionID string) ([]drillroom.Round, error)
	UserRounds(ctx context.Context, userID int64) ([]drillroom.Round, error)
	PutRoundMark(ctx context.Context, m drillroom.RoundMark) error
	RoundMarks(ctx context.Context, roundID int64) ([]drillroom.RoundMark, error)
	PublishRound(ctx context.Context, id int64, official []drillroom.Mark) (drillroom.Round, []drillroom.Mark, error)
	// Cohort analytics, over each session's newest scorecard.
	ScoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.ScoredSession) error) error
	ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error
	FeedbackCounts(ctx context.Context, f drillroom.AnalyticsFilter, limit int) ([]drillroom.FeedbackCount, error)
	// The analytics rows that changed after a revision, for a server's
	// copy of them.
	ScoredSessionsSince(ctx context.Context, rev int64, fn func(drillroom.ScoredSession) error) error
	// The official results analytics report: sessions with a release whose
	// official result is missing or stale, and recording one.
	StaleOfficial(ctx context.Context, limit int) ([]drillroom.OfficialRef, error)
	PutOfficialResult(ctx context.Context, r drillroom.OfficialResult) error

	// The xAPI outbox: every stored scorecard queues an entry.
	DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error)
	MarkStatementsSent(ctx context.Context, ids []int64) error
	RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error
	// Voiding in the LRS what a newer report replaces: the statements an
	// entry is about to post, those that may be there, and a delivery
	// with what it voided.
	PlanStatements(ctx context.Context, entryID int64, statementIDs []string) error
	StandingStatements(ctx context.Context, sessionID string, except int64) ([]drillroom.StandingStatements, error)
	MarkStatementsDelivered(ctx context.Context, id int64, voided []int64) error

	// Lifetime.
	Ping(ctx context.Context) error
	// Close releases the store. Writes after Close fail with an error that
	// is drillroom.ErrUnavailable; a second Close returns nil.
	Close() error
}

// Opener opens a new, empty store for one test and closes it at the test's
// cleanup. The store must take every time it records (creation, login
// expiry, ordering) from now, so the suite can move the clock instead of
// sleeping.
type Opener func(t *testing.T, now func() time.Time) Store

// suite is one named conformance test. It runs on a new, empty store that
// records its times by clock.
type suite struct {
	name string
	run  func(t *testing.T, s Store, clock *Clock)
}

var suites = []suite{
	{"Users", testUsers},
	{"Authenticate", testAuthenticate},
	{"Logins", testLogins},
	{"Accounts", testAccounts},
	{"CreateUsersAllOrNothing", testCreateUsersAllOrNothing},
	{"Cohorts", testCohorts},
	{"Audit", testAudit},
	{"ScenarioVersions", testScenarioVersions},
	{"Assignments", testAssignments},
	{"TrainerAssignments", testTrainerAssignments},
	{"RetiredVersions", testRetiredVersions},
	{"Drafts", testDrafts},
	{"Publications", testPublications},
	{"Settings", testSettings},
	{"Sessions", testSessions},
	{"AppendEventsContiguity", testAppendContiguity},
	{"EventRoundTrip", testEventRoundTrip},
	{"CommandsAtMostOnce", testCommandsAtMostOnce},
	{"ConcurrentWritersOneSession", testConcurrentWritersOneSession},
	{"ConcurrentSessions", testConcurrentSessions},
	{"ScorecardsAndReviews", testScorecardsAndReviews},
	{"RuleOutcomes", testRuleOutcomes},
	{"Marks", testMarks},
	{"Claims", testClaims},
	{"NotesAndResponses", testNotesAndResponses},
	{"Releases", testReleases},
	{"ActionsDone", testActionsDone},
	{"TraineeNotes", testTraineeNotes},
	{"CalibrationRounds", testCalibrationRounds},
	{"Analytics", testAnalytics},
	{"Outbox", testOutbox},
	{"OutboxVoiding", testOutboxVoiding},
	{"Official", testOfficial},
	{"FactsRevisions", testFactsRevisions},
	{"EndedSessionTakesTheReview", testEndedSession},
	{"NotFound", testNotFound},
	{"Close", testClose},
}

// Run runs the conformance suite as subtests of t, each on a store of its
// own from open. When every subtest ran (no -run filter left one out), it
// then fails if a method of Store was never called.
func Run(t *testing.T, open Opener) {
	rec := newRecorder()
	ran := 0
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			ran++
			clock := NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			s.run(t, rec.wrap(open(t, clock.Now)), clock)
		})
	}
	if ran < len(suites) {
		return // filtered: the coverage below would be meaningless
	}
	if missing := rec.uncalled(); len(missing) > 0 {
		t.Errorf("the suite never called %s: every method of storetest.Store needs a test", strings.Join(missing, ", "))
	}
}

// Clock is a fake wall clock. Now returns the current time and then moves
// it on by the step (0 unless SetStep was called), so that successive
// records get distinct, increasing times when a test needs an order.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time, then advances it by the step.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// SetStep makes every later Now advance the clock by d.
func (c *Clock) SetStep(d time.Duration) {
	c.mu.Lock()
	c.step = d
	c.mu.Unlock()
}

// CreateUser creates the account username with the password "correct
// horse", and fails the test when it cannot.
func CreateUser(t testing.TB, s Store, username, displayName string, role drillroom.Role) drillroom.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), username, displayName, role, "correct horse")
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", username, err)
	}
	return u
}

// Fixture is a trainee, a published scenario version (gas-leak v1, hash
// sha256:aaaa) and a live practice session of it with seed 42.
type Fixture struct {
	User    drillroom.User
	Version drillroom.ScenarioVersion
	Session drillroom.Session
}

// NewFixture creates a Fixture for username. Putting the scenario version
// again for a second fixture in the same store is a no-op.
func NewFixture(t testing.TB, s Store, username string) Fixture {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, username, "Test "+username, drillroom.RoleTrainee, "correct horse battery")
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", username, err)
	}
	v, err := s.PutScenarioVersion(ctx, drillroom.ScenarioVersion{
		ScenarioID: "gas-leak", Version: 1, Hash: "sha256:aaaa", Title: "Gas leak", Source: []byte("id: gas-leak\n"),
	})
	if err != nil {
		t.Fatalf("PutScenarioVersion: %v", err)
	}
	x, err := s.CreateSession(ctx, drillroom.Session{UserID: u.ID, ScenarioID: "gas-leak", Version: 1, Seed: 42, Mode: drillroom.ModePractice})
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return Fixture{User: u, Version: v, Session: x}
}

// FixtureSessions creates the fixtures of n users, u0, u1, ..., one after
// the other, and returns their sessions' ids in that order.
func FixtureSessions(t testing.TB, s Store, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = NewFixture(t, s, fmt.Sprintf("u%d", i)).Session.ID
	}
	return ids
}

// Events makes n customer lines with consecutive seqs from first.
func Events(first int64, n int) []simulator.Event {
	out := make([]simulator.Event, n)
	for i := range out {
		seq := first + int64(i)
		out[i] = simulator.Event{Seq: seq, T: seq * 1000, Type: simulator.EvLine, From: "customer", Channel: "call", Text: fmt.Sprintf("line %d", seq)}
	}
	return out
}

// AssertLog checks that a session's log is exactly seqs 1..want, with no
// gap, and that the session's LastSeq agrees.
func AssertLog(t testing.TB, s Store, sessionID string, want int64) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Events(ctx, sessionID, 0)
	if err != nil {
		t.Fatalf("Events(%s): %v", sessionID, err)
	}
	if int64(len(got)) != want {
		t.Errorf("session %s: got %d events, want %d", sessionID, len(got), want)
	}
	for i, e := range got {
		if e.Seq != int64(i)+1 {
			t.Errorf("session %s: event %d has seq %d, want %d", sessionID, i, e.Seq, i+1)
			break
		}
	}
	x, err := s.Session(ctx, sessionID)
	if err != nil {
		t.Fatalf("Session(%s): %v", sessionID, err)
	}
	if x.LastSeq != want {
		t.Errorf("session %s: LastSeq %d, want %d", sessionID, x.LastSeq, want)
	}
}

// Methods lists the method names of Store, sorted.
func Methods() []string {
	typ := reflect.TypeFor[Store]()
	names := make([]string, typ.NumMethod())
	for i := range names {
		names[i] = typ.Method(i).Name
	}
	sort.Strings(names)
	return names
}

// writeCase is one case of a write: writing v must fail with want, or
// succeed when want is nil.
type writeCase[T any] struct {
	name string
	v    T
	want error
}

// checkWrites runs each case, in order, as a subtest named prefix + its
// name: write (a Store method) given its v must return its want.
func checkWrites[T any](t *testing.T, prefix string, write func(context.Context, T) (T, error), cases []writeCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(prefix+tc.name, func(t *testing.T) {
			if _, err := write(context.Background(), tc.v); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// refusal is one case of a refused write: edit spoils a good record, and
// the write must fail with want.
type refusal[T any] struct {
	name string
	edit func(*T)
	want error
}

// checkRefusals runs each case as checkWrites does, on a copy of good
// that the case's edit spoils.
func checkRefusals[T any](t *testing.T, prefix string, good T, write func(context.Context, T) (T, error), cases []refusal[T]) {
	t.Helper()
	writes := make([]writeCase[T], len(cases))
	for i, tc := range cases {
		v := good
		tc.edit(&v)
		writes[i] = writeCase[T]{tc.name, v, tc.want}
	}
	checkWrites(t, prefix, write, writes)
}
