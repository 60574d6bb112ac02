package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPolicyFilesInTheWorkshop: a trainer downloads a shipped policy and
// the policy of a published version, uploads their own policy (the editor
// opens it as a policy, checks it as one, and offers no tests, play or
// publishing for it), copies a shipped one to a draft, and their drill
// that names it loads with it.
func TestPolicyFilesInTheWorkshop(t *testing.T) {
	app := newTestApp(t)
	trent := app.signedIn("trent")

	home := trent.get("/author/")
	if !strings.Contains(home.body, `href="/author/policies/uk-contact-centre/download"`) {
		t.Fatalf("the workshop does not offer the shipped policy")
	}
	dl := trent.get("/author/policies/uk-contact-centre/download")
	if dl.status != http.StatusOK || !strings.Contains(dl.header.Get("Content-Disposition"), "uk-contact-centre.policy.yaml") || !strings.Contains(dl.body, "id: uk-contact-centre") {
		t.Errorf("download the shipped policy: status %d %q", dl.status, dl.header.Get("Content-Disposition"))
	}
	if res := trent.get("/author/policies/no-such/download"); res.status != http.StatusNotFound {
		t.Errorf("download a missing policy: %d, want 404", res.status)
	}
	if res := trent.get("/author/drills/" + app.drillID + "/1/policy"); res.status != http.StatusOK || !strings.Contains(res.body, "taxonomy:") {
		t.Errorf("download a version's policy: status %d", res.status)
	}

	policy := "id: my-centre\ntitle: My centre\nversion: 1\nextends: uk-contact-centre\ntaxonomy:\n  - {id: billing-dispute, title: Billing dispute}\n"
	up := trent.upload("/author/upload", trent.csrf(), "my-centre.policy.yaml", policy)
	loc := up.header.Get("Location")
	if up.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/author/drafts/") {
		t.Fatalf("upload the policy: status %d location %q; %s", up.status, loc, up.body)
	}
	edit := strings.TrimSuffix(loc, "?done=draft-uploaded")
	page := trent.get(edit)
	if !strings.Contains(page.body, `id="policy-draft"`) || !strings.Contains(page.body, `data-kind="policy"`) ||
		strings.Contains(page.body, `id="run-tests"`) || strings.Contains(page.body, `id="publish"`) || strings.Contains(page.body, `id="play-draft"`) {
		t.Errorf("the editor does not open the upload as a policy")
	}
	var check struct {
		Diagnostics []struct {
			Line    int
			Message string
		}
	}
	broken := strings.Replace(policy, "extends: uk-contact-centre", "extends: no-such-policy", 1)
	if st := trent.postJSON("/author/check", url.Values{"csrf": {trent.csrf()}, "name": {"my-centre.policy.yaml"}, "source": {broken}}, &check); st != http.StatusOK ||
		len(check.Diagnostics) == 0 || check.Diagnostics[0].Line != 4 {
		t.Errorf("check a policy extending a missing one: %d %+v, want a problem on line 4", st, check)
	}
	if res := trent.get("/author/schema.json?kind=policy"); !strings.Contains(res.body, "policy.yaml") {
		t.Errorf("the policy schema: %.200s", res.body)
	}

	drill := trent.newDraft()
	src := strings.Replace(trent.get(drill+"/download").body, "policy: uk-contact-centre", "policy: my-centre", 1)
	src = strings.ReplaceAll(src, "category: complaint", "category: billing-dispute")
	check.Diagnostics = nil
	if st := trent.postJSON("/author/check", url.Values{"csrf": {trent.csrf()}, "name": {"my-new-drill.drill.yaml"}, "source": {src}}, &check); st != http.StatusOK || len(check.Diagnostics) != 0 {
		t.Errorf("a drill of the uploaded policy: %d %+v, want no problems", st, check)
	}

	copyRes := trent.post("/author/drafts", url.Values{"csrf": {trent.csrf()}, "from": {"policy"}, "policy": {"uk-contact-centre"}})
	if copyRes.status != http.StatusSeeOther || !draftLocRE.MatchString(copyRes.header.Get("Location")) {
		t.Errorf("copy the shipped policy to a draft: status %d", copyRes.status)
	}
}
