package web

import (
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

// The desk's help for a practice call: the drill's objectives and the
// policy's hints, on the page only in practice; an assessment's console
// has neither, and neither goes over the socket.
func TestConsolePracticeHelp(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	practice := alice.get("/sessions/" + alice.start(drillroom.ModePractice))
	for _, want := range []string{
		`id="practice-help"`, "Objectives and hints",
		"Give the three gas safety instructions within the first minute.", // an objective of the drill
		`id="hint-btn"`, "each hint you take costs 1 point", // the default cost, said before a hint is taken
	} {
		if !strings.Contains(practice.body, want) {
			t.Errorf("practice console lacks %q", want)
		}
	}
	// The hints themselves come one at a time over the socket, each a
	// costed action: none is on the page.
	for _, h := range scenarios.DeskHints(scenariotest.GasExample(t)) {
		if strings.Contains(practice.body, h) {
			t.Errorf("practice console shows hint %q before it is asked for", h)
		}
	}
	bob := app.signedIn("bob")
	assessment := bob.get("/sessions/" + bob.start(drillroom.ModeAssessment))
	for _, leak := range []string{`id="practice-help"`, "Objectives and hints", "Give the three gas safety instructions", "without a word", `id="hint-btn"`} {
		if strings.Contains(assessment.body, leak) {
			t.Errorf("assessment console shows %q; want the practice help only in practice", leak)
		}
	}
	// Both desks have the caller panel, the task strip, the close and
	// transfer confirmations and the shortcut sheet.
	for _, res := range []response{practice, assessment} {
		for _, want := range []string{`id="caller"`, `id="tasks"`, `id="close-dialog"`, `id="transfer-dialog"`, `id="help-dialog"`, `id="announce"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("console lacks %q", want)
			}
		}
	}
}

// The console words the drill's ids: a field reads "People at risk" while
// its id stays in the attributes the protocol needs.
func TestConsoleLabels(t *testing.T) {
	labels := map[string]string{"callback": "Callback number"} // the drill's and policy's labels
	for _, c := range []struct{ id, want string }{
		{"people_at_risk", "People at risk"},
		{"callback", "Callback number"},
		{"meter-cupboard", "Meter cupboard"},
		{"", ""},
	} {
		if got := labelAll(labels, []string{c.id}); got[0].Label != c.want || got[0].ID != c.id {
			t.Errorf("labelAll(%q) = %+v, want %q", c.id, got[0], c.want)
		}
	}
	for _, c := range []struct {
		ms   int64
		want string
	}{{60000, "1 minute"}, {120000, "2 minutes"}, {90000, "1 minute 30 seconds"}, {45000, "45 seconds"}, {1000, "1 second"}} {
		if got := scenarios.SpokenDuration(c.ms); got != c.want {
			t.Errorf("SpokenDuration(%d) = %q, want %q", c.ms, got, c.want)
		}
	}
}
