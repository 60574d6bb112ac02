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

// call notes a call of method and returns the store to make it on.
func (x *recording) call(method string) Store {
	x.r.note(method)
	return x.s
}

func (x *recording) CreateUser(ctx context.Context, username, displayName string, role drillroom.Role, password string) (drillroom.User, error) {
	return x.call("CreateUser").CreateUser(ctx, username, displayName, role, password)
}

func (x *recording) Authenticate(ctx context.Context, username, password string) (drillroom.User, error) {
	return x.call("Authenticate").Authenticate(ctx, username, password)
}

func (x *recording) UserByID(ctx context.Context, id int64) (drillroom.User, error) {
	return x.call("UserByID").UserByID(ctx, id)
}

func (x *recording) UserByUsername(ctx context.Context, username string) (drillroom.User, error) {
	return x.call("UserByUsername").UserByUsername(ctx, username)
}

func (x *recording) ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error) {
	return x.call("ListUsers").ListUsers(ctx, role)
}

func (x *recording) SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error {
	return x.call("SetPassword").SetPassword(ctx, userID, password, mustChange)
}

func (x *recording) CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error) {
	return x.call("CreateUsers").CreateUsers(ctx, us)
}

func (x *recording) UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error) {
	return x.call("UpdateUser").UpdateUser(ctx, u)
}

func (x *recording) CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error) {
	return x.call("CreateCohort").CreateCohort(ctx, name, description)
}

func (x *recording) UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error) {
	return x.call("UpdateCohort").UpdateCohort(ctx, c)
}

func (x *recording) Cohort(ctx context.Context, id int64) (drillroom.Cohort, error) {
	return x.call("Cohort").Cohort(ctx, id)
}

func (x *recording) Cohorts(ctx context.Context) ([]drillroom.Cohort, error) {
	return x.call("Cohorts").Cohorts(ctx)
}

func (x *recording) UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error) {
	return x.call("UserCohorts").UserCohorts(ctx, userID)
}

func (x *recording) AddToCohort(ctx context.Context, cohortID, userID int64) error {
	return x.call("AddToCohort").AddToCohort(ctx, cohortID, userID)
}

func (x *recording) RemoveFromCohort(ctx context.Context, cohortID, userID int64) error {
	return x.call("RemoveFromCohort").RemoveFromCohort(ctx, cohortID, userID)
}

func (x *recording) CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error) {
	return x.call("CohortMembers").CohortMembers(ctx, cohortID)
}

func (x *recording) TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error) {
	return x.call("TraineesOf").TraineesOf(ctx, staffID)
}

func (x *recording) SharesCohort(ctx context.Context, a, b int64) (bool, error) {
	return x.call("SharesCohort").SharesCohort(ctx, a, b)
}

func (x *recording) AppendAudit(ctx context.Context, e drillroom.AuditEntry) error {
	return x.call("AppendAudit").AppendAudit(ctx, e)
}

func (x *recording) Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error) {
	return x.call("Audit").Audit(ctx, f)
}

func (x *recording) CreateLogin(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	return x.call("CreateLogin").CreateLogin(ctx, userID, ttl)
}

func (x *recording) LoginUser(ctx context.Context, token string) (drillroom.User, error) {
	return x.call("LoginUser").LoginUser(ctx, token)
}

func (x *recording) SeenLogin(ctx context.Context, token string, idle time.Duration, touch bool) (drillroom.User, error) {
	return x.call("SeenLogin").SeenLogin(ctx, token, idle, touch)
}

func (x *recording) DeleteLogin(ctx context.Context, token string) error {
	return x.call("DeleteLogin").DeleteLogin(ctx, token)
}

func (x *recording) DeleteExpiredLogins(ctx context.Context) (int64, error) {
	return x.call("DeleteExpiredLogins").DeleteExpiredLogins(ctx)
}

func (x *recording) PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error) {
	return x.call("PutScenarioVersion").PutScenarioVersion(ctx, v)
}

func (x *recording) ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error) {
	return x.call("ScenarioVersion").ScenarioVersion(ctx, id, version)
}

func (x *recording) LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error) {
	return x.call("LatestScenarioVersion").LatestScenarioVersion(ctx, id)
}

func (x *recording) LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error) {
	return x.call("LatestScenarios").LatestScenarios(ctx)
}

func (x *recording) Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error {
	return x.call("Assign").Assign(ctx, userID, scenarioID, mode)
}

func (x *recording) Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error) {
	return x.call("Assignments").Assignments(ctx, userID)
}

func (x *recording) AddAssignment(ctx context.Context, a drillroom.Assignment) (drillroom.Assignment, error) {
	return x.call("AddAssignment").AddAssignment(ctx, a)
}

func (x *recording) ListAssignments(ctx context.Context) ([]drillroom.Assignment, error) {
	return x.call("ListAssignments").ListAssignments(ctx)
}

func (x *recording) DeleteAssignment(ctx context.Context, id int64) error {
	return x.call("DeleteAssignment").DeleteAssignment(ctx, id)
}

