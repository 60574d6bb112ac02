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
	// carries the login's CSRF token and passes the origin check: each group
	// registers its POSTs on form (r.With(ui.checkForm)), or on upload
	// (r.With(ui.checkUpload)) for the forms read like uploads.
	r.NotFound(ui.notFound)
	r.Method(http.MethodGet, "/static/*", staticHandler())
	r.Get("/login", ui.loginPage)
	r.Post("/login", ui.login)
	r.Group(func(r chi.Router) {
		r.Use(ui.requireUser)
		form := r.With(ui.checkForm)
		r.Get("/", ui.drills)
		r.Get("/sessions/{id}", ui.console)
		r.Get("/sessions/{id}/debrief", ui.debrief)
		// For programs: JSON under the same access rules as the pages.
		r.Get("/api/sessions/{id}/scorecard", ui.scorecardJSON)
		r.Get("/analytics", ui.analytics)
		r.Get("/analytics/report", ui.analyticsReport)
		r.Get("/analytics/export/{kind}.csv", ui.analyticsExport)
		r.Get("/analytics/export/statements.json", ui.analyticsStatements)
		form.Post("/logout", ui.logout)
		form.Post("/drills/{scenario}/start", ui.startDrill)
		form.Post("/sessions/{id}/review", ui.review)
		form.Post("/sessions/{id}/marks", ui.mark)
		r.Get("/reviews", ui.reviews)
		r.Get("/history", ui.history)
		r.Get("/trainees/{id}", ui.traineeHistory)
		form.Post("/trainees/{id}/notes", ui.addTraineeNote)
		form.Post("/trainees/{id}/notes/{n}/acknowledge", ui.ackTraineeNote)
		form.Post("/trainees/{id}/notes/{n}/done", ui.completeTraineeAction)
		r.Get("/sessions/{id}/replay", ui.replay)
		r.Get("/sessions/{id}/replay/frame", ui.replayFrame)
		form.Post("/sessions/{id}/calibration", ui.startRound)
		r.Get("/calibration", ui.calibrationTrend)
		r.Get("/calibration/{round}", ui.calibration)
		form.Post("/calibration/{round}/marks", ui.markRound)
		form.Post("/calibration/{round}/publish", ui.publishRound)
		form.Post("/sessions/{id}/claim", ui.claim)
		form.Post("/sessions/{id}/release", ui.release)
		form.Post("/sessions/{id}/notes", ui.addNote)
		form.Post("/sessions/{id}/publish", ui.publishReview)
		form.Post("/sessions/{id}/acknowledge", ui.acknowledge)
		form.Post("/sessions/{id}/disputes", ui.dispute)
		form.Post("/sessions/{id}/disputes/{n}/resolve", ui.resolve)
		form.Post("/sessions/{id}/actions/{n}/done", ui.completeAction)
		r.Get("/account/password", ui.passwordPage)
		form.Post("/account/password", ui.changePassword)
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
		form, upload := r.With(ui.checkForm), r.With(ui.checkUpload)
		r.Get("/", ui.authorHome)
		r.Get("/schema.json", ui.drillSchema)
		form.Post("/drafts", ui.newDraft)
		upload.Post("/upload", ui.uploadDraft)
		upload.Post("/check", ui.checkDraft)
		upload.Post("/test", ui.testDraft)
		r.Get("/drafts/{id}", ui.editor)
		upload.Post("/drafts/{id}", ui.saveDraft)
		r.Get("/drafts/{id}/download", ui.downloadDraft)
		form.Post("/drafts/{id}/delete", ui.deleteDraft)
		form.Post("/drafts/{id}/publish", ui.publishDraft)
		r.Get("/drafts/{id}/plays", ui.draftPlaysJSON)
		form.Post("/drafts/{id}/play", ui.playDraft)
		upload.Post("/drafts/{id}/record", ui.recordPlay)
		r.Get("/publications/{id}", ui.publication)
		form.Post("/publications/{id}/approve", ui.decide(true))
		form.Post("/publications/{id}/reject", ui.decide(false))
		r.Get("/drills/{scenario}", ui.drillVersions)
		r.Get("/drills/{scenario}/{version}/download", ui.downloadVersion)
		r.Get("/drills/{scenario}/{version}/policy", ui.downloadVersionPolicy)
		r.Get("/policies/{policy}/download", ui.downloadPolicy)
		form.Post("/drills/{scenario}/{version}/retire", ui.retireVersion)
	})

	// Assignments (page_assign.go): trainers and administrators; the use
	// cases of training.Assigning decide which cohorts and trainees.
	r.Route("/assignments", func(r chi.Router) {
		r.Use(ui.requireUser, ui.authorOnly)
		form := r.With(ui.checkForm)
		r.Get("/", ui.assignments)
		form.Post("/", ui.assign)
		r.Get("/{id}", ui.assignment)
		form.Post("/{id}/withdraw", ui.withdrawAssignment)
	})

	// The live monitor (page_monitor*.go): trainers and administrators.
	// Who may watch and steer which session is training's rule again
	// (Service.Session, ActorFor).
	r.Route("/monitor", func(r chi.Router) {
		r.Use(ui.requireUser, ui.authorOnly)
		form := r.With(ui.checkForm)
		r.Get("/", ui.monitor)
		r.Get("/sessions/{id}", ui.observe)
		form.Post("/class", ui.startClass)
		form.Post("/pause-all", ui.pauseAll)
	})

	// Administration (page_admin_*.go): administrators only; the use cases
	// of training.Accounts refuse everyone else again.
	r.Route("/admin", func(r chi.Router) {
		r.Use(ui.requireUser, ui.adminOnly)
		form, upload := r.With(ui.checkForm), r.With(ui.checkUpload)
		r.Get("/users", ui.adminUsers)
		form.Post("/users", ui.createUser)
		r.Get("/users/{id}", ui.adminUser)
		form.Post("/users/{id}", ui.updateUser)
		form.Post("/users/{id}/disable", ui.setDisabled(true))
		form.Post("/users/{id}/enable", ui.setDisabled(false))
		form.Post("/users/{id}/password", ui.resetPassword)
		r.Get("/cohorts", ui.adminCohorts)
		form.Post("/cohorts", ui.createCohort)
		r.Get("/cohorts/{id}", ui.adminCohort)
		form.Post("/cohorts/{id}", ui.updateCohort)
		form.Post("/cohorts/{id}/members", ui.addMember)
		form.Post("/cohorts/{id}/members/{user}/remove", ui.removeMember)
		r.Get("/import", ui.adminImportPage)
		upload.Post("/import", ui.importUsers)
		r.Get("/audit", ui.adminAudit)
		r.Get("/settings", ui.adminSettings)
		form.Post("/settings", ui.saveSettings)
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
