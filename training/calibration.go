package training

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// Kappa is the agreement of several raters who each put every item in one
// category: the observed agreement P (the share of agreeing rater pairs,
// averaged over the items) and Fleiss' kappa, the agreement beyond what the
// raters' overall use of the categories would give by chance. Kappa is
// undefined (Defined false) when that chance agreement is 1: every rating
// in one category.
type Kappa struct {
	Items    int
	Raters   int
	Observed float64 // P̄, 0 to 1
	Chance   float64 // P̄e, 0 to 1
	Kappa    float64
	Defined  bool
}

// FleissKappa computes Kappa over items, each the categories its raters
// gave it; every item must have the same number of raters, at least two
// (an error otherwise). It is pure.
func FleissKappa(items [][]string) (Kappa, error) {
	if len(items) == 0 {
		return Kappa{}, errors.New("kappa: no items")
	}
	n := len(items[0])
	if n < 2 {
		return Kappa{}, fmt.Errorf("kappa: %d raters, want at least 2", n)
	}
	totals := map[string]int{}
	var sumP float64
	for i, it := range items {
		if len(it) != n {
			return Kappa{}, fmt.Errorf("kappa: item %d has %d ratings, item 0 has %d", i, len(it), n)
		}
		counts := map[string]int{}
		for _, c := range it {
			counts[c]++
			totals[c]++
		}
		sq := 0
		for _, k := range counts {
			sq += k * k
		}
		sumP += float64(sq-n) / float64(n*(n-1))
	}
	k := Kappa{Items: len(items), Raters: n, Observed: sumP / float64(len(items))}
	all := float64(len(items) * n)
	for _, t := range totals {
		p := float64(t) / all
		k.Chance += p * p
	}
	if k.Chance < 1 {
		k.Kappa, k.Defined = (k.Observed-k.Chance)/(1-k.Chance), true
	}
	return k, nil
}

// CohenKappa computes the agreement of two raters over the same items
// (a[i] and b[i] are their categories for item i): the observed agreement
// (the share of items they agree on), the chance agreement (Σ over the
// categories of the product of each rater's share of that category) and
// Cohen's kappa; Raters is 2. Kappa is undefined (Defined false) when the
// chance agreement is 1. The slices must be equally long and non-empty
// (an error otherwise). It is pure.
func CohenKappa(a, b []string) (Kappa, error) {
	if len(a) == 0 || len(a) != len(b) {
		return Kappa{}, fmt.Errorf("kappa: %d and %d ratings, want the same number, at least one", len(a), len(b))
	}
	n := float64(len(a))
	ca, cb := map[string]int{}, map[string]int{}
	agree := 0
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		if a[i] == b[i] {
			agree++
		}
	}
	k := Kappa{Items: len(a), Raters: 2, Observed: float64(agree) / n}
	for c, x := range ca {
		k.Chance += float64(x) / n * float64(cb[c]) / n
	}
	if k.Chance < 1 {
		k.Kappa, k.Defined = (k.Observed-k.Chance)/(1-k.Chance), true
	}
	return k, nil
}

// pairShare is the share of agreeing pairs among ratings.
func pairShare(ratings []string) (float64, bool) {
	n := len(ratings)
	if n < 2 {
		return 0, false
	}
	agree := 0
	for i := range ratings {
		for j := i + 1; j < n; j++ {
			if ratings[i] == ratings[j] {
				agree++
			}
		}
	}
	return float64(agree) / float64(n*(n-1)/2), true
}

// RuleAgreement is one rule of a calibration report.
type RuleAgreement struct {
	RuleID, Title string
	Manual        bool
	Outcomes      map[int64]string // by marker
	Auto          string           // the rubric's outcome ("" for a manual rule)
	Official      string           // the official scorecard's outcome
	Agreement     float64          // share of agreeing marker pairs, 0 to 1
	Compared      bool             // at least two markers marked it
}

// CoachAgreement is one marker of a calibration report.
type CoachAgreement struct {
	UserID                    int64
	Name                      string
	Marked                    int
	WithAuto, AutoCompared    int // rules where they gave the automatic outcome, of the automatic rules they marked
	WithOfficial, OffCompared int // the same against the official scorecard
	// Deviation is the mean absolute difference, in points, between the
	// marker's points and the official scorecard's over the OffCompared
	// rules (0 when none).
	Deviation float64
}

// PairAgreement is two markers' agreement over the rules both marked
// (Kappa.Items of them): the share they agree on (Kappa.Observed) and
// Cohen's kappa. B is 0 and BName "" when the second marker is the
// automatic score, over the automatic rules the first marked.
type PairAgreement struct {
	A, B         int64
	AName, BName string
	Kappa        Kappa
}

