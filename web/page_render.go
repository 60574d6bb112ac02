package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/transcript"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the pages; each is parsed with layout.html into its own
// template set, so every page can define "content" and "scripts".
var pageNames = []string{"login", "error", "drills", "console", "debrief", "reviews", "replay", "calibration", "calibration_trend", "history",
	"account_password", "cohort", "admin_users", "admin_user", "admin_password", "admin_cohorts", "admin_cohort", "admin_import", "admin_audit", "admin_settings",
	"author", "editor", "author_drill", "author_publication", "assign", "assignment", "monitor", "observe"}

// pages are parsed once, when the package starts: a template error is a
// programming error and must stop the build's tests, not a live request.
var pages = mustParsePages()

var pageFuncs = template.FuncMap{
	"inc":   func(i int) int { return i + 1 },
	"add":   func(a, b float64) float64 { return a + b },
	"sub":   func(a, b float64) float64 { return a - b },
	"join":  strings.Join,
	"pct":   formatPercent,
	"num":   formatNumber,
	"clock": transcript.Clock,
	"args":  templateArgs,
	"outcome": func(o string) string {
		switch o {
		case scoring.Pass:
			return "passed"
		case scoring.Fail:
			return "failed"
		case scoring.NA:
			return "not applicable"
		case scoring.Pending:
			return "awaiting coach"
		case scoring.Partial:
			return "partly met"
		case scoring.Error:
			return "error"
		}
		return o
	},
}

// templateArgs makes the argument of a shared block (templates/parts.html)
// from keys and values: args "Action" "/x" "Text" "Go".
func templateArgs(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("args: %d values, want pairs of a key and a value", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("args: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func mustParsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		files := []string{"templates/layout.html", "templates/parts.html", "templates/" + name + ".html"}
		if strings.HasPrefix(name, "admin_") {
			files = append(files, "templates/admin_nav.html") // the administration pages' menu
		}
		t, err := template.New(name).Funcs(pageFuncs).ParseFS(templateFS, files...)
		if err != nil {
			panic(fmt.Sprintf("web: parse template %s: %v", name, err))
		}
		out[name] = t
	}
	return out
}

// staticHandler serves the embedded CSS and JavaScript under /static/.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		// Assets change only with the binary; a short cache keeps a
		// redeploy visible within minutes without fingerprinted names.
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

// view is what every page template receives.
type view struct {
	Title     string
	BodyClass string
	User      *drillroom.User
	CSRF      string
	Flash     string // a refusal or error, shown as an alert
	Notice    string // a confirmation after a redirect (noticeFor)
	Data      any
}

// render writes page name with data. It renders into a buffer first, so
// that a template error becomes a clean 500, not half a page.
func render(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, name string, v view) {
	if u, ok := userFrom(r.Context()); ok {
		v.User = &u
		v.CSRF = csrfFrom(r.Context())
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		log.Error("render page", "page", name, "err", err)
		http.Error(w, "Something went wrong while showing this page.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show a trainee's own data: never cache them in shared caches,
	// nor keep them in the browser after sign-out.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows a generic error page. msg is shown to the user and
// must never carry internal details; those go to the log.
func renderError(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, msg string) {
	title := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		title = "Not found"
		if msg == "" {
			msg = "There is nothing here, or you do not have access to it."
		}
	case http.StatusForbidden:
		title = "No access"
		if msg == "" {
			msg = "You do not have access to this page."
		}
	case http.StatusInternalServerError:
		title = "Something went wrong"
		if msg == "" {
			msg = "Something went wrong on our side. Try again in a moment."
		}
	}
	render(w, r, log, status, "error", view{Title: title, Flash: msg})
}

// formatSeconds formats a duration in seconds as every page does
// (transcript.Duration: 1:05, 2:00:00); negative means never.
func formatSeconds(sec float64) string {
	if sec < 0 {
		return transcript.Duration(-1)
	}
	return transcript.Duration(int64(math.Round(sec)) * 1000)
}

func formatPercent(f float64) string { return formatNumber(f) + "%" }

// formatNumber prints a score with at most one decimal, without trailing zeros.
func formatNumber(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

// notFound is the site's 404 page, for paths no route matches.
func (u *ui) notFound(w http.ResponseWriter, r *http.Request) {
	if !wantsPage(r) {
		http.Error(w, "Not found.", http.StatusNotFound)
		return
	}
	renderError(w, r, u.log, http.StatusNotFound, "")
}
