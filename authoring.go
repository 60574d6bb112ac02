package drillroom

import (
	"strconv"
	"strings"
	"time"
)

// Draft is a trainer's unpublished drill file, saved in the database so
// that it follows its author from browser to browser. Only its author
// reads and writes it.
type Draft struct {
	ID        int64
	AuthorID  int64
	Name      string // the file name it downloads as, e.g. gas-leak.drill.yaml
	Source    []byte // the YAML, as typed
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PublicationState is where a request to publish a scenario version stands.
type PublicationState string

// The publication states. A publication is pending while it waits for a
// second trainer's approval; published once its version is in the
// catalogue; rejected when a second trainer turned it down.
const (
	PublicationPending   PublicationState = "pending"
	PublicationPublished PublicationState = "published"
	PublicationRejected  PublicationState = "rejected"
)

// Valid reports whether s is one of the defined states.
func (s PublicationState) Valid() bool {
	return s == PublicationPending || s == PublicationPublished || s == PublicationRejected
}

// Publication records who published a scenario version from the editor,
// and, where the organisation requires it, who approved it: the checks and
// balances of publishing. Source is the exact drill YAML that was tested,
// so an approver approves what they read.
type Publication struct {
	ID         int64
	ScenarioID string
	Version    int
	Hash       string
	Title      string
	Source     []byte
	// PolicySource is the author's own policy the drill uses, as it was
	// submitted (empty: a shipped policy), so the approver checks and
	// publishes exactly what the author tested.
	PolicySource []byte
	AuthorID     int64
	ApproverID   int64 // 0: not approved (pending, or no approval was required)
	State        PublicationState
	RequestedAt  time.Time
	DecidedAt    time.Time // zero while pending
}

// draftPlayPrefix starts the catalogue id of a draft's play versions. A
// colon is never part of a drill's own id (scenarios: lower-case words
// joined by hyphens), so a draft play can never be mistaken for, or
// collide with, a published drill.
const draftPlayPrefix = "draft:"

// DraftPlayID is the catalogue id under which the versions of draft
// draftID that its author played are stored: the session of a draft play
// is pinned to one of them like any session to its version, yet they are
// never listed, started, assigned, analysed or sent to a learning record
// store as a published drill is.
func DraftPlayID(draftID int64) string {
	return draftPlayPrefix + strconv.FormatInt(draftID, 10)
}

// IsDraftPlay reports whether scenarioID names the versions of a draft
// play (DraftPlayID).
func IsDraftPlay(scenarioID string) bool {
	return len(scenarioID) > len(draftPlayPrefix) && strings.HasPrefix(scenarioID, draftPlayPrefix)
}

// DraftPlayOf returns the draft whose play versions scenarioID names
// (DraftPlayID), and false for any other id.
func DraftPlayOf(scenarioID string) (int64, bool) {
	if !IsDraftPlay(scenarioID) {
		return 0, false
	}
	id, err := strconv.ParseInt(scenarioID[len(draftPlayPrefix):], 10, 64)
	return id, err == nil && id > 0
}

// DraftPlayPattern is a SQL LIKE pattern that matches exactly the ids
// DraftPlayID makes, for the stores' catalogue queries.
const DraftPlayPattern = draftPlayPrefix + "%"
