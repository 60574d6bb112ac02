package drillroom

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The checks of input every store backend makes before writing, so that
// SQLite and PostgreSQL refuse the same things with the same words. Each
// returns an error that is ErrInvalid, or nil.

// Check reports whether a coach's mark may be stored: it needs a rule id, a
// known kind, an outcome that fits the kind (none for a withdrawal), no
// negative points, a reason, and a coach or trainer as its actor.
func (m Mark) Check() error {
	switch {
	case m.RuleID == "":
		return fmt.Errorf("%w: no rule id", ErrInvalid)
	case !m.Kind.Valid():
		return fmt.Errorf("%w: kind %q, want manual, override or withdraw", ErrInvalid, m.Kind)
	case m.Kind == MarkWithdraw && m.Outcome != "":
		return fmt.Errorf("%w: a withdrawal gives no outcome (got %q)", ErrInvalid, m.Outcome)
	case m.Kind != MarkWithdraw && !ValidMarkOutcome(m.Outcome):
		return fmt.Errorf("%w: outcome %q, want pass, fail, partial or na", ErrInvalid, m.Outcome)
	case m.Points < 0:
		return fmt.Errorf("%w: %g points", ErrInvalid, m.Points)
	case strings.TrimSpace(m.Reason) == "":
		return fmt.Errorf("%w: no reason", ErrInvalid)
	case m.Actor != ActorCoach && m.Actor != ActorTrainer:
		return fmt.Errorf("%w: actor %q, want coach or trainer", ErrInvalid, m.Actor)
	}
	return nil
}

// Check reports whether a coaching note may be stored: a known kind, text,
// a due date if and only if it is an action, no negative event number, and
// a coach or trainer as its actor.
func (n Note) Check() error {
	switch {
	case !n.Kind.Valid():
		return fmt.Errorf("%w: kind %q", ErrInvalid, n.Kind)
	case strings.TrimSpace(n.Text) == "":
		return fmt.Errorf("%w: no text", ErrInvalid)
	case (n.Kind == NoteAction) == n.Due.IsZero():
		return fmt.Errorf("%w: a due date goes with an action, and only with one", ErrInvalid)
	case n.Seq < 0:
		return fmt.Errorf("%w: event %d", ErrInvalid, n.Seq)
	case n.Actor != ActorCoach && n.Actor != ActorTrainer:
		return fmt.Errorf("%w: actor %q", ErrInvalid, n.Actor)
	}
	return nil
}

// Check reports whether an entry of a feedback thread may be stored, as far
// as it can be told without the thread: acknowledgements and disputes are
// the trainee's (no Ref); a resolution is a coach's or trainer's and names
// a dispute in Ref; disputes and resolutions need text. That Ref is a
// dispute of the same session is the store's to check.
func (r Response) Check() error {
	switch r.Kind {
	case ResponseAck, ResponseDispute:
		if r.Actor != ActorTrainee || r.Ref != 0 {
			return fmt.Errorf("%w: acknowledgements and disputes are the trainee's, and refer to no dispute", ErrInvalid)
		}
	case ResponseResolve:
		if (r.Actor != ActorCoach && r.Actor != ActorTrainer) || r.Ref == 0 {
			return fmt.Errorf("%w: a resolution is a coach's, and names its dispute", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: kind %q", ErrInvalid, r.Kind)
	}
	if r.Kind != ResponseAck && strings.TrimSpace(r.Text) == "" {
		return fmt.Errorf("%w: no text", ErrInvalid)
	}
	return nil
}

// Check reports whether an action's completion may be stored, as far as
// it can be told without the note: it names a note, and is the trainee's,
// a coach's or a trainer's. That the note is an action of the same session
// is the store's to check.
func (d ActionDone) Check() error {
	switch {
	case d.NoteID <= 0:
		return fmt.Errorf("%w: no action", ErrInvalid)
	case d.Actor != ActorTrainee && d.Actor != ActorCoach && d.Actor != ActorTrainer:
		return fmt.Errorf("%w: actor %q", ErrInvalid, d.Actor)
	}
	return nil
}

// Check reports whether a calibration mark names a rule and gives an
// outcome of pass, fail, partial or na with no negative points.
func (m RoundMark) Check() error {
	if m.RuleID == "" || !ValidMarkOutcome(m.Outcome) || m.Points < 0 {
		return fmt.Errorf("%w: rule %q, outcome %q, %g points", ErrInvalid, m.RuleID, m.Outcome, m.Points)
	}
	return nil
}

// Check reports whether an analytics filter's mode and version are ones
// sessions can have.
func (f AnalyticsFilter) Check() error {
	if f.Mode != "" && !f.Mode.Valid() {
		return fmt.Errorf("%w: mode %q, want practice or assessment", ErrInvalid, f.Mode)
	}
	if f.Version < 0 {
		return fmt.Errorf("%w: version %d", ErrInvalid, f.Version)
	}
	return nil
}

// CheckRuleOutcomes is the check of a scorecard's rule outcomes: every
// outcome names a rule once, with a known outcome and critical level, and
// its SessionID and RubricHash are empty or the scorecard's.
func CheckRuleOutcomes(sessionID, rubricHash string, outcomes []RuleOutcome) error {
	seen := make(map[string]bool, len(outcomes))
	for i, o := range outcomes {
		switch {
		case o.RuleID == "":
			return fmt.Errorf("%w: outcomes[%d]: no rule id", ErrInvalid, i)
		case seen[o.RuleID]:
			return fmt.Errorf("%w: outcomes[%d]: rule %q appears twice", ErrInvalid, i, o.RuleID)
		case !ValidRuleOutcome(o.Outcome):
			return fmt.Errorf("%w: outcomes[%d]: rule %q has outcome %q, want pass, fail, na, pending, partial or error", ErrInvalid, i, o.RuleID, o.Outcome)
		case o.Critical != "" && o.Critical != "section" && o.Critical != "drill":
			return fmt.Errorf("%w: outcomes[%d]: rule %q has critical level %q, want section, drill or none", ErrInvalid, i, o.RuleID, o.Critical)
		case o.SessionID != "" && o.SessionID != sessionID:
			return fmt.Errorf("%w: outcomes[%d]: rule %q is for session %s", ErrInvalid, i, o.RuleID, o.SessionID)
		case o.RubricHash != "" && o.RubricHash != rubricHash:
			return fmt.Errorf("%w: outcomes[%d]: rule %q has rubric hash %s, the scorecard %s", ErrInvalid, i, o.RuleID, o.RubricHash, rubricHash)
		}
		seen[o.RuleID] = true
	}
	return nil
}

// MaxDisplayName bounds a display name, in characters.
const MaxDisplayName = 100

// CheckUsername reports whether a username may be stored: 1 to 64 bytes,
// with no space or control character.
func CheckUsername(username string) error {
	if username == "" || len(username) > 64 {
		return fmt.Errorf("%w: username must be 1 to 64 bytes", ErrInvalid)
	}
	for _, r := range username {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("%w: username %q has a space or control character", ErrInvalid, username)
		}
	}
	return nil
}

// CheckCohortName reports whether a cohort name may be stored: 1 to 80
// characters, no leading or trailing space, no control character.
func CheckCohortName(name string) error {
	if strings.TrimSpace(name) != name || name == "" || utf8.RuneCountInString(name) > 80 {
		return fmt.Errorf("%w: cohort name %q must be 1 to 80 characters without leading or trailing spaces", ErrInvalid, name)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("%w: cohort name %q has a control character", ErrInvalid, name)
		}
	}
	return nil
}

