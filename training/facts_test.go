package training_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// TestAnalyticsCopyIsExact: two servers over one database (two services,
// each with its own copy of the analytics rows and its own dashboards
// kept) answer every dashboard (each asked twice: the second from the
// dashboards kept) and every sessions export exactly as a computation from
// scratch does (the store read on every view), after each kind of write
// made through the other server: new scored sessions, a coach's marks
// released (and the official result the first server then records), a
// re-scoring, a trainee renamed, a trainee joining a cohort. The copy
// reads what changed from the database's revisions, not from its own
// server's writes.
func TestAnalyticsCopyIsExact(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := training.New(f.st, f.rn, nil) // the second server
	views := []struct {
		who *drillroom.User
		f   training.Filter
	}{
		{&f.trent, training.Filter{}},
		{&f.trent, training.Filter{ScenarioID: f.drill}},
		{&f.trent, training.Filter{Mode: drillroom.ModeAssessment}},
		{&f.ada, training.Filter{}},
		{&f.ada, training.Filter{Since: time.Now().Add(-time.Hour), Until: time.Now().Add(time.Hour)}},
		{&f.vic, training.Filter{}},
	}
	check := func(after string) {
		t.Helper()
		for _, v := range views {
			for name, svc := range map[string]*training.Service{"the writing server": f.svc, "the other server": other} {
				want, err := training.NewAnalyticsFromStore(f.st, svc).Dashboard(ctx, *v.who, v.f)
				if err != nil {
					t.Fatal(err)
				}
				// Twice: the second is answered from the dashboards kept.
				for _, time := range []string{"first", "again"} {
					got, err := training.NewAnalytics(f.st, svc).Dashboard(ctx, *v.who, v.f)
					if err != nil {
						t.Fatalf("after %s, %s's dashboard %+v on %s: %v", after, v.who.Username, v.f, name, err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("after %s, %s's dashboard %+v on %s (%s):\ngot  %+v\nwant %+v", after, v.who.Username, v.f, name, time, got, want)
					}
				}
				rows, wantRows := sessionRows(t, training.NewAnalytics(f.st, svc), *v.who, v.f), sessionRows(t, training.NewAnalyticsFromStore(f.st, svc), *v.who, v.f)
				if !reflect.DeepEqual(rows, wantRows) {
					t.Errorf("after %s, %s's sessions %+v on %s:\ngot  %v\nwant %v", after, v.who.Username, v.f, name, rows, wantRows)
				}
			}
		}
	}
	sessions := func() int {
		d, err := training.NewAnalytics(f.st, other).Dashboard(ctx, f.ada, training.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return d.Sessions
	}

	check("nothing")
	x := f.play(t, f.ann, drillroom.ModePractice, nil)
	f.play(t, f.bob, drillroom.ModeAssessment, nil)
	check("two sessions")
	if n := sessions(); n != 2 {
		t.Fatalf("the other server counts %d sessions, want 2", n)
	}

	if _, err := f.svc.MarkRule(ctx, f.carol, x, training.MarkInput{RuleID: "review-quality", Outcome: "pass", Reason: "Clear lessons."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReleaseReview(ctx, f.carol, x); err != nil {
		t.Fatal(err)
	}
	check("a release")
	d, err := training.NewAnalytics(f.st, other).Dashboard(ctx, f.trent, training.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Progress) != 1 || len(d.Progress[0].Attempts) != 1 {
		t.Fatalf("trent's progress %+v: want ann's one attempt", d.Progress)
	}

	auto, err := f.svc.StoredScorecard(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	auto.Total -= 5
	f.rescored(t, x, auto)
	check("a re-scoring")

	ann := f.ann
	ann.DisplayName = "Ann Other"
	if _, err := f.st.UpdateUser(ctx, ann); err != nil {
		t.Fatal(err)
	}
	check("ann renamed")
	d, err = training.NewAnalytics(f.st, other).Dashboard(ctx, f.trent, training.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Heatmap == nil || len(d.Heatmap.Trainees) != 1 || d.Heatmap.Trainees[0].Name != "Ann Other" {
		t.Fatalf("trent's heatmap after the rename: %+v, want Ann Other", d.Heatmap)
	}

	cs, err := f.st.Cohorts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "Class A" {
			if err := f.st.AddToCohort(ctx, c.ID, f.bob.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("bob joining Class A")
	d, err = training.NewAnalytics(f.st, other).Dashboard(ctx, f.trent, training.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Sessions != 2 {
		t.Errorf("trent's dashboard after bob joined his cohort: %d sessions, want 2", d.Sessions)
	}
}

// sessionRows is what the sessions export of an gives who for f, a row
// per session.
func sessionRows(t *testing.T, an *training.Analytics, who drillroom.User, f training.Filter) []string {
	t.Helper()
	var rows []string
	if err := an.Sessions(context.Background(), who, f, func(x drillroom.ScoredSession) error {
		rows = append(rows, fmt.Sprintf("%+v", x))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}
