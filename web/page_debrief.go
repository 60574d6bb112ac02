package web

import (
	"cmp"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/transcript"
)

type kpiItem struct{ Name, Value string }

type debriefPage struct {
	SessionID string
	Title     string
	Trainee   string
	Mode      drillroom.Mode
	Started   string
	Ending    string
	Live      bool
	Card      *scoring.Scorecard
	KPIs      []kpiItem
	Critical  []string // titles of the failed critical rules
	// DrillFailed: a failed critical: drill rule set the total to 0
	// whatever the points; the summary says so beside them.
	DrillFailed bool
	Pending     []string // titles of the manual rules awaiting a coach
	Chart       *moodChart
	Timeline    []transcript.Line
	Omitted     int // timeline rows beyond maxTimelineRows, not shown
	// Rereadings are the trainee's lines today's intent recogniser would
	// read differently from how they were played, by event seq.
	Rereadings map[int64]string
	Review     string
	CanReview  bool
	// The coaches' marking: the official card above is the automatic one
	// with the marks applied (page_mark.go).
	Marking *markingView
	// Claim is who is reviewing the session, for staff; ClaimMine when it
	// is the viewer.
	Claim     *drillroom.Claim
	ClaimMine bool
	// Coaching is the notes and the thread with the trainee (page_coaching.go).
	Coaching *coachingView
	// Calibration is the staff's calibration box (page_calibration.go).
	Calibration *calibrationSection
	// Interventions are the trainer's hand in the call
	// (page_debrief_interventions.go), flagged on the scorecard.
	Interventions []intervention
	// Draft is the draft this session played (0: a published drill).
	Draft int64

	// The summary (page_debrief_summary.go): the rules that mattered most,
	// what to practise next, the key measures, the clock's stops for the
	// trainee's absence, and the ways on.
	Focus    []focusItem
	Practise []practiseItem
	KeyKPIs  []kpiItem
	Away     []transcript.Line
	Next     *nextView
}

