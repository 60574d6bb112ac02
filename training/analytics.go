package training

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/drillroom/drillroom"
)

// AnalyticsStore is what cohort analytics read. *store.Store satisfies it.
type AnalyticsStore interface {
	ScoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.ScoredSession) error) error
	// ScoredSessionsSince and CohortMembers keep the server's copy of
	// the analytics rows (facts.go): the rows that changed after a
	// revision (handed out in the order the writes commit, from a
	// counter in the database), and who is in a cohort.
	ScoredSessionsSince(ctx context.Context, rev int64, fn func(drillroom.ScoredSession) error) error
	CohortMembers(ctx context.Context, cohortID int64) ([]drillroom.User, error)
	ScoredOutcomes(ctx context.Context, f drillroom.AnalyticsFilter, fn func(drillroom.OutcomeRecord) error) error
	FeedbackCounts(ctx context.Context, f drillroom.AnalyticsFilter, limit int) ([]drillroom.FeedbackCount, error)
	StaleOfficial(ctx context.Context, limit int) ([]drillroom.OfficialRef, error)
	PutOfficialResult(ctx context.Context, r drillroom.OfficialResult) error
	Cohorts(ctx context.Context) ([]drillroom.Cohort, error)
	UserCohorts(ctx context.Context, userID int64) ([]drillroom.Cohort, error)
	ListUsers(ctx context.Context, role drillroom.Role) ([]drillroom.User, error)
}

// Analytics runs the cohort analytics use cases: the dashboard and the
// exports. Who may see what is decided here, once: trainers and coaches
// see the cohorts they belong to, administrators every cohort, trainees
// nothing.
type Analytics struct {
	store AnalyticsStore
	svc   *Service
	// direct reads every view's sessions from the store rather than the
	// service's copy of them (tests compare the two).
	direct bool
}

// NewAnalytics returns the analytics over st; svc loads the scenario
// versions whose policies give the standards drawn on the charts.
func NewAnalytics(st AnalyticsStore, svc *Service) *Analytics {
	return &Analytics{store: st, svc: svc}
}

// Filter is what a person asks the analytics for. Cohort 0 is every cohort
// the person may see.
type Filter struct {
	Cohort     int64
	ScenarioID string
	Version    int
	Mode       drillroom.Mode
	Since      time.Time
	Until      time.Time
}

// Cohorts returns the cohorts user may analyse, by name: every cohort for
// an administrator, their own for a trainer or coach; a trainee may not
// (drillroom.ErrForbidden).
func (a *Analytics) Cohorts(ctx context.Context, user drillroom.User) ([]drillroom.Cohort, error) {
	switch {
	case !user.Staff():
		return nil, &drillroom.Error{Code: drillroom.CodeForbidden, Message: "Cohort analytics are for trainers, coaches and administrators."}
	case user.Admin:
		return a.store.Cohorts(ctx)
	}
	return a.store.UserCohorts(ctx, user.ID)
}

// Scope turns what user asked for into the store's filter, restricted to
// the cohorts user may see. A cohort user may not see is
// drillroom.ErrNotFound, like a missing one.
func (a *Analytics) Scope(ctx context.Context, user drillroom.User, f Filter) (drillroom.AnalyticsFilter, error) {
	cohorts, err := a.Cohorts(ctx, user)
	if err != nil {
		return drillroom.AnalyticsFilter{}, err
	}
	return a.scope(user, cohorts, f)
}

// scope is Scope with the cohorts user may see already read.
func (a *Analytics) scope(user drillroom.User, cohorts []drillroom.Cohort, f Filter) (drillroom.AnalyticsFilter, error) {
	if f.Mode != "" && !f.Mode.Valid() {
		return drillroom.AnalyticsFilter{}, &drillroom.Error{Code: drillroom.CodeInvalid, Message: "The mode is practice or assessment."}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return drillroom.AnalyticsFilter{}, &drillroom.Error{Code: drillroom.CodeInvalid, Message: "The period must end after it starts."}
	}
	out := drillroom.AnalyticsFilter{ScenarioID: f.ScenarioID, Version: max(f.Version, 0), Mode: f.Mode, Since: f.Since, Until: f.Until}
	switch {
	case f.Cohort != 0:
		if !slices.ContainsFunc(cohorts, func(c drillroom.Cohort) bool { return c.ID == f.Cohort }) {
			return drillroom.AnalyticsFilter{}, fmt.Errorf("cohort %d for %s: %w", f.Cohort, user.Username, drillroom.ErrNotFound)
		}
		out.Cohorts = []int64{f.Cohort}
	case user.Admin:
		out.Cohorts = nil // every trainee, in a cohort or not
	default:
		out.Cohorts = []int64{}
		for _, c := range cohorts {
			out.Cohorts = append(out.Cohorts, c.ID)
		}
	}
	return out, nil
}