// Automatic reports whether the pair sets a marker against the automatic
// score.
func (p PairAgreement) Automatic() bool { return p.B == 0 }

// CalibrationReport is the agreement of a round's markers: per rule, per
// marker, per pair of markers (Cohen's kappa, and each marker against the
// automatic score as a third marker), and overall: Fleiss' kappa over the
// rules every marker marked, and the mean of the pairs' Cohen's kappas
// (Light's kappa).
type CalibrationReport struct {
	Rules    []RuleAgreement
	Coaches  []CoachAgreement
	Pairs    []PairAgreement // every pair of markers who marked a rule in common, by name
	WithAuto []PairAgreement // each marker against the automatic score, by name
	Overall  Kappa
	HasKappa bool // at least one rule marked by every marker, and two markers
	// MeanPairKappa is the mean of the defined Cohen's kappas of Pairs
	// (HasMeanPair false when none is defined).
	MeanPairKappa float64
	HasMeanPair   bool
}

// Calibrate builds the report of marks against the automatic and the
// official scorecards. It is pure.
func Calibrate(auto, official *scoring.Scorecard, marks []drillroom.RoundMark, names map[int64]string) *CalibrationReport {
	by := map[string]map[int64]string{}
	pts := map[string]map[int64]float64{}
	raters := map[int64]bool{}
	for _, m := range marks {
		if by[m.RuleID] == nil {
			by[m.RuleID], pts[m.RuleID] = map[int64]string{}, map[int64]float64{}
		}
		by[m.RuleID][m.UserID], pts[m.RuleID][m.UserID] = m.Outcome, m.Points
		raters[m.UserID] = true
	}
	ids := make([]int64, 0, len(raters))
	for id := range raters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rep := &CalibrationReport{}
	coach := map[int64]*CoachAgreement{}
	for _, id := range ids {
		coach[id] = &CoachAgreement{UserID: id, Name: names[id]}
	}
	var complete [][]string
	for _, sec := range official.Sections {
		for _, r := range sec.Rules {
			outs := by[r.ID]
			ra := RuleAgreement{RuleID: r.ID, Title: r.Title, Manual: r.Manual, Outcomes: outs, Official: r.Outcome}
			if a, ok := auto.Rule(r.ID); ok && !a.Manual {
				ra.Auto = a.Outcome
			}
			var ratings []string
			for _, id := range ids {
				o, ok := outs[id]
				if !ok {
					continue
				}
				ratings = append(ratings, o)
				c := coach[id]
				c.Marked++
				if ra.Auto != "" && ra.Auto != scoring.Error {
					c.AutoCompared++
					if o == ra.Auto {
						c.WithAuto++
					}
				}
				if ra.Official != scoring.Pending && ra.Official != scoring.Error {
					c.OffCompared++
					if o == ra.Official {
						c.WithOfficial++
					}
					c.Deviation += math.Abs(pts[r.ID][id] - r.Points)
				}
			}
			ra.Agreement, ra.Compared = pairShare(ratings)
			if len(ids) >= 2 && len(ratings) == len(ids) {
				complete = append(complete, ratings)
			}
			rep.Rules = append(rep.Rules, ra)
		}
	}
	for _, id := range ids {
		if c := coach[id]; c.OffCompared > 0 {
			c.Deviation /= float64(c.OffCompared)
		}
		rep.Coaches = append(rep.Coaches, *coach[id])
	}
	sort.SliceStable(rep.Coaches, func(i, j int) bool { return rep.Coaches[i].Name < rep.Coaches[j].Name })
	rep.pairs(official, auto, by, names)
	if len(complete) > 0 {
		if k, err := FleissKappa(complete); err == nil {
			rep.Overall, rep.HasKappa = k, true
		}
	}
	return rep
}

