package training

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/drillroom/drillroom"
)

// AssignStore is what assigning drills reads and writes. *store.Store
// satisfies it.
type AssignStore interface {
	AddAssignment(ctx context.Context, a drillroom.Assignment) (drillroom.Assignment, error)
	ListAssignments(ctx context.Context) ([]drillroom.Assignment, error)
	DeleteAssignment(ctx context.Context, id int64) error
	Cohort(ctx context.Context, id int64) (drillroom.Cohort, error)
	Cohorts(ctx context.Context) ([]drillroom.Cohort, error)
	UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error)
	CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error)
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	SharesCohort(ctx context.Context, a, b int64) (bool, error)
	SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error)
	AppendAudit(ctx context.Context, e drillroom.AuditEntry) error
}

// Assigning runs the use cases of assignments: a trainer gives a drill (a
// version, or the latest) to one of their cohorts or to a trainee who
// shares a cohort with them, in practice or assessment, with an optional
// due date and number of attempts; and sees who has done it.
// Administrators may assign to every cohort and trainee.
type Assigning struct {
	store AssignStore
	log   *slog.Logger
	now   func() time.Time
}

// NewAssigning returns the assignment use cases over st.
func NewAssigning(st AssignStore, logger *slog.Logger) *Assigning {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Assigning{store: st, log: logger, now: time.Now}
}

// AuditAssign and AuditUnassign are the audit log's actions of assignments.
const (
	AuditAssign   = "drill.assign"
	AuditUnassign = "drill.unassign"
)

// The states of an assignment for one trainee.
const (
	AssignmentOpen    = "open"    // no due date, not done yet
	AssignmentDue     = "due"     // due later, not done yet
	AssignmentOverdue = "overdue" // past its due date, not done
	AssignmentDone    = "done"    // played to the end at least once since it was assigned
)

// AssignmentState says where one trainee stands with an assignment, from
// their sessions: done once a session of the drill (of the pinned version,
// if one is) in the assignment's mode, started after it was given, has
// ended; else due or overdue by its due date. used counts those ended
// sessions: the attempts spent.
func AssignmentState(a drillroom.Assignment, sessions []drillroom.Session, now time.Time) (state string, used int) {
	for _, x := range sessions {
		if countsFor(a, x) && x.State == drillroom.StateEnded {
			used++
		}
	}
	switch {
	case used > 0:
		return AssignmentDone, used
	case a.DueAt.IsZero():
		return AssignmentOpen, 0
	case now.After(a.DueAt):
		return AssignmentOverdue, 0
	}
	return AssignmentDue, 0
}

func countsFor(a drillroom.Assignment, x drillroom.Session) bool {
	return x.ScenarioID == a.ScenarioID && x.Mode == a.Mode && (a.Version == 0 || x.Version == a.Version) && !x.CreatedAt.Before(a.AssignedAt)
}

// mayAssignTo reports whether a may assign to cohort id: an administrator,
// or a trainer of it.
func (s *Assigning) mayAssignTo(ctx context.Context, a Actor, cohortID int64) (bool, error) {
	if a.Admin {
		return true, nil
	}
	cs, err := s.store.UserCohorts(ctx, a.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cs, func(c drillroom.Cohort) bool { return c.ID == cohortID }), nil
}

func requireAssigner(a Actor) error {
	if !MayAuthor(a.User) {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only trainers assign drills.")
	}
	return nil
}

// Assign gives a drill to a cohort or to one trainee. The trainer must be
// a trainer of the cohort, or share a cohort with the trainee; others'
// cohorts and trainees are drillroom.ErrNotFound, as if they did not exist.
func (s *Assigning) Assign(ctx context.Context, a Actor, as drillroom.Assignment) (drillroom.Assignment, error) {
	if err := requireAssigner(a); err != nil {
		return drillroom.Assignment{}, err
	}
	if !as.Mode.Valid() {
		return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "Choose practice or assessment.")
	}
	if drillroom.IsDraftPlay(as.ScenarioID) {
		return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "A draft cannot be assigned: publish it first.")
	}
	if as.Attempts < 0 || as.Attempts > 100 {
		return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "The number of attempts is between 1 and 100, or empty for any number.")
	}
	if !as.DueAt.IsZero() && as.DueAt.Before(s.now()) {
		return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "The due date is in the past.")
	}
	var target string
	switch {
	case as.CohortID != 0 && as.UserID == 0:
		c, err := s.store.Cohort(ctx, as.CohortID)
		if err != nil {
			return drillroom.Assignment{}, err
		}
		ok, err := s.mayAssignTo(ctx, a, c.ID)
		if err != nil {
			return drillroom.Assignment{}, err
		}
		if !ok {
			return drillroom.Assignment{}, fmt.Errorf("cohort %d by %s: %w", c.ID, a.Username, drillroom.ErrNotFound)
		}
		target = "cohort " + c.Name
	case as.UserID != 0 && as.CohortID == 0:
		u, err := s.store.UserByID(ctx, as.UserID)
		if err != nil {
			return drillroom.Assignment{}, err
		}
		if !a.Admin {
			if ok, err := s.store.SharesCohort(ctx, a.ID, u.ID); err != nil {
				return drillroom.Assignment{}, err
			} else if !ok {
				return drillroom.Assignment{}, fmt.Errorf("user %d by %s: %w", u.ID, a.Username, drillroom.ErrNotFound)
			}
		}
		if u.Role != drillroom.RoleTrainee {
			return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "Drills are assigned to trainees; %s is a %s.", u.Username, u.Role)
		}
		target = "user " + u.Username
	default:
		return drillroom.Assignment{}, drillroom.Errorf(drillroom.CodeInvalid, "Choose a cohort or a trainee.")
	}
	as.AssignedBy = a.ID
	made, err := s.store.AddAssignment(ctx, as)
	if err != nil {
		return drillroom.Assignment{}, err
	}
	version := "latest"
	if made.Version > 0 {
		version = fmt.Sprintf("v%d", made.Version)
	}
	detail := fmt.Sprintf("%s %s, %s", made.ScenarioID, version, made.Mode)
	if !made.DueAt.IsZero() {
		detail += ", due " + made.DueAt.UTC().Format(time.RFC3339)
	}
	if made.Attempts > 0 {
		detail += fmt.Sprintf(", %d attempt(s)", made.Attempts)
	}
	s.audit(ctx, a, AuditAssign, target, detail)
	return made, nil
}

