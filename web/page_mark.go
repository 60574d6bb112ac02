package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// markingView is what the debrief shows of the coaches' marking: the
// automatic score beside the official one, each rule's mark in force, the
// whole history (who, when, old and new, why), and, for staff, the marks
// a re-scoring flagged and the forms to mark.
type markingView struct {
	AutoTotal  float64
	AutoBand   string
	AutoPassed bool
	Changed    bool                // the official score differs from the automatic one
	Current    map[string]*markRow // by rule id; nil when no mark is in force
	History    []markRow           // oldest first
	Flags      []markFlagRow       // shown to staff only
	CanMark    bool                // the viewer may mark (a coach or trainer of the cohort)
	Titles     map[string]string   // rule titles by id
	Order      []string            // rule ids in the scorecard's order
	Maxes      map[string]float64  // rule max points by id
}

type markRow struct {
	RuleID  string
	Rule    string // its title
	Kind    drillroom.MarkKind
	Outcome string
	Points  float64
	Old     string
	OldPts  float64
	Reason  string
	By      string
	Actor   drillroom.Actor
	At      string
}

type markFlagRow struct {
	Rule    string
	By      string
	Applied bool
	Why     string
}

func newMarkingView(mk *training.Marking, viewer drillroom.User) *markingView {
	v := &markingView{AutoTotal: mk.Auto.Total, AutoBand: mk.Auto.BandTitle, AutoPassed: mk.Auto.Passed,
		Changed: mk.Auto.Total != mk.Official.Total || mk.Auto.Passed != mk.Official.Passed || mk.Auto.Band != mk.Official.Band,
		Current: map[string]*markRow{}, CanMark: viewer.Staff(), Titles: map[string]string{}, Maxes: map[string]float64{}}
	for _, sec := range mk.Official.Sections {
		for _, r := range sec.Rules {
			v.Titles[r.ID], v.Maxes[r.ID] = r.Title, r.Max
			v.Order = append(v.Order, r.ID)
		}
	}
	row := func(m drillroom.Mark) markRow {
		title := v.Titles[m.RuleID]
		if title == "" {
			title = m.RuleID
		}
		return markRow{RuleID: m.RuleID, Rule: title, Kind: m.Kind, Outcome: m.Outcome, Points: m.Points, Old: m.OldOutcome, OldPts: m.OldPoints,
			Reason: m.Reason, By: m.By, Actor: m.Actor, At: m.At.UTC().Format("2 Jan 2006 15:04 UTC")}
	}
	for _, m := range mk.History {
		v.History = append(v.History, row(m))
	}
	for id, m := range mk.Current {
		r := row(m)
		v.Current[id] = &r
	}
	if viewer.Staff() {
		for _, f := range mk.Flags {
			r := row(f.Mark)
			v.Flags = append(v.Flags, markFlagRow{Rule: r.Rule, By: r.By, Applied: f.Applied, Why: f.Why})
		}
	}
	return v
}

// mark takes a coach's mark on one rule of a session's scorecard
// (training.Service.MarkRule): a manual score, an override or a withdrawal,
// with a reason.
func (u *ui) mark(w http.ResponseWriter, r *http.Request) {
	u.sessionPost(w, r, func(user drillroom.User, x drillroom.Session) (string, error) {
		var err error
		in := training.MarkInput{
			RuleID:   r.PostForm.Get("rule"),
			Outcome:  r.PostForm.Get("outcome"),
			Withdraw: r.PostForm.Get("withdraw") != "",
			Reason:   r.PostForm.Get("reason"),
		}
		if p := strings.TrimSpace(r.PostForm.Get("points")); p != "" && in.Outcome == "partial" {
			if in.Points, err = strconv.ParseFloat(p, 64); err != nil {
				return "", drillroom.Errorf(drillroom.CodeInvalid, "Points must be a number.")
			}
		}
		_, err = u.svc.MarkRule(r.Context(), user, x, in)
		return "/sessions/" + x.ID + "/debrief?marked=1#rule-" + url.PathEscape(in.RuleID), err
	})
}