// pairs fills in the report's pairs: every two markers (in the order of
// the report's coaches) over the rules both marked, in the rubric's order,
// and each marker against the automatic score over the automatic rules
// they marked.
func (rep *CalibrationReport) pairs(official, auto *scoring.Scorecard, by map[string]map[int64]string, names map[int64]string) {
	var rules []string
	for _, sec := range official.Sections {
		for _, r := range sec.Rules {
			rules = append(rules, r.ID)
		}
	}
	pair := func(a, b int64, of func(rule string) (string, string, bool)) (PairAgreement, bool) {
		var ra, rb []string
		for _, id := range rules {
			if x, y, ok := of(id); ok {
				ra, rb = append(ra, x), append(rb, y)
			}
		}
		k, err := CohenKappa(ra, rb)
		return PairAgreement{A: a, B: b, AName: names[a], BName: names[b], Kappa: k}, err == nil
	}
	var sum float64
	var defined int
	for i, ci := range rep.Coaches {
		for _, cj := range rep.Coaches[i+1:] {
			p, ok := pair(ci.UserID, cj.UserID, func(rule string) (string, string, bool) {
				x, okx := by[rule][ci.UserID]
				y, oky := by[rule][cj.UserID]
				return x, y, okx && oky
			})
			if !ok {
				continue
			}
			rep.Pairs = append(rep.Pairs, p)
			if p.Kappa.Defined {
				sum += p.Kappa.Kappa
				defined++
			}
		}
		p, ok := pair(ci.UserID, 0, func(rule string) (string, string, bool) {
			x, okx := by[rule][ci.UserID]
			a, oka := auto.Rule(rule)
			return x, a.Outcome, okx && oka && !a.Manual && a.Outcome != scoring.Error
		})
		if ok {
			rep.WithAuto = append(rep.WithAuto, p)
		}
	}
	if defined > 0 {
		rep.MeanPairKappa, rep.HasMeanPair = sum/float64(defined), true
	}
}

// RoundView is a calibration round as one of its people sees it: their own
// marks while it is blind; everyone's and the report once published.
type RoundView struct {
	Round    drillroom.Round
	Session  drillroom.Session
	Official *scoring.Scorecard
	Auto     *scoring.Scorecard
	Mine     map[string]drillroom.RoundMark // the viewer's marks by rule
	Progress map[int64]int                  // rules marked per member (counts only, for the lead)
	Names    map[int64]string               // members' names
	IsLead   bool
	IsMember bool
	Report   *CalibrationReport // nil while blind
}

// StartRound opens a calibration round on session x led by lead, with the
// given markers (two or more trainers or coaches who may see the session;
// the lead marks too only if listed).
func (s *Service) StartRound(ctx context.Context, lead drillroom.User, x drillroom.Session, members []int64) (drillroom.Round, error) {
	if err := s.mayMark(ctx, lead, x); err != nil {
		return drillroom.Round{}, err
	}
	seen := map[int64]bool{}
	var ms []int64
	for _, id := range members {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return drillroom.Round{}, drillroom.Errorf(drillroom.CodeInvalid, "Choose markers among your cohorts' coaches and trainers.")
		}
		ok, err := s.canSee(ctx, u, x)
		if err != nil {
			return drillroom.Round{}, err
		}
		if !u.Staff() || u.Disabled || !ok {
			return drillroom.Round{}, drillroom.Errorf(drillroom.CodeInvalid, "%s cannot mark this session.", u.DisplayName)
		}
		ms = append(ms, id)
	}
	if len(ms) < 2 {
		return drillroom.Round{}, drillroom.Errorf(drillroom.CodeInvalid, "A calibration round needs at least two markers.")
	}
	r, err := s.store.CreateRound(ctx, drillroom.Round{SessionID: x.ID, LeadID: lead.ID, Members: ms})
	if err != nil {
		return drillroom.Round{}, err
	}
	s.log.Info("calibration round started", "round", r.ID, "session", x.ID, "lead", lead.Username, "markers", len(ms))
	s.audit(ctx, lead, drillroom.AuditCalibrationStart, x, fmt.Sprintf("round %d, markers %v", r.ID, ms))
	return r, nil
}

