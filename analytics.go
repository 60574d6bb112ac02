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
	SessionID  string
	UserID     int64
	ScenarioID string
	Version    int
	Mode       Mode
	CreatedAt  time.Time // when the session started
	ScoredAt   time.Time // when its newest scorecard was stored
	RubricHash string
	Total      float64
	Band       string
	Passed     bool
	KPIs       SessionKPIs
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

// RuleStat counts one rule of one scenario for one trainee, over the
// newest scorecards of the trainee's sessions that a filter selects. It is
// the cell of a rule x trainee heatmap; summed over trainees it is the
// rule's failure rate.
type RuleStat struct {
	ScenarioID string
	RuleID     string
	Title      string // from the newest scoring
	Section    string
	Critical   string
	UserID     int64
	Scored     int    // sessions where the rule was scored (not na, not pending)
	Failed     int    // of those, sessions where it failed (fail or error)
	LastFailed string // the newest session where it failed, "" if none
	Last       string // the newest session where it was scored, "" if none
}

// FeedbackCount is a line of feedback and how many sessions it was given in.
type FeedbackCount struct {
	ScenarioID string
	RuleID     string
	Outcome    string
	Feedback   string
	Sessions   int
}
