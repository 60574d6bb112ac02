package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/training"
)

// The trainer's authoring pages: the workshop (/author: drafts, new drills,
// publications waiting for approval, the published drills), the editor of
// one draft with its JSON endpoints (check as one types, run the tests),
// and a drill's versions with their diff. The use cases of
// training.Authoring decide who may do what; authorOnly only spares other
// users a page they cannot use.

func init() {
	for k, v := range map[string]string{
		"draft-deleted":  "The draft is deleted.",
		"published":      "The drill is published. Trainees can be assigned it now.",
		"requested":      "The drill is submitted: a second trainer must approve it before it is published.",
		"approved":       "The drill is approved and published.",
		"rejected":       "The publication is rejected; its author can submit it again.",
		"retired":        "The version is retired: it can no longer be started. Its sessions keep it.",
		"draft-uploaded": "The file is uploaded as a new draft.",
	} {
		notices[k] = v
	}
}

// authorOnly lets trainers and administrators through.
func (u *ui) authorOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, ok := userFrom(r.Context()); !ok || !training.MayAuthor(user) {
			u.fail(w, r, fmt.Errorf("%s %s by %s: %w", r.Method, r.URL.Path, user.Username,
				drillroom.Errorf(drillroom.CodeForbidden, "Only trainers write and publish drills.")))
			return
		}
		next.ServeHTTP(w, r)
	})
}

type draftRow struct {
	ID      int64
	Name    string
	Updated string
}

type publicationRow struct {
	ID         int64
	ScenarioID string
	Version    int
	Title      string
	Author     string
	Approver   string
	State      drillroom.PublicationState
	Requested  string
	Decided    string
	Own        bool
}

