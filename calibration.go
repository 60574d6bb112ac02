package drillroom

import "time"

// Round is a calibration round: a lead puts one session to several coaches
// (or trainers), who each mark it blind; once the lead publishes the
// round, everyone in it sees every marking and the agreement between them.
type Round struct {
	ID          int64
	SessionID   string
	LeadID      int64
	Lead        string  // the lead's display name, filled in by the store
	Members     []int64 // the markers, the lead among them if they mark
	CreatedAt   time.Time
	PublishedAt time.Time // zero while the marking is blind
}

// Published reports whether the round's markings are revealed.
func (r Round) Published() bool { return !r.PublishedAt.IsZero() }

// RoundMark is one marker's outcome for one rule in a calibration round.
// A marker's later mark of the same rule replaces the earlier.
type RoundMark struct {
	RoundID int64
	UserID  int64
	By      string // display name, filled in by the store
	RuleID  string
	Outcome string // pass, fail, partial or na
	Points  float64
	At      time.Time
}
