package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
)

// TestHistoryPage: a trainee's history lists her ended sessions with the
// official score and the coaching, and the agreed actions soonest due
// first, the overdue ones marked; others see only their own.
func TestHistoryPage(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModePractice)
	playGoodCall(t, app, id)
	alice.start(drillroom.ModeAssessment) // live: not in the history

	carol := app.signedIn("carol")
	csrf := carol.csrf()
	for _, form := range []url.Values{
		{"rule": {"review-quality"}, "outcome": {"fail"}, "reason": {"No review written."}},
	} {
		form.Set("csrf", csrf)
		if res := carol.post("/sessions/"+id+"/marks", form); res.status != http.StatusSeeOther {
			t.Fatalf("mark: status %d", res.status)
		}
	}
	for _, a := range []struct{ due, text string }{{"2999-01-01", "Later action."}, {"2020-01-01", "Earlier action."}} {
		if res := carol.post("/sessions/"+id+"/notes", url.Values{"csrf": {csrf}, "kind": {"action"}, "due": {a.due}, "text": {a.text}}); res.status != http.StatusSeeOther {
			t.Fatalf("note: status %d", res.status)
		}
	}
	if res := alice.get("/history"); strings.Contains(res.body, "Later action.") {
		t.Error("the history shows an action the coach has not released")
	}
	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {csrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("release: status %d", res.status)
	}
	res := alice.get("/history")
	if res.status != http.StatusOK {
		t.Fatalf("history: status %d", res.status)
	}
	i, j := strings.Index(res.body, "Earlier action."), strings.Index(res.body, "Later action.")
	if i < 0 || j < 0 || i > j {
		t.Error("the actions are not listed soonest due first")
	}
	if !strings.Contains(res.body, `<strong>due 1 Jan 2020</strong> <span class="badge fail">overdue</span>`) || strings.Count(res.body, "overdue</span>") != 1 {
		t.Error("the overdue action is not marked, or the other one is")
	}
	if strings.Count(res.body, `id="history-`) != 1 || !strings.Contains(res.body, "1 mark, 2 notes; <strong>to read</strong>") {
		t.Errorf("want the one ended session, with 1 mark and 2 notes to read")
	}
	if res := alice.post("/sessions/"+id+"/acknowledge", url.Values{"csrf": {alice.csrf()}}); res.status != http.StatusSeeOther {
		t.Fatalf("acknowledge: status %d", res.status)
	}
	if res := alice.get("/history"); !strings.Contains(res.body, "1 mark, 2 notes; acknowledged") {
		t.Error("the acknowledgement is not shown")
	}
	if res := app.signedIn("bob").get("/history"); res.status != http.StatusOK || strings.Contains(res.body, id) || strings.Contains(res.body, "Earlier action.") {
		t.Error("another trainee's history shows alice's session or actions")
	}
	// Alice marks the earlier action done from her history: it leaves the
	// open actions for the done ones, with who and what; the coach's
	// debrief shows it done.
	notes, err := app.store.Notes(context.Background(), id)
	if err != nil || len(notes) != 2 {
		t.Fatalf("notes: %+v, %v", notes, err)
	}
	earlier := notes[1]
	done := fmt.Sprintf("/sessions/%s/actions/%d/done", id, earlier.ID)
	bob := app.signedIn("bob")
	if res := bob.post(done, url.Values{"csrf": {bob.csrf()}}); res.status != http.StatusNotFound {
		t.Errorf("bob marks alice's action done: status %d, want 404", res.status)
	}
	res = alice.post(done, url.Values{"csrf": {alice.csrf()}, "back": {"/history"}, "text": {"Practised with Sam."}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/history" {
		t.Fatalf("alice marks the action done: status %d to %q; want 303 back to her history", res.status, res.header.Get("Location"))
	}
	res = alice.get("/history")
	open := res.body[strings.Index(res.body, `id="actions-h"`):strings.Index(res.body, `id="actions-done"`)]
	if strings.Contains(open, "Earlier action.") || !strings.Contains(open, "Later action.") ||
		!strings.Contains(res.body, "<s>Earlier action.</s>") || !strings.Contains(res.body, "done, said Alice (trainee)") || !strings.Contains(res.body, "Practised with Sam.") {
		t.Error("the done action is still open, or not listed as done with who and what")
	}
	if res := alice.post(done, url.Values{"csrf": {alice.csrf()}}); res.status != http.StatusConflict {
		t.Errorf("the action done twice: status %d, want 409", res.status)
	}
	if res := carol.get("/sessions/" + id + "/debrief"); !strings.Contains(res.body, `<span class="badge pass action-done">done, said Alice (trainee)`) {
		t.Error("the coach's debrief does not show the action done")
	}
}

