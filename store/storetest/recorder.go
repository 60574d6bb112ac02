package storetest

import (
	"context"
	"sync"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// recorder notes which methods of Store the suite called, on any of the
// stores it opened, so Run can fail when a method has no test.
type recorder struct {
	mu     sync.Mutex
	called map[string]bool
}

func newRecorder() *recorder { return &recorder{called: map[string]bool{}} }

func (r *recorder) note(method string) {
	r.mu.Lock()
	r.called[method] = true
	r.mu.Unlock()
}

// uncalled returns the methods of Store never called, sorted.
func (r *recorder) uncalled() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range Methods() {
		if !r.called[m] {
			out = append(out, m)
		}
	}
	return out
}

func (r *recorder) wrap(s Store) Store { return &recording{s: s, r: r} }

// recording is a Store that notes each call and passes it on unchanged.
type recording struct {
	s Store
	r *recorder
}

func (x *recording) CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, password string) (drillroom.User, error) {
	x.r.note("CreateUser")
	return x.s.CreateUser(ctx, username, displayName, role, password)
}

func (x *recording) Authenticate(ctx context.Context, username, password string) (drillroom.User, error) {
	x.r.note("Authenticate")
	return x.s.Authenticate(ctx, username, password)
}

func (x *recording) UserByID(ctx context.Context, id int64) (drillroom.User, error) {
	x.r.note("UserByID")
	return x.s.UserByID(ctx, id)
}

func (x *recording) UserByUsername(ctx context.Context, username string) (drillroom.User, error) {
	x.r.note("UserByUsername")
	return x.s.UserByUsername(ctx, username)
}

func (x *recording) ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error) {
	x.r.note("ListUsers")
	return x.s.ListUsers(ctx, role)
}

func (x *recording) SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error {
	x.r.note("SetPassword")
	return x.s.SetPassword(ctx, userID, password, mustChange)
}

func (x *recording) CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error) {
	x.r.note("CreateUsers")
	return x.s.CreateUsers(ctx, us)
}

func (x *recording) UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error) {
	x.r.note("UpdateUser")
	return x.s.UpdateUser(ctx, u)
}

func (x *recording) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	x.r.note("CreateCohort")
	return x.s.CreateCohort(ctx, name, description)
}

func (x *recording) UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error) {
	x.r.note("UpdateCohort")
	return x.s.UpdateCohort(ctx, c)
}

func (x *recording) Cohort(ctx context.Context, id int64) (drillroom.Cohort, error) {
	x.r.note("Cohort")
	return x.s.Cohort(ctx, id)
}

func (x *recording) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	x.r.note("Cohorts")
	return x.s.Cohorts(ctx)
}

func (x *recording) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	x.r.note("UserCohorts")
	return x.s.UserCohorts(ctx, userID)
}

func (x *recording) AddToCohort(ctx context.Context, cohortID, userID int64) error {
	x.r.note("AddToCohort")
	return x.s.AddToCohort(ctx, cohortID, userID)
}

func (x *recording) RemoveFromCohort(ctx context.Context, cohortID, userID int64) error {
	x.r.note("RemoveFromCohort")
	return x.s.RemoveFromCohort(ctx, cohortID, userID)
}

func (x *recording) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	x.r.note("CohortMembers")
	return x.s.CohortMembers(ctx, cohortID)
}

func (x *recording) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	x.r.note("TraineesOf")
	return x.s.TraineesOf(ctx, staffID)
}

func (x *recording) SharesCohort(ctx context.Context, a, b int64) (bool, error) {
	x.r.note("SharesCohort")
	return x.s.SharesCohort(ctx, a, b)
}

func (x *recording) AppendAudit(ctx context.Context, e drillroom.AuditEntry) error {
	x.r.note("AppendAudit")
	return x.s.AppendAudit(ctx, e)
}

func (x *recording) Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error) {
	x.r.note("Audit")
	return x.s.Audit(ctx, f)
}

