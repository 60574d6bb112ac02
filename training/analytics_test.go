package training

import (
	"fmt"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func scored(id string, user int64, drill string, day int, passed bool, marks ...string) *drillroom.ScoredSession {
	x := &drillroom.ScoredSession{SessionID: id, UserID: user, ScenarioID: drill, Version: 1, Passed: passed, Band: "b",
		CreatedAt: time.Date(2026, 3, 1+day, 10, 0, 0, 0, time.UTC)}
	if passed {
		x.Total = 90
	}
	for i := 0; i+1 < len(marks); i += 2 {
		x.Rules = append(x.Rules, drillroom.RuleMark{RuleID: marks[i], Outcome: marks[i+1]})
	}
	return x
}

// TestAnalyticsFigures: failure rates count fail and error over scored
// rules; a procedure is not followed in a session that failed any of its
// rules, across drills; a classic mistake is made when any of its rules
// failed; a heatmap cell links the newest failing session.
func TestAnalyticsFigures(t *testing.T) {
	all := []*drillroom.ScoredSession{
		scored("s1", 1, "gas", 0, false, "updates", "fail", "advice", "pass", "record", "na"),
		scored("s2", 1, "gas", 1, true, "updates", "pass", "advice", "pass", "record", "pass"),
		scored("s3", 2, "gas", 2, false, "updates", "error", "advice", "fail", "record", "pending"),
		scored("s4", 2, "gas", 3, false, "updates", "fail", "advice", "pass", "record", "pass"),
		scored("s5", 1, "outage", 4, true, "eta", "pass", "log", "fail"),
	}
	rubrics := map[string]rubric{
		"gas": {rules: map[string]ruleInfo{
			"updates": {Title: "Updates while waiting", Procedure: "keep-informed"},
			"advice":  {Title: "Safety advice"},
			"record":  {Title: "Record", Procedure: "record-fully"},
		}, mistakes: map[string][]string{"uninformed": {"updates"}, "incomplete_record": {"record"}, "over_escalation": {}}},
		"outage": {rules: map[string]ruleInfo{
			"eta": {Title: "ETA given", Procedure: "keep-informed"},
			"log": {Title: "Logged", Procedure: "record-fully"},
		}},
	}
	var got []string
	for _, r := range ruleRates(all, "", rubrics) {
		got = append(got, fmt.Sprintf("%s/%s %d/%d t%d", r.ScenarioID, r.RuleID, r.Failed, r.Scored, r.Trainees))
	}
	want := "[outage/log 1/1 t1 gas/updates 3/4 t2 gas/advice 1/4 t2 gas/record 0/2 t2 outage/eta 0/1 t1]"
	if fmt.Sprint(got) != want {
		t.Errorf("rule rates:\ngot  %v\nwant %s", got, want)
	}

	got = nil
	for _, p := range procedureRates(all, rubrics) {
		got = append(got, fmt.Sprintf("%s %d/%d drills=%d rules=%d", p.Procedure, p.Failed, p.Sessions, p.Drills, p.Rules))
	}
	want = "[keep-informed 3/5 drills=2 rules=2 record-fully 1/3 drills=2 rules=2]"
	if fmt.Sprint(got) != want {
		t.Errorf("procedure rates:\ngot  %v\nwant %s", got, want)
	}

	got = nil
	for _, m := range mistakeRates(all, rubrics) {
		got = append(got, fmt.Sprintf("%s %d/%d", m.Mistake, m.Made, m.Sessions))
	}
	want = "[uninformed 3/4 incomplete_record 0/4]"
	if fmt.Sprint(got) != want {
		t.Errorf("mistake rates:\ngot  %v\nwant %s", got, want)
	}

	h := heatmap("gas", all, map[int64]string{1: "Ann", 2: "Bob"}, rubrics)
	if len(h.Trainees) != 2 || h.Trainees[0].Name != "Ann" || h.Rules[0].RuleID != "updates" {
		t.Fatalf("heatmap trainees %v, rules %v: want Ann and Bob, updates first", h.Trainees, h.Rules)
	}
	if c := h.Cells[0][0]; c.Failed != 1 || c.Scored != 2 || c.LastFailed != "s1" || c.Last != "s2" {
		t.Errorf("Ann's updates cell %+v, want 1 of 2 failed, newest failing s1, newest s2", c)
	}
	if c := h.Cells[0][1]; c.Failed != 2 || c.LastFailed != "s4" {
		t.Errorf("Bob's updates cell %+v, want 2 failed, newest failing s4", c)
	}

	v2 := scored("s6", 2, "gas", 5, true, "updates", "pass", "advice", "pass", "record", "pass")
	v2.Version = 2
	vs := versionSummaries("gas", append(all, v2), rubrics)
	if len(vs) != 2 || vs[0].Sessions != 4 || vs[0].Rules["updates"].Failed != 3 || vs[1].Sessions != 1 || vs[1].PassRate() != 100 || vs[1].Rules["updates"].Failed != 0 {
		t.Errorf("versions %+v: want v1 (4 sessions, updates failed 3) before v2 (1 session, passed)", vs)
	}

	points, period := trends(all)
	if period != "day" || len(points) != 5 || points[1].PassRate != 100 || points[0].PassRate != 0 {
		t.Errorf("trends %s %+v: want 5 days, the second all passed", period, points)
	}
	pr := progress("gas", all, map[int64]string{1: "Ann", 2: "Bob"})
	if len(pr) != 2 || len(pr[0].Attempts) != 2 || pr[0].Attempts[0].SessionID != "s1" {
		t.Errorf("progress %+v: want Ann's two attempts, oldest first", pr)
	}
}
