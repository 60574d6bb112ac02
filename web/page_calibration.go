package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// calibrationSection is the debrief's calibration box for staff: the
// rounds on the session they lead or mark, and the form to start one.
type calibrationSection struct {
	Rounds     []roundLink
	Candidates []option
}

type roundLink struct {
	ID        int64
	Lead      string
	Markers   int
	Published bool
}

func (u *ui) calibrationSection(r *http.Request, user drillroom.User, x drillroom.Session) *calibrationSection {
	ctx := r.Context()
	rounds, err := u.svc.SessionRounds(ctx, user, x)
	if err != nil {
		u.log.Error("debrief: calibration rounds", "session", x.ID, "err", err)
		return nil
	}
	cands, err := u.svc.Candidates(ctx, user, x)
	if err != nil {
		return nil // a live session, or one the user may not mark
	}
	c := &calibrationSection{}
	for _, rd := range rounds {
		c.Rounds = append(c.Rounds, roundLink{ID: rd.ID, Lead: rd.Lead, Markers: len(rd.Members), Published: rd.Published()})
	}
	for _, m := range cands {
		c.Candidates = append(c.Candidates, option{strconv.FormatInt(m.ID, 10), m.DisplayName})
	}
	return c
}

// startRound opens a calibration round on a session (training.Service.StartRound).
func (u *ui) startRound(w http.ResponseWriter, r *http.Request) {
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	var members []int64
	for _, v := range r.PostForm["member"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			u.fail(w, r, drillroom.Errorf(drillroom.CodeInvalid, "Choose the markers from the list."))
			return
		}
		members = append(members, id)
	}
	rd, err := u.svc.StartRound(r.Context(), user, x, members)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/calibration/%d", rd.ID), http.StatusSeeOther)
}

type calibrationPage struct {
	*training.RoundView
	Title   string
	Trainee string
	Rules   []calRule
	Members []calMember
	Kappa   string // the overall figures, formatted
	// MeanPair is the mean of the pairs' Cohen's kappas, formatted ("" when none).
	MeanPair string
	Pairs    []calPair // every two markers, then each marker against the automatic score
}

// calPair is one row of the report's agreement between markers.
type calPair struct {
	A, B      string // B is "the automatic score" for a marker against it
	Auto      bool
	Rules     int
	Agreement string
	Kappa     string
}

func pairRow(p training.PairAgreement) calPair {
	row := calPair{A: p.AName, B: p.BName, Auto: p.Automatic(), Rules: p.Kappa.Items, Agreement: formatPercent(p.Kappa.Observed * 100), Kappa: kappaText(p.Kappa)}
	if row.Auto {
		row.B = "the automatic score"
	}
	return row
}

// kappaText is a kappa to two places, or why there is none.
func kappaText(k training.Kappa) string {
	if !k.Defined {
		return "undefined (every mark in one category)"
	}
	return fmt.Sprintf("%.2f", k.Kappa)
}

type calRule struct {
	ID, Title string
	Manual    bool
	Max       float64
	Mine      string
	MinePts   float64
	Auto      string
	Official  string
	Outcomes  []string // per member, in Members' order ("" when not marked)
	Agreement string
	Compared  bool
}

type calMember struct {
	ID       int64
	Name     string
	Marked   int
	WithAuto string
	WithOff  string
	// Deviation is the mean absolute difference in points from the
	// official marking, per rule compared ("" when none).
	Deviation string
}

func ratio(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%d of %d (%s)", a, b, formatPercent(float64(a)/float64(b)*100))
}

// calibration shows a round: the blind form to its markers, progress to
// its lead, and once published every marking with the agreement report.
func (u *ui) calibration(w http.ResponseWriter, r *http.Request) {
	v, _, ok := pageByID(u, w, r, "round", u.svc.ViewRound)
	if !ok {
		return
	}
	p := calibrationPage{RoundView: v, Trainee: u.displayName(r.Context(), v.Session.UserID), Title: v.Session.ScenarioID}
	if sv, err := u.store.ScenarioVersion(r.Context(), v.Session.ScenarioID, v.Session.Version); err == nil {
		p.Title = sv.Title
	}
	for _, m := range v.Round.Members {
		cm := calMember{ID: m, Name: v.Names[m], Marked: v.Progress[m]}
		if v.Report != nil {
			for _, c := range v.Report.Coaches {
				if c.UserID == m {
					cm.WithAuto, cm.WithOff = ratio(c.WithAuto, c.AutoCompared), ratio(c.WithOfficial, c.OffCompared)
					if c.OffCompared > 0 {
						cm.Deviation = strconv.FormatFloat(math.Round(c.Deviation*100)/100, 'f', -1, 64)
					}
				}
			}
		}
		p.Members = append(p.Members, cm)
	}
	agreement := map[string]training.RuleAgreement{}
	if v.Report != nil {
		for _, ra := range v.Report.Rules {
			agreement[ra.RuleID] = ra
		}
		if v.Report.HasKappa {
			k := v.Report.Overall
			p.Kappa = fmt.Sprintf("over %d rules marked by all %d markers: observed agreement %s, chance %s, ", k.Items, k.Raters,
				formatPercent(k.Observed*100), formatPercent(k.Chance*100))
			p.Kappa += "Fleiss' kappa " + kappaText(k)
		}
		if v.Report.HasMeanPair {
			p.MeanPair = fmt.Sprintf("%.2f", v.Report.MeanPairKappa)
		}
		for _, pa := range v.Report.Pairs {
			p.Pairs = append(p.Pairs, pairRow(pa))
		}
		for _, pa := range v.Report.WithAuto {
			p.Pairs = append(p.Pairs, pairRow(pa))
		}
	}
	for _, sec := range v.Official.Sections {
		for _, rule := range sec.Rules {
			cr := calRule{ID: rule.ID, Title: rule.Title, Manual: rule.Manual, Max: rule.Max, Official: rule.Outcome}
			if a, ok := v.Auto.Rule(rule.ID); ok && !a.Manual {
				cr.Auto = a.Outcome
			}
			if m, ok := v.Mine[rule.ID]; ok {
				cr.Mine, cr.MinePts = m.Outcome, m.Points
			}
			if ra, ok := agreement[rule.ID]; ok {
				for _, m := range v.Round.Members {
					cr.Outcomes = append(cr.Outcomes, ra.Outcomes[m])
				}
				cr.Compared = ra.Compared
				if ra.Compared {
					cr.Agreement = formatPercent(ra.Agreement * 100)
				}
			}
			p.Rules = append(p.Rules, cr)
		}
	}
	flash := ""
	switch r.URL.Query().Get("done") {
	case "marks":
		flash = "Your marks are saved. Nobody sees them until the lead publishes the round."
	case "published":
		flash = "The round is published: everyone in it sees every marking and the agreement."
	}
	render(w, r, u.log, http.StatusOK, "calibration", view{Title: "Calibration", Flash: flash, Data: p})
}

