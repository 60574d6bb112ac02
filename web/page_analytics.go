package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The analytics pages are parsed with the layout like every page; they are
// added to pages here so that their files stay their own.
func init() {
	for _, name := range []string{"analytics"} {
		t, err := template.New(name).Funcs(pageFuncs).Funcs(analyticsFuncs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			panic(fmt.Sprintf("web: parse template %s: %v", name, err))
		}
		pages[name] = t
	}
}

var analyticsFuncs = template.FuncMap{
	"secs":      formatSeconds,
	"date":      func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"mistake":   mistakeName,
	"procedure": procedureName,
}

// analyticsFilter reads the dashboard's filter from the query string:
// cohort (id), drill, version, mode, from and to (dates, to inclusive).
func analyticsFilter(q url.Values) (training.Filter, error) {
	var f training.Filter
	bad := func(what string) error {
		return &drillroom.Error{Code: drillroom.CodeInvalid, Message: "The filter's " + what + " is not valid."}
	}
	if v := q.Get("cohort"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return f, bad("cohort")
		}
		f.Cohort = id
	}
	f.ScenarioID = q.Get("drill")
	if v := q.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, bad("version")
		}
		f.Version = n
	}
	f.Mode = drillroom.Mode(q.Get("mode"))
	if f.Mode != "" && !f.Mode.Valid() {
		return f, bad("mode")
	}
	if v := q.Get("from"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return f, bad("start date")
		}
		f.Since = t
	}
	if v := q.Get("to"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return f, bad("end date")
		}
		f.Until = t.AddDate(0, 0, 1)
	}
	return f, nil
}