func (s *Assigning) audit(ctx context.Context, a Actor, action, target, detail string) {
	recordAudit(ctx, s.store, s.log, a, action, target, detail)
}

// AssignmentProgress is one assignment with how its trainees stand.
type AssignmentProgress struct {
	drillroom.Assignment
	CohortName string // the cohort it was given to, if any
	Trainees   []TraineeProgress
	Done       int
	Overdue    int
}

// TraineeProgress is where one trainee stands with an assignment.
type TraineeProgress struct {
	drillroom.User
	State        string
	AttemptsUsed int
	LastSession  string // the id of their latest session of it, if any
}

// List returns the assignments the actor may see (those given to their
// cohorts or to trainees who share a cohort with them; every one for an
// administrator), newest first, each with its trainees' progress.
func (s *Assigning) List(ctx context.Context, a Actor) ([]AssignmentProgress, error) {
	if err := requireAssigner(a); err != nil {
		return nil, err
	}
	all, err := s.store.ListAssignments(ctx)
	if err != nil {
		return nil, err
	}
	var out []AssignmentProgress
	for _, as := range all {
		p, ok, err := s.progress(ctx, a, as)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Progress returns one assignment with its trainees' progress; one the
// actor may not see is drillroom.ErrNotFound.
func (s *Assigning) Progress(ctx context.Context, a Actor, id int64) (AssignmentProgress, error) {
	if err := requireAssigner(a); err != nil {
		return AssignmentProgress{}, err
	}
	all, err := s.store.ListAssignments(ctx)
	if err != nil {
		return AssignmentProgress{}, err
	}
	for _, as := range all {
		if as.ID != id {
			continue
		}
		p, ok, err := s.progress(ctx, a, as)
		if err != nil || ok {
			return p, err
		}
	}
	return AssignmentProgress{}, fmt.Errorf("assignment %d: %w", id, drillroom.ErrNotFound)
}

// Withdraw deletes an assignment the actor may see; the sessions played
// for it stay.
func (s *Assigning) Withdraw(ctx context.Context, a Actor, id int64) error {
	p, err := s.Progress(ctx, a, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAssignment(ctx, id); err != nil {
		return err
	}
	target := "cohort " + p.CohortName
	if p.UserID != 0 && len(p.Trainees) == 1 {
		target = "user " + p.Trainees[0].Username
	}
	s.audit(ctx, a, AuditUnassign, target, fmt.Sprintf("%s, %s", p.ScenarioID, p.Mode))
	return nil
}

func (s *Assigning) progress(ctx context.Context, a Actor, as drillroom.Assignment) (AssignmentProgress, bool, error) {
	p := AssignmentProgress{Assignment: as}
	var trainees []drillroom.User
	if as.CohortID != 0 {
		ok, err := s.mayAssignTo(ctx, a, as.CohortID)
		if err != nil || !ok {
			return p, false, err
		}
		c, err := s.store.Cohort(ctx, as.CohortID)
		if err != nil {
			return p, false, err
		}
		p.CohortName = c.Name
		ms, err := s.store.CohortMembers(ctx, as.CohortID)
		if err != nil {
			return p, false, err
		}
		for _, m := range ms {
			if m.Role == drillroom.RoleTrainee {
				trainees = append(trainees, m)
			}
		}
	} else {
		if !a.Admin {
			ok, err := s.store.SharesCohort(ctx, a.ID, as.UserID)
			if err != nil || !ok {
				return p, false, err
			}
		}
		u, err := s.store.UserByID(ctx, as.UserID)
		if err != nil {
			return p, false, err
		}
		trainees = []drillroom.User{u}
	}
	now := s.now()
	for _, u := range trainees {
		sessions, err := s.store.SessionsForUser(ctx, u.ID)
		if err != nil {
			return p, false, err
		}
		tp := TraineeProgress{User: u}
		tp.State, tp.AttemptsUsed = AssignmentState(as, sessions, now)
		var latest time.Time
		for _, x := range sessions {
			if countsFor(as, x) && x.CreatedAt.After(latest) {
				latest, tp.LastSession = x.CreatedAt, x.ID
			}
		}
		switch tp.State {
		case AssignmentDone:
			p.Done++
		case AssignmentOverdue:
			p.Overdue++
		}
		p.Trainees = append(p.Trainees, tp)
	}
	return p, true, nil
}
