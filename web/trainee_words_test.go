package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/training"
	"github.com/drillroom/drillroom/transcript"
)

// TestNoIDsInTraineeText plays a scripted good call of every library drill
// over the trainee's socket and checks that no id of the drill reads as
// code anywhere the trainee reads: the texts of the socket's messages
// (hello's titles and labels, the events' texts, refusals), the lines the
// console presents from them, and the rendered console (before and after
// the call) and debrief pages. The ids are the drill's, its record
// fields', hand-over items', decisions', intents', endings', resolutions',
// categories', beats' and reactions' that are written as code (with _ or -): an id that is a
// plain word (location) reads the same as its label.
func TestNoIDsInTraineeText(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every library drill")
	}
	// The test reads the socket only between steps: room for a whole call.
	a := newLiveApp(t, runner.Config{Buffer: 8192})
	ctx := context.Background()
	for _, sc := range scenariotest.Library(t).Scenarios {
		if _, err := training.Publish(ctx, a.store, sc); err != nil {
			t.Fatal(err)
		}
	}
	for _, sc := range scenariotest.Library(t).Scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			play := goodPlay(sc)
			if play == nil {
				t.Fatalf("%s has no scripted good play", sc.ID)
			}
			ids := codeIDs(sc)
			x, err := a.store.CreateSession(ctx, drillroom.Session{UserID: a.user("ann").ID, ScenarioID: sc.ID, Version: sc.Version,
				Seed: play.Seed, Mode: drillroom.ModePractice, Scale: 600})
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			seen := func(where string, s ...string) {
				for _, v := range s {
					if v != "" {
						texts = append(texts, where+": "+v)
					}
				}
			}
			seen("console before the call", pageText(t, a, "ann", "/sessions/"+x.ID))

			ann := a.join("ann", x.ID)
			var hello struct {
				Vocabulary vocabulary `json:"vocabulary"`
			}
			if err := json.Unmarshal([]byte(ann.raw[0]), &hello); err != nil {
				t.Fatal(err)
			}
			v := hello.Vocabulary
			for _, it := range append(append(v.Categories, v.Priorities...), v.Resolutions...) {
				seen("hello", it.Title)
			}
			for _, l := range v.Labels {
				seen("hello label", l)
			}
			start := time.Now()
			for i, st := range play.Steps {
				a := stepAction(st)
				if a == nil {
					continue
				}
				at := time.Duration(0)
				if st.At != nil {
					at = time.Duration(*st.At) * time.Millisecond / 600
				}
				if st.Wait != nil {
					at = max(at, time.Since(start)) + time.Duration(*st.Wait)*time.Millisecond/600
				}
				time.Sleep(time.Until(start.Add(at)))
				if m := ann.do(fmt.Sprintf("step%d", i), *a); m.Type == msgReject {
					seen("refusal", m.Reason)
				}
			}
			ann.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvEnd })
			time.Sleep(200 * time.Millisecond) // the review, the ending's lines
			for {
				m, err := ann.next(300 * time.Millisecond)
				if err != nil {
					break
				}
				ann.pending = append(ann.pending, m)
			}
			p := transcript.New(sc)
			for _, raw := range ann.raw {
				var m serverMessage
				if json.Unmarshal([]byte(raw), &m) != nil || m.Type != msgEvent {
					continue
				}
				seen("event text", m.Event.Text)
				if m.Event.Type == simulator.EvRejected {
					seen("refusal", m.Event.Reason)
				}
				if l, ok := p.Line(m.Event); ok {
					seen("console line", l.Who, l.Text)
				}
			}
			seen("console after the call", pageText(t, a, "ann", "/sessions/"+x.ID))
			seen("debrief", pageText(t, a, "ann", "/sessions/"+x.ID+"/debrief"))

			var bad []string
			for _, text := range texts {
				for _, id := range ids {
					if loc := id.re.FindStringIndex(text); loc != nil {
						where, _, _ := strings.Cut(text, ": ")
						bad = append(bad, fmt.Sprintf("%s in the %s: …%s…", id.id, where, around(text, loc)))
					}
				}
			}
			sort.Strings(bad)
			for _, b := range bad {
				t.Errorf("an id in the trainee's text: %s", b)
			}
		})
	}
}

// around is the text around loc, on one line.
func around(s string, loc []int) string {
	from, to := max(loc[0]-60, 0), min(loc[1]+60, len(s))
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	return strings.Join(strings.Fields(s[from:to]), " ")
}

