package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/xapi"
)

// scopedAnalytics reads the dashboard's filter of an export and checks
// that user may see its scope, before the first byte, so that a refusal is
// a clean page: then it answers with the failure page and returns ok
// false.
func (u *ui) scopedAnalytics(w http.ResponseWriter, r *http.Request, user drillroom.User) (*training.Analytics, training.Filter, bool) {
	f, err := analyticsFilter(r.URL.Query())
	if err != nil {
		u.fail(w, r, err)
		return nil, f, false
	}
	an := training.NewAnalytics(u.store, u.svc)
	if _, err := an.Scope(r.Context(), user, f); err != nil {
		u.fail(w, r, err)
		return nil, f, false
	}
	return an, f, true
}

// analyticsExport streams a CSV of the scored sessions (with their
// scorecards' headline), their KPIs or their rule outcomes for the
// dashboard's filter. Results are the official scorecard's where a coach's
// review was released (the scorecard column says which), with the
// automatic ones beside them. Rows are written as the store reads them, so an
// export of any size never sits in memory; once the first row is out a
// failure can no longer change the status, so it cuts the connection
// instead and the download is visibly incomplete, never silently short.
func (u *ui) analyticsExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user, _ := userFrom(ctx)
	kind := chi.URLParam(r, "kind")
	if kind != "sessions" && kind != "kpis" && kind != "outcomes" {
		u.notFound(w, r)
		return
	}
	an, f, ok := u.scopedAnalytics(w, r, user)
	if !ok {
		return
	}
	names, err := an.Names(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	rc := startDownload(w, "text/csv; charset=utf-8", "drillroom-"+kind+"-"+time.Now().UTC().Format("20060102-1504")+".csv")
	cw := csv.NewWriter(w)
	rows := 0
	write := func(rec []string) error {
		for i, v := range rec {
			rec[i] = csvSafe(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		if rows++; rows%500 == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			extendWrite(rc)
		}
		return nil
	}
	name := func(id int64) string { return names[id] }
	switch kind {
	case "sessions":
		write([]string{"session", "trainee_id", "trainee", "drill", "version", "mode", "started_at", "scored_at", "rubric_hash",
			"scorecard", "total", "band", "passed", "automatic_total", "automatic_band", "automatic_passed"})
		err = an.Sessions(ctx, user, f, func(x drillroom.ScoredSession) error {
			return write([]string{x.SessionID, itoa(x.UserID), name(x.UserID), x.ScenarioID, strconv.Itoa(x.Version), string(x.Mode),
				x.CreatedAt.Format(time.RFC3339), x.ScoredAt.Format(time.RFC3339), x.RubricHash,
				whichCard(x.Official), ftoa(x.Total), x.Band, strconv.FormatBool(x.Passed),
				ftoa(x.Auto.Total), x.Auto.Band, strconv.FormatBool(x.Auto.Passed)})
		})
	case "kpis":
		write([]string{"session", "trainee_id", "trainee", "drill", "version", "mode", "started_at", "handling_time", "talk_time", "hold_time",
			"wrap_up", "first_contact_resolution", "csat", "time_to_classify", "time_to_first_escalation", "longest_silence"})
		err = an.Sessions(ctx, user, f, func(x drillroom.ScoredSession) error {
			k := x.KPIs
			return write([]string{x.SessionID, itoa(x.UserID), name(x.UserID), x.ScenarioID, strconv.Itoa(x.Version), string(x.Mode),
				x.CreatedAt.Format(time.RFC3339), ftoa(k.HandlingTime), ftoa(k.TalkTime), ftoa(k.HoldTime), ftoa(k.WrapUp),
				strconv.FormatBool(k.FirstContactResolution), strconv.Itoa(k.CSAT), ftoa(k.TimeToClassify), ftoa(k.TimeToFirstEscalation), ftoa(k.LongestSilence)})
		})
	case "outcomes":
		write([]string{"session", "trainee_id", "trainee", "drill", "version", "mode", "started_at", "rubric_hash", "rule", "section", "title",
			"scorecard", "outcome", "points", "max_points", "critical", "automatic_outcome", "automatic_points", "automatic_feedback"})
		err = an.Outcomes(ctx, user, f, func(o drillroom.OutcomeRecord) error {
			return write([]string{o.SessionID, itoa(o.UserID), name(o.UserID), o.ScenarioID, strconv.Itoa(o.Version), string(o.Mode),
				o.CreatedAt.Format(time.RFC3339), o.RubricHash, o.RuleID, o.Section, o.Title,
				whichCard(o.Official), o.Outcome, ftoa(o.Points), ftoa(o.MaxPoints), o.Critical, o.AutoOutcome, ftoa(o.AutoPoints), o.Feedback})
		})
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		u.log.Error("analytics export cut short", "kind", kind, "rows", rows, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// analyticsStatements streams the xAPI statements of the scored sessions
// the filter selects, as one JSON array: what the outbox sends to an LRS,
// as a file (an LRS's import, or a record kept without one).
func (u *ui) analyticsStatements(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user, _ := userFrom(ctx)
	an, f, ok := u.scopedAnalytics(w, r, user)
	if !ok {
		return
	}
	scheme := "http"
	if r.TLS != nil || u.secure {
		scheme = "https"
	}
	cfg := xapi.Config{BaseIRI: scheme + "://" + r.Host}
	rc := startDownload(w, "application/json", "drillroom-xapi-"+time.Now().UTC().Format("20060102-1504")+".json")
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("[")
	n := 0
	err := an.Sessions(ctx, user, f, func(x drillroom.ScoredSession) error {
		sts, err := xapi.Build(ctx, u.store, cfg, xapi.Ref{SessionID: x.SessionID, ScorecardID: x.ScorecardID, ReleaseID: x.ReleaseID, At: x.ScoredAt})
		if err != nil {
			return err
		}
		for _, s := range sts {
			b, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if n > 0 {
				bw.WriteString(",\n")
			}
			n++
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
		extendWrite(rc)
		return nil
	})
	if err == nil {
		bw.WriteString("]\n")
		err = bw.Flush()
	}
	if err != nil {
		u.log.Error("xapi export cut short", "statements", n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// extendWrite gives a streamed export another minute to write, from now:
// the server's write timeout bounds an answer as a whole, and an export of
// every rule outcome may take longer than that while it keeps moving. A
// client that stops reading still times out within a minute.
func extendWrite(rc *http.ResponseController) {
	rc.SetWriteDeadline(time.Now().Add(time.Minute)) // unsupported by test recorders; nothing to do then
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: names and
// feedback are typed by people, and a cell that starts with = + - @ or a
// control character is prefixed with an apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s // a negative number, such as -1 for "never"
		}
		return "'" + s
	}
	return s
}

// whichCard names the scorecard a row reports, for the CSV's scorecard
// column: "official" once a coach's review was released (the automatic
// result with the released marks applied), "automatic" before.
func whichCard(official bool) string {
	if official {
		return "official"
	}
	return "automatic"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// startDownload sets the headers of a file download named name and
// returns the response's controller, its write deadline extended.
func startDownload(w http.ResponseWriter, contentType, name string) *http.ResponseController {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	extendWrite(rc)
	return rc
}