// Names returns the display names of the trainees, by id.
func (a *Analytics) Names(ctx context.Context) (map[int64]string, error) {
	us, err := a.store.ListUsers(ctx, drillroom.RoleTrainee)
	if err != nil {
		return nil, fmt.Errorf("trainees: %w", err)
	}
	out := make(map[int64]string, len(us))
	for _, u := range us {
		out[u.ID] = u.DisplayName
	}
	return out, nil
}

// Sessions streams the scored sessions user may see that f selects, each
// with its official result when a review was released.
func (a *Analytics) Sessions(ctx context.Context, user drillroom.User, f Filter, fn func(drillroom.ScoredSession) error) error {
	sf, err := a.exportScope(ctx, user, f)
	if err != nil {
		return err
	}
	var names map[int64]string
	if sf.Cohorts == nil {
		if names, err = a.Names(ctx); err != nil {
			return err
		}
	}
	all, _, err := a.scoredSessions(ctx, sf, names)
	if err != nil {
		return err
	}
	for _, x := range all {
		if err := fn(*x); err != nil {
			return err
		}
	}
	return nil
}

// Outcomes streams the rule outcomes of the scored sessions user may see
// that f selects, official where a review was released.
func (a *Analytics) Outcomes(ctx context.Context, user drillroom.User, f Filter, fn func(drillroom.OutcomeRecord) error) error {
	sf, err := a.exportScope(ctx, user, f)
	if err != nil {
		return err
	}
	return a.store.ScoredOutcomes(ctx, sf, fn)
}

// exportScope is Scope for an export, once the official results are up to
// date, so that the export reports the released reviews' results.
func (a *Analytics) exportScope(ctx context.Context, user drillroom.User, f Filter) (drillroom.AnalyticsFilter, error) {
	sf, err := a.Scope(ctx, user, f)
	if err != nil {
		return drillroom.AnalyticsFilter{}, err
	}
	if err := a.RefreshOfficial(ctx); err != nil {
		return drillroom.AnalyticsFilter{}, err
	}
	return sf, nil
}

// RefreshOfficial computes and records the official results the store
// lists as stale: those of sessions whose review was released, or
// re-scored after a release, since their result was last computed.
// Applying marks is scoring's business, so the store cannot keep them
// current by itself; every read of analytics calls this first, and it
// costs one lookup in an index of the stale rows when there are none. A
// session whose result cannot be computed is logged and reported with its
// automatic result.
func (a *Analytics) RefreshOfficial(ctx context.Context) error {
	if a.svc == nil {
		return nil
	}
	const batch = 500
	failed := map[string]bool{}
	for {
		refs, err := a.store.StaleOfficial(ctx, batch)
		if err != nil {
			return err
		}
		progress := false
		for _, ref := range refs {
			if failed[ref.SessionID] {
				continue
			}
			res, err := a.svc.OfficialResult(ctx, ref)
			if err == nil {
				err = a.store.PutOfficialResult(ctx, res)
			}
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed[ref.SessionID] = true
				a.svc.log.Warn("analytics: official result not computed", "session", ref.SessionID, "err", err)
				continue
			}
			progress = true
		}
		if len(refs) < batch || !progress {
			return nil
		}
	}
}

// DrillSummary is one drill's results in a dashboard.
type DrillSummary struct {
	ScenarioID string
	Sessions   int
	Passed     int
	Trainees   int
	Mean       float64 // mean total
	Bands      []BandCount
}

// PassRate is Passed/Sessions as a percentage.
func (d DrillSummary) PassRate() float64 { return percent(d.Passed, d.Sessions) }

// BandCount is how many sessions reached a band.
type BandCount struct {
	Band  string
	Count int
	low   float64 // the lowest total seen in the band, to order bands
}

// RuleRate is a rule's failure rate over a dashboard's sessions.
type RuleRate struct {
	ScenarioID, RuleID, Title, Section, Critical string
	Scored, Failed, Trainees                     int
}

// Rate is the failure rate as a percentage.
func (r RuleRate) Rate() float64 { return percent(r.Failed, r.Scored) }