// goodPlay is the drill's first scripted test tagged good.
func goodPlay(sc *scenarios.Scenario) *scenarios.Test {
	for i := range sc.Tests {
		if t := &sc.Tests[i]; t.Good && t.Walk == nil && len(t.Steps) > 0 {
			return t
		}
	}
	return nil
}

// stepAction is the trainee's action of a test step, or nil (a trainer's
// step, or one that only moves the clock). Promises and interpolated
// values are left as written: the words the trainee types are theirs.
func stepAction(st scenarios.TestStep) *simulator.Action {
	a := &simulator.Action{}
	switch {
	case st.Say != "" || len(st.Intents) > 0:
		*a = simulator.Action{Kind: simulator.ActSay, Text: st.Say, Intents: st.Intents}
	case st.Hold:
		a.Kind = simulator.ActHold
	case st.Resume:
		a.Kind = simulator.ActResume
	case st.Classify != nil:
		*a = simulator.Action{Kind: simulator.ActClassify, Category: st.Classify.Category, Priority: st.Classify.Priority}
	case st.Record != nil:
		*a = simulator.Action{Kind: simulator.ActRecord, Field: st.Record.Field, Value: st.Record.Value}
	case st.Dispatch != "":
		*a = simulator.Action{Kind: simulator.ActDispatch, Target: st.Dispatch, Text: st.Message, Info: st.Info}
	case st.Escalate != "":
		*a = simulator.Action{Kind: simulator.ActEscalate, Target: st.Escalate, Text: st.Message, Info: st.Info}
	case st.Contact != "":
		*a = simulator.Action{Kind: simulator.ActContact, Target: st.Contact, Text: st.Message, Info: st.Info}
	case st.Request != nil:
		*a = simulator.Action{Kind: simulator.ActRequest, Target: st.Request.Team, Decision: st.Request.Decision, Amount: st.Request.Amount}
	case st.Decide != nil:
		*a = simulator.Action{Kind: simulator.ActDecide, Decision: st.Decide.Decision, Amount: st.Decide.Amount}
	case st.Transfer != "":
		*a = simulator.Action{Kind: simulator.ActTransfer, Target: st.Transfer}
	case st.Close != nil:
		*a = simulator.Action{Kind: simulator.ActClose, Resolution: *st.Close}
	case st.Review != "":
		*a = simulator.Action{Kind: simulator.ActReview, Text: st.Review}
	default:
		return nil
	}
	return a
}

type codeID struct {
	id string
	re *regexp.Regexp
}

// codeIDs are the drill's ids that read as code: with an underscore or a
// hyphen.
func codeIDs(sc *scenarios.Scenario) []codeID {
	set := map[string]bool{sc.ID: true}
	for id := range transcript.Labels(sc) {
		set[id] = true
	}
	for _, e := range sc.Endings {
		set[e.ID] = true
	}
	for _, b := range sc.Timeline {
		set[b.ID] = true
	}
	for _, r := range sc.Reactions {
		set[r.ID] = true
	}
	var out []codeID
	for id := range set {
		if strings.ContainsAny(id, "_-") {
			out = append(out, codeID{id, regexp.MustCompile(`(?i)(^|[^\w-])` + regexp.QuoteMeta(id) + `($|[^\w-])`)})
		}
	}
	return out
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	readAttr      = regexp.MustCompile(`(?i)\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	tag           = regexp.MustCompile(`(?s)<[^>]*>`)
)

// pageText is what a person reads of a page: its text and the titles,
// accessible names and placeholders of its elements (not its scripts'
// data, values or links).
func pageText(t *testing.T, a *liveApp, user, path string) string {
	t.Helper()
	page := scriptOrStyle.ReplaceAllString(getPage(t, a, user, path), " ")
	var parts []string
	for _, m := range readAttr.FindAllStringSubmatch(page, -1) {
		parts = append(parts, m[1])
	}
	parts = append(parts, tag.ReplaceAllString(page, "\n"))
	return html.UnescapeString(strings.Join(parts, "\n"))
}

// getPage is the HTML of the page at path, as user sees it.
func getPage(t *testing.T, a *liveApp, user, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.user(user)
	req.Header.Set("Cookie", sessionCookie+"="+a.tokens[user])
	res, err := a.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	return string(b)
}