func (x *recording) ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error) {
	return x.call("ScenarioVersions").ScenarioVersions(ctx, id)
}

func (x *recording) RetireScenarioVersion(ctx context.Context, id string, version int) error {
	return x.call("RetireScenarioVersion").RetireScenarioVersion(ctx, id, version)
}

func (x *recording) CreateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	return x.call("CreateDraft").CreateDraft(ctx, d)
}

func (x *recording) UpdateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	return x.call("UpdateDraft").UpdateDraft(ctx, d)
}

func (x *recording) Draft(ctx context.Context, id int64) (drillroom.Draft, error) {
	return x.call("Draft").Draft(ctx, id)
}

func (x *recording) Drafts(ctx context.Context, authorID int64) ([]drillroom.Draft, error) {
	return x.call("Drafts").Drafts(ctx, authorID)
}

func (x *recording) DeleteDraft(ctx context.Context, id int64) error {
	return x.call("DeleteDraft").DeleteDraft(ctx, id)
}

func (x *recording) AddPublication(ctx context.Context, p drillroom.Publication) (drillroom.Publication, error) {
	return x.call("AddPublication").AddPublication(ctx, p)
}

func (x *recording) Publication(ctx context.Context, id int64) (drillroom.Publication, error) {
	return x.call("Publication").Publication(ctx, id)
}

func (x *recording) Publications(ctx context.Context, state drillroom.PublicationState) ([]drillroom.Publication, error) {
	return x.call("Publications").Publications(ctx, state)
}

func (x *recording) DecidePublication(ctx context.Context, id, approverID int64, state drillroom.PublicationState) (drillroom.Publication, error) {
	return x.call("DecidePublication").DecidePublication(ctx, id, approverID, state)
}

func (x *recording) CreateSession(ctx context.Context, s drillroom.Session) (drillroom.Session, error) {
	return x.call("CreateSession").CreateSession(ctx, s)
}

func (x *recording) Session(ctx context.Context, id string) (drillroom.Session, error) {
	return x.call("Session").Session(ctx, id)
}

func (x *recording) SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error) {
	return x.call("SessionsForUser").SessionsForUser(ctx, userID)
}

func (x *recording) LiveSessions(ctx context.Context) ([]drillroom.Session, error) {
	return x.call("LiveSessions").LiveSessions(ctx)
}

func (x *recording) EndSession(ctx context.Context, id string, ending string) error {
	return x.call("EndSession").EndSession(ctx, id, ending)
}

func (x *recording) AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error {
	return x.call("AppendEvents").AppendEvents(ctx, sessionID, cmd, events)
}

func (x *recording) CommandResult(ctx context.Context, sessionID, cmdID string) ([]byte, error) {
	return x.call("CommandResult").CommandResult(ctx, sessionID, cmdID)
}

func (x *recording) Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error) {
	return x.call("Events").Events(ctx, sessionID, afterSeq)
}

func (x *recording) PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error {
	return x.call("PutScorecard").PutScorecard(ctx, sessionID, rubricHash, scorecardJSON, outcomes)
}

func (x *recording) RuleFailureRates(ctx context.Context, scenarioID string) ([]drillroom.RuleFailureRate, error) {
	return x.call("RuleFailureRates").RuleFailureRates(ctx, scenarioID)
}

func (x *recording) Scorecard(ctx context.Context, sessionID string) ([]byte, error) {
	return x.call("Scorecard").Scorecard(ctx, sessionID)
}

func (x *recording) PutReview(ctx context.Context, sessionID, text string) error {
	return x.call("PutReview").PutReview(ctx, sessionID, text)
}

func (x *recording) Review(ctx context.Context, sessionID string) (drillroom.Review, error) {
	return x.call("Review").Review(ctx, sessionID)
}

func (x *recording) Ping(ctx context.Context) error {
	return x.call("Ping").Ping(ctx)
}

func (x *recording) Close() error {
	return x.call("Close").Close()
}

func (x *recording) AddMark(ctx context.Context, m drillroom.Mark) (drillroom.Mark, error) {
	return x.call("AddMark").AddMark(ctx, m)
}

func (x *recording) Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error) {
	return x.call("Marks").Marks(ctx, sessionID)
}

func (x *recording) ClaimSession(ctx context.Context, sessionID string, userID int64, ttl time.Duration) (drillroom.Claim, error) {
	return x.call("ClaimSession").ClaimSession(ctx, sessionID, userID, ttl)
}

func (x *recording) ReleaseClaim(ctx context.Context, sessionID string, userID int64) error {
	return x.call("ReleaseClaim").ReleaseClaim(ctx, sessionID, userID)
}

func (x *recording) SessionClaim(ctx context.Context, sessionID string) (drillroom.Claim, error) {
	return x.call("SessionClaim").SessionClaim(ctx, sessionID)
}

func (x *recording) ActiveClaims(ctx context.Context) ([]drillroom.Claim, error) {
	return x.call("ActiveClaims").ActiveClaims(ctx)
}

func (x *recording) AddNote(ctx context.Context, n drillroom.Note) (drillroom.Note, error) {
	return x.call("AddNote").AddNote(ctx, n)
}

