package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

func TestAssignPages(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	cs, err := app.store.Cohorts(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("cohorts: %+v, %v", cs, err)
	}
	classA := cs[0]
	trent := app.signedIn("trent")
	tina := app.withTrainer("tina") // a trainer in no cohort
	alice := app.signedIn("alice")

	page := trent.get("/assignments")
	if page.status != http.StatusOK || !strings.Contains(page.body, fmt.Sprintf(`value="cohort:%d"`, classA.ID)) ||
		!strings.Contains(page.body, fmt.Sprintf(`value="user:%d"`, app.users["alice"].ID)) {
		t.Fatalf("/assignments: status %d, want the form with trent's cohort and trainees", page.status)
	}
	if page := tina.get("/assignments"); strings.Contains(page.body, fmt.Sprintf(`value="cohort:%d"`, classA.ID)) {
		t.Errorf("a trainer of no cohort is offered Class A")
	}
	due := time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02")
	form := url.Values{"drill": {app.drillID}, "target": {fmt.Sprintf("cohort:%d", classA.ID)}, "mode": {"assessment"}, "due": {due}, "attempts": {"1"}}
	for _, tc := range []struct {
		name string
		b    *browser
		set  func(f url.Values)
		want int
	}{
		{"a trainee", alice, func(url.Values) {}, http.StatusForbidden},
		{"a coach", app.signedIn("carol"), func(url.Values) {}, http.StatusForbidden},
		{"a trainer of another cohort", tina, func(url.Values) {}, http.StatusNotFound},
		{"a trainer of another cohort, to a trainee", tina, func(f url.Values) { f.Set("target", fmt.Sprintf("user:%d", app.users["alice"].ID)) }, http.StatusNotFound},
		{"no target", trent, func(f url.Values) { f.Set("target", "") }, http.StatusBadRequest},
		{"a bad due date", trent, func(f url.Values) { f.Set("due", "next week") }, http.StatusBadRequest},
		{"a due date in the past", trent, func(f url.Values) { f.Set("due", "2001-01-01") }, http.StatusBadRequest},
		{"a missing version", trent, func(f url.Values) { f.Set("version", "9") }, http.StatusNotFound},
		{"to a coach", trent, func(f url.Values) { f.Set("target", fmt.Sprintf("user:%d", app.users["carol"].ID)) }, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = append([]string(nil), v...)
			}
			tc.set(f)
			f.Set("csrf", tc.b.csrf())
			if res := tc.b.post("/assignments", f); res.status != tc.want {
				t.Errorf("got %d, want %d", res.status, tc.want)
			}
		})
	}
	if as, _ := app.store.ListAssignments(ctx); len(as) != 0 {
		t.Fatalf("refused assignments were stored: %+v", as)
	}
	form.Set("csrf", trent.csrf())
	if res := trent.post("/assignments", form); res.status != http.StatusSeeOther || res.header.Get("Location") != "/assignments?done=assigned" {
		t.Fatalf("assign: status %d location %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	as, err := app.store.ListAssignments(ctx)
	if err != nil || len(as) != 1 || as[0].Attempts != 1 || as[0].DueAt.Format("2006-01-02") != due || as[0].AssignedBy != app.users["trent"].ID {
		t.Fatalf("stored: %+v, %v", as, err)
	}
	path := fmt.Sprintf("/assignments/%d", as[0].ID)

	home := alice.get("/")
	if !strings.Contains(home.body, `id="due-table"`) || !strings.Contains(home.body, fmt.Sprintf(`data-drill="%s" data-state="due"`, app.drillID)) {
		t.Errorf("alice's home does not show the drill as due")
	}
	if res := trent.get(path); res.status != http.StatusOK || !strings.Contains(res.body, "0 of 2 done") {
		t.Errorf("progress before: status %d, want 0 of 2 done", res.status)
	}
	if res := tina.get(path); res.status != http.StatusNotFound {
		t.Errorf("another cohort's trainer reads the progress: status %d, want 404", res.status)
	}
	if res := tina.post(path+"/withdraw", url.Values{"csrf": {tina.csrf()}}); res.status != http.StatusNotFound {
		t.Errorf("another cohort's trainer withdraws: status %d, want 404", res.status)
	}

	// alice plays her one attempt to the end: done.
	id := alice.start(drillroom.ModeAssessment)
	if err := app.store.EndSession(ctx, id, "resolved"); err != nil {
		t.Fatal(err)
	}
	if res := trent.get(path); !strings.Contains(res.body, "1 of 2 done") || !strings.Contains(res.body, `/sessions/`+id+`/debrief`) {
		t.Errorf("progress after alice's attempt: want 1 of 2 done with her debrief")
	}
	if home := alice.get("/"); !strings.Contains(home.body, `data-state="done"`) {
		t.Errorf("alice's home does not show the drill as done")
	}
	if res := trent.post(path+"/withdraw", url.Values{"csrf": {trent.csrf()}}); res.status != http.StatusSeeOther {
		t.Errorf("withdraw: status %d", res.status)
	}
	if as, _ := app.store.ListAssignments(ctx); len(as) != 0 {
		t.Errorf("after the withdrawal: %+v", as)
	}
}
