package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/training"
)

type versionRow struct {
	Version   int
	Title     string
	Hash      string
	Published string
	Retired   string
	Author    string
	Approver  string
}

type drillVersionsPage struct {
	ScenarioID string
	Title      string
	Versions   []versionRow
	From, To   int
	Diff       []training.DiffLine
	Diffed     bool
}

// drillVersions lists a drill's versions, who published and approved each,
// and, with ?from=&to=, the diff between two of them.
func (u *ui) drillVersions(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	id := chi.URLParam(r, "scenario")
	vs, err := u.authoring.Versions(ctx, a, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	ps, err := u.authoring.Publications(ctx, a, drillroom.PublicationPublished)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	byVersion := map[int]drillroom.Publication{}
	for _, p := range ps {
		if p.ScenarioID == id {
			byVersion[p.Version] = p
		}
	}
	page := drillVersionsPage{ScenarioID: id, Title: vs[0].Title}
	for _, v := range vs {
		row := versionRow{Version: v.Version, Title: v.Title, Hash: v.Hash, Published: formatTime(v.CreatedAt), Retired: formatTime(v.RetiredAt),
			Author: "the server's library or --scenarios"}
		if p, ok := byVersion[v.Version]; ok {
			row.Author = u.displayName(ctx, p.AuthorID)
			if p.ApproverID != 0 {
				row.Approver = u.displayName(ctx, p.ApproverID)
			}
		}
		page.Versions = append(page.Versions, row)
	}
	page.From, page.To = vs[min(1, len(vs)-1)].Version, vs[0].Version
	q := r.URL.Query()
	if q.Has("from") || q.Has("to") {
		from, err1 := strconv.Atoi(q.Get("from"))
		to, err2 := strconv.Atoi(q.Get("to"))
		if err1 != nil || err2 != nil {
			u.fail(w, r, invalid("Choose two versions to compare."))
			return
		}
		if page.Diff, err = u.authoring.Diff(ctx, a, id, from, to); err != nil {
			u.fail(w, r, err)
			return
		}
		page.From, page.To, page.Diffed = from, to, true
	}
	render(w, r, u.log, http.StatusOK, "author_drill", view{Title: "Versions of " + id, Notice: noticeFor(r), Data: page})
}

func versionParam(r *http.Request) int {
	v, err := strconv.Atoi(chi.URLParam(r, "version"))
	if err != nil {
		return -1
	}
	return v
}

// downloadVersion sends a published version's file.
func (u *ui) downloadVersion(w http.ResponseWriter, r *http.Request) {
	id, version := chi.URLParam(r, "scenario"), versionParam(r)
	vs, err := u.authoring.Versions(r.Context(), actorOf(r), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, v := range vs {
		if v.Version == version {
			sendDrillFile(w, fmt.Sprintf("%s.v%d.drill.yaml", id, version), v.Source)
			return
		}
	}
	u.fail(w, r, fmt.Errorf("scenario %s v%d: %w", id, version, drillroom.ErrNotFound))
}

// retireVersion retires a published version.
func (u *ui) retireVersion(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "scenario")
	if err := u.authoring.Retire(r.Context(), actorOf(r), id, versionParam(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/author/drills/"+id+"?done=retired", http.StatusSeeOther)
}

// drillSchema serves the JSON Schema of drill files (?kind=policy: of
// policy files), for the editor's completion and hover.
func (u *ui) drillSchema(w http.ResponseWriter, r *http.Request) {
	kind := "drill"
	if r.URL.Query().Get("kind") == "policy" {
		kind = "policy"
	}
	b, err := scenarios.Schema(kind)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(b)
}

// downloadVersionPolicy sends the policy a published version plays with.
func (u *ui) downloadVersionPolicy(w http.ResponseWriter, r *http.Request) {
	p, err := u.authoring.VersionPolicy(r.Context(), actorOf(r), chi.URLParam(r, "scenario"), versionParam(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sendDrillFile(w, p.Name, p.Source)
}

// downloadPolicy sends a shipped policy's file.
func (u *ui) downloadPolicy(w http.ResponseWriter, r *http.Request) {
	p, err := training.ShippedPolicy(chi.URLParam(r, "policy"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sendDrillFile(w, p.Name, p.Source)
}