// Heatmap is a rule x trainee grid for one drill.
type Heatmap struct {
	ScenarioID string
	Rules      []RuleRate
	Trainees   []Trainee
	Cells      [][]Cell // [rule][trainee]
}

// Cell is one rule for one trainee: how many of the trainee's sessions
// scored and failed it, and the newest of each, for the link to the
// evidence. Scored is 0 when the rule was never scored for the trainee.
type Cell struct {
	Scored, Failed   int
	LastFailed, Last string // session ids, "" if none
}

// MistakeRate is how often a classic mistake was made: a session made it
// when it failed any rule the drill declares for it (rubric.mistakes).
type MistakeRate struct {
	Mistake  string
	Sessions int // sessions of drills that declare rules for it
	Made     int
	Drills   int
}

// Rate is the share of sessions that made the mistake, as a percentage.
func (m MistakeRate) Rate() float64 { return percent(m.Made, m.Sessions) }

// Trainee is a trainee in a dashboard.
type Trainee struct {
	ID   int64
	Name string
}

// TrendPoint is one period of the KPI trends: the mean of each KPI over
// the sessions started in it (times that never happened left out).
type TrendPoint struct {
	From     time.Time
	Sessions int
	Score    float64
	PassRate float64
	KPIs     map[string]float64 // by KPI key; absent when no session had it
}

// Attempt is one scored attempt of a drill in a trainee's progress.
type Attempt struct {
	SessionID string
	At        time.Time
	Total     float64
	Passed    bool
	Band      string
}

// Progress is one trainee's attempts of one drill, oldest first.
type Progress struct {
	Trainee    Trainee
	ScenarioID string
	Attempts   []Attempt
}

// Standards are the policy's standards that the trend charts draw, in the
// KPIs' units (seconds; a percentage for the pass mark). Absent ones are 0.
type Standards struct {
	ScenarioID    string
	Version       int
	PassMark      float64
	MaxSilence    float64
	FirstResponse float64
	WaitingUpdate float64
	HoldUpdate    float64
	WrapUpTarget  float64 // the drill's or its policy's wrap-up target
}

// Dashboard is everything the cohort dashboard shows for one filter.
type Dashboard struct {
	Filter     Filter
	Cohorts    []drillroom.Cohort // what the user may choose from
	Drills     []DrillSummary     // by most sessions
	Sessions   int
	Rules      []RuleRate       // the most failed first, at most 25
	Mistakes   []MistakeRate    // the most made first
	Procedures []ProcedureRate  // the least followed first
	Compare    []VersionSummary // of the drill in focus, oldest first: a rubric change's before and after
	Heatmap    *Heatmap         // for the chosen drill, or the drill with most sessions
	Trends     []TrendPoint
	Period     string // day, week or month: the trends' step
	Progress   []Progress
	Feedback   []drillroom.FeedbackCount
	Standards  *Standards
	Versions   map[string][]int // the versions scored, by drill
}

// KPIKeys are the KPIs the trends show, in order (trends sums them in
// this order).
var KPIKeys = []string{"handling_time", "hold_time", "wrap_up", "fcr", "csat", "time_to_classify", "time_to_first_escalation", "longest_silence"}

// Dashboard computes the cohort dashboard for user and f.
func (a *Analytics) Dashboard(ctx context.Context, user drillroom.User, f Filter) (*Dashboard, error) {
	cohorts, err := a.Cohorts(ctx, user)
	if err != nil {
		return nil, err
	}
	sf, err := a.scope(user, cohorts, f)
	if err != nil {
		return nil, err
	}
	if err := a.RefreshOfficial(ctx); err != nil {
		return nil, err
	}
	names, err := a.Names(ctx)
	if err != nil {
		return nil, err
	}
	// One pass over the sessions gives the drills, the trends and the
	// progress; the rule stats give the rates and the heatmap.
	all, sc, err := a.scoredSessions(ctx, sf, names)
	if err != nil {
		return nil, err
	}
	key := ""
	if sc.copied {
		key = dashboardKey(sf, sc, names)
		if kept := a.svc.dashboards.get(key); kept != nil {
			d := *kept
			d.Filter, d.Cohorts = f, cohorts
			return &d, nil
		}
	}
	d, complete, err := a.dashboard(ctx, sf, f.ScenarioID, all, names)
	if err != nil {
		return nil, err
	}
	d.Filter, d.Cohorts = f, cohorts
	if key != "" && complete {
		// The feedback counts read the cohorts' members again, in SQL: keep
		// the dashboard only if they are still those of the key.
		if in, err := a.inScope(ctx, sf, names); err == nil && slices.Equal(slices.Sorted(maps.Keys(in)), sc.trainees) {
			a.svc.dashboards.put(key, d)
		}
	}
	return d, nil
}

