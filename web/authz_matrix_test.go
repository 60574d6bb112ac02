package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

// The authorization matrix: every route of the router and every socket
// action, for every kind of actor, on objects of their own and of others,
// against the real server (real SQLite file, real HTTP, real websockets).
//
// The columns are the actors. A new role (or a new relation to a trainee)
// is a new entry of matrixActors with its fixture in newMatrixApp, and a
// value in every row: a row without a value for some actor fails the test,
// so nothing is left undecided. A route registered in routes.go without a
// row fails it (chi.Walk), and so does a socket action kind without one.

// The actors. The objects all belong to the trainee ann.
const (
	anon        = "anonymous"
	trainee     = "trainee"                                // ann: the owner
	otherTrn    = "other trainee"                          // ben: same cohort as ann
	trainer     = "trainer"                                // tom: trainer of ann's cohort
	otherTrnr   = "trainer of another cohort"              // tia
	coach       = "coach"                                  // cat: coach of ann's cohort
	otherCoach  = "coach of another cohort"                // cal
	adminTrnr   = "administrator"                          // ada: a trainer with the admin flag, in no cohort
	mustChange  = "trainee who must change their password" // amy: ann's cohort, signed in with a one-time password
	matrixDrill = "gas-smell-basic"
)

var matrixActors = []string{anon, trainee, otherTrn, trainer, otherTrnr, coach, otherCoach, adminTrnr, mustChange}

// actorUser is the username of each actor ("" for anonymous).
var actorUser = map[string]string{anon: "", trainee: "ann", otherTrn: "ben", trainer: "tom", otherTrnr: "tia",
	coach: "cat", otherCoach: "cal", adminTrnr: "ada", mustChange: "amy"}

// Objects the routes are tried on.
const (
	ownLive   = "ann's live session"
	ownEnded  = "ann's ended session"
	noSession = "a missing session"
	assigned  = "a drill assigned to ann"
	noDrill   = "a missing drill"
	noObject  = "-"
	ownCohort = "ann's cohort"   // Class A: ann, ben, tom, cat
	othCohort = "another cohort" // Class B: zoe, tia, cal
	noCohort  = "a missing cohort"
	aUser     = "zoe's account" // a trainee of Class B: the object of the administration rows
	noUser    = "a missing account"
	aRound    = "a calibration round on ann's ended session" // led by tom, marked by tom and cat
	noRound   = "a missing calibration round"
	tomDraft  = "tom's draft"               // a draft of the trainer of ann's cohort
	tomPub    = "tom's pending publication" // waiting for a second trainer
	noPub     = "a missing publication"     //
	tomAssign = "tom's assignment to ann"   //
	noAssign  = "a missing assignment"
	annAcct   = "ann's account" // the trainee's history, as her cohort's staff read it
	tomAcct   = "tom's account" // a trainer's: no trainee history
	noObj     = "a missing draft"
)

// author is the column of a route of the trainer's workspace (authoring,
// assignments, the monitor): trainers and administrators get status,
// everyone else signed in 403, the anonymous visitor the sign-in page
// (page) or 401.
func author(status int, page bool) map[string]int {
	m := but(s403, map[string]int{trainer: status, otherTrnr: status, adminTrnr: status, anon: s401})
	if page {
		m[anon] = s303
	}
	return m
}

// all gives every actor the same expectation.
func all(status int) map[string]int {
	m := map[string]int{}
	for _, a := range matrixActors {
		m[a] = status
	}
	return m
}

// but is all(base) with some actors' expectations changed.
func but(base int, except map[string]int) map[string]int {
	m := all(base)
	for k, v := range except {
		m[k] = v
	}
	return m
}

const (
	s200 = http.StatusOK
	s101 = http.StatusSwitchingProtocols
	s303 = http.StatusSeeOther
	s401 = http.StatusUnauthorized
	s403 = http.StatusForbidden
	s404 = http.StatusNotFound
	s409 = http.StatusConflict
	s400 = http.StatusBadRequest
)

// seeing is who may see ann's sessions: herself, the staff of her cohort
// and the administrator; others get 404, exactly as for a missing one.
func seeing(own, staff, coachStatus int) map[string]int {
	return map[string]int{anon: s401, trainee: own, otherTrn: s404, trainer: staff, otherTrnr: s404,
		coach: coachStatus, otherCoach: s404, adminTrnr: staff}
}

