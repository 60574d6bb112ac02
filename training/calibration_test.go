package training_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/training"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestFleissKappa checks the agreement figures against tables worked by
// hand (Fleiss 1971: P_i = (Σ n_ij² − n) / n(n−1), P̄e = Σ p_j²,
// κ = (P̄ − P̄e) / (1 − P̄e)).
func TestFleissKappa(t *testing.T) {
	for _, tc := range []struct {
		name             string
		items            [][]string
		observed, chance float64
		kappa            float64
		defined          bool
	}{
		// P = 1, 1/3, 1, 0 → P̄ = 7/12; p = 6/12 pass, 5/12 fail, 1/12 na →
		// P̄e = 62/144; κ = (84 − 62) / (144 − 62) = 22/82.
		{"three coaches, four rules", [][]string{
			{"pass", "pass", "pass"}, {"pass", "pass", "fail"}, {"fail", "fail", "fail"}, {"pass", "fail", "na"},
		}, 7.0 / 12, 62.0 / 144, 22.0 / 82, true},
		// Two coaches who always disagree on a balanced split: κ = −1.
		{"systematic disagreement", [][]string{{"pass", "fail"}, {"fail", "pass"}}, 0, 0.5, -1, true},
		// Full agreement, two categories: P̄ = 1, P̄e = 1/2 → κ = 1.
		{"full agreement", [][]string{{"pass", "pass", "pass"}, {"fail", "fail", "fail"}}, 1, 0.5, 1, true},
		// One category only: chance agreement is 1 and κ undefined.
		{"one category only", [][]string{{"pass", "pass"}, {"pass", "pass"}}, 1, 1, 0, false},
		// P = 1/3, 1/3, 1/3 (2 of 3 agree each time); p = 5/9 pass, 3/9
		// fail, 1/9 partial → P̄e = 35/81; κ = (27 − 35) / (81 − 35) = −8/46.
		{"two of three each time", [][]string{
			{"pass", "pass", "fail"}, {"fail", "fail", "pass"}, {"pass", "pass", "partial"},
		}, 1.0 / 3, 35.0 / 81, -8.0 / 46, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := training.FleissKappa(tc.items)
			if err != nil {
				t.Fatal(err)
			}
			if !near(k.Observed, tc.observed) || !near(k.Chance, tc.chance) || k.Defined != tc.defined || (tc.defined && !near(k.Kappa, tc.kappa)) {
				t.Errorf("got P̄ %.6f, P̄e %.6f, κ %.6f (defined %v); want %.6f, %.6f, %.6f (%v)",
					k.Observed, k.Chance, k.Kappa, k.Defined, tc.observed, tc.chance, tc.kappa, tc.defined)
			}
		})
	}
	for _, bad := range [][][]string{nil, {{"pass"}}, {{"pass", "fail"}, {"pass"}}} {
		if _, err := training.FleissKappa(bad); err == nil {
			t.Errorf("FleissKappa(%v): no error", bad)
		}
	}
}