// dashboard computes a dashboard from the sessions all that sf selects,
// with the drill in focus asked for (or the one with most sessions);
// complete is false when a rubric or policy could not be loaded (the
// dashboard then names rules by their ids, and is not kept).
func (a *Analytics) dashboard(ctx context.Context, sf drillroom.AnalyticsFilter, asked string, all []*drillroom.ScoredSession, names map[int64]string) (*Dashboard, bool, error) {
	var err error
	d := &Dashboard{Versions: map[string][]int{}}
	d.Sessions = len(all)
	d.Drills = summarise(all, d.Versions)

	focus := asked
	if focus == "" && len(d.Drills) > 0 {
		focus = d.Drills[0].ScenarioID
	}
	rubrics, complete := a.rubrics(ctx, all)
	d.Rules = ruleRates(all, "", rubrics)
	d.Mistakes = mistakeRates(all, rubrics)
	d.Procedures = procedureRates(all, rubrics)
	if focus != "" {
		d.Heatmap = heatmap(focus, all, names, rubrics)
		d.Progress = progress(focus, all, names)
		d.Compare = versionSummaries(focus, all, rubrics)
		var ok bool
		d.Standards, ok = a.standards(ctx, focus, sf.Version, all)
		complete = complete && ok
	}
	if len(d.Rules) > 25 {
		d.Rules = d.Rules[:25]
	}
	d.Trends, d.Period = trends(all)
	// The feedback lines are counted for the drill in focus only: the
	// texts quote each session's values, so they repeat within a drill,
	// and counting them across every drill would read every outcome.
	if focus != "" {
		ff := sf
		ff.ScenarioID = focus
		if d.Feedback, err = a.store.FeedbackCounts(ctx, ff, 10); err != nil {
			return nil, false, err
		}
	}
	return d, complete, nil
}

// standards reads the policy's standards from the drill's version: the one
// asked for, else the newest one scored; ok is false when the version
// could not be loaded for another reason than not being there.
func (a *Analytics) standards(ctx context.Context, scenarioID string, version int, all []*drillroom.ScoredSession) (_ *Standards, ok bool) {
	if version == 0 {
		for _, x := range all {
			if x.ScenarioID == scenarioID {
				version = max(version, x.Version)
			}
		}
	}
	if version == 0 || a.svc == nil {
		return nil, true
	}
	sc, err := a.svc.live.Scenario(ctx, scenarioID, version)
	if err != nil || sc.Resolved == nil {
		if err != nil && !errors.Is(err, drillroom.ErrNotFound) {
			a.svc.log.Warn("analytics: standards not loaded", "scenario", scenarioID, "version", version, "err", err)
			return nil, false
		}
		return nil, true
	}
	st := &Standards{ScenarioID: scenarioID, Version: version, PassMark: sc.PassMark()}
	c := sc.Resolved.Cadence
	st.MaxSilence = c.MaxSilence.Seconds()
	st.FirstResponse = c.FirstResponse.Seconds()
	st.WaitingUpdate = c.WaitingUpdate.Seconds()
	st.HoldUpdate = c.HoldUpdate.Seconds()
	st.WrapUpTarget = sc.WrapUpRules().Target.Seconds()
	return st, true
}

