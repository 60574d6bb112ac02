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
		{"Windows line ends",
			"id: x\r\ntests:\r\n  - name: a\r\nrubric: {}\r\n",
			"id: x\r\ntests:\r\n  - name: a\r\n" + string(test) + "\nrubric: {}\r\n"},
		{"a key that only starts with tests",
			"id: x\ntests_note: 1\n",
			"id: x\ntests_note: 1\n\ntests:\n" + string(test)},
	}
	for _, inline := range []string{"id: x\ntests: [{name: a, seed: 1}]\n", "id: x\ntests: *all\n", "tests: 0"} {
		if _, err := training.AppendTest([]byte(inline), test); drillroom.ErrorCode(err) != drillroom.CodeInvalid {
			t.Errorf("append to %q: %v, want invalid", inline, err)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := training.AppendTest([]byte(tc.src), test)
			if err != nil || string(got) != tc.want {
				t.Errorf("got\n%s\n(%v), want\n%s", got, err, tc.want)
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
	// Played again unchanged while live: the same call, resumed. Changed:
	// the next version, a new call.
	again, err := f.svc.PlayDraft(ctx, f.trent, d, nil)
	if err != nil || again.ID != x.ID {
		t.Errorf("the same text played again: got %+v, %v; want the live call %s resumed", again, err, x.ID)
	}
	changed := d
	changed.Source = []byte(strings.Replace(string(d.Source), "title: \"New drill", "title: \"Renamed drill", 1))
	if v2, err := f.svc.PlayDraft(ctx, f.trent, changed, nil); err != nil || v2.Version != 2 {
		t.Errorf("changed text played: got %+v, %v; want version 2", v2, err)
	}
	// Each new text is a stored version: a draft keeps a bounded number.
	for i := 3; i <= training.MaxDraftPlayVersions; i++ {
		if _, err := f.st.PutScenarioVersion(ctx, drillroom.ScenarioVersion{ScenarioID: x.ScenarioID, Version: i, Hash: fmt.Sprint("filler", i), Source: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	third := changed
	third.Source = []byte(strings.Replace(string(d.Source), "title: \"New drill", "title: \"Third drill", 1))
	_, err = f.svc.PlayDraft(ctx, f.trent, third, nil)
	wantCode(t, "a new text beyond the draft's limit", err, drillroom.CodeLimited)
	if again, err := f.svc.PlayDraft(ctx, f.trent, d, nil); err != nil || again.ID != x.ID {
		t.Errorf("a text already played, at the limit: %+v, %v; want it played", again, err)
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

// FuzzAppendTest: whatever the author's text, appending a recorded test
// never panics, keeps every byte of the text before the test's place,
// carries the test, and never adds a second top-level tests: key.
func FuzzAppendTest(f *testing.F) {
	for _, s := range []string{"id: x\n", "tests:\n  - name: a\n", "tests: []\nrubric: {}\n", "tests:\n- name: a\nx: 1\n", "tests: # c\r\n  - a\r\n", "", "tests:"} {
		f.Add(s)
	}
	test := []byte("  - name: \"recorded\"\n    seed: 3\n")
	f.Fuzz(func(t *testing.T, src string) {
		b, err := training.AppendTest([]byte(src), test)
		if err != nil {
			return // a tests: on one line: refused, nothing written
		}
		out := string(b)
		if !strings.Contains(out, "name: \"recorded\"") {
			t.Fatalf("the test is not in %q", out)
		}
		count := func(s string) int {
			n := 0
			for _, l := range strings.Split(s, "\n") {
				if strings.HasPrefix(l, "tests:") && (len(l) == 6 || l[6] == ' ' || l[6] == '\t' || l[6] == '\r') {
					n++
				}
			}
			return n
		}
		if before, after := count(src), count(out); after > max(before, 1) {
			t.Fatalf("tests: keys %d before, %d after, in %q", before, after, out)
		}
	})
}
