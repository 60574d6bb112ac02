package training_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

func TestAppendTest(t *testing.T) {
	test := []byte("  - name: \"recorded\"\n    seed: 3\n    steps:\n      - {at: 5s, say: \"hi\"}\n")
	tests := []struct{ name, src, want string }{
		{"tests last",
			"id: x\ntests:\n  - name: a\n    seed: 1\n\n",
			"id: x\ntests:\n  - name: a\n    seed: 1\n" + string(test)},
		{"tests followed by another key",
			"id: x\ntests:\n  - name: a\n    seed: 1\n# a comment\n\nrubric:\n  x: 1\n",
			"id: x\ntests:\n  - name: a\n    seed: 1\n# a comment\n" + string(test) + "\nrubric:\n  x: 1\n"},
		{"no tests",
			"id: x\nrubric:\n  x: 1\n",
			"id: x\nrubric:\n  x: 1\n\ntests:\n" + string(test)},
		{"an empty flow list",
			"id: x\ntests: []\nrubric:\n  x: 1\n",
			"id: x\ntests:\n" + string(test) + "\nrubric:\n  x: 1\n"},
		{"items in the first column",
			"id: x\ntests:\n- name: a\n  seed: 1\nrubric: {}\n",
			"id: x\ntests:\n- name: a\n  seed: 1\n- name: \"recorded\"\n  seed: 3\n  steps:\n    - {at: 5s, say: \"hi\"}\n\nrubric: {}\n"},
		{"a key that only starts with tests",
			"id: x\ntests_note: 1\n",
			"id: x\ntests_note: 1\n\ntests:\n" + string(test)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(training.AppendTest([]byte(tc.src), test)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestPlayDraftAndRecord: the author plays their draft as a trainee (a
// session pinned to the draft's text, never listed as a published drill,
// seen by nobody outside the author's cohorts), plays it to its end, and
// records the play as a test that the drill's tests then run and pass.
func TestPlayDraftAndRecord(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	au := training.NewAuthoring(f.st, nil, false)
	d := templateDraft(t, au, f.trent)

	_, err := f.svc.PlayDraft(ctx, f.vic, d, nil)
	wantCode(t, "another trainer plays trent's draft", err, drillroom.CodeNotFound)
	_, err = f.svc.PlayDraft(ctx, f.ann, d, nil)
	wantCode(t, "a trainee plays a draft", err, drillroom.CodeForbidden)
	broken, err := au.CreateDraft(ctx, actor(f.trent), "broken.drill.yaml", []byte("id: broken\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.PlayDraft(ctx, f.trent, broken, nil)
	wantCode(t, "play a draft that does not load", err, drillroom.CodeInvalid)

	x, err := f.svc.PlayDraft(ctx, f.trent, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if x.ScenarioID != drillroom.DraftPlayID(d.ID) || x.UserID != f.trent.ID || x.Mode != drillroom.ModePractice || x.Version != 1 {
		t.Fatalf("draft play: got %+v, want trent's practice of %s v1", x, drillroom.DraftPlayID(d.ID))
	}
	// Played again unchanged: the same version. Changed: the next one.
	again, err := f.svc.PlayDraft(ctx, f.trent, d, nil)
	if err != nil || again.Version != 1 || again.ID == x.ID {
		t.Errorf("the same text played again: got %+v, %v; want a new session of version 1", again, err)
	}
	changed := d
	changed.Source = []byte(strings.Replace(string(d.Source), "title: \"New drill", "title: \"Renamed drill", 1))
	if v2, err := f.svc.PlayDraft(ctx, f.trent, changed, nil); err != nil || v2.Version != 2 {
		t.Errorf("changed text played: got %+v, %v; want version 2", v2, err)
	}
	// Never a published drill: not in the catalogue, not startable.
	drills, err := f.svc.Startable(ctx, f.trent)
	if err != nil {
		t.Fatal(err)
	}
	for _, dr := range drills {
		if drillroom.IsDraftPlay(dr.ScenarioID) {
			t.Errorf("trent may start the draft play %s from the drill list", dr.ScenarioID)
		}
	}
	if _, _, err := f.svc.StartDrill(ctx, f.trent, x.ScenarioID, drillroom.ModePractice); drillroom.ErrorCode(err) != drillroom.CodeForbidden {
		t.Errorf("StartDrill of a draft play's id: %v, want forbidden", err)
	}
	if _, err := f.svc.Session(ctx, f.ann, x.ID); drillroom.ErrorCode(err) != drillroom.CodeNotFound {
		t.Errorf("a trainee opens trent's draft play: %v, want not found", err)
	}
	if _, err := f.svc.Session(ctx, f.vic, x.ID); drillroom.ErrorCode(err) != drillroom.CodeNotFound {
		t.Errorf("a trainer of another cohort opens trent's draft play: %v, want not found", err)
	}
	as := training.NewAssigning(f.st, nil)
	if _, err := as.Assign(ctx, actor(f.trent), drillroom.Assignment{ScenarioID: x.ScenarioID, Mode: drillroom.ModePractice, UserID: f.ann.ID}); drillroom.ErrorCode(err) != drillroom.CodeInvalid {
		t.Errorf("assign a draft play: %v, want invalid", err)
	}

	// Recording needs an ended play of this draft, by its author.
	_, err = f.svc.RecordPlay(ctx, f.trent, d, x.ID, d.Source, nil)
	wantCode(t, "record a live play", err, drillroom.CodeConflict)
	for i, a := range []simulator.Action{
		{Kind: simulator.ActSay, Text: "Hello, you're through to Sam. I'm so sorry you've been charged twice, I'm going to sort this out for you."},
		{Kind: simulator.ActClassify, Category: "complaint", Priority: "P4"},
		{Kind: simulator.ActClose, Resolution: "resolved"},
	} {
		if _, err := f.svc.Act(ctx, f.trent, x, fmt.Sprint("c", i), a); err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
	}
	if x, err = f.st.Session(ctx, x.ID); err != nil || x.State != drillroom.StateEnded {
		t.Fatalf("after close: %+v, %v; want ended", x, err)
	}
	// Scored like any call, but counted nowhere: an administrator's
	// analytics of every trainee has no session of it.
	if _, err := f.svc.StoredScorecard(ctx, x.ID); err != nil {
		t.Errorf("the draft play is not scored: %v", err)
	}
	err = training.NewAnalytics(f.st, f.svc).Sessions(ctx, f.ada, training.Filter{}, func(s drillroom.ScoredSession) error {
		if s.SessionID == x.ID || drillroom.IsDraftPlay(s.ScenarioID) {
			t.Errorf("analytics counts the draft play: %+v", s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	annsPlay := f.startAnnsPractice(t)
	_, err = f.svc.RecordPlay(ctx, f.trent, d, annsPlay.ID, d.Source, nil)
	wantCode(t, "record ann's session into trent's draft", err, drillroom.CodeNotFound)
	_, err = f.svc.RecordPlay(ctx, f.vic, d, x.ID, d.Source, nil)
	wantCode(t, "another trainer records trent's play", err, drillroom.CodeNotFound)

	before := training.RunTests(d.Name, d.Source)
	out, err := f.svc.RecordPlay(ctx, f.trent, d, x.ID, d.Source, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), strings.TrimRight(string(d.Source), "\n")) || !strings.Contains(string(out), "- name: \"recorded play ") ||
		!strings.Contains(string(out), "classify: {category: \"complaint\", priority: \"P4\"}") {
		t.Fatalf("the recorded draft does not end with the play's test:\n%s", out[len(d.Source)-200:])
	}
	after := training.RunTests(d.Name, out)
	if len(after.Results) != len(before.Results)+1 {
		t.Fatalf("tests after recording: %d results, want %d", len(after.Results), len(before.Results)+1)
	}
	last := after.Results[len(after.Results)-1]
	if !strings.HasPrefix(last.Name, "recorded play") || !last.Passed {
		t.Errorf("the recorded test: %+v, want it to pass (the play replays as it was played)\n%s", last, out[len(d.Source):])
	}
}
