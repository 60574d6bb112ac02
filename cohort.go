package drillroom

import "time"

// Cohort is a named group of trainees (a training class, a team) with
// their trainers and coaches. It is the unit of authorization: a trainer
// or coach who is not an administrator sees and acts on the trainees of
// their cohorts only. A user may belong to several.
type Cohort struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
	Trainees    int // members who are trainees
	Staff       int // members who are trainers or coaches
}

// AuditEntry is one administrative change or sign-in, kept for review.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64  // 0 for the command line and for failed sign-ins of unknown users
	Actor   string // the username who acted, "cli" for the command line
	Action  string // e.g. "user.create", "login.fail" (see the Audit* constants)
	Target  string // what was acted on, e.g. "user alice", "cohort Class A"
	Detail  string
	Addr    string // the client's address, when it came over HTTP
}

// The audited actions.
const (
	AuditLogin          = "login.ok"
	AuditLoginFailed    = "login.fail"
	AuditLoginLocked    = "login.locked"
	AuditLogout         = "logout"
	AuditPasswordChange = "password.change"
	AuditPasswordReset  = "password.reset"
	AuditUserCreate     = "user.create"
	AuditUserUpdate     = "user.update"
	AuditUserDisable    = "user.disable"
	AuditUserEnable     = "user.enable"
	AuditUserImport     = "user.import"
	AuditCohortCreate   = "cohort.create"
	AuditCohortUpdate   = "cohort.update"
	AuditCohortAdd      = "cohort.add"
	AuditCohortRemove   = "cohort.remove"
)

// AuditFilter selects audit entries: every set field must match. Action
// matches a whole action or, ending in ".", every action with that prefix.
type AuditFilter struct {
	Actor  string
	Action string
	Target string
	Since  time.Time
	Until  time.Time
	Limit  int // default and maximum 500
}
