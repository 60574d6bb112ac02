package drillroom

import "time"

// Claim says that a coach is reviewing a session, so that another coach
// does not mark it at the same time by accident. It lapses at Until unless
// renewed, and its holder may release it earlier.
type Claim struct {
	SessionID string
	UserID    int64
	By        string // the holder's display name, filled in by the store
	At        time.Time
	Until     time.Time
}