func summarise(all []*drillroom.ScoredSession, versions map[string][]int) []DrillSummary {
	by := map[string]*DrillSummary{}
	trainees := map[string]map[int64]bool{}
	bands := map[string]map[string]*BandCount{}
	for _, x := range all {
		d := by[x.ScenarioID]
		if d == nil {
			d = &DrillSummary{ScenarioID: x.ScenarioID}
			by[x.ScenarioID] = d
			trainees[x.ScenarioID] = map[int64]bool{}
			bands[x.ScenarioID] = map[string]*BandCount{}
		}
		d.Sessions++
		d.Mean += x.Total
		if x.Passed {
			d.Passed++
		}
		trainees[x.ScenarioID][x.UserID] = true
		b := bands[x.ScenarioID][x.Band]
		if b == nil {
			b = &BandCount{Band: x.Band, low: x.Total}
			bands[x.ScenarioID][x.Band] = b
		}
		b.Count++
		b.low = min(b.low, x.Total)
		if !slices.Contains(versions[x.ScenarioID], x.Version) {
			versions[x.ScenarioID] = append(versions[x.ScenarioID], x.Version)
		}
	}
	out := make([]DrillSummary, 0, len(by))
	for id, d := range by {
		d.Mean = round2(d.Mean / float64(d.Sessions))
		d.Trainees = len(trainees[id])
		for _, b := range bands[id] {
			d.Bands = append(d.Bands, *b)
		}
		// The best band first: bands are ordered by the scores they hold.
		sort.Slice(d.Bands, func(i, j int) bool {
			if d.Bands[i].low != d.Bands[j].low {
				return d.Bands[i].low > d.Bands[j].low
			}
			return d.Bands[i].Band < d.Bands[j].Band
		})
		out = append(out, *d)
		slices.Sort(versions[id])
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Sessions != out[j].Sessions {
			return out[i].Sessions > out[j].Sessions
		}
		return out[i].ScenarioID < out[j].ScenarioID
	})
	return out
}

// ruleInfo is what the dashboard shows of a rule, from the rubric of the
// newest version of its drill that was scored.
type ruleInfo struct{ Title, Section, Critical, Procedure string }

// rubric is a drill's rules and classic mistakes, from its newest version scored.
type rubric struct {
	rules    map[string]ruleInfo
	mistakes map[string][]string
}

// rubrics loads the rubric of the newest version of each drill in all.
// A version that cannot be loaded leaves its rules named by their ids, and
// complete false.
func (a *Analytics) rubrics(ctx context.Context, all []*drillroom.ScoredSession) (_ map[string]rubric, complete bool) {
	newest := map[string]int{}
	for _, x := range all {
		newest[x.ScenarioID] = max(newest[x.ScenarioID], x.Version)
	}
	out := make(map[string]rubric, len(newest))
	complete = true
	for id, v := range newest {
		if a.svc == nil {
			out[id] = rubric{rules: map[string]ruleInfo{}}
			continue
		}
		key := fmt.Sprintf("%s@%d", id, v)
		if r, ok := a.svc.rubrics.Load(key); ok {
			out[id] = r.(rubric)
			continue
		}
		r := rubric{rules: map[string]ruleInfo{}}
		out[id] = r
		sc, err := a.svc.live.Scenario(ctx, id, v)
		if err != nil {
			a.svc.log.Warn("analytics: rubric not loaded", "scenario", id, "version", v, "err", err)
			complete = false
			continue
		}
		for _, sec := range sc.Rubric.Sections {
			for _, ru := range sec.Rules {
				r.rules[ru.ID] = ruleInfo{Title: ru.Title, Section: sec.ID, Critical: ru.Critical, Procedure: ru.Procedure}
			}
		}
		r.mistakes = sc.Rubric.Mistakes
		out[id] = r
		// A published version never changes: its rubric is read once.
		a.svc.rubrics.Store(key, r)
	}
	return out, complete
}

// ruleRates counts each rule's failures over the sessions (of one drill
// if scenarioID is set), the most failed first. It runs over every rule of
// every session (150,000 at 10,000 sessions), so it keeps one map of
// rules per drill, looked up once per session, and each rule's trainees as
// a bit set over the trainees numbered as they come.
func ruleRates(all []*drillroom.ScoredSession, scenarioID string, rubrics map[string]rubric) []RuleRate {
	type acc struct {
		RuleRate
		users bitset
	}
	// The sessions of one version of a drill list the same rules in the
	// same order: each drill remembers the rules of its last session by
	// position, and a rule is looked up in the map only when its position
	// does not match.
	type drill struct {
		rules map[string]*acc
		last  []*acc
	}
	byDrill := map[string]*drill{}
	dense := map[int64]int{}
	var order []*acc
	var cur *drill
	curDrill := ""
	for _, x := range all {
		if scenarioID != "" && x.ScenarioID != scenarioID {
			continue
		}
		if cur == nil || x.ScenarioID != curDrill {
			curDrill = x.ScenarioID
			if cur = byDrill[x.ScenarioID]; cur == nil {
				cur = &drill{rules: map[string]*acc{}}
				byDrill[x.ScenarioID] = cur
			}
		}
		u, ok := dense[x.UserID]
		if !ok {
			u = len(dense)
			dense[x.UserID] = u
		}
		if len(cur.last) != len(x.Rules) {
			cur.last = make([]*acc, len(x.Rules))
		}
		for j, m := range x.Rules {
			r := cur.last[j]
			if r == nil || r.RuleID != m.RuleID {
				if r = cur.rules[m.RuleID]; r == nil {
					info := rubrics[x.ScenarioID].rules[m.RuleID]
					r = &acc{RuleRate: RuleRate{ScenarioID: x.ScenarioID, RuleID: m.RuleID, Title: info.Title, Section: info.Section, Critical: info.Critical}}
					if r.Title == "" {
						r.Title = m.RuleID
					}
					cur.rules[m.RuleID] = r
					order = append(order, r)
				}
				cur.last[j] = r
			}
			if m.Scored() {
				r.Scored++
				r.users.set(u)
			}
			if m.Failed() {
				r.Failed++
			}
		}
	}
	out := make([]RuleRate, 0, len(order))
	for _, r := range order {
		r.Trainees = r.users.count()
		out = append(out, r.RuleRate)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := out[i].Rate(), out[j].Rate()
		if ri != rj {
			return ri > rj
		}
		return out[i].Failed > out[j].Failed
	})
	return out
}

