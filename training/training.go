// Package training holds drillroom's use cases: seeing a session, listing
// and starting drills, acting in a live session, submitting the
// post-incident review and reading a session's scorecard. The web pages,
// the websocket and the command line call these and translate their
// results; none of them decides who may do what on its own.
//
// Errors are drillroom's coded errors (drillroom.ErrNotFound,
// ErrForbidden, ErrInvalid, ErrConflict, ErrUnavailable) with messages that
// are safe to show; the edges map the codes to statuses once.
package training

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"sync"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Store is what the use cases read and write. *store.Store satisfies it.
type Store interface {
	Session(ctx context.Context, id string) (drillroom.Session, error)
	SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error)
	CreateSession(ctx context.Context, x drillroom.Session) (drillroom.Session, error)
	ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error)
	LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error)
	LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error)
	ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error)
	PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error)
	Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error)
	Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error)
	Scorecard(ctx context.Context, sessionID string) ([]byte, error)
	PutReview(ctx context.Context, sessionID, text string) error
	ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error)
	TraineesOf(ctx context.Context, staffID int64) ([]drillroom.User, error)
	SharesCohort(ctx context.Context, a, b int64) (bool, error)
	AddMark(ctx context.Context, m drillroom.Mark) (drillroom.Mark, error)
	Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error)
	ClaimSession(ctx context.Context, sessionID string, userID int64, ttl time.Duration) (drillroom.Claim, error)
	ReleaseClaim(ctx context.Context, sessionID string, userID int64) error
	SessionClaim(ctx context.Context, sessionID string) (drillroom.Claim, error)
	ActiveClaims(ctx context.Context) ([]drillroom.Claim, error)
	Cohorts(ctx context.Context) ([]drillroom.Cohort, error)
	UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error)
	CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error)
	AddNote(ctx context.Context, n drillroom.Note) (drillroom.Note, error)
	AddTraineeNote(ctx context.Context, n drillroom.TraineeNote) (drillroom.TraineeNote, error)
	TraineeNotes(ctx context.Context, traineeID int64) ([]drillroom.TraineeNote, error)
	AckTraineeNote(ctx context.Context, traineeID, noteID, byID int64) error
	CompleteTraineeAction(ctx context.Context, traineeID int64, d drillroom.ActionDone) (drillroom.ActionDone, error)
	AddRelease(ctx context.Context, r drillroom.Release) (drillroom.Release, error)
	Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error)
	CompleteAction(ctx context.Context, d drillroom.ActionDone) (drillroom.ActionDone, error)
	DoneActions(ctx context.Context, sessionID string) ([]drillroom.ActionDone, error)
	Notes(ctx context.Context, sessionID string) ([]drillroom.Note, error)
	AddResponse(ctx context.Context, r drillroom.Response) (drillroom.Response, error)
	Responses(ctx context.Context, sessionID string) ([]drillroom.Response, error)
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	CreateRound(ctx context.Context, r drillroom.Round) (drillroom.Round, error)
	Round(ctx context.Context, id int64) (drillroom.Round, error)
	SessionRounds(ctx context.Context, sessionID string) ([]drillroom.Round, error)
	UserRounds(ctx context.Context, userID int64) ([]drillroom.Round, error)
	PutRoundMark(ctx context.Context, m drillroom.RoundMark) error
	RoundMarks(ctx context.Context, roundID int64) ([]drillroom.RoundMark, error)
	PublishRound(ctx context.Context, id int64, official []drillroom.Mark) (drillroom.Round, []drillroom.Mark, error)
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
}

// Live is what the use cases need from the host of live sessions.
// *runner.Runner satisfies it.
type Live interface {
	Scenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error)
	Drill(ctx context.Context, id string, version int) (*simulator.Drill, error)
	Status(ctx context.Context, sessionID string) (runner.Status, error)
	Do(ctx context.Context, sessionID string, cmd runner.Command) (runner.Result, error)
}

// Service runs the use cases. It is safe for concurrent use.
type Service struct {
	store Store
	live  Live
	log   *slog.Logger
	seed  func() int64
	// drills are the prepared drills replays use, by scenario version.
	drills sync.Map
	// facts is this server's copy of the cohort analytics rows, shared
	// by every Analytics made over the service.
	facts facts
	// dashboards keeps the dashboards computed last (facts.go).
	dashboards dashboards
	// rubrics are the analytics' view of each published version's
	// rubric, by "scenario@version", read once.
	rubrics sync.Map
}

// New returns a Service over st and live. A nil logger discards.
func New(st Store, live Live, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, live: live, log: logger, seed: newSeed}
}

// Scenario loads the scenario version a session plays, from the exact YAML
// stored with it.
func (s *Service) Scenario(ctx context.Context, x drillroom.Session) (*scenarios.Scenario, error) {
	sc, err := s.live.Scenario(ctx, x.ScenarioID, x.Version)
	if err != nil {
		return nil, &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "this drill cannot be loaded right now",
			Err: err}
	}
	return sc, nil
}

// newSeed draws the seed that picks a session's variation: random, so that
// trainees cannot learn one call by heart.
func newSeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}