// debrief shows a finished session: the scorecard with feedback and
// evidence, the KPIs, the mood chart, the timeline with its silences, and
// the trainee's post-incident review. Until the call ends it shows nothing
// of the rubric.
func (u *ui) debrief(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	v, err := u.store.ScenarioVersion(ctx, x.ScenarioID, x.Version)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := debriefPage{
		SessionID: x.ID, Title: v.Title, Mode: x.Mode, Trainee: u.displayName(ctx, x.UserID),
		Started: x.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Live: x.State == drillroom.StateLive,
	}
	page.Draft, _ = drillroom.DraftPlayOf(x.ScenarioID)
	flash := ""
	switch {
	case r.URL.Query().Get("reviewed") == "1":
		flash = "Thank you: your review is saved."
	case r.URL.Query().Get("marked") == "1":
		flash = "Your mark is saved and the official score recomputed."
	case r.URL.Query().Get("coached") != "":
		flash = map[string]string{"note": "Your note is saved.", "ack": "Thank you: your coach sees that you have read the feedback.",
			"dispute": "Your dispute is sent: a coach will answer it.", "resolve": "Your answer is saved and the dispute closed.",
			"publish": "The reviewed scorecard is released: the trainee sees your marks and notes."}[r.URL.Query().Get("coached")]
	case r.URL.Query().Get("claimed") == "1":
		flash = "You have claimed this session: other coaches see that you are marking it."
	}
	if user.Staff() && !page.Live {
		page.Calibration = u.calibrationSection(r, user, x)
	}
	if user.Staff() {
		if c, ok := u.svc.SessionClaim(ctx, x); ok {
			page.Claim, page.ClaimMine = &c, c.UserID == user.ID
		}
	}
	if page.Live {
		render(w, r, u.log, http.StatusOK, "debrief", view{Title: "Debrief", Flash: flash, Data: page})
		return
	}
	sc, events, err := u.svc.ScenarioLog(ctx, x)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	card, err := u.svc.Scorecard(ctx, x, sc, events)
	var coaching *training.Coaching
	var rel training.Release
	if err == nil {
		var mk *training.Marking
		if mk, rel, err = u.svc.MarkingFor(ctx, user, x, card); err == nil {
			card, page.Marking = mk.Official, newMarkingView(mk, user)
			coaching, err = u.svc.CoachingFor(ctx, user, x, mk.History, rel)
		}
	}
	if err != nil {
		u.log.Error("debrief: scorecard", "session", x.ID, "err", err)
		page.Interventions = interventionsOf(sc, events, nil)
	} else {
		// Marked on the card as shown (the official one, whatever its age).
		page.Interventions = interventionsOf(sc, events, card)
		page.Card = card
		page.KPIs = kpiItems(card.KPIs)
		page.Critical, page.Pending = ruleTitles(card, card.CriticalFailed), ruleTitles(card, card.Pending)
		page.DrillFailed = card.DrillFailed()
		page.Focus, page.Practise, page.KeyKPIs = focusOf(card), practiseOf(card), keyKPIs(page.KPIs)
	}
	if n, err := u.svc.NextFor(ctx, user, x); err != nil {
		u.log.Warn("debrief: the next drill", "session", x.ID, "err", err)
	} else {
		page.Next = newNextView(x, n)
	}

	end := int64(0)
	for _, ev := range events {
		if ev.Type == simulator.EvEnd {
			end = ev.T
			page.Ending = transcript.Ending(ev.Reason)
			break
		}
		end = max(end, ev.T)
	}
	limit, rule := silenceStandard(sc)
	silences := findSilences(events, end, limit)
	page.Chart = buildMoodChart(events, sc.Cast.Customer.Mood, sc.Cast.Customer.Patience, end, silences, limit)
	page.Chart.SilenceLimit = silenceLegend(limit, rule)
	page.Timeline, page.Omitted = boundTimeline(buildTimeline(sc, events, silences))
	page.Away = absences(page.Timeline)
	if rr, err := u.svc.Rereadings(ctx, x, events); err != nil {
		u.log.Warn("debrief: reread the trainee's lines", "session", x.ID, "err", err)
	} else if len(rr) > 0 {
		page.Rereadings = map[int64]string{}
		labels := transcript.Labels(sc)
		for seq, intents := range rr {
			page.Rereadings[seq] = "nothing"
			if len(intents) > 0 {
				words := make([]string, len(intents))
				for i, in := range intents {
					words[i] = cmp.Or(labels[in], in)
				}
				page.Rereadings[seq] = strings.Join(words, ", ")
			}
		}
	}
	if page.Card != nil {
		anchorEvidence(page.Card, page.Timeline)
	}
	if coaching != nil {
		page.Coaching = newCoachingView(coaching, page.Marking, rel, user, x, page.Timeline)
	}

	review := ""
	for _, ev := range events {
		if ev.Type == simulator.EvReview {
			review = ev.Text
		}
	}
	if review == "" {
		if rv, err := u.store.Review(ctx, x.ID); err == nil {
			review = rv.Text
		}
	}
	page.Review = review
	page.CanReview = user.ID == x.UserID && review == ""
	render(w, r, u.log, http.StatusOK, "debrief", view{Title: "Debrief", Flash: flash, Data: page})
}

// anchorEvidence points every evidence link at a row of the timeline. A
// rule may cite an event the timeline does not show (a mood change, a phase
// of the script); its link goes to the last shown event before it, which
// is what the trainee was doing at that moment.
func anchorEvidence(c *scoring.Scorecard, rows []transcript.Line) {
	var shown []int64 // ascending
	for _, r := range rows {
		if r.Seq > 0 {
			shown = append(shown, r.Seq)
		}
	}
	anchor := func(seq int64) int64 {
		i := sort.Search(len(shown), func(i int) bool { return shown[i] > seq })
		if i == 0 {
			if len(shown) > 0 {
				return shown[0]
			}
			return seq
		}
		return shown[i-1]
	}
	for i := range c.Sections {
		for j := range c.Sections[i].Rules {
			ev := c.Sections[i].Rules[j].Evidence
			for k := range ev {
				ev[k].Seq = anchor(ev[k].Seq)
			}
		}
	}
}

