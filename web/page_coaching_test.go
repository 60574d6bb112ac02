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

// TestCoachingOnTheDebrief: a coach writes an action with a due date; the
// trainee reads it on her debrief, acknowledges it and disputes a line;
// the dispute puts the session in the coach's queue until the coach
// resolves it. The wrong side of each form, and a coach of another cohort,
// are refused.
func TestCoachingOnTheDebrief(t *testing.T) {
	app := newTestApp(t)
	alice, id := app.alicePlayed(drillroom.ModePractice)
	debrief := "/sessions/" + id + "/debrief"
	carol := app.signedIn("carol")
	olga := app.outsider("olga", drillroom.RoleCoach)
	ccsrf, acsrf, ocsrf := carol.csrf(), alice.csrf(), olga.csrf()

	if res := alice.get(debrief); strings.Contains(res.body, `id="respond"`) || strings.Contains(res.body, `id="note-form"`) {
		t.Error("before any feedback the trainee is offered to acknowledge or to write notes")
	}
	res := carol.post("/sessions/"+id+"/notes", url.Values{"csrf": {ccsrf}, "kind": {"action"}, "due": {"2027-01-15"}, "text": {"Practise the two-minute update script."}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != debrief+"?coached=note#coaching" {
		t.Fatalf("note: status %d to %q; %s", res.status, res.header.Get("Location"), res.body)
	}
	// Until carol releases the review, alice sees the automatic card and
	// that it is being reviewed; carol sees that it is not released.
	res = alice.get(debrief)
	if !strings.Contains(res.body, `id="review-state"`) || !strings.Contains(res.body, "reviewing this session") ||
		strings.Contains(res.body, "Practise the two-minute update script.") || strings.Contains(res.body, `id="ack-btn"`) || strings.Contains(res.body, `id="release-review"`) {
		t.Error("before the release the trainee does not see a review in progress, or sees the note or a form")
	}
	if res := carol.get(debrief); !strings.Contains(res.body, "Not released to the trainee yet") || !strings.Contains(res.body, `id="release-review"`) {
		t.Error("the coach is not told the review is unreleased, or cannot release it")
	}
	release := func() {
		t.Helper()
		res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {ccsrf}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != debrief+"?coached=publish#coaching" {
			t.Fatalf("release: status %d to %q; %s", res.status, res.header.Get("Location"), res.body)
		}
	}
	if res := alice.post("/sessions/"+id+"/publish", url.Values{"csrf": {acsrf}}); res.status != http.StatusForbidden {
		t.Errorf("the trainee releases: status %d, want 403", res.status)
	}
	release()
	if res := carol.post("/sessions/"+id+"/publish", url.Values{"csrf": {ccsrf}}); res.status != http.StatusConflict {
		t.Errorf("a release with nothing new: status %d, want 409", res.status)
	}
	if res := carol.get(debrief); !strings.Contains(res.body, "Released to the trainee ") || strings.Contains(res.body, `id="release-review"`) {
		t.Error("the coach's debrief does not say when the review was released, or still offers to release it")
	}
	res = alice.get(debrief)
	if !strings.Contains(res.body, "Review released ") || strings.Contains(res.body, "reviewing this session") {
		t.Error("after the release the trainee's debrief does not say so")
	}
	for _, want := range []string{"Practise the two-minute update script.", "due 15 Jan 2027", "— Carol (coach)", `id="ack-btn"`, `id="dispute-form"`, `<option value="longest-silence">`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the trainee's debrief lacks %q", want)
		}
	}
	// An annotation of one moment of the call shows in the timeline under it.
	m := regexp.MustCompile(`<option value="(\d+)">[^<]*Dispatched`).FindStringSubmatch(carol.get(debrief).body)
	if m == nil {
		t.Fatal("the note form offers no moment of the dispatch to annotate")
	}
	if res := carol.post("/sessions/"+id+"/notes", url.Values{"csrf": {ccsrf}, "kind": {"strength"}, "seq": {m[1]}, "text": {"Good handover: location, hazards and access."}}); res.status != http.StatusSeeOther {
		t.Fatalf("annotation: status %d; %s", res.status, res.body)
	}
	body := alice.get(debrief).body
	if strings.Contains(body, "Good handover") {
		t.Error("the trainee sees an annotation made after the release")
	}
	if !strings.Contains(carol.get(debrief).body, "wait for a new release") {
		t.Error("the coach is not told the annotation waits for a new release")
	}
	release()
	body = alice.get(debrief).body
	ev := body[strings.Index(body, `id="ev-`+m[1]+`"`):]
	ev = ev[:strings.Index(ev, "</ol>")]
	if i := strings.Index(ev, `class="annotation"`); i < 0 || !strings.Contains(ev[i:], "Good handover") || strings.Count(ev[:i], "<li") != 1 {
		t.Error("the annotation is not right under its moment in the timeline")
	}
	if !strings.Contains(body, `<a href="#ev-`+m[1]+`">at `) {
		t.Error("the note does not link to its moment")
	}
	if res := carol.post("/sessions/"+id+"/notes", url.Values{"csrf": {ccsrf}, "kind": {"strength"}, "seq": {"9999"}, "text": {"x"}}); res.status != http.StatusBadRequest {
		t.Errorf("an annotation of no moment: status %d, want 400", res.status)
	}

	if res := alice.post("/sessions/"+id+"/acknowledge", url.Values{"csrf": {acsrf}}); res.status != http.StatusSeeOther {
		t.Fatalf("acknowledge: status %d", res.status)
	}
	if res := alice.get(debrief); !strings.Contains(res.body, `id="acknowledged"`) || !strings.Contains(res.body, "<strong>Alice</strong> acknowledged the feedback") {
		t.Error("the acknowledgement is not shown")
	}
	if res := alice.post("/sessions/"+id+"/disputes", url.Values{"csrf": {acsrf}, "rule": {"longest-silence"}, "text": {"I was reading the engineer's ETA to the caller."}}); res.status != http.StatusSeeOther {
		t.Fatalf("dispute: status %d; %s", res.status, res.body)
	}
	if res := carol.get("/reviews"); !strings.Contains(res.body, "the trainee disputes the marking") {
		t.Error("the dispute is not in the coach's queue")
	}
	resps, err := app.store.Responses(context.Background(), id)
	if err != nil || len(resps) != 2 {
		t.Fatalf("responses: %d, %v", len(resps), err)
	}
	dispute := resps[1].ID
	resolvePath := fmt.Sprintf("/sessions/%s/disputes/%d/resolve", id, dispute)
	res = carol.get(debrief)
	if !strings.Contains(res.body, `action="`+resolvePath+`"`) || !strings.Contains(res.body, "disputes “No silence over a minute”") {
		t.Errorf("the coach's debrief does not offer to resolve the dispute of the line")
	}

	for _, tc := range []struct {
		name   string
		b      *browser
		csrf   string
		path   string
		form   url.Values
		status int
	}{
		{"the trainee writes a note", alice, acsrf, "/sessions/" + id + "/notes", url.Values{"kind": {"strength"}, "text": {"me"}}, http.StatusForbidden},
		{"a coach of another cohort writes a note", olga, ocsrf, "/sessions/" + id + "/notes", url.Values{"kind": {"strength"}, "text": {"x"}}, http.StatusNotFound},
		{"an action without a due date", carol, ccsrf, "/sessions/" + id + "/notes", url.Values{"kind": {"action"}, "text": {"x"}}, http.StatusBadRequest},
		{"a due date that is not a date", carol, ccsrf, "/sessions/" + id + "/notes", url.Values{"kind": {"action"}, "due": {"soon"}, "text": {"x"}}, http.StatusBadRequest},
		{"the coach acknowledges", carol, ccsrf, "/sessions/" + id + "/acknowledge", url.Values{}, http.StatusForbidden},
		{"the coach disputes", carol, ccsrf, "/sessions/" + id + "/disputes", url.Values{"text": {"x"}}, http.StatusForbidden},
		{"a coach of another cohort disputes", olga, ocsrf, "/sessions/" + id + "/disputes", url.Values{"text": {"x"}}, http.StatusNotFound},
		{"the trainee resolves", alice, acsrf, resolvePath, url.Values{"text": {"done"}}, http.StatusForbidden},
		{"a coach of another cohort resolves", olga, ocsrf, resolvePath, url.Values{"text": {"done"}}, http.StatusNotFound},
		{"a dispute that is not a number", carol, ccsrf, "/sessions/" + id + "/disputes/x/resolve", url.Values{"text": {"done"}}, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("csrf", tc.csrf)
			if res := tc.b.post(tc.path, tc.form); res.status != tc.status {
				t.Errorf("status %d, want %d", res.status, tc.status)
			}
		})
	}

	if res := carol.post(resolvePath, url.Values{"csrf": {ccsrf}, "text": {"Fair: the ETA counts as an update. I have noted it."}}); res.status != http.StatusSeeOther {
		t.Fatalf("resolve: status %d; %s", res.status, res.body)
	}
	if res := alice.get(debrief); !strings.Contains(res.body, "<strong>Carol</strong> (coach) answered “I was reading the engineer&#39;s ETA to the caller.”: Fair: the ETA counts as an update.") {
		t.Error("the trainee does not see the coach's answer to her dispute")
	}
	if res := carol.get("/reviews"); strings.Contains(queueRow(res.body, id), "the trainee disputes the marking") {
		t.Error("the resolved dispute is still in the queue")
	}
}
