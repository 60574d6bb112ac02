package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// routes lists every route of the server, top to bottom. Each handler lives
// in a small file named after its page or action (page_*.go, socket*.go,
// health.go, metrics.go, auth*.go).
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.recoverPanics)
	// Every response carries the security headers (auth_headers.go), and
	// every request learns its signed-in user, if any (auth.go: userFrom).
	ui := newUI(s.store, s.svc, s.log, s.cfg)
	ui.relay, ui.relayEach = s.relayRequest, s.relayEach
	ui.accounts = s.accounts
	ui.onLogout = s.closeLogin    // signing out ends that login's sockets at once
	ui.onUserLocked = s.closeUser // so does disabling an account or resetting its password
	ui.authoring = s.authoring
	ui.assigning = s.assigning
	// A user who must change their password can do nothing else until they
	// have (page_account.go: passwordGate), the websocket included.
	r.Use(securityHeaders(s.cfg.SecureCookies), ui.loadUser, ui.passwordGate)

	// Operations: no authentication, no cookies.
	r.Get("/healthz", s.handleHealth)
	r.Get("/metrics", s.handleMetrics)

	// Live sessions: the websocket protocol drillroom.v1 (docs/protocol.md).
	// Authentication is checked inside the handler so that a refused
	// handshake gets a plain 401/403/404 status the client can act on.
	r.Get("/ws/sessions/{id}", s.handleSocket)

	// Pages (page_*.go) and sign-in (auth*.go). Every POST is a form that
	// carries the login's CSRF token and passes the origin check.
	r.NotFound(ui.notFound)
	r.Method(http.MethodGet, "/static/*", staticHandler())
	r.Get("/login", ui.loginPage)
	r.Post("/login", ui.login)
	r.Group(func(r chi.Router) {
		r.Use(ui.requireUser)
		r.Get("/", ui.drills)
		r.Get("/sessions/{id}", ui.console)
		r.Get("/sessions/{id}/debrief", ui.debrief)
		// For programs: JSON under the same access rules as the pages.
		r.Get("/api/sessions/{id}/scorecard", ui.scorecardJSON)
		r.Get("/analytics", ui.analytics)
		r.Get("/analytics/report", ui.analyticsReport)
		r.Get("/analytics/export/{kind}.csv", ui.analyticsExport)
		r.Get("/analytics/export/statements.json", ui.analyticsStatements)
		r.With(ui.checkForm).Post("/logout", ui.logout)
		r.With(ui.checkForm).Post("/drills/{scenario}/start", ui.startDrill)
		r.With(ui.checkForm).Post("/sessions/{id}/review", ui.review)
		r.With(ui.checkForm).Post("/sessions/{id}/marks", ui.mark)
		r.Get("/reviews", ui.reviews)
		r.Get("/history", ui.history)
		r.Get("/trainees/{id}", ui.traineeHistory)
		r.With(ui.checkForm).Post("/trainees/{id}/notes", ui.addTraineeNote)
		r.With(ui.checkForm).Post("/trainees/{id}/notes/{n}/acknowledge", ui.ackTraineeNote)
		r.With(ui.checkForm).Post("/trainees/{id}/notes/{n}/done", ui.completeTraineeAction)
		r.Get("/sessions/{id}/replay", ui.replay)
		r.Get("/sessions/{id}/replay/frame", ui.replayFrame)
		r.With(ui.checkForm).Post("/sessions/{id}/calibration", ui.startRound)
		r.Get("/calibration", ui.calibrationTrend)
		r.Get("/calibration/{round}", ui.calibration)
		r.With(ui.checkForm).Post("/calibration/{round}/marks", ui.markRound)
		r.With(ui.checkForm).Post("/calibration/{round}/publish", ui.publishRound)
		r.With(ui.checkForm).Post("/sessions/{id}/claim", ui.claim)
		r.With(ui.checkForm).Post("/sessions/{id}/release", ui.release)
		r.With(ui.checkForm).Post("/sessions/{id}/notes", ui.addNote)
		r.With(ui.checkForm).Post("/sessions/{id}/publish", ui.publishReview)
		r.With(ui.checkForm).Post("/sessions/{id}/acknowledge", ui.acknowledge)
		r.With(ui.checkForm).Post("/sessions/{id}/disputes", ui.dispute)
		r.With(ui.checkForm).Post("/sessions/{id}/disputes/{n}/resolve", ui.resolve)
		r.With(ui.checkForm).Post("/sessions/{id}/actions/{n}/done", ui.completeAction)
		r.Get("/account/password", ui.passwordPage)
		r.With(ui.checkForm).Post("/account/password", ui.changePassword)
		r.Get("/cohorts/{id}", ui.cohort)
		r.Get("/api/sessions/{id}/events", ui.sessionEvents)
		r.With(ui.authorOnly).Get("/api/monitor/sessions", ui.monitorSessions)
	})

	// Authoring (page_editor*.go): trainers and administrators; the use
	// cases of training.Authoring refuse everyone else again. The editor's
	// text can be as large as a drill file, so its forms are read like
	// uploads (checkUpload).
	r.Route("/author", func(r chi.Router) {
		r.Use(ui.requireUser, ui.authorOnly)
		r.Get("/", ui.authorHome)
		r.Get("/schema.json", ui.drillSchema)
		r.With(ui.checkForm).Post("/drafts", ui.newDraft)
		r.With(ui.checkUpload).Post("/upload", ui.uploadDraft)
		r.With(ui.checkUpload).Post("/check", ui.checkDraft)
		r.With(ui.checkUpload).Post("/test", ui.testDraft)
		r.Get("/drafts/{id}", ui.editor)
		r.With(ui.checkUpload).Post("/drafts/{id}", ui.saveDraft)
		r.Get("/drafts/{id}/download", ui.downloadDraft)
		r.With(ui.checkForm).Post("/drafts/{id}/delete", ui.deleteDraft)
		r.With(ui.checkForm).Post("/drafts/{id}/publish", ui.publishDraft)
		r.Get("/drafts/{id}/plays", ui.draftPlaysJSON)
		r.With(ui.checkForm).Post("/drafts/{id}/play", ui.playDraft)
		r.With(ui.checkUpload).Post("/drafts/{id}/record", ui.recordPlay)
		r.Get("/publications/{id}", ui.publication)
		r.With(ui.checkForm).Post("/publications/{id}/approve", ui.decide(true))
		r.With(ui.checkForm).Post("/publications/{id}/reject", ui.decide(false))
		r.Get("/drills/{scenario}", ui.drillVersions)
		r.Get("/drills/{scenario}/{version}/download", ui.downloadVersion)
		r.Get("/drills/{scenario}/{version}/policy", ui.downloadVersionPolicy)
		r.Get("/policies/{policy}/download", ui.downloadPolicy)
		r.With(ui.checkForm).Post("/drills/{scenario}/{version}/retire", ui.retireVersion)
	})

	// Assignments (page_assign.go): trainers and administrators; the use
	// cases of training.Assigning decide which cohorts and trainees.
	r.Route("/assignments", func(r chi.Router) {
		r.Use(ui.requireUser, ui.authorOnly)
		r.Get("/", ui.assignments)
		r.With(ui.checkForm).Post("/", ui.assign)
		r.Get("/{id}", ui.assignment)
		r.With(ui.checkForm).Post("/{id}/withdraw", ui.withdrawAssignment)
	})

	// The live monitor (page_monitor*.go): trainers and administrators.
	// Who may watch and steer which session is training's rule again
	// (Service.Session, ActorFor).
	r.Route("/monitor", func(r chi.Router) {
		r.Use(ui.requireUser, ui.authorOnly)
		r.Get("/", ui.monitor)
		r.Get("/sessions/{id}", ui.observe)
		r.With(ui.checkForm).Post("/class", ui.startClass)
		r.With(ui.checkForm).Post("/pause-all", ui.pauseAll)
	})

	// Administration (page_admin_*.go): administrators only; the use cases
	// of training.Accounts refuse everyone else again.
	r.Route("/admin", func(r chi.Router) {
		r.Use(ui.requireUser, ui.adminOnly)
		r.Get("/users", ui.adminUsers)
		r.With(ui.checkForm).Post("/users", ui.createUser)
		r.Get("/users/{id}", ui.adminUser)
		r.With(ui.checkForm).Post("/users/{id}", ui.updateUser)
		r.With(ui.checkForm).Post("/users/{id}/disable", ui.setDisabled(true))
		r.With(ui.checkForm).Post("/users/{id}/enable", ui.setDisabled(false))
		r.With(ui.checkForm).Post("/users/{id}/password", ui.resetPassword)
		r.Get("/cohorts", ui.adminCohorts)
		r.With(ui.checkForm).Post("/cohorts", ui.createCohort)
		r.Get("/cohorts/{id}", ui.adminCohort)
		r.With(ui.checkForm).Post("/cohorts/{id}", ui.updateCohort)
		r.With(ui.checkForm).Post("/cohorts/{id}/members", ui.addMember)
		r.With(ui.checkForm).Post("/cohorts/{id}/members/{user}/remove", ui.removeMember)
		r.Get("/import", ui.adminImportPage)
		r.With(ui.checkUpload).Post("/import", ui.importUsers)
		r.Get("/audit", ui.adminAudit)
		r.Get("/settings", ui.adminSettings)
		r.With(ui.checkForm).Post("/settings", ui.saveSettings)
	})

	return r
}

// recoverPanics turns a panic in a handler into a 500 and a log line, so
// that one bad request never takes the process down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
