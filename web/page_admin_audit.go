package web

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The audit log page: every administrative change and sign-in, newest
// first, filtered by actor, action (or a family of actions), target text
// and a range of dates (training.Accounts.AuditLog).

// auditLimit is how many entries the page shows at most (the store's
// maximum).
const auditLimit = 500

// auditActions are the choices of the action filter: each family, then
// each action.
var auditActions = []struct{ Value, Label string }{
	{"login.", "Sign-ins (all)"},
	{drillroom.AuditLogin, "Signed in"},
	{drillroom.AuditLoginFailed, "Sign-in failed"},
	{drillroom.AuditLoginLocked, "Sign-in locked out"},
	{drillroom.AuditLogout, "Signed out"},
	{"password.", "Passwords (all)"},
	{drillroom.AuditPasswordChange, "Password changed"},
	{drillroom.AuditPasswordReset, "Password reset"},
	{"user.", "Accounts (all)"},
	{drillroom.AuditUserCreate, "Account created"},
	{drillroom.AuditUserUpdate, "Account changed"},
	{drillroom.AuditUserDisable, "Account disabled"},
	{drillroom.AuditUserEnable, "Account enabled"},
	{drillroom.AuditUserImport, "Accounts imported"},
	{"cohort.", "Cohorts (all)"},
	{drillroom.AuditCohortCreate, "Cohort created"},
	{drillroom.AuditCohortUpdate, "Cohort changed"},
	{drillroom.AuditCohortAdd, "Member added"},
	{drillroom.AuditCohortRemove, "Member removed"},
	{"review.", "Reviews: marks, claims, notes, disputes (all)"},
	{drillroom.AuditReviewMark, "Rule marked"},
	{drillroom.AuditReviewPublish, "Review released to the trainee"},
	{drillroom.AuditReviewDispute, "Marking disputed"},
	{"calibration.", "Calibration rounds (all)"},
	{"drill.", "Drills: published, approved, rejected, retired (all)"},
	{training.AuditSettings, "Settings changed"},
}

// auditForm is the filter as typed, shown back in the form.
type auditForm struct {
	Actor, Action, Target, Since, Until string
}

type auditPage struct {
	Form    auditForm
	Actions []struct{ Value, Label string }
	Entries []drillroom.AuditEntry
	Limit   int
}

const dateLayout = "2006-01-02"

// parseAuditFilter reads the filter of the audit page. Dates are whole days
// in UTC; the until day is included.
func parseAuditFilter(r *http.Request) (auditForm, drillroom.AuditFilter, error) {
	q := r.URL.Query()
	form := auditForm{Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"),
		Target: strings.TrimSpace(q.Get("target")), Since: strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until"))}
	f := drillroom.AuditFilter{Actor: form.Actor, Action: form.Action, Target: form.Target, Limit: auditLimit}
	switch {
	case len(form.Actor) > maxUsernameBytes:
		return form, f, invalid("Actor: a username has at most %d bytes.", maxUsernameBytes)
	case utf8.RuneCountInString(form.Target) > maxFilterText:
		return form, f, invalid("Target: type at most %d characters.", maxFilterText)
	case form.Action != "" && !knownAuditAction(form.Action):
		return form, f, invalid("Action %q: choose one from the list.", form.Action)
	}
	for _, d := range []struct {
		name, text string
		into       *time.Time
		next       bool
	}{{"Since", form.Since, &f.Since, false}, {"Until", form.Until, &f.Until, true}} {
		if d.text == "" {
			continue
		}
		t, err := time.Parse(dateLayout, d.text)
		if err != nil {
			return form, f, invalid("%s: %q is not a date; write it as 2026-12-31.", d.name, d.text)
		}
		if d.next {
			t = t.AddDate(0, 0, 1)
		}
		*d.into = t
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return form, f, invalid("The until date is before the since date.")
	}
	return form, f, nil
}

func knownAuditAction(a string) bool {
	for _, x := range auditActions {
		if x.Value == a {
			return true
		}
	}
	return false
}

// adminAudit shows the audit log, newest first.
func (u *ui) adminAudit(w http.ResponseWriter, r *http.Request) {
	form, f, err := parseAuditFilter(r)
	page := auditPage{Form: form, Actions: auditActions, Limit: auditLimit}
	if err != nil {
		status, msg := statusFor(err)
		render(w, r, u.log, status, "admin_audit", view{Title: "Audit log", Flash: msg, Data: page})
		return
	}
	entries, err := u.accounts.AuditLog(r.Context(), actorOf(r), f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page.Entries = entries
	render(w, r, u.log, http.StatusOK, "admin_audit", view{Title: "Audit log", Data: page})
}
