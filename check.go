package drillroom

import (
	"fmt"
	"strings"
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