// filterQuery is the query string of a filter, for the export links.
func filterQuery(f training.Filter) string {
	q := url.Values{}
	if f.Cohort != 0 {
		q.Set("cohort", strconv.FormatInt(f.Cohort, 10))
	}
	if f.ScenarioID != "" {
		q.Set("drill", f.ScenarioID)
	}
	if f.Version != 0 {
		q.Set("version", strconv.Itoa(f.Version))
	}
	if f.Mode != "" {
		q.Set("mode", string(f.Mode))
	}
	if !f.Since.IsZero() {
		q.Set("from", f.Since.Format(time.DateOnly))
	}
	if !f.Until.IsZero() {
		q.Set("to", f.Until.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	return q.Encode()
}

type kpiChart struct {
	Key, Name string
	Chart     template.HTML
	Standard  string // the standard drawn, worded
	Values    []string
}

// heatRow is a row of the heatmap. Its cells are written in Go, escaped
// once each, and the template prints them as they are: a cohort of 200
// makes thousands of cells, and escaping each of their values in the
// template cost a fifth of the dashboard's time.
type heatRow struct {
	Title string
	Rate  float64
	Cells template.HTML
}

type progressRow struct {
	training.Progress
	Totals template.HTML // the attempts' totals, oldest first, each a link to its debrief
	Spark  template.HTML
	Best   float64
	Last   float64
}

type analyticsPage struct {
	*training.Dashboard
	Query          string
	Report         bool // the printable cohort report
	Titles         map[string]string
	Drill          string // the drill of the heatmap and progress
	Cohort         string // the chosen cohort's name, or "All your cohorts"
	From, To       string
	DrillChart     template.HTML
	BandChart      template.HTML
	RuleChart      template.HTML
	MistakeChart   template.HTML
	ProcedureChart template.HTML
	KPICharts      []kpiChart
	TrendDates     []string
	Progress       []progressRow
	HeatRows       []heatRow
	Generated      string
}

func (p analyticsPage) Title(id string) string {
	if t := p.Titles[id]; t != "" {
		return t
	}
	return id
}

// analytics is the cohort dashboard (/analytics) and, with report=1 or at
// /analytics/report, the printable cohort report.
func (u *ui) analytics(w http.ResponseWriter, r *http.Request) {
	u.analyticsPage(w, r, r.URL.Query().Get("report") == "1")
}

func (u *ui) analyticsReport(w http.ResponseWriter, r *http.Request) {
	u.analyticsPage(w, r, true)
}

func (u *ui) analyticsPage(w http.ResponseWriter, r *http.Request, report bool) {
	ctx := r.Context()
	user, _ := userFrom(ctx)
	f, err := analyticsFilter(r.URL.Query())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	an := training.NewAnalytics(u.store, u.svc)
	d, err := an.Dashboard(ctx, user, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := analyticsPage{Dashboard: d, Query: filterQuery(f), Report: report, Titles: map[string]string{},
		Cohort: "All your cohorts", Generated: time.Now().UTC().Format("2 Jan 2006 15:04 UTC")}
	if user.Admin {
		page.Cohort = "All cohorts"
	}
	for _, c := range d.Cohorts {
		if c.ID == f.Cohort {
			page.Cohort = c.Name
		}
	}
	if !f.Since.IsZero() {
		page.From = f.Since.Format(time.DateOnly)
	}
	if !f.Until.IsZero() {
		page.To = f.Until.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if vs, err := u.store.LatestScenarios(ctx); err == nil {
		for _, v := range vs {
			page.Titles[v.ScenarioID] = v.Title
		}
	}
	if d.Heatmap != nil {
		page.Drill = d.Heatmap.ScenarioID
	}
	buildAnalyticsCharts(&page)
	title := "Cohort analytics"
	if report {
		title = "Cohort report"
	}
	render(w, r, u.log, http.StatusOK, "analytics", view{Title: title, BodyClass: "analytics", Data: page})
}

func buildAnalyticsCharts(p *analyticsPage) {
	d := p.Dashboard
	var drillBars []bar
	var labels []string
	var rows [][]segment
	for _, s := range d.Drills {
		drillBars = append(drillBars, bar{Label: p.Title(s.ScenarioID), Value: s.PassRate(),
			Note: fmt.Sprintf("%s of %d", formatPercent(s.PassRate()), s.Sessions)})
		labels = append(labels, p.Title(s.ScenarioID))
		var segs []segment
		for _, b := range s.Bands {
			segs = append(segs, segment{Label: b.Band, Count: b.Count})
		}
		rows = append(rows, segs)
	}
	p.DrillChart = barChart("chart-pass", "Pass rate per drill", "The share of scored sessions that passed, per drill; the table below has the numbers.", drillBars, 100)
	p.BandChart = stackedBars("chart-bands", "Band distribution per drill", "How the scored sessions of each drill fall into the score bands, best band first; the table below has the numbers.", labels, rows)
	var ruleBars []bar
	for _, r := range d.Rules {
		ruleBars = append(ruleBars, bar{Label: r.Title + " (" + p.Title(r.ScenarioID) + ")", Value: r.Rate(),
			Note: fmt.Sprintf("%s of %d", formatPercent(r.Rate()), r.Scored)})
	}
	p.RuleChart = barChart("chart-rules", "Failure rate per rule", "The rules failed most often, with the share of sessions that failed each; the table below has the numbers.", ruleBars, 100)

	var procBars []bar
	for _, pr := range d.Procedures {
		procBars = append(procBars, bar{Label: procedureName(pr.Procedure), Value: pr.Rate(),
			Note: fmt.Sprintf("%s of %d, %d drills", formatPercent(pr.Rate()), pr.Sessions, pr.Drills)})
	}
	p.ProcedureChart = barChart("chart-procedures", "Procedures not followed", "How often each procedure was not followed: a session did not follow it when it failed one of the rules tagged with it, across drills; the table below has the numbers.", procBars, 100)
	var mistakeBars []bar
	for _, m := range d.Mistakes {
		mistakeBars = append(mistakeBars, bar{Label: mistakeName(m.Mistake), Value: m.Rate(), Note: fmt.Sprintf("%s of %d", formatPercent(m.Rate()), m.Sessions)})
	}
	p.MistakeChart = barChart("chart-mistakes", "Classic mistakes", "How often each classic mistake was made: a session made it when it failed a rule its drill declares for it; the table below has the numbers.", mistakeBars, 100)

	for _, t := range d.Trends {
		p.TrendDates = append(p.TrendDates, t.From.Format("2 Jan 2006"))
	}
	names := map[string]string{
		"score": "Score (%)", "handling_time": "Handling time (AHT)", "hold_time": "Hold time", "wrap_up": "Wrap-up",
		"fcr": "First contact resolution (%)", "csat": "Customer satisfaction (CSAT, 1 to 5)", "time_to_classify": "Time to classify",
		"time_to_first_escalation": "Time to first dispatch or escalation", "longest_silence": "Longest silence",
	}
	std := map[string]float64{}
	stdWords := map[string]string{}
	if s := d.Standards; s != nil {
		std["score"], stdWords["score"] = s.PassMark, "pass mark "+formatPercent(s.PassMark)
		std["longest_silence"], stdWords["longest_silence"] = s.MaxSilence, "policy's longest silence "+formatSeconds(s.MaxSilence)
		if s.WrapUpTarget > 0 {
			std["wrap_up"], stdWords["wrap_up"] = s.WrapUpTarget, "wrap-up target "+formatSeconds(s.WrapUpTarget)
		}
	}
	for _, key := range append([]string{"score"}, training.KPIKeys...) {
		format := formatSeconds
		switch key {
		case "score", "fcr":
			format = formatPercent
		case "csat":
			format = formatNumber
		}
		var pts []point
		var vals []string
		for i, t := range d.Trends {
			v, ok := t.KPIs[key]
			if key == "score" {
				v, ok = t.Score, true
			}
			pts = append(pts, point{Label: p.TrendDates[i], Value: v, OK: ok})
			if ok {
				vals = append(vals, format(v))
			} else {
				vals = append(vals, "–")
			}
		}
		desc := fmt.Sprintf("The mean %s of the sessions started each %s", names[key], d.Period)
		if w := stdWords[key]; w != "" {
			desc += ", with the " + w + " drawn as a dashed line"
		}
		p.KPICharts = append(p.KPICharts, kpiChart{Key: key, Name: names[key], Standard: stdWords[key], Values: vals,
			Chart: lineChart("trend-"+key, names[key]+" over time", desc+"; the table below has the numbers.", pts, std[key], stdWords[key], format)})
	}
	if h := d.Heatmap; h != nil {
		// 25 rules by 200 trainees are 5,000 cells: each name and title
		// is escaped once, and the numbers appended without fmt.
		names := make([]string, len(h.Trainees))
		for j, t := range h.Trainees {
			names[j] = template.HTMLEscapeString(t.Name)
		}
		var num []byte
		for i, r := range h.Rules {
			var b strings.Builder
			title := template.HTMLEscapeString(r.Title)
			anchor := template.HTMLEscapeString("/debrief#rule-" + url.PathEscape(r.RuleID))
			for j, c := range h.Cells[i] {
				b.WriteString(`<td class="` + heatClass(c) + `">`)
				if c.Scored == 0 {
					b.WriteString(`<span class="muted" title="` + names[j] + `: not scored">–</span></td>`)
					continue
				}
				target := c.LastFailed
				if target == "" {
					target = c.Last
				}
				num = strconv.AppendInt(num[:0], int64(c.Failed), 10)
				failed := string(num)
				num = strconv.AppendInt(num[:0], int64(c.Scored), 10)
				scored := string(num)
				b.WriteString(`<a href="` + template.HTMLEscapeString("/sessions/"+url.PathEscape(target)) + anchor +
					`" title="` + title + `: ` + names[j] + ` failed ` + failed + ` of ` + scored + `">` + failed + `/` + scored + `</a></td>`)
			}
			p.HeatRows = append(p.HeatRows, heatRow{Title: r.Title, Rate: r.Rate(), Cells: template.HTML(b.String())})
		}
	}
	pass := 0.0
	if d.Standards != nil {
		pass = d.Standards.PassMark
	}
	for _, pr := range d.Progress {
		var totals []float64
		var links strings.Builder
		best := 0.0
		for i, a := range pr.Attempts {
			totals = append(totals, a.Total)
			best = max(best, a.Total)
			if i > 0 {
				links.WriteString(", ")
			}
			links.WriteString(`<a href="/sessions/` + template.HTMLEscapeString(url.PathEscape(a.SessionID)) + `/debrief" title="` +
				a.At.UTC().Format("2 Jan 2006") + `">` + formatPercent(a.Total) + `</a>`)
			if a.Passed {
				links.WriteString("✓")
			}
		}
		p.Progress = append(p.Progress, progressRow{Progress: pr, Best: best, Last: totals[len(totals)-1], Totals: template.HTML(links.String()),
			Spark: sparkline(fmt.Sprintf("spark-%d", pr.Trainee.ID), pr.Trainee.Name+"'s totals by attempt", totals, pass)})
	}
}

// mistakeName words a classic mistake (scenarios.ClassicMistakes) for people.
func mistakeName(m string) string {
	switch m {
	case "misclassification":
		return "Misclassified or misprioritised"
	case "uninformed":
		return "Customer not kept informed"
	case "not_involved":
		return "Specialists or managers not involved"
	case "incomplete_record":
		return "Incident not recorded fully"
	case "over_escalation":
		return "Involved someone not needed"
	}
	return m
}

// heatClass is a heatmap cell's class by its failure rate.
func heatClass(c training.Cell) string {
	if c.Scored == 0 {
		return "heat-none"
	}
	r := float64(c.Failed) / float64(c.Scored)
	switch {
	case r == 0:
		return "heat-0"
	case r < 0.34:
		return "heat-1"
	case r < 0.67:
		return "heat-2"
	}
	return "heat-3"
}

// procedureName words a procedure tag: keep-customer-informed becomes
// "Keep customer informed".
func procedureName(p string) string {
	s := strings.ReplaceAll(p, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