// Normalized checks an account to create, all but its password (the
// store's hasher knows the password rules), and returns it with its display
// name trimmed, or the username when it has none: a valid username and
// role, no trainee administrator, a display name of at most MaxDisplayName
// characters, valid cohort names.
func (u NewUser) Normalized() (NewUser, error) {
	if err := CheckUsername(u.Username); err != nil {
		return u, err
	}
	if !u.Role.Valid() {
		return u, fmt.Errorf("%w: role %q: want trainee, trainer or coach", ErrInvalid, u.Role)
	}
	if u.Admin && u.Role == RoleTrainee {
		return u, fmt.Errorf("%w: a trainee cannot be an administrator", ErrInvalid)
	}
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if utf8.RuneCountInString(u.DisplayName) > MaxDisplayName {
		return u, fmt.Errorf("%w: display name longer than %d characters", ErrInvalid, MaxDisplayName)
	}
	for _, c := range u.Cohorts {
		if err := CheckCohortName(c); err != nil {
			return u, err
		}
	}
	return u, nil
}

// Check reports whether an account's changes may be stored (UpdateUser):
// a valid role, no trainee administrator, a display name of 1 to
// MaxDisplayName characters once trimmed.
func (u User) Check() error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(u.DisplayName)); {
	case !u.Role.Valid():
		return fmt.Errorf("%w: role %q", ErrInvalid, u.Role)
	case u.Admin && u.Role == RoleTrainee:
		return fmt.Errorf("%w: a trainee cannot be an administrator", ErrInvalid)
	case n == 0 || n > MaxDisplayName:
		return fmt.Errorf("%w: display name must be 1 to %d characters", ErrInvalid, MaxDisplayName)
	}
	return nil
}

// Check reports whether a cohort's name and description may be stored:
// CheckCohortName, and a description of at most 500 characters.
func (c Cohort) Check() error {
	if err := CheckCohortName(c.Name); err != nil {
		return err
	}
	if utf8.RuneCountInString(c.Description) > 500 {
		return fmt.Errorf("%w: description longer than 500 characters", ErrInvalid)
	}
	return nil
}

// Check reports whether a setting may be stored: a key of 1 to
// MaxSettingKey bytes and a value of at most MaxSettingValue.
func (s Setting) Check() error {
	if s.Key == "" || len(s.Key) > MaxSettingKey || len(s.Value) > MaxSettingValue {
		return fmt.Errorf("%w: a setting has a key of 1 to %d bytes and a value of at most %d", ErrInvalid, MaxSettingKey, MaxSettingValue)
	}
	return nil
}

// Check reports whether a draft may be stored: it needs an author and a
// name.
func (d Draft) Check() error {
	if d.AuthorID <= 0 || d.Name == "" {
		return fmt.Errorf("%w: a draft needs an author and a name", ErrInvalid)
	}
	return nil
}