// markRound takes a marker's blind marks (training.Service.MarkRound):
// outcome-RULE and points-RULE for every rule given an outcome.
func (u *ui) markRound(w http.ResponseWriter, r *http.Request) {
	u.roundForm(w, r, "", u.svc.MarkRound, "marks")
}

// publishRound ends a round's blind marking with the lead's official
// marking, official-outcome-RULE and official-points-RULE for the rules
// given one (training.Service.PublishRound).
func (u *ui) publishRound(w http.ResponseWriter, r *http.Request) {
	u.roundForm(w, r, "official-", u.svc.PublishRound, "published")
}

// roundForm reads a round form's marks (roundMarks, with prefix), gives
// them to do, and returns to the round saying done.
func (u *ui) roundForm(w http.ResponseWriter, r *http.Request, prefix string,
	do func(context.Context, drillroom.User, int64, []training.MarkInput) error, done string) {
	user, _ := userFrom(r.Context())
	id, ok := u.pageID(w, r, "round")
	if !ok {
		return
	}
	marks, err := roundMarks(r, prefix)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if err := do(r.Context(), user, id, marks); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/calibration/%d?done=%s", id, done), http.StatusSeeOther)
}

// roundMarks reads the marks of a round form: for every rule named, the
// fields prefix+"outcome-RULE" and, for a partial, prefix+"points-RULE";
// a rule left blank is left out.
func roundMarks(r *http.Request, prefix string) ([]training.MarkInput, error) {
	var marks []training.MarkInput
	for _, rule := range r.PostForm["rule"] {
		out := r.PostForm.Get(prefix + "outcome-" + rule)
		if out == "" {
			continue
		}
		in := training.MarkInput{RuleID: rule, Outcome: out, Reason: r.PostForm.Get("reason")}
		if p := r.PostForm.Get(prefix + "points-" + rule); p != "" && out == "partial" {
			var err error
			if in.Points, err = strconv.ParseFloat(p, 64); err != nil {
				return nil, drillroom.Errorf(drillroom.CodeInvalid, "Points must be a number.")
			}
		}
		marks = append(marks, in)
	}
	return marks, nil
}

// trendRow is one marker of the calibration trend page.
type trendRow struct {
	Name      string
	Rounds    []trendCell
	Agreement string // with the official marking, over every round
	Deviation string // mean points off a rule, over every round
}

type trendCell struct {
	RoundID   int64
	At        string
	Agreement string
	Deviation string
}

// calibrationTrend shows each marker's agreement with the official
// marking and deviation from it across the published rounds the viewer
// leads or marks (training.Service.CalibrationTrend).
func (u *ui) calibrationTrend(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	trend, err := u.svc.CalibrationTrend(r.Context(), user)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	dev := func(d float64) string { return strconv.FormatFloat(math.Round(d*100)/100, 'f', -1, 64) }
	var rows []trendRow
	for _, ct := range trend {
		row := trendRow{Name: ct.Name, Agreement: ratio(ct.WithOfficial, ct.Compared), Deviation: "–"}
		if ct.Compared > 0 {
			row.Deviation = dev(ct.Deviation)
		}
		for _, p := range ct.Points {
			c := trendCell{RoundID: p.RoundID, At: p.At.UTC().Format("2 Jan 2006"), Agreement: ratio(p.WithOfficial, p.Compared), Deviation: "–"}
			if p.Compared > 0 {
				c.Deviation = dev(p.Deviation)
			}
			row.Rounds = append(row.Rounds, c)
		}
		rows = append(rows, row)
	}
	render(w, r, u.log, http.StatusOK, "calibration_trend", view{Title: "Calibration trend", Data: rows})
}
