package training

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// AccountStore is what account and cohort administration reads and writes.
// *store.Store satisfies it.
type AccountStore interface {
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	UserByUsername(ctx context.Context, username string) (drillroom.User, error)
	ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error)
	Authenticate(ctx context.Context, username, password string) (drillroom.User, error)
	CreateUsers(ctx context.Context, us []drillroom.NewUser) ([]drillroom.User, error)
	UpdateUser(ctx context.Context, u drillroom.User) (drillroom.User, error)
	SetPassword(ctx context.Context, userID int64, password string, mustChange bool) error
	CreateCohort(ctx context.Context, name, description string) (drillroom.Cohort, error)
	UpdateCohort(ctx context.Context, c drillroom.Cohort) (drillroom.Cohort, error)
	Cohort(ctx context.Context, id int64) (drillroom.Cohort, error)
	Cohorts(ctx context.Context) ([]drillroom.Cohort, error)
	UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error)
	AddToCohort(ctx context.Context, cohortID, userID int64) error
	RemoveFromCohort(ctx context.Context, cohortID, userID int64) error
	CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error)
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
	Audit(ctx context.Context, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error)
}

// Accounts runs the administration use cases: accounts, cohorts, the
// import, passwords and the audit log. Every change is made by an actor
// (an administrator, or CommandLine) and recorded in the audit log with
// who, when, from where and what.
type Accounts struct {
	store AccountStore
	log   *slog.Logger
}

// NewAccounts returns the administration use cases over st.
func NewAccounts(st AccountStore, logger *slog.Logger) *Accounts {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Accounts{store: st, log: logger}
}

// CommandLine is the actor of changes made with the drillroom command,
// which only someone with access to the server's database can run.
var CommandLine = drillroom.User{Username: "cli", Role: drillroom.RoleTrainer, Admin: true}

// Actor is who asks for a change and from where (a client address, empty
// on the command line).
type Actor struct {
	drillroom.User
	Addr string
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

func requireAdmin(a Actor) error {
	if !a.Admin {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only an administrator may do this.")
	}
	return nil
}

// adminUser returns account id for an administrator's change to it: a
// must be an administrator, and the account must exist.
func (s *Accounts) adminUser(ctx context.Context, a Actor, id int64) (drillroom.User, error) {
	if err := requireAdmin(a); err != nil {
		return drillroom.User{}, err
	}
	return s.store.UserByID(ctx, id)
}

// adminCohort is adminUser for a cohort.
func (s *Accounts) adminCohort(ctx context.Context, a Actor, id int64) (drillroom.Cohort, error) {
	if err := requireAdmin(a); err != nil {
		return drillroom.Cohort{}, err
	}
	return s.store.Cohort(ctx, id)
}

// audit records an entry; a failure to record is logged, never hidden.
func (s *Accounts) audit(ctx context.Context, a Actor, action, target, detail string) {
	recordAudit(ctx, s.store, s.log, a, action, target, detail)
}

// recordAudit records what a did in st's audit log; a failure to record is
// logged, never hidden.
func recordAudit(ctx context.Context, st interface {
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
}, log *slog.Logger, a Actor, action, target, detail string) {
	err := st.AppendAudit(ctx, drillroom.AuditEntry{ActorID: a.ID, Actor: a.Username, Action: action, Target: target, Detail: detail, Addr: a.Addr})
	if err != nil {
		log.Error("audit: could not record", "action", action, "actor", a.Username, "target", target, "err", err)
	}
}

// RecordSignIn records a sign-in attempt: action is drillroom.AuditLogin,
// AuditLoginFailed, AuditLoginLocked or AuditLogout.
func (s *Accounts) RecordSignIn(ctx context.Context, action, username string, userID int64, addr string) {
	s.audit(ctx, Actor{User: drillroom.User{ID: userID, Username: username}, Addr: addr}, action, "user "+username, "")
}

// GeneratePassword returns a random password of 16 letters and digits in
// groups of four, easy to read out and type once.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no look-alikes
	var b [16]byte
	rand.Read(b[:])
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return out.String()
}

