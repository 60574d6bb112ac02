package drillroom

import "time"

// Role is what a user may do.
type Role string

// The roles.
const (
	RoleTrainee Role = "trainee" // plays assigned drills
	RoleTrainer Role = "trainer" // authors scenarios, assigns and runs drills
	RoleCoach   Role = "coach"   // reviews scored sessions
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleTrainee, RoleTrainer, RoleCoach:
		return true
	}
	return false
}

// User is an account. The password hash never leaves the store.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	// Admin marks an administrator: a trainer or coach who also runs
	// accounts and cohorts, reads the audit log, and sees every cohort.
	// A trainee is never an administrator.
	Admin bool
	// Disabled accounts cannot sign in; their work is kept.
	Disabled bool
	// MustChangePassword sends the user to change their password before
	// anything else: set by an administrator's reset and by import.
	MustChangePassword bool
	CreatedAt          time.Time
}

// Staff reports whether u trains or coaches (and so may be an administrator
// and belong to cohorts as staff).
func (u User) Staff() bool { return u.Role == RoleTrainer || u.Role == RoleCoach }

// NewUser is an account to create.
type NewUser struct {
	Username           string
	DisplayName        string
	Role               Role
	Admin              bool
	Password           string
	MustChangePassword bool
	// Cohorts are names of cohorts to put the user in; CreateUsers creates
	// the ones that do not exist.
	Cohorts []string
}

// Actor says who did something in a session. It is written on every action
// a person or the runner takes, so a trainer's or coach's action is never
// recorded or shown as the trainee's.
type Actor string

// The actors.
const (
	ActorTrainee Actor = "trainee" // the person taking the call
	ActorTrainer Actor = "trainer" // a trainer steering the session
	ActorCoach   Actor = "coach"   // a coach reviewing it
	ActorSystem  Actor = "system"  // the runner itself (an idle pause, a shutdown)
)

// ActorOf returns the actor a user of role r acts as.
func ActorOf(r Role) Actor {
	switch r {
	case RoleTrainer:
		return ActorTrainer
	case RoleCoach:
		return ActorCoach
	}
	return ActorTrainee
}
