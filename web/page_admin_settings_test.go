package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSettingsPageTurnsApprovalOn: an administrator turns the second
// trainer's approval on from /admin/settings; at once the editor offers
// "Submit for approval" and a publication waits; the page says who chose
// it; a trainer cannot change it; a bad form changes nothing.
func TestSettingsPageTurnsApprovalOn(t *testing.T) {
	app := newTestApp(t)
	ada := app.withAdmin()
	trent := app.signedIn("trent")

	page := ada.get("/admin/settings")
	if page.status != http.StatusOK || !strings.Contains(page.body, "Nobody has chosen yet") || !strings.Contains(page.body, `id="approval-none" checked`) {
		t.Fatalf("the settings page before a choice: status %d", page.status)
	}
	if res := trent.post("/admin/settings", url.Values{"csrf": {trent.csrf()}, "approval": {"required"}}); res.status != http.StatusForbidden {
		t.Errorf("a trainer changes the settings: status %d, want 403", res.status)
	}
	if res := ada.post("/admin/settings", url.Values{"csrf": {ada.csrf()}, "approval": {"maybe"}}); res.status != http.StatusBadRequest {
		t.Errorf("a bad choice: status %d, want 400", res.status)
	}
	res := ada.post("/admin/settings", url.Values{"csrf": {ada.csrf()}, "approval": {"required"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/settings?done=settings-saved" {
		t.Fatalf("save: status %d location %q", res.status, res.header.Get("Location"))
	}
	page = ada.get("/admin/settings?done=settings-saved")
	if !strings.Contains(page.body, "Set by Ada Admin") || !strings.Contains(page.body, `id="approval-required" checked`) {
		t.Errorf("the settings page does not show ada's choice")
	}

	edit := trent.newDraft()
	if body := trent.get(edit).body; !strings.Contains(body, "Submit for approval") {
		t.Errorf("the editor does not ask for approval after the setting changed")
	}
	res = trent.post(edit+"/publish", url.Values{"csrf": {trent.csrf()}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/author?done=requested" {
		t.Errorf("publish: status %d location %q, want a request for approval", res.status, res.header.Get("Location"))
	}
	if audit := ada.get("/admin/audit?action=settings.change"); !strings.Contains(audit.body, "publishing.require_approval") {
		t.Errorf("the audit log lacks the change of the setting")
	}
}
