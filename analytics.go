package drillroom

import "time"

// AnalyticsFilter selects the scored sessions that cohort analytics and
// exports read. Only each session's newest scorecard counts. Every set
// field must match.
type AnalyticsFilter struct {
	// Cohorts restricts the sessions to trainees in any of these cohorts.
	// Nil means every trainee (an administrator's view); an empty, non-nil
	// slice matches nothing, so a trainer with no cohort sees nothing.
	Cohorts    []int64
	UserID     int64 // one trainee, 0 for all
	ScenarioID string
	Version    int  // 0 for every version
	Mode       Mode // "" for both
	Since      time.Time
	Until      time.Time // exclusive
}

// SessionKPIs are the contact-centre measures of a scored session (the
// scorecard's KPIs, in seconds; -1 means never).
type SessionKPIs struct {
	HandlingTime           float64
	TalkTime               float64
	HoldTime               float64
	WrapUp                 float64
	FirstContactResolution bool
	CSAT                   int
	TimeToClassify         float64
	TimeToFirstEscalation  float64
	LongestSilence         float64
}

// ScoredSession is a session with the headline of its newest scorecard.
type ScoredSession struct {
	SessionID   string
	UserID      int64
	ScenarioID  string
	Version     int
	Mode        Mode
	CreatedAt   time.Time // when the session started
	ScoredAt    time.Time // when its newest scorecard was stored
	ScorecardID int64     // that scorecard's id
	RubricHash  string
	Total       float64
	Band        string
	Passed      bool
	KPIs        SessionKPIs
	Rules       []RuleMark // every rule's outcome, in the rubric's order
	// ReleaseID is the session's newest release of a coach's review to the
	// trainee, 0 when none.
	ReleaseID int64
	// Official is true when Total, Band, Passed and Rules are the official
	// scorecard's: the automatic scorecard with the coaches' marks as last
	// released to the trainee applied (a review released without marks
	// leaves them as they were). Auto then holds the automatic scorecard's
	// headline; without a release Auto is the same as the fields above.
	Official bool
	Auto     Headline
	// Rev is the revision at which the session's analytics row last
	// changed (a new scoring, a release, its official result): a copy of
	// the rows is brought up to date with what changed after the highest
	// revision it holds.
	Rev int64
}

// Headline is a scorecard's result: its total, band and verdict, and each
// rule's outcome.
type Headline struct {
	Total  float64
	Band   string
	Passed bool
	Rules  []RuleMark
}

// OfficialRef names a session whose official result analytics must
// (re)compute: its newest scorecard and its newest release.
type OfficialRef struct {
	SessionID   string
	ScorecardID int64
	ReleaseID   int64
}

// OfficialResult is what analytics keep of a session's official scorecard
// as released: computed from the automatic scorecard ScorecardID with the
// marks released by ReleaseID, its headline and the rules the marks
// changed.
type OfficialResult struct {
	OfficialRef
	Total   float64
	Band    string
	Passed  bool
	Changes []RuleChange
}

// RuleChange is a rule whose official outcome or points differ from the
// automatic scorecard's.
type RuleChange struct {
	RuleID  string
	Outcome string
	Points  float64
}

// OutcomeRecord is one rule outcome of a session's newest scorecard, with
// what analytics and exports need beside it.
type OutcomeRecord struct {
	RuleOutcome
	UserID     int64
	ScenarioID string
	Version    int
	Mode       Mode
	CreatedAt  time.Time // when the session started
	Feedback   string    // the feedback the trainee read for this rule (the automatic scorecard's)
	// Official is true when the session has a released review: Outcome and
	// Points are then the official scorecard's, and AutoOutcome and
	// AutoPoints the automatic one's (the same unless a mark changed them).
	Official    bool
	AutoOutcome string
	AutoPoints  float64
}

// RuleMark is one rule's outcome in a scored session's headline.
type RuleMark struct {
	RuleID  string
	Outcome string // scoring's vocabulary: pass, fail, na, pending, partial, error
}

// Failed reports whether the outcome counts as a failure (fail or error).
func (m RuleMark) Failed() bool { return m.Outcome == "fail" || m.Outcome == "error" }

// Scored reports whether the rule was scored (neither na nor pending).
func (m RuleMark) Scored() bool { return m.Outcome != "na" && m.Outcome != "pending" }

// FeedbackCount is a line of feedback and how many sessions it was given in.
type FeedbackCount struct {
	ScenarioID string
	RuleID     string
	Outcome    string
	Feedback   string
	Sessions   int
}

// OutboxEntry is a scored session whose xAPI statements await delivery to
// a learning record store: one per stored scorecard, queued with it.
type OutboxEntry struct {
	ID          int64
	SessionID   string
	ScorecardID int64
	// ReleaseID is the release of a coach's review the statements report
	// (the official scorecard as released then), 0 for the automatic
	// scorecard of a session never released.
	ReleaseID int64
	QueuedAt  time.Time
	Attempts  int       // deliveries tried and failed so far
	NextAt    time.Time // not before
	LastError string
	// Current is false when the session was scored again or its review
	// released again since: the newer entry reports the newer result and
	// this one is not to be sent.
	Current bool
}

// StandingStatements are the statements of an outbox entry that may be in
// the learning record store (they were posted, or about to be, and not
// voided since): a newer report of the session voids them.
type StandingStatements struct {
	EntryID      int64
	ReleaseID    int64 // of the entry: 0 for an automatic scorecard
	StatementIDs []string
}
