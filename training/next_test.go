package training_test

import (
	"context"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
)

// TestNextFor: from the debrief, the trainee may try the drill again in the
// same mode while it is open to them (else in practice), and is offered the
// first assignment not done yet; whoever else reads the debrief is offered
// nothing.
func TestNextFor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	lib := scenariotest.Library(t)
	other := lib.Scenarios[0]
	if _, err := training.Publish(ctx, f.st, other); err != nil {
		t.Fatal(err)
	}
	as := training.NewAssigning(f.st, nil)
	classA := cohortNamed(t, f, "Class A")
	if _, err := as.Assign(ctx, actor(f.trent), drillroom.Assignment{ScenarioID: f.drill, Mode: drillroom.ModeAssessment, CohortID: classA.ID, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := as.Assign(ctx, actor(f.trent), drillroom.Assignment{ScenarioID: other.ID, Mode: drillroom.ModeAssessment, CohortID: classA.ID}); err != nil {
		t.Fatal(err)
	}

	practice := f.play(t, f.ann, drillroom.ModePractice, nil)
	n, err := f.svc.NextFor(ctx, f.ann, practice)
	if err != nil {
		t.Fatal(err)
	}
	if n.Retry != drillroom.ModePractice || n.Drill == nil || n.Drill.ScenarioID != f.drill || n.Mode != drillroom.ModeAssessment {
		t.Errorf("after practice: %+v, want retry in practice and the assessment of %s next (assigned first, not done)", n, f.drill)
	}

	// The assessment's one attempt.
	assessment, _, err := f.svc.StartDrill(ctx, f.ann, f.drill, drillroom.ModeAssessment)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := f.svc.Act(ctx, f.ann, assessment, "close", simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}); err != nil || !res.Applied() {
		t.Fatalf("close: %+v, %v", res, err)
	}
	n, err = f.svc.NextFor(ctx, f.ann, assessment)
	if err != nil {
		t.Fatal(err)
	}
	if n.Retry != drillroom.ModePractice {
		t.Errorf("after the one attempt of an assessment: retry %q, want practice", n.Retry)
	}
	if n.Drill == nil || n.Drill.ScenarioID != other.ID || n.Mode != drillroom.ModeAssessment {
		t.Errorf("after the assessment: next %+v in %q, want %s in assessment", n.Drill, n.Mode, other.ID)
	}

	for _, u := range []drillroom.User{f.trent, f.carol} {
		if n, err := f.svc.NextFor(ctx, u, assessment); err != nil || n.Retry != "" || n.Drill != nil {
			t.Errorf("%s reading ann's debrief: %+v %v, want nothing offered", u.Username, n, err)
		}
	}
}