// bitset is a set of small non-negative numbers.
type bitset []uint64

func (b *bitset) set(i int) {
	for i/64 >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// mistakeRates counts, for each classic mistake, the sessions of drills
// that declare rules for it and those that failed one of them. Each
// drill's rules are mapped to the mistakes they show once, not per session.
func mistakeRates(all []*drillroom.ScoredSession, rubrics map[string]rubric) []MistakeRate {
	type drillMistakes struct {
		declared []int            // the mistakes the drill declares rules for
		byRule   map[string][]int // rule id -> the mistakes it shows
	}
	var out []MistakeRate
	index := map[string]int{}
	drills := map[string]*drillMistakes{}
	of := func(id string) *drillMistakes {
		if d, ok := drills[id]; ok {
			return d
		}
		d := &drillMistakes{byRule: map[string][]int{}}
		for _, mistake := range slices.Sorted(maps.Keys(rubrics[id].mistakes)) {
			rules := rubrics[id].mistakes[mistake]
			if len(rules) == 0 {
				continue
			}
			k, ok := index[mistake]
			if !ok {
				k = len(out)
				index[mistake] = k
				out = append(out, MistakeRate{Mistake: mistake})
			}
			out[k].Drills++
			d.declared = append(d.declared, k)
			for _, r := range rules {
				d.byRule[r] = append(d.byRule[r], k)
			}
		}
		drills[id] = d
		return d
	}
	var made []bool
	for i := range all {
		x := all[i]
		d := of(x.ScenarioID)
		if len(d.declared) == 0 {
			continue
		}
		if cap(made) < len(out) {
			made = make([]bool, len(out))
		}
		made = made[:len(out)]
		clear(made)
		for _, m := range x.Rules {
			if m.Failed() {
				for _, k := range d.byRule[m.RuleID] {
					made[k] = true
				}
			}
		}
		for _, k := range d.declared {
			out[k].Sessions++
			if made[k] {
				out[k].Made++
			}
		}
	}
	// A drill with no session was never asked for: Drills counts those seen.
	sortByRate(out, func(m MistakeRate) string { return m.Mistake })
	return out
}

// VersionSummary is one version of a drill in a dashboard: how its
// sessions did, and each rule's failure rate under that version's rubric.
type VersionSummary struct {
	Version  int
	Sessions int
	Passed   int
	Mean     float64
	Rules    map[string]RuleRate // by rule id
}

// PassRate is Passed/Sessions as a percentage.
func (v VersionSummary) PassRate() float64 { return percent(v.Passed, v.Sessions) }

// versionSummaries compares the versions of one drill, oldest first.
func versionSummaries(scenarioID string, all []*drillroom.ScoredSession, rubrics map[string]rubric) []VersionSummary {
	by := map[int][]*drillroom.ScoredSession{}
	for _, x := range all {
		if x.ScenarioID == scenarioID {
			by[x.Version] = append(by[x.Version], x)
		}
	}
	out := make([]VersionSummary, 0, len(by))
	for v, xs := range by {
		vs := VersionSummary{Version: v, Sessions: len(xs), Rules: map[string]RuleRate{}}
		for _, x := range xs {
			vs.Mean += x.Total
			if x.Passed {
				vs.Passed++
			}
		}
		vs.Mean = round2(vs.Mean / float64(len(xs)))
		for _, r := range ruleRates(xs, scenarioID, rubrics) {
			vs.Rules[r.RuleID] = r
		}
		out = append(out, vs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// ProcedureRate is how often a procedure (the rubric tag procedure: of
// its rules) was not followed: a session did not follow it when it failed
// any of the procedure's rules that were scored.
type ProcedureRate struct {
	Procedure string
	Sessions  int // sessions that scored one of its rules
	Failed    int
	Drills    int
	Rules     int // rules tagged with it, across the drills
}

// Rate is the share of sessions that did not follow it, as a percentage.
func (p ProcedureRate) Rate() float64 { return percent(p.Failed, p.Sessions) }

// procedureRates ranks the tagged procedures, the least followed first.
// Each drill's rules are mapped to their procedures once; a session's
// procedures are marked in a slice reused from session to session.
func procedureRates(all []*drillroom.ScoredSession, rubrics map[string]rubric) []ProcedureRate {
	var out []ProcedureRate
	index := map[string]int{}
	var drills []map[string]bool // per procedure: the drills with a rule of it scored
	var rules []int              // per procedure: the rules of it scored
	type tag struct {
		k    int  // the procedure's index
		seen bool // scored in a session: counted in the procedure's rules
	}
	byDrill := map[string]map[string]*tag{} // drill -> rule id -> its procedure, for tagged rules
	of := func(id string) map[string]*tag {
		if m, ok := byDrill[id]; ok {
			return m
		}
		m := map[string]*tag{}
		for rid, info := range rubrics[id].rules {
			if info.Procedure == "" {
				continue
			}
			k, ok := index[info.Procedure]
			if !ok {
				k = len(out)
				index[info.Procedure] = k
				out = append(out, ProcedureRate{Procedure: info.Procedure})
				drills, rules = append(drills, map[string]bool{}), append(rules, 0)
			}
			m[rid] = &tag{k: k}
		}
		byDrill[id] = m
		return m
	}
	const scored, failed = 1, 2
	var state []uint8
	var touched []int
	for i := range all {
		x := all[i]
		tags := of(x.ScenarioID)
		if len(tags) == 0 {
			continue
		}
		if len(state) < len(out) {
			state = append(state, make([]uint8, len(out)-len(state))...)
		}
		touched = touched[:0]
		for _, m := range x.Rules {
			t, ok := tags[m.RuleID]
			if !ok || !m.Scored() {
				continue
			}
			k := t.k
			if state[k] == 0 {
				touched = append(touched, k)
			}
			state[k] |= scored
			if m.Failed() {
				state[k] |= failed
			}
			if !t.seen {
				t.seen = true
				rules[k]++
				drills[k][x.ScenarioID] = true
			}
		}
		for _, k := range touched {
			out[k].Sessions++
			if state[k]&failed != 0 {
				out[k].Failed++
			}
			state[k] = 0
		}
	}
	kept := out[:0]
	for k, p := range out {
		if p.Sessions == 0 {
			continue // tagged, but never scored in these sessions
		}
		p.Drills, p.Rules = len(drills[k]), rules[k]
		kept = append(kept, p)
	}
	sortByRate(kept, func(p ProcedureRate) string { return p.Procedure })
	return kept
}

// sortByRate orders rates the highest first, equal rates by name.
func sortByRate[T interface{ Rate() float64 }](out []T, name func(T) string) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rate() != out[j].Rate() {
			return out[i].Rate() > out[j].Rate()
		}
		return name(out[i]) < name(out[j])
	})
}

// heatmap lays out one drill's rules (the most failed first) against its
// trainees (by name), from the sessions, oldest first.
func heatmap(scenarioID string, all []*drillroom.ScoredSession, names map[int64]string, rubrics map[string]rubric) *Heatmap {
	h := &Heatmap{ScenarioID: scenarioID, Rules: ruleRates(all, scenarioID, rubrics)}
	seen := map[int64]bool{}
	for _, x := range all {
		if x.ScenarioID == scenarioID && !seen[x.UserID] {
			seen[x.UserID] = true
			h.Trainees = append(h.Trainees, Trainee{ID: x.UserID, Name: nameOf(names, x.UserID)})
		}
	}
	sort.Slice(h.Trainees, func(i, j int) bool {
		if h.Trainees[i].Name != h.Trainees[j].Name {
			return h.Trainees[i].Name < h.Trainees[j].Name
		}
		return h.Trainees[i].ID < h.Trainees[j].ID
	})
	col := make(map[int64]int, len(h.Trainees))
	for i, t := range h.Trainees {
		col[t.ID] = i
	}
	row := make(map[string]int, len(h.Rules))
	for i, r := range h.Rules {
		row[r.RuleID] = i
	}
	h.Cells = make([][]Cell, len(h.Rules))
	for i := range h.Cells {
		h.Cells[i] = make([]Cell, len(h.Trainees))
	}
	for _, x := range all { // oldest first: the last one seen is the newest
		if x.ScenarioID != scenarioID {
			continue
		}
		for _, m := range x.Rules {
			if !m.Scored() {
				continue
			}
			c := &h.Cells[row[m.RuleID]][col[x.UserID]]
			c.Scored++
			c.Last = x.SessionID
			if m.Failed() {
				c.Failed++
				c.LastFailed = x.SessionID
			}
		}
	}
	return h
}

func progress(scenarioID string, all []*drillroom.ScoredSession, names map[int64]string) []Progress {
	by := map[int64]*Progress{}
	var order []int64
	for _, x := range all { // oldest first
		if x.ScenarioID != scenarioID {
			continue
		}
		p := by[x.UserID]
		if p == nil {
			p = &Progress{Trainee: Trainee{ID: x.UserID, Name: nameOf(names, x.UserID)}, ScenarioID: scenarioID}
			by[x.UserID] = p
			order = append(order, x.UserID)
		}
		p.Attempts = append(p.Attempts, Attempt{SessionID: x.SessionID, At: x.CreatedAt, Total: x.Total, Passed: x.Passed, Band: x.Band})
	}
	out := make([]Progress, 0, len(order))
	for _, id := range order {
		out = append(out, *by[id])
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Trainee.Name != out[j].Trainee.Name {
			return out[i].Trainee.Name < out[j].Trainee.Name
		}
		return out[i].Trainee.ID < out[j].Trainee.ID
	})
	return out
}

