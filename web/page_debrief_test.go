package web

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

func say(seq, t int64) simulator.Event {
	return simulator.Event{Seq: seq, T: t, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActSay, Text: "hello"}}
}

func TestFindSilences(t *testing.T) {
	line := func(seq, t int64) simulator.Event {
		return simulator.Event{Seq: seq, T: t, Type: simulator.EvLine, From: "customer", Channel: "call", Text: "hi"}
	}
	trainerSay := simulator.Event{Seq: 9, T: 200000, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActSay, Text: "trainer", By: "trainer"}}
	tests := []struct {
		name   string
		events []simulator.Event
		end    int64
		want   []silence
	}{
		{"no gap over the limit", []simulator.Event{line(1, 0), say(2, 30000), say(3, 80000)}, 120000, nil},
		{"slow first response", []simulator.Event{line(1, 0), say(2, 75000)}, 100000, []silence{{From: 0, To: 75000, AfterSeq: 0}}},
		{"gap in the middle and at the end",
			[]simulator.Event{line(1, 0), say(2, 10000), line(3, 20000), say(4, 100000)}, 200000,
			[]silence{{From: 10000, To: 100000, AfterSeq: 2}, {From: 100000, To: 200000, AfterSeq: 4}}},
		{"a trainer's line does not break a silence",
			[]simulator.Event{say(1, 150000), trainerSay}, 230000,
			[]silence{{From: 0, To: 150000, AfterSeq: 0}, {From: 150000, To: 230000, AfterSeq: 1}}},
		{"exactly the limit is not a silence", []simulator.Event{say(1, 60000)}, 120000, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := findSilences(tc.events, tc.end, 60000)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d silences %v, want %v", len(got), got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("silence %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestMoodChart(t *testing.T) {
	m := func(seq, t int64, mood, patience float64) simulator.Event {
		return simulator.Event{Seq: seq, T: t, Type: simulator.EvMood, Mood: &mood, Patience: &patience, Reason: "update"}
	}
	events := []simulator.Event{m(3, 30000, 50, 80), m(7, 60000, 20, 60)}
	c := buildMoodChart(events, 40, 80, 120000, []silence{{From: 60000, To: 120000}}, 60000)

	// Mood starts at 40, steps to 50 at 30s and to 20 at 60s, holds to the end.
	// x runs from 40 to 888 over 120s; y from 214 (0) to 10 (100).
	wantMood := "40,132.4 252,132.4 252,112 464,112 464,173.2 888,173.2"
	if c.Mood != wantMood {
		t.Errorf("mood points = %q, want %q", c.Mood, wantMood)
	}
	if !strings.HasPrefix(c.Patience, "40,50.8 ") || !strings.HasSuffix(c.Patience, " 888,91.6") {
		t.Errorf("patience points = %q, want from 80 at the start to 60 at the end", c.Patience)
	}
	if len(c.Dots) != 2 || !strings.Contains(c.Dots[1].Label, "mood 20") {
		t.Errorf("dots = %+v, want one per mood change", c.Dots)
	}
	if len(c.Silences) != 1 || c.Silences[0].X != 464 || c.Silences[0].W != 424 {
		t.Errorf("silence bands = %+v, want one from x=464 to the end", c.Silences)
	}
	if len(c.XTicks) != 9 || c.XTicks[1].Label != "0:15" || c.XTicks[8].Label != "2:00" {
		t.Errorf("x ticks = %+v, want 0:00 to 2:00 every 15s (at most ten labels)", c.XTicks)
	}
	if !strings.Contains(c.Desc, "started at 40 and ended at 20") {
		t.Errorf("description %q does not tell the mood's course", c.Desc)
	}
}

func TestTimelineAndEvidenceAnchors(t *testing.T) {
	sc := &scenarios.Scenario{Cast: scenarios.Cast{Services: map[string]scenarios.Service{"gas": {Name: "Gas Emergency Service"}}}}
	mood := 30.0
	events := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Mode: "practice"},
		{Seq: 2, T: 0, Type: simulator.EvPhase, ID: "intake"}, // hidden: not in the timeline
		{Seq: 3, T: 0, Type: simulator.EvLine, From: "customer", Channel: "call", Text: "I smell gas"},
		{Seq: 4, T: 90000, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location"}}},
		{Seq: 5, T: 90000, Type: simulator.EvMood, Mood: &mood}, // hidden
		{Seq: 6, T: 100000, Type: simulator.EvEnd, Reason: "closed"},
	}
	rows := buildTimeline(sc, events, findSilences(events, 100000, 60000))
	var texts []string
	for _, r := range rows {
		texts = append(texts, r.Class+":"+r.Text)
	}
	got := strings.Join(texts, " | ")
	for _, want := range []string{
		"system:The call started (practice)",
		"customer:I smell gas",
		"silence:No word to the customer for 1:40 (0:00 to 1:40)",
		"trainee:Dispatched Gas Emergency Service (handover: location)",
		"system:The call ended: closed by you",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "intake") {
		t.Errorf("timeline shows a hidden phase event: %q", got)
	}

	card := &scoring.Scorecard{Sections: []scoring.SectionResult{{Rules: []scoring.RuleResult{
		{ID: "r", Evidence: []scoring.Evidence{{Seq: 4}, {Seq: 5}, {Seq: 2}}},
	}}}}
	anchorEvidence(card, rows)
	ev := card.Sections[0].Rules[0].Evidence
	if ev[0].Seq != 4 || ev[1].Seq != 4 || ev[2].Seq != 1 {
		t.Errorf("evidence anchors = %d, %d, %d; want 4 (shown), 4 (last shown before the mood change), 1", ev[0].Seq, ev[1].Seq, ev[2].Seq)
	}
}

// TestTimelineKeepsWhatWasRead: a responder's message is on the timeline
// in full, as the trainee read it, and the time it gave (not a digest such
// as "Acknowledged"); only what no line can reach is cut.
func TestTimelineKeepsWhatWasRead(t *testing.T) {
	sc := &scenarios.Scenario{Cast: scenarios.Cast{Services: map[string]scenarios.Service{"gas": {Name: "Gas Emergency Service"}}}}
	long := "Engineer here: " + strings.Repeat("we are coming through the back lane because the front is blocked, ", 8)
	events := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Mode: "practice"},
		{Seq: 2, T: 60000, Type: simulator.EvAck, From: "gas", Channel: "radio", Text: "Gas Emergency Service: request received, with you in about 25 minutes."},
		{Seq: 3, T: 60000, Type: simulator.EvETA, From: "gas", Channel: "radio", ETA: 1560000},
		{Seq: 4, T: 120000, Type: simulator.EvAsk, From: "gas", Channel: "radio", ID: "access", Text: long},
	}
	rows, omitted := boundTimeline(buildTimeline(sc, events, nil))
	if omitted != 0 {
		t.Fatalf("%d rows left out", omitted)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Who+": "+r.Text)
	}
	for _, want := range []string{
		"Gas Emergency Service: Gas Emergency Service: request received, with you in about 25 minutes.",
		"Gas Emergency Service: ETA 26:00 (in 25 min)",
		"Gas Emergency Service: " + long,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("timeline %q lacks %q", got, want)
		}
	}
	huge := []transcript.Line{{Text: strings.Repeat("x", maxTimelineRunes+10)}}
	if cut, _ := boundTimeline(huge); utf8.RuneCountInString(cut[0].Text) != maxTimelineRunes+1 {
		t.Errorf("a text past the bound is %d runes, want cut at %d with an ellipsis", utf8.RuneCountInString(cut[0].Text), maxTimelineRunes)
	}
	// A log filled past the page's budget: each text gets an equal share.
	flood := make([]transcript.Line, maxTimelineRows)
	for i := range flood {
		flood[i].Text = strings.Repeat("é", 2000)
	}
	cut, _ := boundTimeline(flood)
	total := 0
	for _, r := range cut {
		total += utf8.RuneCountInString(r.Text)
	}
	if total > maxTimelineChars+len(cut) {
		t.Errorf("a flooded timeline keeps %d characters, want at most %d", total, maxTimelineChars+len(cut))
	}
}