// CreateUser creates an account. With no password one is generated and
// returned (to be shown once); either way the user must change it at their
// first sign-in unless the actor chose it for themselves on the command
// line with mustChange false.
func (s *Accounts) CreateUser(ctx context.Context, a Actor, u drillroom.NewUser) (drillroom.User, string, error) {
	if err := requireAdmin(a); err != nil {
		return drillroom.User{}, "", err
	}
	if u.Password == "" {
		u.Password = GeneratePassword()
	}
	made, err := s.store.CreateUsers(ctx, []drillroom.NewUser{u})
	if err != nil {
		return drillroom.User{}, "", userError(err)
	}
	detail := fmt.Sprintf("role %s", u.Role)
	if u.Admin {
		detail += ", administrator"
	}
	if len(u.Cohorts) > 0 {
		detail += ", cohorts " + strings.Join(u.Cohorts, "; ")
	}
	s.audit(ctx, a, drillroom.AuditUserCreate, "user "+made[0].Username, detail)
	return made[0], u.Password, nil
}

// userError gives a store error about an account a message for people.
func userError(err error) error {
	switch drillroom.ErrorCode(err) {
	case drillroom.CodeConflict:
		return &drillroom.Error{Code: drillroom.CodeConflict, Message: "That username is taken.", Err: err}
	case drillroom.CodeInvalid:
		msg := err.Error()
		if i := strings.Index(msg, "invalid input: "); i >= 0 {
			msg = msg[i+len("invalid input: "):]
		}
		return &drillroom.Error{Code: drillroom.CodeInvalid, Message: upperFirst(msg) + ".", Err: err}
	}
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// UpdateUser changes another user's display name, role and administrator
// flag. An administrator cannot take their own administrator rights away,
// so the service never loses its last administrator by accident.
func (s *Accounts) UpdateUser(ctx context.Context, a Actor, id int64, displayName string, role drillroom.Role, admin bool) (drillroom.User, error) {
	u, err := s.adminUser(ctx, a, id)
	if err != nil {
		return drillroom.User{}, err
	}
	if u.ID == a.ID && (!admin || role != u.Role) {
		return drillroom.User{}, drillroom.Errorf(drillroom.CodeConflict, "You cannot change your own role or administrator rights; ask another administrator.")
	}
	before := u
	u.DisplayName, u.Role, u.Admin = displayName, role, admin
	if u, err = s.store.UpdateUser(ctx, u); err != nil {
		return drillroom.User{}, userError(err)
	}
	var changes []string
	if before.DisplayName != u.DisplayName {
		changes = append(changes, fmt.Sprintf("name %q -> %q", before.DisplayName, u.DisplayName))
	}
	if before.Role != u.Role {
		changes = append(changes, fmt.Sprintf("role %s -> %s", before.Role, u.Role))
	}
	if before.Admin != u.Admin {
		changes = append(changes, fmt.Sprintf("administrator %v -> %v", before.Admin, u.Admin))
	}
	if len(changes) > 0 {
		s.audit(ctx, a, drillroom.AuditUserUpdate, "user "+u.Username, strings.Join(changes, ", "))
	}
	return u, nil
}

// SetDisabled disables an account (ending its logins; its work is kept)
// or enables it again. Administrators cannot disable themselves.
func (s *Accounts) SetDisabled(ctx context.Context, a Actor, id int64, disabled bool) (drillroom.User, error) {
	u, err := s.adminUser(ctx, a, id)
	if err != nil {
		return drillroom.User{}, err
	}
	if u.ID == a.ID && disabled {
		return drillroom.User{}, drillroom.Errorf(drillroom.CodeConflict, "You cannot disable your own account.")
	}
	if u.Disabled == disabled {
		return u, nil
	}
	u.Disabled = disabled
	if u, err = s.store.UpdateUser(ctx, u); err != nil {
		return drillroom.User{}, err
	}
	action := drillroom.AuditUserEnable
	if disabled {
		action = drillroom.AuditUserDisable
	}
	s.audit(ctx, a, action, "user "+u.Username, "")
	return u, nil
}

// ResetPassword gives a user a generated password, returned to be shown
// once, that they must change at their next sign-in; their logins end.
func (s *Accounts) ResetPassword(ctx context.Context, a Actor, id int64) (drillroom.User, string, error) {
	u, err := s.adminUser(ctx, a, id)
	if err != nil {
		return drillroom.User{}, "", err
	}
	pw := GeneratePassword()
	if err := s.store.SetPassword(ctx, u.ID, pw, true); err != nil {
		return drillroom.User{}, "", err
	}
	s.audit(ctx, a, drillroom.AuditPasswordReset, "user "+u.Username, "")
	u.MustChangePassword = true
	return u, pw, nil
}

// SetPassword gives a user a password an administrator chose (on the
// command line: piped in, never shown); with mustChange the user chooses
// another at their next sign-in. Their logins end.
func (s *Accounts) SetPassword(ctx context.Context, a Actor, id int64, password string, mustChange bool) (drillroom.User, error) {
	u, err := s.adminUser(ctx, a, id)
	if err != nil {
		return drillroom.User{}, err
	}
	if err := s.store.SetPassword(ctx, u.ID, password, mustChange); err != nil {
		return drillroom.User{}, userError(err)
	}
	detail := "set by an administrator"
	if mustChange {
		detail += "; to be changed at the next sign-in"
	}
	s.audit(ctx, a, drillroom.AuditPasswordReset, "user "+u.Username, detail)
	u.MustChangePassword = mustChange
	return u, nil
}

// ChangePassword changes the signed-in user's own password after checking
// their current one. It ends their other logins (the caller signs them in
// again).
func (s *Accounts) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	if _, err := s.store.Authenticate(ctx, a.Username, current); err != nil {
		if errors.Is(err, drillroom.ErrUnauthorized) {
			return drillroom.Errorf(drillroom.CodeInvalid, "Your current password is not right.")
		}
		return err
	}
	switch {
	case utf8.RuneCountInString(next) < MinPasswordLen:
		return drillroom.Errorf(drillroom.CodeInvalid, "Choose a new password of at least %d characters.", MinPasswordLen)
	case next == current:
		return drillroom.Errorf(drillroom.CodeInvalid, "Choose a new password, not the current one.")
	case strings.EqualFold(next, a.Username):
		return drillroom.Errorf(drillroom.CodeInvalid, "Your password cannot be your username.")
	}
	if err := s.store.SetPassword(ctx, a.ID, next, false); err != nil {
		return userError(err)
	}
	s.audit(ctx, a, drillroom.AuditPasswordChange, "user "+a.Username, "")
	return nil
}

