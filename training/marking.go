package training

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// MaxReasonRunes bounds the reason of a mark.
const MaxReasonRunes = 2000

// MarkInput is what a coach asks for on one rule: an outcome (pass, fail,
// partial with Points, or na) with a reason, or the withdrawal of the
// rule's current mark.
type MarkInput struct {
	RuleID   string
	Outcome  string
	Points   float64 // for partial only
	Withdraw bool
	Reason   string
}

// Marking is a session's official scorecard: the automatic one with the
// coaches' current marks applied, beside the automatic one and the whole
// history of marks.
type Marking struct {
	Official *scoring.Scorecard
	Auto     *scoring.Scorecard
	History  []drillroom.Mark          // every mark, oldest first
	Current  map[string]drillroom.Mark // the mark in force per rule id
	Flags    []MarkFlag                // marks that need a coach's look
}

// MarkFlag is a current mark that could not be applied to the scorecard,
// or was made against another rubric: after a re-scoring with a new rubric
// version, a coach checks it still holds.
type MarkFlag struct {
	Mark    drillroom.Mark
	Applied bool
	Why     string
}

// Marked reports whether any coach has marked the session.
func (m *Marking) Marked() bool { return len(m.History) > 0 }

// Marking returns session x's official scorecard: auto (its automatic
// scorecard, see Scorecard) with the current marks applied.
func (s *Service) Marking(ctx context.Context, x drillroom.Session, auto *scoring.Scorecard) (*Marking, error) {
	marks, err := s.store.Marks(ctx, x.ID)
	if err != nil {
		return nil, fmt.Errorf("marks of %s: %w", x.ID, err)
	}
	return applyMarks(auto, marks), nil
}

