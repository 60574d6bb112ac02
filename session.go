package drillroom

import "time"

// Mode is how a session counts: practice, or an assessment that is scored
// for the record.
type Mode string

// The modes.
const (
	ModePractice   Mode = "practice"
	ModeAssessment Mode = "assessment"
)

// Valid reports whether m is one of the defined modes.
func (m Mode) Valid() bool { return m == ModePractice || m == ModeAssessment }

// SessionState is whether a session's call is still going.
type SessionState string

// The session states.
const (
	StateLive  SessionState = "live"
	StateEnded SessionState = "ended"
)

// Session is one play of one scenario version by one user.
type Session struct {
	ID         string // random, URL-safe; the store fills it in
	UserID     int64
	ScenarioID string
	Version    int
	Hash       string // the scenario version's hash; filled in if empty
	Seed       int64
	Mode       Mode
	Scale      float64 // time scale; 1 is real time
	State      SessionState
	Ending     string // the ending id once ended
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastSeq    int64 // the highest stored event seq; 0 before the first event
}

// Command is the client command that produced a batch of events. ID is the
// client-chosen command id (empty for events the clock produced); Result is
// the answer (ack or rejection JSON) to send again if the client retries it.
type Command struct {
	ID     string
	Result []byte
}

// Assignment is a drill assigned to a trainee, directly or through one of
// their cohorts. Assignments made on the command line or by serve --demo
// have only ScenarioID, Mode and AssignedAt (ID 0: the latest version, no
// due date, any number of attempts); a trainer's carry the rest.
type Assignment struct {
	ID         int64 // 0 for a per-user assignment of the command line
	ScenarioID string
	Version    int // 0: the latest published version
	Mode       Mode
	AssignedAt time.Time
	DueAt      time.Time // zero: no due date
	Attempts   int       // 0: any number
	CohortID   int64     // the cohort it was given to (0: a single trainee)
	UserID     int64     // the trainee it was given to (0: a cohort)
	AssignedBy int64
}

// ScenarioVersion is one published version of a scenario: its catalogue
// metadata and the exact YAML it was built from (drill and policy), so a
// session can always be replayed and re-scored against what was played.
type ScenarioVersion struct {
	ScenarioID   string
	Version      int
	Hash         string // content hash computed by the scenarios package
	Title        string
	Summary      string // for trainers: may give the expected handling away
	Briefing     string // for trainees: what they read before the call
	Difficulty   string
	DurationMs   int64
	Tags         []string
	Source       []byte // the drill YAML
	PolicySource []byte // the policy YAML it references, if any
	CreatedAt    time.Time
	// RetiredAt is when the version was retired (zero: it is not): a
	// retired version can no longer be started; its sessions stay pinned
	// to it and replay as before.
	RetiredAt time.Time
}

// RuleOutcome is one rule's result in one scoring of a session, stored in
// queryable form beside the scorecard it came from, so that questions such
// as "which rules fail most in this cohort" are one query, not a decoding of
// every scorecard. SessionID and RubricHash may be left empty when writing:
// the store fills them in from the scorecard they are written with.
type RuleOutcome struct {
	SessionID  string
	RubricHash string
	RuleID     string
	Section    string // the id of the rubric section
	Title      string // the rule's title as the rubric wrote it
	Outcome    string // pass, fail, na, pending, partial or error (scoring's vocabulary)
	Points     float64
	MaxPoints  float64 // the rule's points as written
	Critical   string  // "", or the level of a critical rule: section or drill
}

// ValidRuleOutcome reports whether o is one of the outcomes a RuleOutcome
// may have.
func ValidRuleOutcome(o string) bool {
	switch o {
	case "pass", "fail", "na", "pending", "partial", "error":
		return true
	}
	return false
}

// RuleFailureRate is how often one rule of a scenario failed across the
// scored sessions of that scenario, counting each session's newest scoring.
// A rule fails when its outcome is fail or error; it counts as scored unless
// it was not applicable or awaits a coach (na, pending).
type RuleFailureRate struct {
	ScenarioID string
	RuleID     string
	Title      string // from the newest scoring
	Section    string
	Critical   string
	Scored     int // sessions where the rule was scored
	Failed     int // of those, sessions where it failed
}

// Rate is Failed/Scored, or 0 when nothing was scored.
func (r RuleFailureRate) Rate() float64 {
	if r.Scored == 0 {
		return 0
	}
	return float64(r.Failed) / float64(r.Scored)
}

// Review is a trainee's post-incident review of a session.
type Review struct {
	SessionID string
	Text      string
	CreatedAt time.Time
	UpdatedAt time.Time
}
