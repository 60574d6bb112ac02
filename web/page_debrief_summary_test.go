package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// TestDebriefSummaryFirst: the debrief opens with a summary a coach can
// teach from (the result, the rules that mattered most with their
// evidence, what to practise next, the key measures), then the sections,
// which fold; the session's trainee gets "try again" and "next drill",
// a coach reading it does not.
func TestDebriefSummaryFirst(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	ctx := context.Background()
	ann := a.user("ann")
	if err := a.store.Assign(ctx, ann.ID, a.sc.ID, drillroom.ModePractice); err != nil {
		t.Fatal(err)
	}
	id := a.playedCall("ann")

	page := debriefText(t, a, "ann", id)
	order := []string{`id="debrief-nav"`, `id="score"`, `id="focus"`, `id="practise"`, `id="next-steps"`, `id="scorecard"`, `id="measures"`, `id="mood"`, `id="timeline-sec"`, `id="review"`}
	at := -1
	for _, want := range order {
		i := strings.Index(page, want)
		if i < 0 {
			t.Fatalf("the debrief has no %s", want)
		}
		if i < at {
			t.Errorf("%s comes before what precedes it in %v", want, order)
		}
		at = i
	}
	focus := page[strings.Index(page, `id="focus"`):strings.Index(page, `id="practise"`)]
	// A call that gave no safety advice, sent nobody and said one line:
	// the critical rules come first, each with its feedback and evidence.
	if n := strings.Count(focus, `class="focus-item"`); n < 1 || n > maxFocus {
		t.Errorf("%d rules in what mattered most, want 1 to %d", n, maxFocus)
	}
	if !strings.Contains(focus, "critical") || !strings.Contains(focus, `href="#ev-`) {
		t.Errorf("what mattered most lacks a critical rule with evidence: %s", focus)
	}
	// The points stand beside a 0% total: the summary says why.
	body, err := a.store.Scorecard(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	card := new(scoring.Scorecard)
	if err := json.Unmarshal(body, card); err != nil {
		t.Fatal(err)
	}
	if !card.DrillFailed() || card.Points <= 0 || card.Total != 0 {
		t.Fatalf("the played call: drill failed %v, %v points, total %v; want a failed drill with points", card.DrillFailed(), card.Points, card.Total)
	}
	if !strings.Contains(page, ", but a failed critical rule sets the total to 0</span>") {
		t.Errorf("the summary of a failed drill does not say why its points make 0%%")
	}
	for _, want := range []string{
		`action="/drills/` + a.sc.ID + `/start"`, `id="retry-drill"`, `Try this drill again in practice`,
		`<details class="card fold" id="scorecard" open>`,
		"silence over 1:00 (the standard of “No silence over a minute”)",
		`src="/static/debrief.js"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the trainee's debrief lacks %q", want)
		}
	}
	coach := getPage(t, a, "cat", "/sessions/"+id+"/debrief")
	if strings.Contains(coach, `id="retry-drill"`) || strings.Contains(coach, `id="next-drill"`) {
		t.Errorf("a coach's debrief offers to start the trainee's drill")
	}
	if !strings.Contains(coach, `id="focus"`) {
		t.Errorf("a coach's debrief has no summary")
	}
}

// TestDebriefShowsAbsences: an assessment's pauses for the trainee's
// absence, and the moment its disconnect budget ran out, are on the
// summary for the coach.
func TestDebriefShowsAbsences(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	id := a.sessionIn("ann", drillroom.ModeAssessment, 60)
	tom := a.join("tom", id)
	ann := a.join("ann", id)
	ann.ack("hello", sayHello)
	ann.c.NetConn().Close()
	tom.until(func(m serverMessage) bool {
		return m.Type == msgEvent && m.Event.Type == simulator.EvResume && m.Event.Reason == runner.ReasonBudgetSpent
	})
	back := a.join("ann", id)
	back.closeCall()

	away := debriefAbsences(t, a, "cat", id)
	for _, want := range []string{
		"The clock stopped: you were disconnected (0:00 of the 2:00 allowed away used)",
		"The clock runs on without you: the 2:00 an assessment may stand still while you are away is used up",
	} {
		if !strings.Contains(away, want) {
			t.Errorf("the absences %q lack %q", away, want)
		}
	}
}

// TestSilenceStandard: the chart and the timeline mark silence at the
// rubric's own standard: the first rule that checks the longest silence,
// with a policy value or seconds, else the policy's max_silence.
func TestSilenceStandard(t *testing.T) {
	pol := &scenarios.Policy{Cadence: scenarios.Cadence{MaxSilence: 60000, WaitingUpdate: 120000}}
	rubric := func(check string) scenarios.Rubric {
		return scenarios.Rubric{Sections: []scenarios.Section{{Rules: []scenarios.Rule{
			{Title: "Classified", Check: scenarios.Expr{Src: `classified("fire")`}},
			{Title: "No long silence", Check: scenarios.Expr{Src: check}},
		}}}}
	}
	for _, tc := range []struct {
		check string
		limit int64
		rule  string
	}{
		{"longest_silence() <= 120", 120000, "No long silence"},
		{"longest_silence() <= policy.waiting_update", 120000, "No long silence"},
		{`longest_gap("call") < 90.5`, 90500, "No long silence"},
		{"longest_silence() <= policy.max_silence", 60000, "No long silence"},
		{"first_response() <= 15", 60000, ""},
	} {
		sc := &scenarios.Scenario{Resolved: pol, Rubric: rubric(tc.check)}
		if limit, rule := silenceStandard(sc); limit != tc.limit || rule != tc.rule {
			t.Errorf("%s: standard %d (%q), want %d (%q)", tc.check, limit, rule, tc.limit, tc.rule)
		}
	}
	if limit, _ := silenceStandard(&scenarios.Scenario{}); limit != 60000 {
		t.Errorf("no policy: standard %d, want a minute", limit)
	}
}