type authorPage struct {
	Drafts          []draftRow
	Pending         []publicationRow
	Recent          []publicationRow
	Drills          []drillroom.ScenarioVersion
	Templates       []string
	Policies        []string // the shipped policies' ids
	RequireApproval bool
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

func (u *ui) publicationRows(r *http.Request, ps []drillroom.Publication) []publicationRow {
	user, _ := userFrom(r.Context())
	rows := make([]publicationRow, 0, len(ps))
	for _, p := range ps {
		row := publicationRow{ID: p.ID, ScenarioID: p.ScenarioID, Version: p.Version, Title: p.Title, State: p.State,
			Author: u.displayName(r.Context(), p.AuthorID), Requested: formatTime(p.RequestedAt), Decided: formatTime(p.DecidedAt),
			Own: p.AuthorID == user.ID}
		if p.ApproverID != 0 {
			row.Approver = u.displayName(r.Context(), p.ApproverID)
		}
		rows = append(rows, row)
	}
	return rows
}

// authorHome is the workshop: the user's drafts, new drills, what waits
// for approval and the published drills.
func (u *ui) authorHome(w http.ResponseWriter, r *http.Request) {
	u.renderAuthorHome(w, r, nil)
}

func (u *ui) renderAuthorHome(w http.ResponseWriter, r *http.Request, problem error) {
	ctx, a := r.Context(), actorOf(r)
	drafts, err := u.authoring.Drafts(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	required, err := u.authoring.RequiresApproval(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := authorPage{Templates: training.Templates(), RequireApproval: required, Policies: training.ShippedPolicyIDs()}
	for _, d := range drafts {
		page.Drafts = append(page.Drafts, draftRow{ID: d.ID, Name: d.Name, Updated: formatTime(d.UpdatedAt)})
	}
	pending, err := u.authoring.Publications(ctx, a, drillroom.PublicationPending)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page.Pending = u.publicationRows(r, pending)
	all, err := u.authoring.Publications(ctx, a, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var decided []drillroom.Publication
	for _, p := range all {
		if p.State != drillroom.PublicationPending && len(decided) < 20 {
			decided = append(decided, p)
		}
	}
	page.Recent = u.publicationRows(r, decided)
	if page.Drills, err = u.authoring.Catalogue(ctx, a); err != nil {
		u.fail(w, r, err)
		return
	}
	status, flash := http.StatusOK, ""
	if problem != nil {
		status, flash = statusFor(problem)
	}
	render(w, r, u.log, status, "author", view{Title: "Author drills", Flash: flash, Notice: noticeFor(r), Data: page})
}

// newDraft starts a draft from a template or a published version.
func (u *ui) newDraft(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	var d drillroom.Draft
	var err error
	switch r.PostForm.Get("from") {
	case "template":
		d, err = u.authoring.DraftFromTemplate(ctx, a, r.PostForm.Get("template"))
	case "version":
		v, _ := strconv.Atoi(r.PostForm.Get("version"))
		d, err = u.authoring.DraftFromVersion(ctx, a, r.PostForm.Get("scenario"), v)
	case "policy":
		d, err = u.authoring.DraftFromPolicy(ctx, a, r.PostForm.Get("policy"))
	default:
		err = invalid("Choose a template or a drill to start from.")
	}
	if err != nil {
		u.authorRefused(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/drafts/%d", d.ID), http.StatusSeeOther)
}

// uploadDraft makes a draft of an uploaded *.drill.yaml file.
func (u *ui) uploadDraft(w http.ResponseWriter, r *http.Request) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		u.authorRefused(w, r, invalid("Choose a .drill.yaml file to upload."))
		return
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, scenarios.MaxFileSize+1))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d, err := u.authoring.CreateDraft(r.Context(), actorOf(r), hdr.Filename, src)
	if err != nil {
		u.authorRefused(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/drafts/%d?done=draft-uploaded", d.ID), http.StatusSeeOther)
}

// authorRefused shows the workshop again with the refusal, or the error
// page for what is not a refusal (a missing draft).
func (u *ui) authorRefused(w http.ResponseWriter, r *http.Request, err error) {
	switch drillroom.ErrorCode(err) {
	case drillroom.CodeInvalid, drillroom.CodeConflict:
		u.renderAuthorHome(w, r, err)
	default:
		u.fail(w, r, err)
	}
}

// pathID is the number {id} of the URL (a draft's, a publication's or an
// assignment's), or -1.
func pathID(r *http.Request) int64 {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return -1
	}
	return id
}

type editorPage struct {
	Draft           drillroom.Draft
	Source          string
	RequireApproval bool
	StyleNonce      string
	Plays           []draftPlayRow // the author's plays of this draft, newest first
	Policy          bool           // the draft is a policy (*.policy.yaml)
}

// editorCSP is the site's policy with one exception for the editor page:
// CodeMirror writes its theme into a <style> element, which style-src
// 'self' refuses; the element carries this response's nonce instead. No
// script is allowed anything more.
func editorCSP(nonce string) string {
	return strings.Replace(contentSecurityPolicy, "style-src 'self';", "style-src 'self' 'nonce-"+nonce+"';", 1)
}

func newNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// editor is the drill editor of one of the user's drafts.
func (u *ui) editor(w http.ResponseWriter, r *http.Request) {
	u.renderEditor(w, r, nil)
}

// failEditor answers an editor action that failed: with one of codes (a
// draft the action found invalid, or could not take), the editor again
// with the problem shown; otherwise the error page.
func (u *ui) failEditor(w http.ResponseWriter, r *http.Request, err error, codes ...drillroom.Code) {
	if slices.Contains(codes, drillroom.ErrorCode(err)) {
		u.renderEditor(w, r, err)
		return
	}
	u.fail(w, r, err)
}

func (u *ui) renderEditor(w http.ResponseWriter, r *http.Request, problem error) {
	d, err := u.authoring.Draft(r.Context(), actorOf(r), pathID(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	status, flash := http.StatusOK, ""
	if problem != nil {
		status, flash = statusFor(problem)
	}
	required, err := u.authoring.RequiresApproval(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	nonce := newNonce()
	w.Header().Set("Content-Security-Policy", editorCSP(nonce))
	render(w, r, u.log, status, "editor", view{Title: "Edit " + d.Name, BodyClass: "editor-page", Flash: flash, Notice: noticeFor(r),
		Data: editorPage{Draft: d, Source: string(d.Source), RequireApproval: required, StyleNonce: nonce, Plays: u.draftPlays(r, d), Policy: training.IsPolicyName(d.Name)}})
}

// wantsJSON reports whether the editor's script sent the request.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// saveDraft saves the editor's text (the script sends it as JSON-accepting
// form posts; without script the form posts and comes back).
func (u *ui) saveDraft(w http.ResponseWriter, r *http.Request) {
	d, err := u.authoring.SaveDraft(r.Context(), actorOf(r), pathID(r), r.PostForm.Get("name"), []byte(r.PostForm.Get("source")))
	if wantsJSON(r) {
		if err != nil {
			u.failJSON(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"saved": formatTime(d.UpdatedAt), "name": d.Name})
		return
	}
	if err != nil {
		u.failEditor(w, r, err, drillroom.CodeInvalid)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/drafts/%d", d.ID), http.StatusSeeOther)
}

// editorText is the file name and text the editor's script sends to be
// checked or tested; a text not yet named is checked as a drill.
func editorText(r *http.Request) (name string, src []byte) {
	name = r.PostForm.Get("name")
	if name == "" {
		name = "draft.drill.yaml"
	}
	return name, []byte(r.PostForm.Get("source"))
}

// checkDraft answers the editor's diagnostics for the text it sends: the
// server's own validator, so the editor and publishing never disagree.
func (u *ui) checkDraft(w http.ResponseWriter, r *http.Request) {
	name, src := editorText(r)
	ds, err := u.authoring.CheckDraft(r.Context(), actorOf(r), name, src)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"diagnostics": ds})
}

// testDraft runs the tests of the text the editor sends.
func (u *ui) testDraft(w http.ResponseWriter, r *http.Request) {
	name, src := editorText(r)
	rep, err := u.authoring.TestDraft(r.Context(), actorOf(r), name, src)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// downloadDraft sends a draft as its file.
func (u *ui) downloadDraft(w http.ResponseWriter, r *http.Request) {
	d, err := u.authoring.Draft(r.Context(), actorOf(r), pathID(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sendDrillFile(w, d.Name, d.Source)
}

func sendDrillFile(w http.ResponseWriter, name string, src []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/yaml; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	w.Write(src)
}

// deleteDraft deletes a draft.
func (u *ui) deleteDraft(w http.ResponseWriter, r *http.Request) {
	if err := u.authoring.DeleteDraft(r.Context(), actorOf(r), pathID(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/author?done=draft-deleted", http.StatusSeeOther)
}

// publishDraft publishes a draft, or submits it for approval.
func (u *ui) publishDraft(w http.ResponseWriter, r *http.Request) {
	p, err := u.authoring.Publish(r.Context(), actorOf(r), pathID(r))
	if err != nil {
		u.failEditor(w, r, err, drillroom.CodeInvalid, drillroom.CodeConflict)
		return
	}
	done := "published"
	if p.State == drillroom.PublicationPending {
		done = "requested"
	}
	http.Redirect(w, r, "/author?done="+done, http.StatusSeeOther)
}

type publicationPage struct {
	Publication publicationRow
	Source      string
	Against     int // the version the diff compares with (0: none published)
	Diff        []training.DiffLine
}

// publication shows what waits for approval: its text and what changed
// since the latest published version, with the approve and reject forms.
func (u *ui) publication(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	ps, err := u.authoring.Publications(ctx, a, "")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	id := pathID(r)
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		page := publicationPage{Publication: u.publicationRows(r, []drillroom.Publication{p})[0], Source: string(p.Source)}
		if vs, err := u.authoring.Versions(ctx, a, p.ScenarioID); err == nil {
			for _, v := range vs {
				if v.Version < p.Version {
					page.Against = v.Version
					page.Diff = training.DiffLines(string(v.Source), string(p.Source))
					break
				}
			}
		}
		render(w, r, u.log, http.StatusOK, "author_publication", view{Title: fmt.Sprintf("%s v%d", p.ScenarioID, p.Version), Data: page})
		return
	}
	u.fail(w, r, fmt.Errorf("publication %d: %w", id, drillroom.ErrNotFound))
}

// decide approves or rejects a pending publication.
func (u *ui) decide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var err error
		done := "approved"
		if approve {
			_, err = u.authoring.Approve(r.Context(), actorOf(r), pathID(r))
		} else {
			done = "rejected"
			_, err = u.authoring.Reject(r.Context(), actorOf(r), pathID(r))
		}
		if err != nil {
			u.authorRefused(w, r, err)
			return
		}
		http.Redirect(w, r, "/author?done="+done, http.StatusSeeOther)
	}
}