// TestCalibrationRound: three coaches mark one session blind; none sees
// another's marks until the lead publishes; the report then gives each
// rule's agreement, each coach's agreement with the automatic and official
// scorecards, and Fleiss' kappa over the rules all three marked.
func TestCalibrationRound(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	x := f.play(t, f.ann, drillroom.ModeAssessment, nil)
	auto, err := f.svc.StoredScorecard(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	silence, _ := auto.Rule("longest-silence")
	category, _ := auto.Rule("correct-category")

	_, err = f.svc.StartRound(ctx, f.ann, x, []int64{f.carol.ID, f.trent.ID})
	wantCode(t, "the trainee starts a round", err, drillroom.CodeForbidden)
	_, err = f.svc.StartRound(ctx, f.carol, x, []int64{f.carol.ID, f.vic.ID})
	wantCode(t, "a marker of another cohort", err, drillroom.CodeInvalid)
	_, err = f.svc.StartRound(ctx, f.carol, x, []int64{f.carol.ID, f.carol.ID})
	wantCode(t, "one marker", err, drillroom.CodeInvalid)
	cands, err := f.svc.Candidates(ctx, f.carol, x)
	if err != nil || len(cands) != 2 {
		t.Fatalf("candidates: %v, %v; want carol and trent", cands, err)
	}
	r, err := f.svc.StartRound(ctx, f.carol, x, []int64{f.carol.ID, f.trent.ID, f.ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ViewRound(ctx, f.vic, r.ID)
	wantCode(t, "someone outside the round opens it", err, drillroom.CodeNotFound)
	_, err = f.svc.ViewRound(ctx, f.ann, r.ID)
	wantCode(t, "the trainee opens it", err, drillroom.CodeNotFound)

	flip := map[string]string{"pass": "fail", "fail": "pass", "na": "pass"}
	// carol and trent agree everywhere; ada differs on the silence rule.
	// The manual review rule: pass, pass, partial.
	ballots := map[*drillroom.User][]training.MarkInput{
		&f.carol: {{RuleID: "longest-silence", Outcome: silence.Outcome}, {RuleID: "correct-category", Outcome: category.Outcome}, {RuleID: "review-quality", Outcome: "pass"}},
		&f.trent: {{RuleID: "longest-silence", Outcome: silence.Outcome}, {RuleID: "correct-category", Outcome: category.Outcome}, {RuleID: "review-quality", Outcome: "pass"}},
		&f.ada:   {{RuleID: "longest-silence", Outcome: flip[silence.Outcome]}, {RuleID: "correct-category", Outcome: category.Outcome}, {RuleID: "review-quality", Outcome: "partial", Points: 5}},
	}
	for u, b := range ballots {
		if err := f.svc.MarkRound(ctx, *u, r.ID, b); err != nil {
			t.Fatalf("%s marks: %v", u.Username, err)
		}
	}
	err = f.svc.MarkRound(ctx, f.carol, r.ID, []training.MarkInput{{RuleID: "review-quality", Outcome: "partial", Points: 10}})
	wantCode(t, "partial with full points", err, drillroom.CodeInvalid)

	v, err := f.svc.ViewRound(ctx, f.trent, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Report != nil || len(v.Mine) != 3 || v.Progress[f.ada.ID] != 3 {
		t.Fatalf("blind view: report %v, %d own marks, ada's progress %d; want no report, trent's 3 marks, counts only", v.Report, len(v.Mine), v.Progress[f.ada.ID])
	}
	wantCode(t, "a marker publishes", f.svc.PublishRound(ctx, f.trent, r.ID, nil), drillroom.CodeForbidden)
	// carol, the lead, publishes with an official marking: the review
	// rule partly met, 6 points.
	wantCode(t, "an official marking that does not fit", f.svc.PublishRound(ctx, f.carol, r.ID,
		[]training.MarkInput{{RuleID: "review-quality", Outcome: "partial", Points: 10}}), drillroom.CodeInvalid)
	// A good official mark followed by a refused one: nothing is written
	// and the round stays blind (no half-published official marking).
	wantCode(t, "a good official mark, then one of no rule", f.svc.PublishRound(ctx, f.carol, r.ID, []training.MarkInput{
		{RuleID: "review-quality", Outcome: "partial", Points: 6}, {RuleID: "no-such-rule", Outcome: "pass"}}), drillroom.CodeInvalid)
	if ms, err := f.st.Marks(ctx, x.ID); err != nil || len(ms) != 0 {
		t.Fatalf("marks after a refused publishing: %+v, %v; want none", ms, err)
	}
	if v, err := f.svc.ViewRound(ctx, f.trent, r.ID); err != nil || v.Round.Published() || v.Report != nil {
		t.Fatalf("the round after a refused publishing: %+v, %v; want it blind", v, err)
	}
	if err := f.svc.PublishRound(ctx, f.carol, r.ID, []training.MarkInput{{RuleID: "review-quality", Outcome: "partial", Points: 6, Reason: "Two lessons of three."}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "publish again", f.svc.PublishRound(ctx, f.carol, r.ID, nil), drillroom.CodeConflict)
	marks, err := f.st.Marks(ctx, x.ID)
	if err != nil || len(marks) != 1 || marks[0].ByID != f.carol.ID || marks[0].RuleID != "review-quality" || marks[0].Points != 6 ||
		marks[0].Reason != fmt.Sprintf("Official marking of calibration round %d. Two lessons of three.", r.ID) {
		t.Fatalf("the official marking as the session's marks: %+v, %v; want carol's partial 6 naming the round", marks, err)
	}
	wantCode(t, "a mark after publishing", f.svc.MarkRound(ctx, f.ada, r.ID, []training.MarkInput{{RuleID: "handover", Outcome: "pass"}}), drillroom.CodeConflict)

	v, err = f.svc.ViewRound(ctx, f.ada, r.ID)
	if err != nil || v.Report == nil {
		t.Fatalf("published view: %+v, %v", v, err)
	}
	rep := v.Report
	byRule := map[string]training.RuleAgreement{}
	for _, ra := range rep.Rules {
		byRule[ra.RuleID] = ra
	}
	// Pairs: silence 1 of 3 agree; category 3 of 3; review 1 of 3.
	for id, want := range map[string]float64{"longest-silence": 1.0 / 3, "correct-category": 1, "review-quality": 1.0 / 3} {
		if got := byRule[id]; !got.Compared || !near(got.Agreement, want) {
			t.Errorf("%s: agreement %v (compared %v), want %v", id, got.Agreement, got.Compared, want)
		}
	}
	if byRule["handover"].Compared || byRule["review-quality"].Auto != "" || byRule["longest-silence"].Auto != silence.Outcome {
		t.Errorf("unmarked or manual rules misreported: %+v / %+v", byRule["handover"], byRule["review-quality"])
	}
	// Over the three rules: P̄ = (1/3 + 1 + 1/3) / 3 = 5/9.
	if !rep.HasKappa || rep.Overall.Items != 3 || rep.Overall.Raters != 3 || !near(rep.Overall.Observed, 5.0/9) {
		t.Errorf("overall: %+v, want 3 rules, 3 raters, P̄ 5/9", rep.Overall)
	}
	// Deviation from the official marking (silence and category as the
	// rubric scored them, the review partly met for 6 of 10), in points
	// per rule, by hand: carol and trent gave the review 10 (|10-6| = 4)
	// and agree elsewhere: 4/3; ada gave the review 5 (1) and the silence
	// rule the other outcome (its full points either way), category 0.
	// Each agrees with the official outcome on 2 of the 3 rules.
	wantDev := map[int64]float64{f.carol.ID: 4.0 / 3, f.trent.ID: 4.0 / 3, f.ada.ID: (silence.Max + 1) / 3}
	for _, c := range rep.Coaches {
		wantAuto := 2
		if c.UserID == f.ada.ID {
			wantAuto = 1
		}
		if c.Marked != 3 || c.AutoCompared != 2 || c.WithAuto != wantAuto {
			t.Errorf("%s: marked %d, with the automatic score %d of %d; want 3, %d of 2", c.Name, c.Marked, c.WithAuto, c.AutoCompared, wantAuto)
		}
		if c.OffCompared != 3 || c.WithOfficial != 2 || !near(c.Deviation, wantDev[c.UserID]) {
			t.Errorf("%s: with the official %d of %d, deviation %v; want 2 of 3, %v", c.Name, c.WithOfficial, c.OffCompared, c.Deviation, wantDev[c.UserID])
		}
	}
	// The trend across rounds (one here) for the lead; the trainee has none.
	trend, err := f.svc.CalibrationTrend(ctx, f.carol)
	if err != nil || len(trend) != 3 {
		t.Fatalf("trend: %+v, %v; want the 3 markers", trend, err)
	}
	for _, ct := range trend {
		if len(ct.Points) != 1 || ct.Points[0].RoundID != r.ID || !near(ct.Deviation, wantDev[ct.UserID]) || ct.WithOfficial != 2 || ct.Compared != 3 {
			t.Errorf("trend of %s: %+v; want the round's figures", ct.Name, ct)
		}
	}
	_, err = f.svc.CalibrationTrend(ctx, f.ann)
	wantCode(t, "the trainee's trend", err, drillroom.CodeForbidden)
}

// TestCalibrateDeviation: each marker's agreement with the official
// marking and mean deviation from it in points, against figures worked by
// hand on a three-rule card (a: 10 points, official pass 10; b: 5 points,
// official fail 0; c: manual, 10 points, official partial 4).
func TestCalibrateDeviation(t *testing.T) {
	rule := func(id, outcome string, points, max float64, manual bool) scoring.RuleResult {
		return scoring.RuleResult{ID: id, Title: id, Outcome: outcome, Points: points, Possible: max, Max: max, Manual: manual}
	}
	official := &scoring.Scorecard{Sections: []scoring.SectionResult{{ID: "s", Rules: []scoring.RuleResult{
		rule("a", "pass", 10, 10, false), rule("b", "fail", 0, 5, false), rule("c", "partial", 4, 10, true)}}}}
	mark := func(user int64, id, outcome string, points float64) drillroom.RoundMark {
		return drillroom.RoundMark{UserID: user, RuleID: id, Outcome: outcome, Points: points}
	}
	for _, tc := range []struct {
		name      string
		marks     []drillroom.RoundMark
		with, cmp int
		deviation float64
	}{
		{"agrees everywhere", []drillroom.RoundMark{mark(1, "a", "pass", 10), mark(1, "b", "fail", 0), mark(1, "c", "partial", 4)}, 3, 3, 0},
		// |10-10| + |5-0| + |10-4| = 11 over 3 rules.
		{"passes everything", []drillroom.RoundMark{mark(1, "a", "pass", 10), mark(1, "b", "pass", 5), mark(1, "c", "pass", 10)}, 1, 3, 11.0 / 3},
		// partial 7 on c: same outcome, 3 points off; a failed: 10 off. 13 / 2.
		{"two rules only", []drillroom.RoundMark{mark(1, "a", "fail", 0), mark(1, "c", "partial", 7)}, 1, 2, 6.5},
		{"nothing marked", nil, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := training.Calibrate(official, official, tc.marks, map[int64]string{1: "one"})
			if len(tc.marks) == 0 {
				if len(rep.Coaches) != 0 {
					t.Errorf("coaches %+v, want none", rep.Coaches)
				}
				return
			}
			c := rep.Coaches[0]
			if c.WithOfficial != tc.with || c.OffCompared != tc.cmp || !near(c.Deviation, tc.deviation) {
				t.Errorf("with the official %d of %d, deviation %v; want %d of %d, %v", c.WithOfficial, c.OffCompared, c.Deviation, tc.with, tc.cmp, tc.deviation)
			}
		})
	}
}

// TestTrend: each marker's figures across rounds, oldest first, and over
// all of them, against figures worked by hand. Round 1: Ann agrees with
// the official marking on 2 of 3 rules, 4/3 points off a rule (4 in all);
// Bo on 1 of 3, 2 off (6). Round 2: Ann 3 of 3, 0 off; Bo 1 of 2, 2.5 off
// (5). Over both: Ann 5 of 6, 4/6 points; Bo 2 of 5, 11/5. A round with no
// report (not published) counts for nothing.
func TestTrend(t *testing.T) {
	t1 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	coach := func(id int64, name string, with, cmp int, dev float64) training.CoachAgreement {
		return training.CoachAgreement{UserID: id, Name: name, WithOfficial: with, OffCompared: cmp, Deviation: dev}
	}
	rounds := []training.RoundReport{ // newest first: Trend orders them
		{Round: drillroom.Round{ID: 2, PublishedAt: t1.Add(48 * time.Hour)}, Report: &training.CalibrationReport{Coaches: []training.CoachAgreement{coach(2, "Bo", 1, 2, 2.5), coach(1, "Ann", 3, 3, 0)}}},
		{Round: drillroom.Round{ID: 3}},
		{Round: drillroom.Round{ID: 1, PublishedAt: t1}, Report: &training.CalibrationReport{Coaches: []training.CoachAgreement{coach(1, "Ann", 2, 3, 4.0/3), coach(2, "Bo", 1, 3, 2)}}},
	}
	got := training.Trend(rounds)
	want := []struct {
		name      string
		rounds    []int64
		with, cmp int
		deviation float64
	}{
		{"Ann", []int64{1, 2}, 5, 6, 4.0 / 6},
		{"Bo", []int64{1, 2}, 2, 5, 11.0 / 5},
	}
	if len(got) != len(want) {
		t.Fatalf("trend: %+v, want %d markers", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		var ids []int64
		for _, p := range g.Points {
			ids = append(ids, p.RoundID)
		}
		if g.Name != w.name || !slices.Equal(ids, w.rounds) || g.WithOfficial != w.with || g.Compared != w.cmp || !near(g.Deviation, w.deviation) {
			t.Errorf("%s: rounds %v, %d of %d, deviation %v; want %s: %v, %d of %d, %v", g.Name, ids, g.WithOfficial, g.Compared, g.Deviation, w.name, w.rounds, w.with, w.cmp, w.deviation)
		}
	}
	if p := got[1].Points[1]; p.WithOfficial != 1 || p.Compared != 2 || p.Deviation != 2.5 {
		t.Errorf("Bo in round 2: %+v, want 1 of 2, 2.5", p)
	}
}

// TestCalibratePairs: a round with three coaches on one six-rule session,
// against agreement and kappa worked by hand. The automatic score gives
// pass pass fail pass fail na; Ann marks the same, Bo pass fail fail pass
// pass na, Cy pass pass pass fail fail pass.
//
// Ann–Bo agree on 4 of 6; each gives 3 pass, 2 fail, 1 na: chance
// (9+4+1)/36 = 14/36, κ = (24−14)/(36−14) = 5/11. Ann–Cy agree on 3 of 6;
// Cy gives 4 pass, 2 fail: chance (12+4)/36, κ = (18−16)/20 = 1/10.
// Bo–Cy agree on 1 of 6: chance 16/36, κ = (6−16)/20 = −1/2. Their mean
// (Light's kappa) is (5/11 + 1/10 − 1/2)/3 = 1/55. Fleiss over the six
// rules: P̄ = (1 + 5 × 1/3)/6 = 4/9; 10 pass, 6 fail, 2 na of 18: P̄e =
// 140/324 = 35/81, κ = (36−35)/(81−35) = 1/46. Against the automatic
// score: Ann 1, Bo 5/11, Cy 1/10.
//
// With Cy leaving the last rule unmarked, the pairs with Cy are over five
// rules: Ann–Cy agree on 3 of 5, each gives 3 pass and 2 fail, chance
// 13/25, κ = (15−13)/(25−13) = 1/6; Bo–Cy 1 of 5, κ = (5−13)/12 = −2/3;
// mean (5/11 + 1/6 − 2/3)/3 = −1/66. Fleiss over the five rules all three
// marked: P̄ = (1 + 4/3)/5 = 7/15; 9 pass, 6 fail of 15: P̄e = 117/225 =
// 13/25, κ = (35−39)/(75−39) = −1/9.
func TestCalibratePairs(t *testing.T) {
	autoOutcomes := []string{"pass", "pass", "fail", "pass", "fail", "na"}
	var rules []scoring.RuleResult
	for i, o := range autoOutcomes {
		pts := 0.0
		if o == "pass" {
			pts = 10
		}
		rules = append(rules, scoring.RuleResult{ID: fmt.Sprintf("r%d", i+1), Title: fmt.Sprintf("rule %d", i+1), Outcome: o, Points: pts, Possible: 10, Max: 10})
	}
	card := &scoring.Scorecard{Sections: []scoring.SectionResult{{ID: "s", Rules: rules}}}
	const ann, bo, cy = 1, 2, 3
	names := map[int64]string{ann: "Ann", bo: "Bo", cy: "Cy"}
	ballots := map[int64][]string{
		ann: autoOutcomes,
		bo:  {"pass", "fail", "fail", "pass", "pass", "na"},
		cy:  {"pass", "pass", "pass", "fail", "fail", "pass"},
	}
	marks := func(skip string) []drillroom.RoundMark {
		var out []drillroom.RoundMark
		for u, outs := range ballots {
			for i, o := range outs {
				id := fmt.Sprintf("r%d", i+1)
				if u == cy && id == skip {
					continue
				}
				out = append(out, drillroom.RoundMark{UserID: u, RuleID: id, Outcome: o})
			}
		}
		return out
	}
	type pair struct {
		a, b             string // b "" for the automatic score
		items            int
		observed, chance float64
		kappa            float64
	}
	for _, tc := range []struct {
		name        string
		skip        string // a rule Cy leaves unmarked
		pairs       []pair
		withAuto    []pair
		meanPair    float64
		fleissItems int
		fleissP     float64
		fleissPe    float64
		fleiss      float64
	}{
		{name: "every rule marked by all three",
			pairs:    []pair{{"Ann", "Bo", 6, 4.0 / 6, 14.0 / 36, 5.0 / 11}, {"Ann", "Cy", 6, 3.0 / 6, 16.0 / 36, 1.0 / 10}, {"Bo", "Cy", 6, 1.0 / 6, 16.0 / 36, -1.0 / 2}},
			withAuto: []pair{{"Ann", "", 6, 1, 14.0 / 36, 1}, {"Bo", "", 6, 4.0 / 6, 14.0 / 36, 5.0 / 11}, {"Cy", "", 6, 3.0 / 6, 16.0 / 36, 1.0 / 10}},
			meanPair: 1.0 / 55, fleissItems: 6, fleissP: 4.0 / 9, fleissPe: 35.0 / 81, fleiss: 1.0 / 46},
		{name: "Cy leaves a rule unmarked", skip: "r6",
			pairs:    []pair{{"Ann", "Bo", 6, 4.0 / 6, 14.0 / 36, 5.0 / 11}, {"Ann", "Cy", 5, 3.0 / 5, 13.0 / 25, 1.0 / 6}, {"Bo", "Cy", 5, 1.0 / 5, 13.0 / 25, -2.0 / 3}},
			withAuto: []pair{{"Ann", "", 6, 1, 14.0 / 36, 1}, {"Bo", "", 6, 4.0 / 6, 14.0 / 36, 5.0 / 11}, {"Cy", "", 5, 3.0 / 5, 13.0 / 25, 1.0 / 6}},
			meanPair: -1.0 / 66, fleissItems: 5, fleissP: 7.0 / 15, fleissPe: 13.0 / 25, fleiss: -1.0 / 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := training.Calibrate(card, card, marks(tc.skip), names)
			check := func(what string, got []training.PairAgreement, want []pair) {
				if len(got) != len(want) {
					t.Fatalf("%s: %d pairs, want %d: %+v", what, len(got), len(want), got)
				}
				for i, w := range want {
					g := got[i]
					if g.AName != w.a || g.BName != w.b || g.Automatic() != (w.b == "") || g.Kappa.Items != w.items || !g.Kappa.Defined ||
						!near(g.Kappa.Observed, w.observed) || !near(g.Kappa.Chance, w.chance) || !near(g.Kappa.Kappa, w.kappa) {
						t.Errorf("%s %d: got %s–%s over %d rules, agreement %.6f, chance %.6f, κ %.6f; want %s–%s over %d, %.6f, %.6f, %.6f",
							what, i, g.AName, g.BName, g.Kappa.Items, g.Kappa.Observed, g.Kappa.Chance, g.Kappa.Kappa, w.a, w.b, w.items, w.observed, w.chance, w.kappa)
					}
				}
			}
			check("pair", rep.Pairs, tc.pairs)
			check("against the automatic score", rep.WithAuto, tc.withAuto)
			if !rep.HasMeanPair || !near(rep.MeanPairKappa, tc.meanPair) {
				t.Errorf("mean pair κ %.6f (%v), want %.6f", rep.MeanPairKappa, rep.HasMeanPair, tc.meanPair)
			}
			o := rep.Overall
			if !rep.HasKappa || o.Items != tc.fleissItems || o.Raters != 3 || !near(o.Observed, tc.fleissP) || !near(o.Chance, tc.fleissPe) || !near(o.Kappa, tc.fleiss) {
				t.Errorf("Fleiss: %+v, want %d rules, 3 raters, P̄ %.6f, P̄e %.6f, κ %.6f", o, tc.fleissItems, tc.fleissP, tc.fleissPe, tc.fleiss)
			}
		})
	}
}

// TestCohenKappa checks two raters' figures against tables worked by hand
// and the cases where kappa is undefined or the input wrong.
func TestCohenKappa(t *testing.T) {
	for _, tc := range []struct {
		name             string
		a, b             []string
		observed, chance float64
		kappa            float64
		defined          bool
	}{
		// 3 of 4 agree; a: 2 pass 2 fail, b: 3 pass 1 fail: chance
		// (6+2)/16 = 1/2, κ = (3/4 − 1/2)/(1/2) = 1/2.
		{"three of four", []string{"pass", "pass", "fail", "fail"}, []string{"pass", "pass", "fail", "pass"}, 0.75, 0.5, 0.5, true},
		{"opposites", []string{"pass", "fail"}, []string{"fail", "pass"}, 0, 0.5, -1, true},
		{"one category", []string{"pass", "pass"}, []string{"pass", "pass"}, 1, 1, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := training.CohenKappa(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !near(k.Observed, tc.observed) || !near(k.Chance, tc.chance) || k.Defined != tc.defined || (tc.defined && !near(k.Kappa, tc.kappa)) {
				t.Errorf("got %.6f, %.6f, κ %.6f (%v); want %.6f, %.6f, %.6f (%v)", k.Observed, k.Chance, k.Kappa, k.Defined, tc.observed, tc.chance, tc.kappa, tc.defined)
			}
		})
	}
	for _, bad := range [][2][]string{{nil, nil}, {{"pass"}, {"pass", "fail"}}} {
		if _, err := training.CohenKappa(bad[0], bad[1]); err == nil {
			t.Errorf("CohenKappa(%v): no error", bad)
		}
	}
}