func ruleTitles(c *scoring.Scorecard, ids []string) []string {
	var out []string
	for _, id := range ids {
		if r, ok := c.Rule(id); ok && r.Title != "" {
			out = append(out, r.Title)
		} else {
			out = append(out, id)
		}
	}
	return out
}

func kpiItems(k scoring.KPIs) []kpiItem {
	fcr := "no"
	if k.FirstContactResolution {
		fcr = "yes"
	}
	return []kpiItem{
		{"Handling time (AHT)", formatSeconds(k.HandlingTime)},
		{"Talk time", formatSeconds(k.TalkTime)},
		{"Hold time", formatSeconds(k.HoldTime)},
		{"Wrap-up", formatSeconds(k.WrapUp)},
		{"First contact resolution", fcr},
		{"Customer satisfaction (CSAT)", fmt.Sprintf("%d / 5", k.CSAT)},
		{"Time to classify", formatSeconds(k.TimeToClassify)},
		{"Time to first dispatch or escalation", formatSeconds(k.TimeToFirstEscalation)},
		{"Longest silence", formatSeconds(k.LongestSilence)},
	}
}

// The debrief's size is bounded whatever the log holds: at most
// maxTimelineRows rows, and at most maxTimelineChars characters of text in
// all (the full log is the scorecard's evidence and the replay's input, not
// a page). A call as people make them is far below both, so every line is
// shown as it was said and read; only a log a script or an attacker filled
// has its longest texts cut, each to an equal share of the budget.
const (
	maxTimelineRows  = 1500
	maxTimelineChars = 400_000
	// Longer than any line a trainee may send (training.MaxTextRunes): no
	// line is ever cut below this unless the page's budget requires it.
	maxTimelineRunes = 2 * training.MaxTextRunes
)

// boundTimeline keeps the first maxTimelineRows rows, with their texts cut
// to keep the page within maxTimelineChars, and says how many rows it left
// out.
func boundTimeline(rows []transcript.Line) ([]transcript.Line, int) {
	omitted := 0
	if len(rows) > maxTimelineRows {
		omitted = len(rows) - maxTimelineRows
		rows = rows[:maxTimelineRows]
	}
	total := 0
	for _, r := range rows {
		total += utf8.RuneCountInString(r.Text)
	}
	limit := maxTimelineRunes
	if total > maxTimelineChars {
		limit = max(maxTimelineChars/max(len(rows), 1), 200)
	}
	for i := range rows {
		if utf8.RuneCountInString(rows[i].Text) > limit {
			rows[i].Text = string([]rune(rows[i].Text)[:limit]) + "…"
		}
	}
	return rows, omitted
}

// buildTimeline lists what the trainee saw and did, with the long silences
// inserted where they began. Script internals (beats, reactions, variables,
// phases, mood figures) stay out: the chart shows the mood.
func buildTimeline(sc *scenarios.Scenario, events []simulator.Event, silences []silence) []transcript.Line {
	p := transcript.New(sc)
	bySeq := map[int64][]silence{}
	for _, s := range silences {
		bySeq[s.AfterSeq] = append(bySeq[s.AfterSeq], s)
	}
	var rows []transcript.Line
	addSilences := func(after int64) {
		for _, s := range bySeq[after] {
			rows = append(rows, transcript.Line{T: s.From, Clock: transcript.Clock(s.From), Who: "Silence", Class: "silence",
				Text: fmt.Sprintf("No word to the customer for %s (%s to %s)", transcript.Duration(s.To-s.From), transcript.Clock(s.From), transcript.Clock(s.To))})
		}
	}
	addSilences(0)
	for _, ev := range events {
		row, ok := p.Line(ev)
		if !ok {
			continue
		}
		rows = append(rows, row)
		addSilences(ev.Seq)
	}
	return rows
}
