package scoring

import (
	"slices"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestApplyManual(t *testing.T) {
	sc := scenariotest.GasExample(t)
	cases := []struct {
		name     string
		score    Manual
		outcome  string
		total    float64
		possible float64
	}{
		{"full marks", Manual{Points: 10, Note: "clear lessons"}, Pass, 100, 100},
		{"some marks", Manual{Points: 4}, Partial, 94, 100},
		{"no marks", Manual{Points: 0}, Fail, 90, 100},
		{"not applicable", Manual{NA: true}, NA, 100, 90},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			card := goodCard(t, sc)
			if err := ApplyManual(card, map[string]Manual{"review-quality": c.score}); err != nil {
				t.Fatal(err)
			}
			r, _ := card.Rule("review-quality")
			if r.Outcome != c.outcome || card.Total != c.total || card.Possible != c.possible {
				t.Errorf("got %s, total %v of %v possible; want %s, %v of %v", r.Outcome, card.Total, card.Possible, c.outcome, c.total, c.possible)
			}
			if len(card.Pending) != 0 {
				t.Errorf("pending %v after scoring, want none", card.Pending)
			}
			if r.Feedback != c.score.Note {
				t.Errorf("feedback %q, want the coach's note %q", r.Feedback, c.score.Note)
			}
		})
	}
	bad := []struct {
		name   string
		scores map[string]Manual
		msg    string
	}{
		{"unknown rule", map[string]Manual{"nope": {Points: 1}}, "no such rule"},
		{"automatic rule", map[string]Manual{"correct-category": {Points: 1}}, "scored automatically"},
		{"too many points", map[string]Manual{"review-quality": {Points: 11}}, "want 0 to 10"},
		{"negative points", map[string]Manual{"review-quality": {Points: -1}}, "want 0 to 10"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			card := goodCard(t, sc)
			err := ApplyManual(card, c.scores)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error containing %q", err, c.msg)
			}
			if !slices.Equal(card.Pending, []string{"review-quality"}) {
				t.Errorf("a refused score changed the card: pending %v", card.Pending)
			}
		})
	}
}