// Candidates lists who may mark session x in a calibration round: the
// trainers and coaches who share a cohort with its trainee.
func (s *Service) Candidates(ctx context.Context, user drillroom.User, x drillroom.Session) ([]drillroom.User, error) {
	if err := s.mayMark(ctx, user, x); err != nil {
		return nil, err
	}
	cohorts, err := s.store.UserCohorts(ctx, x.UserID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []drillroom.User
	for _, c := range cohorts {
		members, err := s.store.CohortMembers(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.Staff() && !m.Disabled && !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	if !seen[user.ID] {
		out = append(out, user) // an administrator outside the cohorts
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DisplayName < out[j].DisplayName })
	return out, nil
}

// SessionRounds lists the calibration rounds of session x that user leads
// or marks.
func (s *Service) SessionRounds(ctx context.Context, user drillroom.User, x drillroom.Session) ([]drillroom.Round, error) {
	if !user.Staff() {
		return nil, nil
	}
	rs, err := s.store.SessionRounds(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	var out []drillroom.Round
	for _, r := range rs {
		if r.LeadID == user.ID || slices.Contains(r.Members, user.ID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// roundFor loads a round for one of its people; anyone else gets
// drillroom.ErrNotFound, as for a missing round.
func (s *Service) roundFor(ctx context.Context, user drillroom.User, id int64) (drillroom.Round, drillroom.Session, error) {
	r, err := s.store.Round(ctx, id)
	if err != nil {
		return drillroom.Round{}, drillroom.Session{}, err
	}
	if r.LeadID != user.ID && !slices.Contains(r.Members, user.ID) {
		return drillroom.Round{}, drillroom.Session{}, fmt.Errorf("calibration round %d for %s: %w", id, user.Username, drillroom.ErrNotFound)
	}
	x, err := s.Session(ctx, user, r.SessionID)
	if err != nil {
		return drillroom.Round{}, drillroom.Session{}, err
	}
	return r, x, nil
}

// ViewRound returns round id as user sees it (see RoundView).
func (s *Service) ViewRound(ctx context.Context, user drillroom.User, id int64) (*RoundView, error) {
	r, x, err := s.roundFor(ctx, user, id)
	if err != nil {
		return nil, err
	}
	mk, err := s.OfficialScorecard(ctx, x)
	if err != nil {
		return nil, err
	}
	marks, err := s.store.RoundMarks(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	v := &RoundView{Round: r, Session: x, Official: mk.Official, Auto: mk.Auto, Mine: map[string]drillroom.RoundMark{},
		Progress: map[int64]int{}, Names: map[int64]string{}, IsLead: r.LeadID == user.ID, IsMember: slices.Contains(r.Members, user.ID)}
	for _, id := range r.Members {
		if u, err := s.store.UserByID(ctx, id); err == nil {
			v.Names[id] = u.DisplayName
		}
		v.Progress[id] = 0
	}
	for _, m := range marks {
		v.Progress[m.UserID]++
		if m.UserID == user.ID {
			v.Mine[m.RuleID] = m
		}
	}
	if r.Published() {
		v.Report = Calibrate(mk.Auto, mk.Official, marks, v.Names)
	}
	return v, nil
}

// MarkRound records user's blind marks in round id: an outcome (and the
// points of a partial) per rule; a rule left out keeps its earlier mark.
func (s *Service) MarkRound(ctx context.Context, user drillroom.User, id int64, marks []MarkInput) error {
	r, x, err := s.roundFor(ctx, user, id)
	if err != nil {
		return err
	}
	if !slices.Contains(r.Members, user.ID) {
		return drillroom.Errorf(drillroom.CodeForbidden, "You lead this round; only its markers mark it.")
	}
	if r.Published() {
		return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is published: its markings are final.")
	}
	mk, err := s.OfficialScorecard(ctx, x)
	if err != nil {
		return err
	}
	var out []drillroom.RoundMark
	for _, in := range marks {
		rule, ok := mk.Auto.Rule(in.RuleID)
		if !ok {
			return drillroom.Errorf(drillroom.CodeInvalid, "There is no rule %q in this scorecard.", in.RuleID)
		}
		if !drillroom.ValidMarkOutcome(in.Outcome) {
			return drillroom.Errorf(drillroom.CodeInvalid, "Choose met, partly met, not met or not applicable for %s.", rule.Title)
		}
		if in.Outcome == scoring.Partial && (in.Points <= 0 || in.Points >= rule.Max) {
			return drillroom.Errorf(drillroom.CodeInvalid, "Partly met takes more than 0 and fewer than %s points (%s).", formatPoints(rule.Max), rule.Title)
		}
		out = append(out, drillroom.RoundMark{RoundID: r.ID, UserID: user.ID, RuleID: rule.ID, Outcome: in.Outcome, Points: scoring.MarkPoints(in.Outcome, in.Points, rule.Max)})
	}
	for _, m := range out {
		if err := s.store.PutRoundMark(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// PublishRound ends the blind marking of round id; only its lead may.
// official is the lead's official marking from the round: each becomes a
// mark of the session (as MarkRule makes them, in the lead's name, audited
// review.mark, with the round named in its reason), so the official
// scorecard and the report's deviations follow it; rules left out keep
// their marking. Every mark is checked first, each against the marking
// with the ones before it applied, and the store writes them and publishes
// the round in one transaction: a refused mark, or a failure part-way,
// leaves the round blind and the session's marking as it was.
func (s *Service) PublishRound(ctx context.Context, user drillroom.User, id int64, official []MarkInput) error {
	r, x, err := s.roundFor(ctx, user, id)
	if err != nil {
		return err
	}
	if r.LeadID != user.ID {
		return drillroom.Errorf(drillroom.CodeForbidden, "Only the round's lead publishes it.")
	}
	if r.Published() {
		return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is already published.")
	}
	var marks []drillroom.Mark
	if len(official) > 0 {
		if err := s.mayChange(ctx, user, x); err != nil {
			return err
		}
		mk, err := s.markable(ctx, x)
		if err != nil {
			return err
		}
		for _, in := range official {
			in.Reason = strings.TrimSpace(fmt.Sprintf("Official marking of calibration round %d. %s", r.ID, in.Reason))
			m, err := newMark(user, x, mk, in)
			if err != nil {
				return err
			}
			marks = append(marks, m)
			mk = applyMarks(mk.Auto, append(slices.Clone(mk.History), m))
		}
	}
	_, stored, err := s.store.PublishRound(ctx, r.ID, marks)
	if err != nil {
		return err
	}
	for _, m := range stored {
		s.marked(ctx, user, x, m)
	}
	s.log.Info("calibration round published", "round", r.ID, "official marks", len(stored), "by", user.Username)
	s.audit(ctx, user, drillroom.AuditCalibrationPublish, x, fmt.Sprintf("round %d, %d official marks", r.ID, len(stored)))
	return nil
}

// RoundReport is one published round's report, for the trend.
type RoundReport struct {
	Round  drillroom.Round
	Report *CalibrationReport
}

// RoundPoint is one marker in one round: agreement with the official
// marking and mean deviation from it in points.
type RoundPoint struct {
	RoundID                int64
	SessionID              string
	At                     time.Time // when the round was published
	WithOfficial, Compared int
	Deviation              float64
}

// CoachTrend is one marker across calibration rounds, oldest round first,
// with the figures over all of them: the share of their marks that agreed
// with the official marking (WithOfficial of Compared) and their mean
// deviation in points per rule compared.
type CoachTrend struct {
	UserID                 int64
	Name                   string
	Points                 []RoundPoint
	WithOfficial, Compared int
	Deviation              float64
}

// Trend gathers each marker's figures across rounds (oldest first), by
// name. It is pure.
func Trend(rounds []RoundReport) []CoachTrend {
	sort.SliceStable(rounds, func(i, j int) bool { return rounds[i].Round.PublishedAt.Before(rounds[j].Round.PublishedAt) })
	by := map[int64]*CoachTrend{}
	var order []int64
	for _, rr := range rounds {
		if rr.Report == nil {
			continue
		}
		for _, c := range rr.Report.Coaches {
			ct, ok := by[c.UserID]
			if !ok {
				ct = &CoachTrend{UserID: c.UserID, Name: c.Name}
				by[c.UserID] = ct
				order = append(order, c.UserID)
			}
			ct.Points = append(ct.Points, RoundPoint{RoundID: rr.Round.ID, SessionID: rr.Round.SessionID, At: rr.Round.PublishedAt,
				WithOfficial: c.WithOfficial, Compared: c.OffCompared, Deviation: c.Deviation})
			ct.WithOfficial += c.WithOfficial
			ct.Compared += c.OffCompared
			ct.Deviation += c.Deviation * float64(c.OffCompared) // the sum of the differences
		}
	}
	out := make([]CoachTrend, 0, len(order))
	for _, id := range order {
		ct := by[id]
		if ct.Compared > 0 {
			ct.Deviation /= float64(ct.Compared)
		}
		out = append(out, *ct)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CalibrationTrend returns the trend of every marker across the published
// rounds user leads or marks (ViewRound's rule for each round).
func (s *Service) CalibrationTrend(ctx context.Context, user drillroom.User) ([]CoachTrend, error) {
	if !user.Staff() {
		return nil, drillroom.Errorf(drillroom.CodeForbidden, "Calibration is for coaches and trainers.")
	}
	rounds, err := s.store.UserRounds(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("calibration trend of %s: %w", user.Username, err)
	}
	var reports []RoundReport
	for _, r := range rounds {
		if !r.Published() {
			continue
		}
		v, err := s.ViewRound(ctx, user, r.ID)
		if drillroom.ErrorCode(err) == drillroom.CodeNotFound {
			continue // the session is no longer the user's to see
		}
		if err != nil {
			return nil, err
		}
		reports = append(reports, RoundReport{Round: v.Round, Report: v.Report})
	}
	return Trend(reports), nil
}