// TestTraineeHistoryPage: a coach of the trainee's cohort reads her
// history at /trainees/{id}, linked from the queue: every note, released
// or not (said so), and the actions; a coach of another cohort is told it
// does not exist.
func TestTraineeHistoryPage(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	id := alice.start(drillroom.ModeAssessment)
	playGoodCall(t, app, id)
	carol := app.signedIn("carol")
	csrf := carol.csrf()
	for _, form := range []url.Values{
		{"kind": {"strength"}, "text": {"Calm with the caller."}},
		{"kind": {"action"}, "due": {"2999-01-01"}, "text": {"Read back the address."}},
	} {
		form.Set("csrf", csrf)
		if res := carol.post("/sessions/"+id+"/notes", form); res.status != http.StatusSeeOther {
			t.Fatalf("note: status %d", res.status)
		}
	}
	page := fmt.Sprintf("/trainees/%d", app.users["alice"].ID)
	if res := carol.get("/reviews"); !strings.Contains(queueRow(res.body, id), `<a href="`+page+`">`) {
		t.Error("the queue does not link the trainee's history")
	}
	res := carol.get(page)
	if res.status != http.StatusOK || !strings.Contains(res.body, "history</h1>") || !strings.Contains(res.body, "<strong>Strength</strong> Calm with the caller.") ||
		!strings.Contains(res.body, "Read back the address.") || !strings.Contains(res.body, `<span class="badge partial">not released yet</span>`) {
		t.Errorf("the coach's view of alice's history: status %d; want her notes and action, said not to be released yet", res.status)
	}
	if res := alice.get(page); res.status != http.StatusOK || strings.Contains(res.body, "Calm with the caller.") || strings.Contains(res.body, "not released yet") {
		t.Errorf("alice's own history page: status %d; want it without what the coach has not released", res.status)
	}
	if res := app.outsider("olga", drillroom.RoleCoach).get(page); res.status != http.StatusNotFound {
		t.Errorf("a coach of another cohort: status %d, want 404", res.status)
	}
}

// TestTraineeNotesPage: a coach writes notes on a trainee as a whole from
// /trainees/{id}; the trainee reads them on her history, acknowledges one
// and marks the agreed action done; the coach's page then says who did
// what. A coach of another cohort is told the trainee does not exist, and
// a bad note is refused with what is wrong.
func TestTraineeNotesPage(t *testing.T) {
	app := newTestApp(t)
	alice := app.signedIn("alice")
	carol := app.signedIn("carol")
	page := fmt.Sprintf("/trainees/%d", app.users["alice"].ID)
	if res := carol.get(page); res.status != http.StatusOK || !strings.Contains(res.body, `action="`+page+`/notes"`) {
		t.Fatalf("the coach's page: status %d; want the form for a note on alice", res.status)
	}
	csrf := carol.csrf()
	for _, form := range []url.Values{
		{"kind": {"strength"}, "text": {"Keeps angry callers calm."}},
		{"kind": {"action"}, "due": {"2999-01-01"}, "text": {"Shadow a senior agent for a shift."}},
	} {
		form.Set("csrf", csrf)
		if res := carol.post(page+"/notes", form); res.status != http.StatusSeeOther || res.header.Get("Location") != page+"#trainee-notes" {
			t.Fatalf("note on alice: status %d to %q; want back to %s", res.status, res.header.Get("Location"), page)
		}
	}
	if res := carol.post(page+"/notes", url.Values{"csrf": {csrf}, "kind": {"action"}, "text": {"No date."}}); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, "An action needs a due date.") {
		t.Errorf("an action without a due date: status %d; want 400 saying so", res.status)
	}
	olga := app.outsider("olga", drillroom.RoleCoach)
	if res := olga.post(page+"/notes", url.Values{"csrf": {olga.csrf()}, "kind": {"strength"}, "text": {"x"}}); res.status != http.StatusNotFound {
		t.Errorf("a coach of another cohort writes on alice: status %d, want 404", res.status)
	}

	res := alice.get("/history")
	strength := regexp.MustCompile(`id="trainee-note-(\d+)"><strong>Strength</strong> Keeps angry callers calm\.`).FindStringSubmatch(res.body)
	action := regexp.MustCompile(`id="trainee-note-(\d+)"><strong>Action</strong> <strong>due 1 Jan 2999</strong> Shadow a senior agent for a shift\.`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || strength == nil || action == nil || !strings.Contains(res.body, "— Carol (coach)") {
		t.Fatalf("alice's history: status %d; want both notes on her, by carol as coach", res.status)
	}
	acsrf := alice.csrf()
	base := fmt.Sprintf("/trainees/%d/notes/", app.users["alice"].ID)
	if res := alice.post(base+strength[1]+"/acknowledge", url.Values{"csrf": {acsrf}}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/history#trainee-notes" {
		t.Errorf("alice acknowledges: status %d to %q; want back to her history", res.status, res.header.Get("Location"))
	}
	if res := alice.post(base+action[1]+"/done", url.Values{"csrf": {acsrf}, "text": {"Shadowed Dee on Tuesday."}}); res.status != http.StatusSeeOther {
		t.Errorf("alice marks the action done: status %d", res.status)
	}
	if res := carol.post(base+strength[1]+"/acknowledge", url.Values{"csrf": {csrf}}); res.status != http.StatusForbidden {
		t.Errorf("carol acknowledges for alice: status %d, want 403", res.status)
	}
	res = carol.get(page)
	if !strings.Contains(res.body, "acknowledged by Alice, ") || !strings.Contains(res.body, "done, said Alice (trainee), ") ||
		!strings.Contains(res.body, "Shadowed Dee on Tuesday.") {
		t.Errorf("the coach's page after: want the acknowledgement and the action done, each by alice")
	}
	if res := alice.get("/history"); strings.Contains(res.body, base+strength[1]+"/acknowledge") || strings.Contains(res.body, base+action[1]+"/done") {
		t.Errorf("alice's history still offers to acknowledge or complete what she already did")
	}
}