// OfficialScorecard returns the official scorecard of an ended session
// from its stored automatic scorecard; drillroom.ErrNotFound when none is
// stored yet.
func (s *Service) OfficialScorecard(ctx context.Context, x drillroom.Session) (*Marking, error) {
	auto, err := s.StoredScorecard(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	return s.Marking(ctx, x, auto)
}

// applyMarks applies the current mark of each rule to a copy of auto
// (scoring.ApplyMarks): a mark that no longer fits the rubric is flagged
// and skipped, never blocking the others; a mark made against another
// rubric is applied and flagged.
func applyMarks(auto *scoring.Scorecard, marks []drillroom.Mark) *Marking {
	official, current, applied := scoring.ApplyMarks(auto, marks)
	m := &Marking{Auto: auto, Official: official, History: marks, Current: current}
	for _, a := range applied {
		if a.Err != nil {
			m.Flags = append(m.Flags, MarkFlag{Mark: a.Mark, Why: a.Err.Error()})
			continue
		}
		if why := ruleChanged(auto, a.Mark); why != "" {
			m.Flags = append(m.Flags, MarkFlag{Mark: a.Mark, Applied: true, Why: why})
		}
	}
	return m
}

// ruleChanged says why a mark applied to auto needs a coach's look after
// a re-scoring, or "" when it does not: the rubric changed and, with it,
// the marked rule's definition or what it reads of the truth and the
// policy (per-rule hashes, scoring.RuleHash); for marks and scorecards
// from before per-rule hashes were kept, the rubric as a whole changed.
func ruleChanged(auto *scoring.Scorecard, mk drillroom.Mark) string {
	if mk.RubricHash == auto.RubricHash {
		// The rubric hash covers every rule, the truth and the policy:
		// nothing a rule reads changed (a rule hash that differs was
		// computed by an older drillroom, before it counted what a rule
		// reads).
		return ""
	}
	if r, ok := auto.Rule(mk.RuleID); ok && r.Hash != "" && mk.RuleHash != "" {
		if r.Hash != mk.RuleHash {
			return "the rule changed in the rubric since this mark: check that it still holds"
		}
		return ""
	}
	if mk.RubricHash != auto.RubricHash {
		return "marked against another version of the rubric: check that it still holds"
	}
	return ""
}

// MarkRule records a coach's mark on one rule of an ended session: a score
// of a manual rule, an override of an automatic one, or the withdrawal of
// the rule's current mark; each with a reason. It is appended to the
// session's marking history with the coach as its author (never the
// trainee) and what the official scorecard showed before, and the official
// scorecard is recomputed from it. Coaches and trainers who may see the
// session mark it; trainees may not.
func (s *Service) MarkRule(ctx context.Context, user drillroom.User, x drillroom.Session, in MarkInput) (drillroom.Mark, error) {
	if err := s.mayChange(ctx, user, x); err != nil {
		return drillroom.Mark{}, err
	}
	mk, err := s.markable(ctx, x)
	if err != nil {
		return drillroom.Mark{}, err
	}
	m, err := newMark(user, x, mk, in)
	if err != nil {
		return drillroom.Mark{}, err
	}
	stored, err := s.store.AddMark(ctx, m)
	if err != nil {
		return drillroom.Mark{}, fmt.Errorf("mark session %s: %w", x.ID, err)
	}
	s.marked(ctx, user, x, stored)
	return stored, nil
}

// markable returns the marking of session x to mark it on: its official
// scorecard; a session not scored yet cannot be marked.
func (s *Service) markable(ctx context.Context, x drillroom.Session) (*Marking, error) {
	mk, err := s.OfficialScorecard(ctx, x)
	if errors.Is(err, drillroom.ErrNotFound) {
		return nil, drillroom.Errorf(drillroom.CodeConflict, "This session has not been scored yet.")
	}
	return mk, err
}

// newMark checks in against marking mk of session x and returns the mark
// user would make (not stored).
func newMark(user drillroom.User, x drillroom.Session, mk *Marking, in MarkInput) (drillroom.Mark, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxReasonRunes {
		return drillroom.Mark{}, drillroom.Errorf(drillroom.CodeInvalid, "Give a reason of up to 2,000 characters: the trainee reads it.")
	}
	r, ok := mk.Official.Rule(in.RuleID)
	if !ok {
		return drillroom.Mark{}, drillroom.Errorf(drillroom.CodeInvalid, "There is no rule %q in this scorecard.", in.RuleID)
	}
	m := drillroom.Mark{SessionID: x.ID, RuleID: r.ID, Reason: reason, RubricHash: mk.Auto.RubricHash, RuleHash: r.Hash,
		OldOutcome: r.Outcome, OldPoints: r.Points, ByID: user.ID, Actor: drillroom.ActorOf(user.Role)}
	switch {
	case in.Withdraw:
		if _, ok := mk.Current[r.ID]; !ok {
			return drillroom.Mark{}, drillroom.Errorf(drillroom.CodeConflict, "%s has no mark to withdraw.", r.Title)
		}
		m.Kind = drillroom.MarkWithdraw
	default:
		m.Kind, m.Outcome = drillroom.MarkOverride, in.Outcome
		if r.Manual {
			m.Kind = drillroom.MarkManual
		}
		if !drillroom.ValidMarkOutcome(in.Outcome) {
			return drillroom.Mark{}, drillroom.Errorf(drillroom.CodeInvalid, "Choose met, partly met, not met or not applicable.")
		}
		m.Points = scoring.MarkPoints(in.Outcome, in.Points, r.Max)
		if in.Outcome == scoring.Partial && (in.Points <= 0 || in.Points >= r.Max) {
			return drillroom.Mark{}, drillroom.Errorf(drillroom.CodeInvalid, "Partly met takes more than 0 and fewer than %s points.", formatPoints(r.Max))
		}
		if err := scoring.CheckMark(mk.Official, m); err != nil {
			return drillroom.Mark{}, &drillroom.Error{Code: drillroom.CodeInvalid, Message: "This mark does not fit the rule.", Err: err}
		}
	}
	return m, nil
}

// marked logs and audits a stored mark.
func (s *Service) marked(ctx context.Context, user drillroom.User, x drillroom.Session, m drillroom.Mark) {
	s.log.Info("session marked", "session", x.ID, "rule", m.RuleID, "kind", m.Kind, "outcome", m.Outcome, "by", user.Username)
	s.audit(ctx, user, drillroom.AuditReviewMark, x, fmt.Sprintf("%s %s: %s (%s) -> %s (%s): %s", m.Kind, m.RuleID,
		m.OldOutcome, formatPoints(m.OldPoints), m.Outcome, formatPoints(m.Points), m.Reason))
}

func formatPoints(f float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0")
}
