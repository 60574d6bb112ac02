package web

import (
	"net/http"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The administrator's settings page: the organisation's choices kept in
// the database (training.Authoring.Approval: whether publishing a drill
// needs a second trainer's approval), each change audited.

func init() {
	notices["settings-saved"] = "The settings are saved. They apply at once, on every server."
}

type settingsPage struct {
	Approval training.Approval
	By       string // who last changed it ("" while nobody has)
	At       string
}

// adminSettings shows the organisation's settings.
func (u *ui) adminSettings(w http.ResponseWriter, r *http.Request) {
	ap, err := u.authoring.Approval(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := settingsPage{Approval: ap}
	if !ap.UpdatedAt.IsZero() {
		page.At = formatTime(ap.UpdatedAt)
		page.By = "the command line"
		if ap.UpdatedBy != 0 {
			page.By = u.displayName(r.Context(), ap.UpdatedBy)
		}
	}
	render(w, r, u.log, http.StatusOK, "admin_settings", view{Title: "Settings", Notice: noticeFor(r), Data: page})
}

// saveSettings changes the organisation's settings.
func (u *ui) saveSettings(w http.ResponseWriter, r *http.Request) {
	var required bool
	switch r.PostForm.Get("approval") {
	case "required":
		required = true
	case "none":
	default:
		u.fail(w, r, drillroom.Errorf(drillroom.CodeInvalid, "Choose whether publishing needs a second trainer's approval."))
		return
	}
	if err := u.authoring.SetApproval(r.Context(), actorOf(r), required); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=settings-saved", http.StatusSeeOther)
}