// Users lists every account, by username (administrators only).
func (s *Accounts) Users(ctx context.Context, a Actor) ([]drillroom.User, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return s.store.ListUsers(ctx, "")
}

// User returns one account with its cohorts (administrators only).
func (s *Accounts) User(ctx context.Context, a Actor, id int64) (drillroom.User, []drillroom.Cohort, error) {
	u, err := s.adminUser(ctx, a, id)
	if err != nil {
		return drillroom.User{}, nil, err
	}
	cs, err := s.store.UserCohorts(ctx, id)
	return u, cs, err
}

// Cohorts lists the cohorts an actor may see: every cohort for an
// administrator, their own for a trainer or coach, none for a trainee.
func (s *Accounts) Cohorts(ctx context.Context, a Actor) ([]drillroom.Cohort, error) {
	switch {
	case a.Admin:
		return s.store.Cohorts(ctx)
	case a.Staff():
		return s.store.UserCohorts(ctx, a.ID)
	}
	return nil, nil
}

// Cohort returns a cohort and its members, if the actor may see it (an
// administrator, or a trainer or coach of it; trainees do not read their
// classmates' list): otherwise drillroom.ErrNotFound.
func (s *Accounts) Cohort(ctx context.Context, a Actor, id int64) (drillroom.Cohort, []drillroom.User, error) {
	c, err := s.store.Cohort(ctx, id)
	if err != nil {
		return drillroom.Cohort{}, nil, err
	}
	ms, err := s.store.CohortMembers(ctx, id)
	if err != nil {
		return drillroom.Cohort{}, nil, err
	}
	if !a.Admin && (!a.Staff() || !containsUser(ms, a.ID)) {
		return drillroom.Cohort{}, nil, fmt.Errorf("cohort %d for %s: %w", id, a.Username, drillroom.ErrNotFound)
	}
	return c, ms, nil
}