// routeMatrix is the table: route (as chi.Walk names it) x object x actor.
// Pages answer an anonymous GET with 303 to the sign-in page.
var routeMatrix = []struct {
	route, object string
	want          map[string]int
}{
	{"GET /healthz", noObject, all(s200)},
	{"GET /metrics", noObject, map[string]int{anon: s401, trainee: s401, otherTrn: s401, trainer: s200, otherTrnr: s200, coach: s200, otherCoach: s200, adminTrnr: s200}},
	{"GET /static/*", noObject, all(s200)},
	{"GET /login", noObject, but(s303, map[string]int{anon: s200})},
	{"POST /login", noObject, all(s401)}, // a wrong password, whoever sends it
	{"GET /ws/sessions/{id}", ownLive, seeing(s101, s101, s101)},
	{"GET /ws/sessions/{id}", ownEnded, seeing(s101, s101, s101)},
	{"GET /ws/sessions/{id}", noSession, but(s404, map[string]int{anon: s401})},
	{"GET /", noObject, but(s200, map[string]int{anon: s303})},
	// The console is the trainee's: coaches are sent to the debrief,
	// trainers and administrators to the observer page.
	{"GET /sessions/{id}", ownLive, with(seeing(s200, s303, s303), anon, s303)},
	{"GET /sessions/{id}", ownEnded, with(seeing(s200, s303, s303), anon, s303)},
	{"GET /sessions/{id}", noSession, but(s404, map[string]int{anon: s303})},
	{"GET /sessions/{id}/debrief", ownLive, with(seeing(s200, s200, s200), anon, s303)},
	{"GET /sessions/{id}/debrief", ownEnded, with(seeing(s200, s200, s200), anon, s303)},
	{"GET /sessions/{id}/debrief", noSession, but(s404, map[string]int{anon: s303})},
	{"GET /api/sessions/{id}/scorecard", ownLive, seeing(s409, s409, s409)}, // no rubric while the call runs
	{"GET /api/sessions/{id}/scorecard", ownEnded, seeing(s200, s200, s200)},
	{"GET /api/sessions/{id}/scorecard", noSession, but(s404, map[string]int{anon: s401})},
	{"POST /logout", noObject, but(s303, map[string]int{anon: s401})},
	// Trainees start what is assigned to them; trainers practise any
	// published drill; coaches review and start only what is assigned.
	{"POST /drills/{scenario}/start", assigned, map[string]int{anon: s401, trainee: s303, otherTrn: s403, trainer: s303, otherTrnr: s303, coach: s403, otherCoach: s403, adminTrnr: s303}},
	{"POST /drills/{scenario}/start", noDrill, but(s403, map[string]int{anon: s401})},
	// Only the session's trainee writes its review, after the call.
	{"POST /sessions/{id}/review", ownLive, seeing(s409, s403, s403)},
	{"POST /sessions/{id}/review", ownEnded, seeing(s303, s403, s403)},
	{"POST /sessions/{id}/review", noSession, but(s404, map[string]int{anon: s401})},
	// The coach's workspace (page_mark.go, page_reviews.go,
	// page_coaching.go, page_replay.go, page_calibration.go): the staff of
	// ann's cohort and the administrator act on her ended sessions, as
	// themselves; trainees are refused (403) except for their own answers
	// to the feedback; everyone else is told the session does not exist.
	{"POST /sessions/{id}/marks", ownLive, seeing(s403, s409, s409)}, // marked once the call has ended
	{"POST /sessions/{id}/marks", ownEnded, seeing(s403, s303, s303)},
	{"POST /sessions/{id}/marks", noSession, but(s404, map[string]int{anon: s401})},
	{"GET /history", noObject, but(s200, map[string]int{anon: s303})}, // one's own
	// A trainee's history: herself, her cohort's staff, the administrator;
	// nobody else, and nobody for an account that is not a trainee's.
	{"GET /trainees/{id}", annAcct, map[string]int{anon: s303, trainee: s200, otherTrn: s404, trainer: s200, otherTrnr: s404, coach: s200, otherCoach: s404, adminTrnr: s200}},
	{"GET /trainees/{id}", tomAcct, but(s404, map[string]int{anon: s303})},
	{"GET /trainees/{id}", noUser, but(s404, map[string]int{anon: s303})},
	// Notes on ann as a whole: her cohort's staff and the administrator
	// write them, she cannot; she alone acknowledges them (note 1, a
	// coach's action on her, once: the first time), and she or her staff
	// mark the action done (once: after her, a conflict).
	{"POST /trainees/{id}/notes", annAcct, map[string]int{anon: s401, trainee: s403, otherTrn: s404, trainer: s303, otherTrnr: s404, coach: s303, otherCoach: s404, adminTrnr: s303}},
	{"POST /trainees/{id}/notes", tomAcct, but(s404, map[string]int{anon: s401})},
	{"POST /trainees/{id}/notes", noUser, but(s404, map[string]int{anon: s401})},
	{"POST /trainees/{id}/notes/{n}/acknowledge", annAcct, map[string]int{anon: s401, trainee: s303, otherTrn: s404, trainer: s403, otherTrnr: s404, coach: s403, otherCoach: s404, adminTrnr: s403}},
	{"POST /trainees/{id}/notes/{n}/acknowledge", tomAcct, but(s404, map[string]int{anon: s401})},
	{"POST /trainees/{id}/notes/{n}/acknowledge", noUser, but(s404, map[string]int{anon: s401})},
	{"POST /trainees/{id}/notes/{n}/done", annAcct, map[string]int{anon: s401, trainee: s303, otherTrn: s404, trainer: s409, otherTrnr: s404, coach: s409, otherCoach: s404, adminTrnr: s409}},
	{"POST /trainees/{id}/notes/{n}/done", tomAcct, but(s404, map[string]int{anon: s401})},
	{"POST /trainees/{id}/notes/{n}/done", noUser, but(s404, map[string]int{anon: s401})},
	{"GET /reviews", noObject, map[string]int{anon: s303, trainee: s403, otherTrn: s403, trainer: s200, otherTrnr: s200, coach: s200, otherCoach: s200, adminTrnr: s200}},
	{"POST /sessions/{id}/claim", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/claim", ownEnded, seeing(s403, s303, s303)}, // a fresh session for every cell
	{"POST /sessions/{id}/claim", noSession, but(s404, map[string]int{anon: s401})},
	{"POST /sessions/{id}/release", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/release", ownEnded, seeing(s403, s303, s303)}, // holding none: a no-op
	{"POST /sessions/{id}/release", noSession, but(s404, map[string]int{anon: s401})},
	{"POST /sessions/{id}/notes", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/notes", ownEnded, seeing(s403, s303, s303)},
	{"POST /sessions/{id}/notes", noSession, but(s404, map[string]int{anon: s401})},
	// Staff release the reviewed scorecard to the trainee (409: nothing to
	// release on a fresh session).
	{"POST /sessions/{id}/publish", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/publish", ownEnded, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/publish", noSession, but(s404, map[string]int{anon: s401})},
	// Only the trainee acknowledges (409: nothing released on a fresh
	// session) and disputes (after the call).
	{"POST /sessions/{id}/acknowledge", ownLive, seeing(s409, s403, s403)},
	{"POST /sessions/{id}/acknowledge", ownEnded, seeing(s409, s403, s403)}, // a fresh session for every cell
	{"POST /sessions/{id}/acknowledge", noSession, but(s404, map[string]int{anon: s401})},
	{"POST /sessions/{id}/disputes", ownLive, seeing(s409, s403, s403)},
	{"POST /sessions/{id}/disputes", ownEnded, seeing(s303, s403, s403)},
	{"POST /sessions/{id}/disputes", noSession, but(s404, map[string]int{anon: s401})},
	// Staff answer disputes (409: no such dispute open on a fresh session).
	{"POST /sessions/{id}/disputes/{n}/resolve", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/disputes/{n}/resolve", ownEnded, seeing(s403, s409, s409)}, // a fresh session for every cell
	{"POST /sessions/{id}/disputes/{n}/resolve", noSession, but(s404, map[string]int{anon: s401})},
	// An agreed action marked done: the trainee (a released action) or the
	// staff who may mark the session. The action here is missing, so
	// whoever passes the guard is told so (404); staff on a live call 409.
	{"POST /sessions/{id}/actions/{n}/done", ownLive, seeing(s404, s409, s409)},
	{"POST /sessions/{id}/actions/{n}/done", ownEnded, seeing(s404, s404, s404)},
	{"POST /sessions/{id}/actions/{n}/done", noSession, but(s404, map[string]int{anon: s401})},
	// The replay shows the hidden state: staff only, live or ended.
	{"GET /sessions/{id}/replay", ownLive, with(seeing(s403, s200, s200), anon, s303)},
	{"GET /sessions/{id}/replay", ownEnded, with(seeing(s403, s200, s200), anon, s303)},
	{"GET /sessions/{id}/replay", noSession, but(s404, map[string]int{anon: s303})},
	{"GET /sessions/{id}/replay/frame", ownLive, with(seeing(s403, s200, s200), anon, s303)}, // ?seq=1
	{"GET /sessions/{id}/replay/frame", ownEnded, with(seeing(s403, s200, s200), anon, s303)},
	{"GET /sessions/{id}/replay/frame", noSession, but(s404, map[string]int{anon: s303})},
	// Calibration: started by the cohort's staff (markers tom and cat);
	// a round is seen and marked by its markers only, published by its lead.
	{"POST /sessions/{id}/calibration", ownLive, seeing(s403, s409, s409)},
	{"POST /sessions/{id}/calibration", ownEnded, seeing(s403, s303, s303)},
	{"POST /sessions/{id}/calibration", noSession, but(s404, map[string]int{anon: s401})},
	{"GET /calibration", noObject, map[string]int{anon: s303, trainee: s403, otherTrn: s403, trainer: s200, otherTrnr: s200, coach: s200, otherCoach: s200, adminTrnr: s200}},
	{"GET /calibration/{round}", aRound, but(s404, map[string]int{anon: s303, trainer: s200, coach: s200})},
	{"GET /calibration/{round}", noRound, but(s404, map[string]int{anon: s303})},
	{"POST /calibration/{round}/marks", aRound, but(s404, map[string]int{anon: s401, trainer: s303, coach: s303})},
	{"POST /calibration/{round}/marks", noRound, but(s404, map[string]int{anon: s401})},
	{"POST /calibration/{round}/publish", aRound, but(s404, map[string]int{anon: s401, trainer: s303, coach: s403})},
	{"POST /calibration/{round}/publish", noRound, but(s404, map[string]int{anon: s401})},
	// One's own password: everyone signed in (a wrong current password here).
	{"GET /account/password", noObject, but(s200, map[string]int{anon: s303})},
	{"POST /account/password", noObject, but(s400, map[string]int{anon: s401})},
	// A cohort's page: its trainers and coaches and the administrators;
	// trainees do not read member lists.
	{"GET /cohorts/{id}", ownCohort, map[string]int{anon: s303, trainee: s404, otherTrn: s404, trainer: s200, otherTrnr: s404, coach: s200, otherCoach: s404, adminTrnr: s200}},
	{"GET /cohorts/{id}", othCohort, map[string]int{anon: s303, trainee: s404, otherTrn: s404, trainer: s404, otherTrnr: s200, coach: s404, otherCoach: s200, adminTrnr: s200}},
	{"GET /cohorts/{id}", noCohort, but(s404, map[string]int{anon: s303})},
	// Cohort analytics and their exports: trainers and coaches for their
	// own cohorts, administrators for every cohort; trainees never (403);
	// another cohort is not found. The cohort is a query parameter.
	{"GET /analytics", noObject, analytics(s200, s200)},
	{"GET /analytics", ownCohort, analytics(s200, s404)},
	{"GET /analytics", othCohort, analytics(s404, s200)},
	{"GET /analytics", noCohort, analytics(s404, s404)},
	{"GET /analytics/report", ownCohort, analytics(s200, s404)},
	{"GET /analytics/report", othCohort, analytics(s404, s200)},
	{"GET /analytics/export/{kind}.csv", ownCohort, analytics(s200, s404)},
	{"GET /analytics/export/{kind}.csv", othCohort, analytics(s404, s200)},
	{"GET /analytics/export/statements.json", ownCohort, analytics(s200, s404)},
	{"GET /analytics/export/statements.json", othCohort, analytics(s404, s200)},
	// Administration: administrators only; everyone else signed in 403.
	// The forms are sent empty: the administrator's 400 shows the form was
	// judged, past the guard; the actions without fields succeed (303).
	{"GET /admin/users", noObject, admin(s200, true)},
	{"POST /admin/users", noObject, admin(s400, false)},
	{"GET /admin/users/{id}", aUser, admin(s200, true)},
	{"GET /admin/users/{id}", noUser, admin(s404, true)},
	{"POST /admin/users/{id}", aUser, admin(s400, false)},
	{"POST /admin/users/{id}/disable", aUser, admin(s303, false)},
	{"POST /admin/users/{id}/enable", aUser, admin(s303, false)},
	{"POST /admin/users/{id}/password", aUser, admin(s200, false)}, // shows the one-time password,
	{"GET /admin/cohorts", noObject, admin(s200, true)},
	{"POST /admin/cohorts", noObject, admin(s400, false)},
	{"GET /admin/cohorts/{id}", othCohort, admin(s200, true)},
	{"GET /admin/cohorts/{id}", noCohort, admin(s404, true)},
	{"POST /admin/cohorts/{id}", othCohort, admin(s400, false)},
	{"POST /admin/cohorts/{id}/members", othCohort, admin(s400, false)},
	{"POST /admin/cohorts/{id}/members/{user}/remove", othCohort, admin(s303, false)},
	{"GET /admin/import", noObject, admin(s200, true)},
	{"POST /admin/import", noObject, admin(s400, false)},
	{"GET /admin/audit", noObject, admin(s200, true)},
	{"GET /admin/settings", noObject, admin(s200, true)},
	{"POST /admin/settings", noObject, admin(s303, false)},
	// The event log over HTTP: whoever may see the session.
	{"GET /api/sessions/{id}/events", ownLive, seeing(s200, s200, s200)},
	{"GET /api/sessions/{id}/events", ownEnded, seeing(s200, s200, s200)},
	{"GET /api/sessions/{id}/events", noSession, but(s404, map[string]int{anon: s401})},
	// Authoring: trainers and administrators; a draft is its author's
	// alone (another trainer, even an administrator, gets 404).
	{"GET /author/", noObject, author(s200, true)},
	{"GET /author/schema.json", noObject, author(s200, true)},
	{"POST /author/drafts", noObject, author(s303, false)}, // from the template
	{"POST /author/upload", noObject, author(s400, false)}, // no file
	{"POST /author/check", noObject, author(s200, false)},
	{"POST /author/test", noObject, author(s200, false)},
	{"GET /author/drafts/{id}", tomDraft, with(with(author(s200, true), otherTrnr, s404), adminTrnr, s404)},
	{"GET /author/drafts/{id}", noObj, author(s404, true)},
	{"GET /author/drafts/{id}/download", tomDraft, with(with(author(s200, true), otherTrnr, s404), adminTrnr, s404)},
	{"POST /author/drafts/{id}", tomDraft, with(with(author(s303, false), otherTrnr, s404), adminTrnr, s404)},
	{"POST /author/drafts/{id}/publish", tomDraft, with(with(author(s400, false), otherTrnr, s404), adminTrnr, s404)}, // it does not load
	// Playing a draft and recording a play: its author only. tom's draft
	// does not load (400); ann's session is no play of it (404).
	{"GET /author/drafts/{id}/plays", tomDraft, with(with(author(s200, true), otherTrnr, s404), adminTrnr, s404)},
	{"POST /author/drafts/{id}/play", tomDraft, with(with(author(s400, false), otherTrnr, s404), adminTrnr, s404)},
	{"POST /author/drafts/{id}/record", tomDraft, with(with(author(s404, false), otherTrnr, s404), adminTrnr, s404)},
	{"POST /author/drafts/{id}/delete", tomDraft, with(with(author(s303, false), otherTrnr, s404), adminTrnr, s404)}, // tom deletes it; then it is gone
	{"GET /author/publications/{id}", tomPub, author(s200, true)},
	{"GET /author/publications/{id}", noPub, author(s404, true)},
	{"POST /author/publications/{id}/approve", noPub, author(s404, false)},
	{"POST /author/publications/{id}/reject", noPub, author(s404, false)},
	{"GET /author/drills/{scenario}", assigned, author(s200, true)},
	{"GET /author/drills/{scenario}", noDrill, author(s404, true)},
	{"GET /author/drills/{scenario}/{version}/download", assigned, author(s200, true)},
	{"GET /author/drills/{scenario}/{version}/policy", assigned, author(s200, true)},
	{"GET /author/drills/{scenario}/{version}/policy", noDrill, author(s404, true)},
	{"GET /author/policies/{policy}/download", noObject, author(s200, true)},
	{"POST /author/drills/{scenario}/{version}/retire", noDrill, author(s404, false)},
	// Assignments: to one's own cohorts and their trainees (administrators:
	// all); another cohort's trainer gets 404.
	{"GET /assignments/", noObject, author(s200, true)},
	{"POST /assignments/", noObject, author(s400, false)}, // an empty form
	{"GET /assignments/{id}", tomAssign, with(author(s200, true), otherTrnr, s404)},
	{"GET /assignments/{id}", noAssign, author(s404, true)},
	{"POST /assignments/{id}/withdraw", noAssign, author(s404, false)},
	// The live monitor: the board and the observer page of the sessions
	// in one's cohorts; a class drill for one's own cohort.
	{"GET /monitor/", noObject, author(s200, true)},
	{"GET /api/monitor/sessions", noObject, author(s200, false)},
	{"GET /monitor/sessions/{id}", ownLive, with(author(s200, true), otherTrnr, s404)},
	{"GET /monitor/sessions/{id}", noSession, author(s404, true)},
	{"POST /monitor/class", ownCohort, with(author(s303, false), otherTrnr, s404)}, // tom's cohort: tia may not
	{"POST /monitor/pause-all", noObject, author(s303, false)},
}

// admin is the column of an administration route: the administrator gets
// status, every other signed-in user 403, the anonymous visitor the
// sign-in page (page) or 401 (a form).
func admin(status int, page bool) map[string]int {
	m := but(s403, map[string]int{adminTrnr: status, anon: s401})
	if page {
		m[anon] = s303
	}
	return m
}

// analytics is the column of an analytics route on a cohort: the staff of
// ann's cohort get own, the staff of the other cohort other, the
// administrator 200 (200 or 404 for a missing cohort, as other says).
func analytics(own, other int) map[string]int {
	admin := s200
	if own == s404 && other == s404 {
		admin = s404
	}
	return map[string]int{anon: s303, trainee: s403, otherTrn: s403, trainer: own, coach: own,
		otherTrnr: other, otherCoach: other, adminTrnr: admin}
}

func with(m map[string]int, actor string, status int) map[string]int {
	m[actor] = status
	return m
}

// Socket outcomes of a command.
const (
	allowed   = "allowed"   // ack, or a refusal of the simulation or a quota: the actor may send it
	forbidden = "forbidden" // reject forbidden: the role may not
	noSocket  = "404"       // the handshake is refused: the session is not theirs to see
	signIn    = "401"       // the handshake is refused: not signed in
)

// socketCol is the column of a socket action: who may send it.
func socketCol(traineeMay, trainerMay bool) map[string]string {
	yes := func(b bool) string {
		if b {
			return allowed
		}
		return forbidden
	}
	return map[string]string{anon: signIn, trainee: yes(traineeMay), otherTrn: noSocket, trainer: yes(trainerMay),
		otherTrnr: noSocket, coach: forbidden, otherCoach: noSocket, adminTrnr: yes(trainerMay), mustChange: "403"}
}

// actionMatrix is the table of socket actions: a well-formed sample of
// each kind and who may send it. A trainer in a trainee's session is an
// observer: the trainer controls only, never the trainee's actions
// (training.ActorFor); only the trainee writes the review.
var actionMatrix = []struct {
	sample simulator.Action
	want   map[string]string
}{
	{simulator.Action{Kind: simulator.ActSay, Text: "Hello, incident line."}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActHold, Text: "One moment."}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActResume}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 3"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location"}}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActEscalate, Target: "duty-manager"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActContact, Target: "gas", Text: "Any news?"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActRequest, Target: "duty-manager", Decision: "goodwill", Amount: 20}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActDecide, Decision: "goodwill", Amount: 20}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActTransfer, Target: "gas"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActReview, Text: "Advice first, then the dispatch."}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActCorrect, Of: 1, Intents: []string{"update"}}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActHint}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActConsult, Target: "duty-manager", Text: "Can I offer a goodwill payment?"}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActEndConsult, Text: "Thanks for holding."}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActWrapUp, Text: "Handed over to the engineer."}, socketCol(true, false)},
	{simulator.Action{Kind: simulator.ActPause}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActResumeClock}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActSetScale, Amount: 2}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "Hello?"}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActSetVar, Field: "x", Value: "1"}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActTakeover, As: "customer"}, socketCol(false, true)},
	{simulator.Action{Kind: simulator.ActHandback, As: "customer"}, socketCol(false, true)},
}

