package drillroom

import "time"

// MarkKind is what a coach's mark on a rule does.
type MarkKind string

// The kinds of mark.
const (
	// MarkManual scores a manual rule (one the rubric leaves to a coach).
	MarkManual MarkKind = "manual"
	// MarkOverride replaces an automatic rule's outcome or points.
	MarkOverride MarkKind = "override"
	// MarkWithdraw takes back the rule's current mark: a manual rule is
	// pending again, an overridden rule has its automatic outcome.
	MarkWithdraw MarkKind = "withdraw"
)

// Valid reports whether k is one of the defined kinds.
func (k MarkKind) Valid() bool {
	return k == MarkManual || k == MarkOverride || k == MarkWithdraw
}

// Mark is one entry of a session's marking history: a coach (or trainer)
// scored a manual rule, overrode an automatic one, or withdrew an earlier
// mark. Marks are append-only: the current mark of a rule is its newest,
// and the history keeps who changed what, when, from what and why. The
// official scorecard is the automatic one with the current marks applied,
// so re-scoring the log keeps them.
type Mark struct {
	ID        int64
	SessionID string
	RuleID    string
	Kind      MarkKind
	// Outcome and Points are what the rule now has: pass, fail, partial
	// or na (scoring's vocabulary), and the points given; empty and 0 for
	// a withdrawal.
	Outcome string
	Points  float64
	// OldOutcome and OldPoints are what the official scorecard showed for
	// the rule before this mark.
	OldOutcome string
	OldPoints  float64
	Reason     string // why; required for every kind
	// RubricHash is the rubric the mark was made against, so that a mark
	// carried over to a re-scoring with another rubric can be flagged.
	RubricHash string
	// RuleHash is the definition of the marked rule the mark was made
	// against (scoring.RuleHash): after a re-scoring only a mark whose
	// rule changed is flagged. "" for marks made before it was kept.
	RuleHash string
	ByID     int64  // the user who marked
	By       string // their display name, filled in by the store
	Actor    Actor  // coach or trainer: never the trainee
	At       time.Time
}

// ValidMarkOutcome reports whether o is an outcome a mark may give.
func ValidMarkOutcome(o string) bool {
	switch o {
	case "pass", "fail", "partial", "na":
		return true
	}
	return false
}

// The audited review actions: each is also in the session's own history
// (marks, claims, notes, the feedback thread, calibration rounds); the
// audit log puts them beside the administrative changes, for whoever
// audits the service.
const (
	AuditReviewMark         = "review.mark"    // a manual score, an override or a withdrawal
	AuditReviewClaim        = "review.claim"   // a claim taken or renewed
	AuditReviewRelease      = "review.release" // a claim released
	AuditReviewNote         = "review.note"    // a coaching note or annotation
	AuditReviewAck          = "review.ack"     // the trainee acknowledged the feedback
	AuditReviewDispute      = "review.dispute" // the trainee disputed a line
	AuditReviewResolve      = "review.resolve" // a coach answered a dispute
	AuditReviewPublish      = "review.publish" // a coach released the reviewed scorecard to the trainee
	AuditReviewActionDone   = "review.action"  // an agreed action marked done, by the trainee or a coach
	AuditCalibrationStart   = "calibration.start"
	AuditCalibrationPublish = "calibration.publish"
)

// Audit actions on coaching notes about a trainee, tied to no session.
const (
	AuditTraineeNote       = "trainee.note"   // a coach's note on a trainee
	AuditTraineeNoteAck    = "trainee.ack"    // the trainee acknowledged a note
	AuditTraineeActionDone = "trainee.action" // an agreed action on a trainee marked done
)