func containsUser(us []drillroom.User, id int64) bool {
	for _, u := range us {
		if u.ID == id {
			return true
		}
	}
	return false
}

// CreateCohort creates a cohort (administrators only).
func (s *Accounts) CreateCohort(ctx context.Context, a Actor, name, description string) (drillroom.Cohort, error) {
	if err := requireAdmin(a); err != nil {
		return drillroom.Cohort{}, err
	}
	c, err := s.store.CreateCohort(ctx, strings.TrimSpace(name), description)
	if err != nil {
		return drillroom.Cohort{}, cohortError(err)
	}
	s.audit(ctx, a, drillroom.AuditCohortCreate, "cohort "+c.Name, "")
	return c, nil
}

// UpdateCohort renames a cohort or changes its description.
func (s *Accounts) UpdateCohort(ctx context.Context, a Actor, id int64, name, description string) (drillroom.Cohort, error) {
	before, err := s.adminCohort(ctx, a, id)
	if err != nil {
		return drillroom.Cohort{}, err
	}
	c, err := s.store.UpdateCohort(ctx, drillroom.Cohort{ID: id, Name: strings.TrimSpace(name), Description: description})
	if err != nil {
		return drillroom.Cohort{}, cohortError(err)
	}
	s.audit(ctx, a, drillroom.AuditCohortUpdate, "cohort "+c.Name, fmt.Sprintf("was %q", before.Name))
	return c, nil
}

func cohortError(err error) error {
	switch drillroom.ErrorCode(err) {
	case drillroom.CodeConflict:
		return &drillroom.Error{Code: drillroom.CodeConflict, Message: "A cohort of that name exists.", Err: err}
	case drillroom.CodeInvalid:
		return &drillroom.Error{Code: drillroom.CodeInvalid, Message: "A cohort name has 1 to 80 characters; a description up to 500.", Err: err}
	}
	return err
}

// AddMember puts the user named username in a cohort.
func (s *Accounts) AddMember(ctx context.Context, a Actor, cohortID int64, username string) error {
	c, err := s.adminCohort(ctx, a, cohortID)
	if err != nil {
		return err
	}
	u, err := s.store.UserByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, drillroom.ErrNotFound) {
		return drillroom.Errorf(drillroom.CodeInvalid, "There is no user %q.", strings.TrimSpace(username))
	}
	if err != nil {
		return err
	}
	return s.changeMembers(ctx, a, s.store.AddToCohort, drillroom.AuditCohortAdd, c, u)
}

// RemoveMember takes a user out of a cohort.
func (s *Accounts) RemoveMember(ctx context.Context, a Actor, cohortID, userID int64) error {
	c, err := s.adminCohort(ctx, a, cohortID)
	if err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	return s.changeMembers(ctx, a, s.store.RemoveFromCohort, drillroom.AuditCohortRemove, c, u)
}

// changeMembers puts u in c or takes u out (change is the store's
// AddToCohort or RemoveFromCohort) and writes action to the audit log.
func (s *Accounts) changeMembers(ctx context.Context, a Actor, change func(ctx context.Context, cohortID, userID int64) error, action string, c drillroom.Cohort, u drillroom.User) error {
	if err := change(ctx, c.ID, u.ID); err != nil {
		return err
	}
	s.audit(ctx, a, action, "cohort "+c.Name, u.Username)
	return nil
}

// AuditLog returns the audit entries f selects, newest first
// (administrators only).
func (s *Accounts) AuditLog(ctx context.Context, a Actor, f drillroom.AuditFilter) ([]drillroom.AuditEntry, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return s.store.Audit(ctx, f)
}
