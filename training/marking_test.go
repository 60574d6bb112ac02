package training_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// endedSession plays ann's practice drill to a close and returns the ended
// session, scored by the runner.
func (f *fixture) endedSession(t *testing.T) drillroom.Session {
	t.Helper()
	ctx := context.Background()
	x, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModePractice)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := f.svc.Act(ctx, f.ann, x, "close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}); err != nil || !res.Applied() {
		t.Fatalf("close: %+v, %v", res, err)
	}
	if x, err = f.st.Session(ctx, x.ID); err != nil || x.State != drillroom.StateEnded {
		t.Fatalf("after close: %+v, %v; want ended", x, err)
	}
	if _, err := f.svc.StoredScorecard(ctx, x.ID); err != nil {
		t.Fatalf("no scorecard stored when the call ended: %v", err)
	}
	return x
}

func TestMarkRule(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	live, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModePractice)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.MarkRule(ctx, f.carol, live, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "x"})
	wantCode(t, "mark a live call", err, drillroom.CodeConflict)
	x := f.endedSession(t)
	auto, err := f.svc.StoredScorecard(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(auto.Pending) != 1 || auto.Pending[0] != "review-quality" {
		t.Fatalf("automatic card pending %v, want the manual review-quality", auto.Pending)
	}
	silence, _ := auto.Rule("longest-silence")

	refusals := []struct {
		name string
		user drillroom.User
		in   training.MarkInput
		code drillroom.Code
	}{
		{"the trainee marks her own session", f.ann, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "x"}, drillroom.CodeForbidden},
		{"a trainee of another cohort", f.bob, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "x"}, drillroom.CodeForbidden},
		{"a trainer of another cohort", f.vic, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "x"}, drillroom.CodeNotFound},
		{"no reason", f.carol, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "  "}, drillroom.CodeInvalid},
		{"unknown rule", f.carol, training.MarkInput{RuleID: "nope", Outcome: "pass", Reason: "x"}, drillroom.CodeInvalid},
		{"unknown outcome", f.carol, training.MarkInput{RuleID: "review-quality", Outcome: "pending", Reason: "x"}, drillroom.CodeInvalid},
		{"partly met with full points", f.carol, training.MarkInput{RuleID: "review-quality", Outcome: "partial", Points: 10, Reason: "x"}, drillroom.CodeInvalid},
		{"withdraw what was never marked", f.carol, training.MarkInput{RuleID: "review-quality", Withdraw: true, Reason: "x"}, drillroom.CodeConflict},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.MarkRule(ctx, tc.user, x, tc.in)
			wantCode(t, tc.name, err, tc.code)
		})
	}
	if marks, _ := f.st.Marks(ctx, x.ID); len(marks) != 0 {
		t.Fatalf("refused marks were stored: %+v", marks)
	}

	m1, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "partial", Points: 6, Reason: "Named one lesson, not what was late."})
	if err != nil {
		t.Fatal(err)
	}
	if m1.Kind != drillroom.MarkManual || m1.Actor != drillroom.ActorCoach || m1.By != "carol" || m1.OldOutcome != scoring.Pending || m1.Points != 6 {
		t.Errorf("manual mark %+v: want a manual mark by the coach carol over pending, 6 points", m1)
	}
	m2, err := f.svc.MarkRule(ctx, f.trent, x, training.MarkInput{RuleID: "longest-silence", Outcome: flip(silence.Outcome), Reason: "The timeline shows otherwise."})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Kind != drillroom.MarkOverride || m2.Actor != drillroom.ActorTrainer || m2.OldOutcome != silence.Outcome || m2.OldPoints != silence.Points {
		t.Errorf("override %+v: want an override by the trainer over %s %v", m2, silence.Outcome, silence.Points)
	}

	mk, err := f.svc.OfficialScorecard(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	rq, _ := mk.Official.Rule("review-quality")
	ls, _ := mk.Official.Rule("longest-silence")
	if rq.Outcome != scoring.Partial || rq.Points != 6 || rq.Feedback != "Named one lesson, not what was late." || len(mk.Official.Pending) != 0 {
		t.Errorf("official review-quality %s %v %q, pending %v; want partial 6 with the coach's reason, none pending", rq.Outcome, rq.Points, rq.Feedback, mk.Official.Pending)
	}
	if ls.Outcome != flip(silence.Outcome) || ls.Auto == nil || ls.Auto.Outcome != silence.Outcome {
		t.Errorf("official longest-silence %s (auto %+v), want %s over the automatic %s", ls.Outcome, ls.Auto, flip(silence.Outcome), silence.Outcome)
	}
	if a, _ := mk.Auto.Rule("longest-silence"); a.Outcome != silence.Outcome {
		t.Errorf("the automatic card changed: %s", a.Outcome)
	}
	if mk.Official.Total == mk.Auto.Total && mk.Official.Possible == mk.Auto.Possible {
		t.Errorf("official total %v of %v equals the automatic one: the marks were not applied", mk.Official.Total, mk.Official.Possible)
	}
	if len(mk.History) != 2 || len(mk.Current) != 2 || len(mk.Flags) != 0 {
		t.Errorf("history %d, current %d, flags %+v; want 2, 2, none", len(mk.History), len(mk.Current), mk.Flags)
	}

	// Withdrawing the override gives the rule its automatic outcome back;
	// the history keeps all three.
	m3, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "longest-silence", Withdraw: true, Reason: "Checked again: the rule was right."})
	if err != nil {
		t.Fatal(err)
	}
	if m3.OldOutcome != flip(silence.Outcome) {
		t.Errorf("withdrawal's old outcome %s, want the override's %s", m3.OldOutcome, flip(silence.Outcome))
	}
	mk, _ = f.svc.OfficialScorecard(ctx, x)
	if ls, _ := mk.Official.Rule("longest-silence"); ls.Outcome != silence.Outcome || ls.Auto != nil || len(mk.History) != 3 || len(mk.Current) != 1 {
		t.Errorf("after withdrawal: %s (auto %+v), history %d, current %d; want the automatic %s, 3, 1", ls.Outcome, ls.Auto, len(mk.History), len(mk.Current), silence.Outcome)
	}
}

