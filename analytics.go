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
	Feedback   string    // the feedback the trainee read for this rule
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
	QueuedAt    time.Time
	Attempts    int       // deliveries tried and failed so far
	NextAt      time.Time // not before
	LastError   string
	// Current is false when the session was scored again since: the
	// newer scorecard has its own entry and this one is not to be sent.
	Current bool
}