func (x *recording) CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	x.r.note("CreateLogin")
	return x.s.CreateLogin(ctx, userID, ttl)
}

func (x *recording) LoginUser(ctx context.Context, token string) (drillroom.User, error) {
	x.r.note("LoginUser")
	return x.s.LoginUser(ctx, token)
}

func (x *recording) DeleteLogin(ctx context.Context, token string) error {
	x.r.note("DeleteLogin")
	return x.s.DeleteLogin(ctx, token)
}

func (x *recording) DeleteExpiredLogins(ctx context.Context) (int64, error) {
	x.r.note("DeleteExpiredLogins")
	return x.s.DeleteExpiredLogins(ctx)
}

func (x *recording) PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error) {
	x.r.note("PutScenarioVersion")
	return x.s.PutScenarioVersion(ctx, v)
}

func (x *recording) ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error) {
	x.r.note("ScenarioVersion")
	return x.s.ScenarioVersion(ctx, id, version)
}

func (x *recording) LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error) {
	x.r.note("LatestScenarioVersion")
	return x.s.LatestScenarioVersion(ctx, id)
}

func (x *recording) LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error) {
	x.r.note("LatestScenarios")
	return x.s.LatestScenarios(ctx)
}

func (x *recording) Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error {
	x.r.note("Assign")
	return x.s.Assign(ctx, userID, scenarioID, mode)
}

func (x *recording) Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error) {
	x.r.note("Assignments")
	return x.s.Assignments(ctx, userID)
}

func (x *recording) CreateSession(ctx context.Context, s drillroom.Session) (drillroom.Session, error) {
	x.r.note("CreateSession")
	return x.s.CreateSession(ctx, s)
}

func (x *recording) Session(ctx context.Context, id string) (drillroom.Session, error) {
	x.r.note("Session")
	return x.s.Session(ctx, id)
}

func (x *recording) SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error) {
	x.r.note("SessionsForUser")
	return x.s.SessionsForUser(ctx, userID)
}

func (x *recording) LiveSessions(ctx context.Context) ([]drillroom.Session, error) {
	x.r.note("LiveSessions")
	return x.s.LiveSessions(ctx)
}

func (x *recording) EndSession(ctx context.Context, id string, ending string) error {
	x.r.note("EndSession")
	return x.s.EndSession(ctx, id, ending)
}

func (x *recording) AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error {
	x.r.note("AppendEvents")
	return x.s.AppendEvents(ctx, sessionID, cmd, events)
}

func (x *recording) CommandResult(ctx context.Context, sessionID, cmdID string) ([]byte, error) {
	x.r.note("CommandResult")
	return x.s.CommandResult(ctx, sessionID, cmdID)
}

func (x *recording) Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error) {
	x.r.note("Events")
	return x.s.Events(ctx, sessionID, afterSeq)
}

func (x *recording) PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error {
	x.r.note("PutScorecard")
	return x.s.PutScorecard(ctx, sessionID, rubricHash, scorecardJSON, outcomes)
}

func (x *recording) RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error) {
	x.r.note("RuleFailureRates")
	return x.s.RuleFailureRates(ctx, scenarioID)
}

func (x *recording) Scorecard(ctx context.Context, sessionID string) ([]byte, error) {
	x.r.note("Scorecard")
	return x.s.Scorecard(ctx, sessionID)
}

func (x *recording) PutReview(ctx context.Context, sessionID, text string) error {
	x.r.note("PutReview")
	return x.s.PutReview(ctx, sessionID, text)
}

func (x *recording) Review(ctx context.Context, sessionID string) (drillroom.Review, error) {
	x.r.note("Review")
	return x.s.Review(ctx, sessionID)
}

func (x *recording) Ping(ctx context.Context) error {
	x.r.note("Ping")
	return x.s.Ping(ctx)
}

func (x *recording) Close() error {
	x.r.note("Close")
	return x.s.Close()
}