func (x *recording) Notes(ctx context.Context, sessionID string) ([]drillroom.Note, error) {
	return x.call("Notes").Notes(ctx, sessionID)
}

func (x *recording) AddRelease(ctx context.Context, r drillroom.Release) (drillroom.Release, error) {
	return x.call("AddRelease").AddRelease(ctx, r)
}

func (x *recording) Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error) {
	return x.call("Releases").Releases(ctx, sessionID)
}

func (x *recording) CompleteAction(ctx context.Context, d drillroom.ActionDone) (drillroom.ActionDone, error) {
	return x.call("CompleteAction").CompleteAction(ctx, d)
}

func (x *recording) DoneActions(ctx context.Context, sessionID string) ([]drillroom.ActionDone, error) {
	return x.call("DoneActions").DoneActions(ctx, sessionID)
}

func (x *recording) AddResponse(ctx context.Context, r drillroom.Response) (drillroom.Response, error) {
	return x.call("AddResponse").AddResponse(ctx, r)
}

func (x *recording) Responses(ctx context.Context, sessionID string) ([]drillroom.Response, error) {
	return x.call("Responses").Responses(ctx, sessionID)
}

func (x *recording) CreateRound(ctx context.Context, r drillroom.Round) (drillroom.Round, error) {
	return x.call("CreateRound").CreateRound(ctx, r)
}

func (x *recording) Round(ctx context.Context, id int64) (drillroom.Round, error) {
	return x.call("Round").Round(ctx, id)
}

func (x *recording) UserRounds(ctx context.Context, userID int64) ([]drillroom.Round, error) {
	return x.call("UserRounds").UserRounds(ctx, userID)
}

func (x *recording) SessionRounds(ctx context.Context, sessionID string) ([]drillroom.Round, error) {
	return x.call("SessionRounds").SessionRounds(ctx, sessionID)
}

func (x *recording) PutRoundMark(ctx context.Context, m drillroom.RoundMark) error {
	return x.call("PutRoundMark").PutRoundMark(ctx, m)
}

func (x *recording) RoundMarks(ctx context.Context, roundID int64) ([]drillroom.RoundMark, error) {
	return x.call("RoundMarks").RoundMarks(ctx, roundID)
}

func (x *recording) PublishRound(ctx context.Context, id int64, official []drillroom.Mark) (drillroom.Round, []drillroom.Mark, error) {
	return x.call("PublishRound").PublishRound(ctx, id, official)
}

func (x *recording) ScoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.ScoredSession) error) error {
	return x.call("ScoredSessions").ScoredSessions(ctx, f, fn)
}

func (x *recording) ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error {
	return x.call("ScoredOutcomes").ScoredOutcomes(ctx, f, fn)
}

func (x *recording) FeedbackCounts(ctx context.Context, f drillroom.AnalyticsFilter, limit int) ([]drillroom.FeedbackCount, error) {
	return x.call("FeedbackCounts").FeedbackCounts(ctx, f, limit)
}

func (x *recording) DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error) {
	return x.call("DueStatements").DueStatements(ctx, now, limit)
}

func (x *recording) MarkStatementsSent(ctx context.Context, ids []int64) error {
	return x.call("MarkStatementsSent").MarkStatementsSent(ctx, ids)
}

func (x *recording) RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error {
	return x.call("RetryStatements").RetryStatements(ctx, ids, next, reason)
}

func (x *recording) Setting(ctx context.Context, key string) (drillroom.Setting, error) {
	return x.call("Setting").Setting(ctx, key)
}

func (x *recording) PutSetting(ctx context.Context, st drillroom.Setting) (drillroom.Setting, error) {
	return x.call("PutSetting").PutSetting(ctx, st)
}

func (x *recording) StaleOfficial(ctx context.Context, limit int) ([]drillroom.OfficialRef, error) {
	return x.call("StaleOfficial").StaleOfficial(ctx, limit)
}

func (x *recording) PutOfficialResult(ctx context.Context, r drillroom.OfficialResult) error {
	return x.call("PutOfficialResult").PutOfficialResult(ctx, r)
}

func (x *recording) AddTraineeNote(ctx context.Context, n drillroom.TraineeNote) (drillroom.TraineeNote, error) {
	return x.call("AddTraineeNote").AddTraineeNote(ctx, n)
}

func (x *recording) TraineeNotes(ctx context.Context, traineeID int64) ([]drillroom.TraineeNote, error) {
	return x.call("TraineeNotes").TraineeNotes(ctx, traineeID)
}

func (x *recording) AckTraineeNote(ctx context.Context, traineeID, noteID, byID int64) error {
	return x.call("AckTraineeNote").AckTraineeNote(ctx, traineeID, noteID, byID)
}

func (x *recording) CompleteTraineeAction(ctx context.Context, traineeID int64, d drillroom.ActionDone) (drillroom.ActionDone, error) {
	return x.call("CompleteTraineeAction").CompleteTraineeAction(ctx, traineeID, d)
}