// trends buckets the sessions by day, week or month, whichever gives at
// most 60 points over the span of the data.
func trends(all []*drillroom.ScoredSession) ([]TrendPoint, string) {
	if len(all) == 0 {
		return nil, "day"
	}
	first, last := all[0].CreatedAt, all[len(all)-1].CreatedAt
	span := last.Sub(first)
	period := "day"
	bucket := func(t time.Time) time.Time { y, m, d := t.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	switch {
	case span > 60*7*24*time.Hour:
		period = "month"
		bucket = func(t time.Time) time.Time { y, m, _ := t.Date(); return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	case span > 60*24*time.Hour:
		period = "week"
		bucket = func(t time.Time) time.Time {
			y, m, d := t.Date()
			day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // Monday
		}
	}
	// The KPIs are summed in arrays in the order of KPIKeys (a map per
	// period cost a hash of each key for each session).
	type acc struct {
		n, passed int
		score     float64
		sum       [8]float64
		cnt       [8]int
	}
	var points []TrendPoint
	var cur *acc
	var curFrom time.Time
	flush := func() {
		if cur == nil {
			return
		}
		p := TrendPoint{From: curFrom, Sessions: cur.n, Score: round2(cur.score / float64(cur.n)), PassRate: percent(cur.passed, cur.n), KPIs: map[string]float64{}}
		for i, k := range KPIKeys {
			if cur.cnt[i] > 0 {
				p.KPIs[k] = round2(cur.sum[i] / float64(cur.cnt[i]))
			}
		}
		points = append(points, p)
	}
	for _, x := range all {
		b := bucket(x.CreatedAt.UTC())
		if cur == nil || !b.Equal(curFrom) {
			flush()
			cur, curFrom = &acc{}, b
		}
		cur.n++
		cur.score += x.Total
		if x.Passed {
			cur.passed++
		}
		add := func(i int, v float64) {
			if v >= 0 {
				cur.sum[i] += v
				cur.cnt[i]++
			}
		}
		k := x.KPIs
		fcr := 0.0
		if k.FirstContactResolution {
			fcr = 100
		}
		add(0, k.HandlingTime)
		add(1, k.HoldTime)
		add(2, k.WrapUp)
		add(3, fcr)
		if k.CSAT > 0 {
			add(4, float64(k.CSAT))
		}
		add(5, k.TimeToClassify)
		add(6, k.TimeToFirstEscalation)
		add(7, k.LongestSilence)
	}
	flush()
	return points, period
}

func nameOf(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return fmt.Sprintf("trainee %d", id)
}

func percent(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round2(float64(a) * 100 / float64(b))
}

func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}