func flip(outcome string) string {
	if outcome == scoring.Pass {
		return scoring.Fail
	}
	return scoring.Pass
}

// markedSession is an ended session (endedSession) on which carol has
// marked three rules: review-quality passed, handover not applicable,
// no-unneeded failed. It returns the session and its stored automatic
// scorecard.
func (f *fixture) markedSession(t *testing.T) (drillroom.Session, *scoring.Scorecard) {
	t.Helper()
	x := f.endedSession(t)
	for _, in := range []training.MarkInput{
		{RuleID: "review-quality", Outcome: "pass", Reason: "Clear lessons."},
		{RuleID: "handover", Outcome: "na", Reason: "The engineer was already on site."},
		{RuleID: "no-unneeded", Outcome: "fail", Reason: "Police were not needed."},
	} {
		if _, err := f.svc.MarkRule(context.Background(), f.carol, x, in); err != nil {
			t.Fatal(err)
		}
	}
	auto, err := f.svc.StoredScorecard(context.Background(), x.ID)
	if err != nil {
		t.Fatal(err)
	}
	return x, auto
}

// rescored stores auto as session x's newest automatic scorecard (a
// re-scoring) and returns the official scorecard on it.
func (f *fixture) rescored(t *testing.T, x drillroom.Session, auto *scoring.Scorecard) *training.Marking {
	t.Helper()
	ctx := context.Background()
	body, _ := json.Marshal(auto)
	if err := f.st.PutScorecard(ctx, x.ID, auto.RubricHash, body, auto.RuleOutcomes()); err != nil {
		t.Fatal(err)
	}
	mk, err := f.svc.OfficialScorecard(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	return mk
}

// TestMarksSurviveRescoring: the runner (or a new rubric) stores a new
// automatic scorecard; the marks stay attached by rule id, those whose
// rule is unchanged are applied without a flag (TestRescoringFlagsChangedRules
// changes one), and a mark whose rule is gone is flagged and not applied.
func TestMarksSurviveRescoring(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x, auto := f.markedSession(t)
	// A re-scoring with a new rubric version: another hash, and the rule
	// no-unneeded dropped.
	auto.RubricHash = "sha256:new-rubric"
	for i := range auto.Sections {
		rules := auto.Sections[i].Rules[:0]
		for _, r := range auto.Sections[i].Rules {
			if r.ID != "no-unneeded" {
				rules = append(rules, r)
			}
		}
		auto.Sections[i].Rules = rules
	}
	mk := f.rescored(t, x, auto)
	if mk.Official.RubricHash != "sha256:new-rubric" {
		t.Fatalf("official card from rubric %s, want the re-scoring's", mk.Official.RubricHash)
	}
	if r, _ := mk.Official.Rule("review-quality"); r.Outcome != scoring.Pass || r.Points != r.Max {
		t.Errorf("review-quality after re-scoring: %s %v, want the coach's pass", r.Outcome, r.Points)
	}
	if r, _ := mk.Official.Rule("handover"); r.Outcome != scoring.NA {
		t.Errorf("handover after re-scoring: %s, want the coach's na", r.Outcome)
	}
	flags := map[string]training.MarkFlag{}
	for _, fl := range mk.Flags {
		flags[fl.Mark.RuleID] = fl
	}
	if len(flags) != 1 || flags["no-unneeded"].Mark.RuleID == "" || flags["no-unneeded"].Applied {
		t.Errorf("flags %+v: want only no-unneeded, flagged and not applied (the others' rules did not change)", mk.Flags)
	}
	// A mark from before per-rule hashes falls back to the rubric's.
	marks, _ := f.st.Marks(ctx, x.ID)
	for i := range marks {
		marks[i].RuleHash = ""
	}
	if old := training.ApplyMarksForTest(auto, marks); len(old.Flags) != 3 {
		t.Errorf("marks without rule hashes: %d flags, want all 3 (the rubric changed)", len(old.Flags))
	}
	// A rule hash computed otherwise (by an older drillroom) under the
	// same rubric hash: nothing the rule reads changed, no flag.
	for i := range marks {
		marks[i].RuleHash, marks[i].RubricHash = "older", auto.RubricHash
	}
	if same := training.ApplyMarksForTest(auto, marks); len(same.Flags) != 1 || same.Flags[0].Mark.RuleID != "no-unneeded" {
		t.Errorf("stale rule hashes under the same rubric: flags %+v; want only no-unneeded's (its rule is gone)", same.Flags)
	}
}

// TestRescoringFlagsChangedRules: re-scoring a session's log with a new
// version of the rubric keeps every mark by rule id and flags the marks of
// the rules the change touches only: a rule's own definition (no-unneeded's
// points), or what a rule reads outside itself (the truth's required
// handover, read by handover and no-unneeded); a change no marked rule
// reads (the policy's waiting cadence, the truth's impact) flags none. The
// others stay applied, unflagged.
func TestRescoringFlagsChangedRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(sc *scenarios.Scenario)
		flagged []string
	}{
		{"a rule's points", func(sc *scenarios.Scenario) { ruleOf(t, sc, "no-unneeded").Points = 8 }, []string{"no-unneeded"}},
		{"the truth's required handover", func(sc *scenarios.Scenario) {
			sc.Truth.Required = slices.Clone(sc.Truth.Required)
			sc.Truth.Required[0].Handover = []string{"location", "hazards", "access"}
		}, []string{"handover", "no-unneeded"}},
		{"the policy's waiting cadence", func(sc *scenarios.Scenario) {
			p := *sc.Resolved // shared with other drills: change a copy
			p.Cadence.WaitingUpdate += 30000
			sc.Resolved = &p
		}, nil},
		{"the truth's impact", func(sc *scenarios.Scenario) { sc.Truth.Impact = "medium" }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			x, before := f.markedSession(t)
			// Version 2 of the rubric, loaded afresh (the shared example
			// is not to be changed).
			v2 := scenariotest.Load(t, "../scenarios/examples/gas-smell-basic.drill.yaml")
			tc.change(v2)
			events, err := f.svc.Events(ctx, x)
			if err != nil {
				t.Fatal(err)
			}
			auto, err := scoring.Score(v2, events)
			if err != nil {
				t.Fatal(err)
			}
			if auto.RubricHash == before.RubricHash {
				t.Fatal("the changed rubric has the same hash")
			}
			mk := f.rescored(t, x, auto)
			if len(mk.Current) != 3 {
				t.Errorf("%d current marks after re-scoring, want the 3", len(mk.Current))
			}
			for id, want := range map[string]string{"review-quality": scoring.Pass, "handover": scoring.NA, "no-unneeded": scoring.Fail} {
				if r, _ := mk.Official.Rule(id); r.Outcome != want {
					t.Errorf("%s after re-scoring: %s, want the coach's %s", id, r.Outcome, want)
				}
			}
			var flagged []string
			for _, fl := range mk.Flags {
				if !fl.Applied {
					t.Errorf("flag %+v: want it applied", fl)
				}
				flagged = append(flagged, fl.Mark.RuleID)
			}
			slices.Sort(flagged)
			if !slices.Equal(flagged, tc.flagged) {
				t.Errorf("flagged %v, want %v", flagged, tc.flagged)
			}
		})
	}
}

// ruleOf returns rule id of sc's rubric, or fails t.
func ruleOf(t *testing.T, sc *scenarios.Scenario, id string) *scenarios.Rule {
	t.Helper()
	for i := range sc.Rubric.Sections {
		for j := range sc.Rubric.Sections[i].Rules {
			if r := &sc.Rubric.Sections[i].Rules[j]; r.ID == id {
				return r
			}
		}
	}
	t.Fatalf("no rule %s", id)
	return nil
}