// matrixApp is the real server over a real SQLite file, with the actors'
// accounts, two cohorts (ann, ben, tom, cat, amy; zoe, tia, cal) and the example
// drill assigned to ann.
type matrixApp struct {
	t       *testing.T
	st      *store.Store
	rn      *runner.Runner
	http    *httptest.Server
	users   map[string]drillroom.User
	cohorts map[string]int64  // ownCohort, othCohort
	objects map[string]string // the trainer's workspace's objects: their ids
}

func newMatrixApp(t *testing.T) *matrixApp {
	t.Helper()
	ctx := context.Background()
	st, rn, srv := newTestServer(t, Config{CommandRate: 1000, CommandBurst: 1000}, runner.Config{}, store.WithPasswordCost(64, 1))
	hs := serveTest(t, srv)
	a := &matrixApp{t: t, st: st, rn: rn, http: hs, users: map[string]drillroom.User{}, cohorts: map[string]int64{}}
	roles := map[string]drillroom.Role{"ann": drillroom.RoleTrainee, "ben": drillroom.RoleTrainee, "zoe": drillroom.RoleTrainee,
		"tom": drillroom.RoleTrainer, "tia": drillroom.RoleTrainer, "ada": drillroom.RoleTrainer,
		"cat": drillroom.RoleCoach, "cal": drillroom.RoleCoach, "amy": drillroom.RoleTrainee}
	for name, role := range roles {
		u, err := st.CreateUser(ctx, name, name, role, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		a.users[name] = u
	}
	var err error
	ada := a.users["ada"]
	ada.Admin = true
	if a.users["ada"], err = st.UpdateUser(ctx, ada); err != nil {
		t.Fatal(err)
	}
	amy := a.users["amy"]
	amy.MustChangePassword = true
	if a.users["amy"], err = st.UpdateUser(ctx, amy); err != nil {
		t.Fatal(err)
	}
	for cohort, members := range map[string][]string{"Class A": {"ann", "ben", "tom", "cat", "amy"}, "Class B": {"zoe", "tia", "cal"}} {
		c, err := st.CreateCohort(ctx, cohort, "")
		if err != nil {
			t.Fatal(err)
		}
		a.cohorts[map[string]string{"Class A": ownCohort, "Class B": othCohort}[cohort]] = c.ID
		for _, m := range members {
			if err := st.AddToCohort(ctx, c.ID, a.users[m].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	sc := scenariotest.GasExample(t)
	if sc.ID != matrixDrill {
		t.Fatalf("example drill %s, want %s", sc.ID, matrixDrill)
	}
	if _, err := training.Publish(ctx, st, sc); err != nil {
		t.Fatal(err)
	}
	if err := st.Assign(ctx, a.users["ann"].ID, sc.ID, drillroom.ModePractice); err != nil {
		t.Fatal(err)
	}
	// The trainer's workspace: tom's draft, his pending publication, his
	// assignment to ann.
	a.objects = map[string]string{noObj: "99999", noPub: "99999", noAssign: "99999"}
	d, err := st.CreateDraft(ctx, drillroom.Draft{AuthorID: a.users["tom"].ID, Name: "tom.drill.yaml", Source: []byte("id: tom\n")})
	if err != nil {
		t.Fatal(err)
	}
	a.objects[tomDraft] = fmt.Sprint(d.ID)
	p, err := st.AddPublication(ctx, drillroom.Publication{ScenarioID: "toms-drill", Version: 1, Hash: "h", Title: "Tom's drill",
		Source: []byte("id: toms-drill\n"), AuthorID: a.users["tom"].ID, State: drillroom.PublicationPending})
	if err != nil {
		t.Fatal(err)
	}
	a.objects[tomPub] = fmt.Sprint(p.ID)
	as, err := st.AddAssignment(ctx, drillroom.Assignment{ScenarioID: sc.ID, Mode: drillroom.ModePractice, UserID: a.users["ann"].ID, AssignedBy: a.users["tom"].ID})
	if err != nil {
		t.Fatal(err)
	}
	a.objects[tomAssign] = fmt.Sprint(as.ID)
	a.objects[annAcct], a.objects[tomAcct] = fmt.Sprint(a.users["ann"].ID), fmt.Sprint(a.users["tom"].ID)
	// A coach's agreed action on ann as a whole: trainee note 1, the {n}
	// of the trainee note rows.
	tn, err := st.AddTraineeNote(ctx, drillroom.TraineeNote{TraineeID: a.users["ann"].ID, Note: drillroom.Note{Kind: drillroom.NoteAction,
		Text: "Read back the address.", Due: time.Now().Add(48 * time.Hour), ByID: a.users["cat"].ID, Actor: drillroom.ActorCoach}})
	if err != nil || tn.ID != 1 {
		t.Fatalf("ann's trainee note: %+v, %v; want note 1", tn, err)
	}
	return a
}

// session creates a live session of ann's; ended plays it to its end.
func (a *matrixApp) session(ended bool) string {
	a.t.Helper()
	ctx := context.Background()
	x, err := a.st.CreateSession(ctx, drillroom.Session{UserID: a.users["ann"].ID, ScenarioID: matrixDrill, Version: 1,
		Seed: 7, Mode: drillroom.ModePractice, Scale: 1})
	if err != nil {
		a.t.Fatal(err)
	}
	if ended {
		res, err := a.rn.Do(ctx, x.ID, runner.Command{ID: "end", By: drillroom.ActorTrainee,
			Action: simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}})
		if err != nil || !res.Applied() {
			a.t.Fatalf("end session: %+v %v", res, err)
		}
	}
	return x.ID
}

// login starts a fresh login for actor ("" token for anonymous).
func (a *matrixApp) login(actor string) string {
	a.t.Helper()
	name := actorUser[actor]
	if name == "" {
		return ""
	}
	return loginFor(a.t, a.st, a.users[name].ID)
}

// request sends one request as actor, a form post as a browser on the
// site would send it (Origin, the login's CSRF token), and returns the
// status.
func (a *matrixApp) request(actor, method, path string, form url.Values) int {
	a.t.Helper()
	tok := a.login(actor)
	if strings.HasPrefix(path, "/ws/") {
		hdr := http.Header{"Origin": {a.http.URL}}
		if tok != "" {
			hdr.Set("Cookie", sessionCookie+"="+tok)
		}
		c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(a.http.URL, "http")+path, hdr)
		if c != nil {
			c.Close()
		}
		if res == nil {
			a.t.Fatalf("dial %s: %v", path, err)
		}
		return res.StatusCode
	}
	return sendAs(a.t, a.http.URL, method, path, tok, form).StatusCode
}

func TestAuthorizationMatrix(t *testing.T) {
	a := newMatrixApp(t)
	live, ended := a.session(false), a.session(true)
	round, err := a.st.CreateRound(context.Background(), drillroom.Round{SessionID: a.session(true), LeadID: a.users["tom"].ID,
		Members: []int64{a.users["tom"].ID, a.users["cat"].ID}})
	if err != nil {
		t.Fatal(err)
	}

	// The gated column follows one rule (page_account.go, passwordGate):
	// until the password is changed, a page sends to the password page, a
	// form or an API call or a socket is refused with 403; the password
	// page, sign-in and sign-out, health and the static files stay open.
	for _, r := range routeMatrix {
		method, path, _ := strings.Cut(r.route, " ")
		switch {
		case path == "/account/password", path == "/healthz", path == "/static/*",
			method == http.MethodPost && (path == "/login" || path == "/logout"):
			r.want[mustChange] = r.want[otherTrn]
		case method == http.MethodGet && !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/ws/"):
			r.want[mustChange] = s303
		default:
			r.want[mustChange] = s403
		}
	}

	// Every route has rows, and every row's route exists.
	rows := map[string]bool{}
	for _, r := range routeMatrix {
		rows[r.route] = true
		for _, actor := range matrixActors {
			if _, ok := r.want[actor]; !ok {
				t.Errorf("%s on %s: no expectation for the actor %q: decide it", r.route, r.object, actor)
			}
		}
	}
	routes := map[string]bool{}
	err = chi.Walk(a.http.Config.Handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		routes[key] = true
		if !rows[key] {
			t.Errorf("route %s has no row in the authorization matrix: decide who may use it, on whose objects", key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := range rows {
		if !routes[r] {
			t.Errorf("the matrix has rows for %s, which the router does not have", r)
		}
	}

	for _, r := range routeMatrix {
		method, pattern, _ := strings.Cut(r.route, " ")
		for _, actor := range matrixActors {
			id := map[string]string{ownLive: live, ownEnded: ended, noSession: "no-such-session"}[r.object]
			switch r.route {
			case "POST /sessions/{id}/review", "POST /sessions/{id}/claim", "POST /sessions/{id}/acknowledge",
				"POST /sessions/{id}/disputes/{n}/resolve", "POST /sessions/{id}/publish":
				if r.object == ownEnded {
					// A review is written once, a claim held by the first
					// to take it, a dispute answered once, a review
					// released once: a fresh session
					// for every cell.
					id = a.session(true)
				}
			}
			switch r.object {
			case ownCohort, othCohort:
				id = fmt.Sprint(a.cohorts[r.object])
			case noCohort, noUser:
				id = "99999"
			case aUser:
				id = fmt.Sprint(a.users["zoe"].ID)
			}
			if o, ok := a.objects[r.object]; ok {
				id = o
			}
			roundID := map[string]string{aRound: fmt.Sprint(round.ID), noRound: "99999"}[r.object]
			scenario := map[string]string{assigned: matrixDrill, noDrill: "no-such-drill"}[r.object]
			path := strings.NewReplacer("{id}", id, "{scenario}", scenario, "{user}", fmt.Sprint(a.users["zoe"].ID), "*", "app.css",
				"{round}", roundID, "{n}", "1", "{kind}", "outcomes", "{version}", "1", "{policy}", "uk-contact-centre").Replace(pattern)
			if r.route == "POST /sessions/{id}/actions/{n}/done" {
				path = strings.Replace(path, "/actions/1/", "/actions/99999/", 1)
			}
			if r.route == "GET /sessions/{id}/replay/frame" {
				path += "?seq=1"
			}
			if strings.HasPrefix(pattern, "/analytics") && r.object != noObject {
				path += "?cohort=" + id
			}
			var form url.Values
			switch r.route {
			case "POST /login":
				form = url.Values{"username": {"nobody-" + strings.ReplaceAll(actor, " ", "-")}, "password": {"a wrong password"}}
			case "POST /drills/{scenario}/start":
				form = url.Values{"mode": {string(drillroom.ModePractice)}}
			case "POST /sessions/{id}/review":
				form = url.Values{"text": {"Advice first, then the dispatch."}}
			case "POST /account/password":
				form = url.Values{"current": {"not the password"}, "new": {"another long password"}, "confirm": {"another long password"}}
			case "POST /sessions/{id}/marks":
				form = url.Values{"rule": {"review-quality"}, "outcome": {"pass"}, "reason": {"Clear lessons."}}
			case "POST /sessions/{id}/notes", "POST /trainees/{id}/notes":
				form = url.Values{"kind": {"strength"}, "text": {"Safety advice first."}}
			case "POST /sessions/{id}/disputes", "POST /sessions/{id}/disputes/{n}/resolve":
				form = url.Values{"text": {"The caller was on hold."}}
			case "POST /sessions/{id}/calibration":
				form = url.Values{"member": {fmt.Sprint(a.users["tom"].ID), fmt.Sprint(a.users["cat"].ID)}}
			case "POST /calibration/{round}/marks":
				form = url.Values{"rule": {"review-quality"}, "outcome-review-quality": {"pass"}}
			case "POST /author/drafts":
				form = url.Values{"from": {"template"}, "template": {"complaint"}}
			case "POST /author/check", "POST /author/test", "POST /author/drafts/{id}":
				form = url.Values{"name": {"tom.drill.yaml"}, "source": {"id: tom\n"}}
			case "POST /admin/settings":
				form = url.Values{"approval": {"none"}}
			case "POST /author/drafts/{id}/record":
				form = url.Values{"session": {ended}, "source": {"id: tom\n"}}
			case "POST /monitor/class":
				form = url.Values{"cohort": {fmt.Sprint(a.cohorts[ownCohort])}, "drill": {matrixDrill}, "mode": {"practice"}}
			}
			if got, want := a.request(actor, method, path, form), r.want[actor]; got != want {
				t.Errorf("%s on %s as %s: status %d, want %d", r.route, r.object, actor, got, want)
			}
		}
	}
}

func TestAuthorizationMatrixSocketActions(t *testing.T) {
	a := newMatrixApp(t)

	// Every action kind has a row, with a value for every actor.
	kinds := map[simulator.ActionKind]bool{}
	for _, r := range actionMatrix {
		kinds[r.sample.Kind] = true
		if err := training.CheckAction(r.sample); err != nil {
			t.Errorf("the sample %s is malformed: %v", r.sample.Kind, err)
		}
		for _, actor := range matrixActors {
			if _, ok := r.want[actor]; !ok {
				t.Errorf("action %s: no expectation for the actor %q: decide it", r.sample.Kind, actor)
			}
		}
	}
	var all []string
	for k := range training.TraineeActions {
		all = append(all, string(k))
	}
	for k := range training.TrainerActions {
		all = append(all, string(k))
	}
	sort.Strings(all)
	for _, k := range all {
		if !kinds[simulator.ActionKind(k)] {
			t.Errorf("socket action %s has no row in the authorization matrix", k)
		}
	}

	for _, actor := range matrixActors {
		// Each actor on a session of ann's of their own, so that what one
		// does (closing the call, pausing it) cannot change another's cell.
		id := a.session(false)
		tok := a.login(actor)
		hdr := http.Header{"Origin": {a.http.URL}}
		if tok != "" {
			hdr.Set("Cookie", sessionCookie+"="+tok)
		}
		c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(a.http.URL, "http")+"/ws/sessions/"+id, hdr)
		if err != nil {
			got := "no answer"
			if res != nil {
				got = fmt.Sprint(res.StatusCode)
			}
			for _, r := range actionMatrix {
				if r.want[actor] != got {
					t.Errorf("action %s as %s: handshake %s, want %s", r.sample.Kind, actor, got, r.want[actor])
				}
			}
			continue
		}
		cl := &client{t: t, c: c}
		if m := cl.read(); m.Type != msgHello {
			t.Fatalf("as %s: first message %+v", actor, m)
		}
		cl.resume(0)
		for i, r := range actionMatrix {
			cid := fmt.Sprintf("m%d", i)
			cl.command(cid, r.sample)
			m := cl.answer(cid)
			got := allowed
			switch {
			case m.Type == msgReject && m.Code == codeForbidden:
				got = forbidden
			case m.Type == msgReject && (m.Code == codeBadAction || m.Code == codeBadMessage):
				got = "malformed: " + m.Reason
			}
			if got != r.want[actor] {
				t.Errorf("action %s as %s: %s (%s %s %s), want %s", r.sample.Kind, actor, got, m.Type, m.Code, m.Reason, r.want[actor])
			}
		}
		c.Close()
	}
}
