package web

import (
	"cmp"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/transcript"
)

// quickIntent is a one-key phrase for the customer. The text is what the
// trainee says; the intent is sent with it so the engine need not guess.
type quickIntent struct {
	Intent string
	Label  string
	Text   string
}

// quickIntents are the console's quick-intent buttons, in Alt+1..9 order.
// Every intent here is one the engine knows for every scenario.
var quickIntents = []quickIntent{
	{"greet", "Greet", "Hello, you're through to the incident line, my name is %s. How can I help?"},
	{"ask_location", "Ask location", "Can you tell me the exact address, with the flat or house number and the postcode?"},
	{"ask_details", "Ask details", "Can you tell me what is happening right now, and what you can see or smell?"},
	{"ask_callback", "Ask callback", "What's the best phone number to call you back on if we get cut off?"},
	{"reassure", "Reassure", "You're doing the right thing by calling. Stay calm, we're here to help you."},
	{"safety_advice", "Safety advice", "For your safety: don't touch any switches or use anything electrical, no naked flames, and stay away from the danger. Leave the building if you can do so safely."},
	{"update", "Update", "Here's an update: I'm still with you and the people I've contacted are working on it."},
	{"ask_name", "Ask name", "Can I take your full name, please?"},
	{"apologise", "Apologise", "I'm sorry this has happened, and sorry for the wait."},
	{"empathise", "Empathise", "That sounds really worrying, I understand."},
	{"close", "Goodbye", "Is there anything else I can help with? Take care, goodbye."},
}

// handoverInfos are offered for every handover, whatever the drill, so the
// list itself says nothing about what a particular drill requires.
var handoverInfos = []string{"location", "hazards", "access", "callback", "casualties", "vulnerability", "description", "account", "timeline"}

// resolution is a way to close the call.
type resolution struct{ ID, Title string }

// resolutions are the ways to close a call, named as the presenter names
// them (transcript.Texts).
var resolutions = func() []resolution {
	var out []resolution
	for _, id := range []string{"resolved", "handed_over", "escalated", "callback_arranged", "referred", "no_action", "customer_ended"} {
		out = append(out, resolution{id, transcript.Texts["resolution."+id]})
	}
	return out
}()

// castItem is a service or team as the console shows it.
type castItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type priorityItem struct {
	ID, Title, Target string
}

// labelled is an id the protocol speaks with the words a trainee reads.
type labelled struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// labelAll words the drill's ids for a trainee with their labels
// (transcript.Labels: "people_at_risk" reads "People at risk"). The id stays
// in the page's attributes, where the protocol needs it.
func labelAll(labels map[string]string, ids []string) []labelled {
	out := make([]labelled, len(ids))
	for i, id := range ids {
		out[i] = labelled{ID: id, Label: cmp.Or(labels[id], scenarios.Words(id))}
	}
	return out
}

// consoleConfig is the JSON the console's script reads. It carries only
// what the trainee may know before and during the call.
type consoleConfig struct {
	Session      string         `json:"session"`
	Mode         drillroom.Mode `json:"mode"`
	Ended        bool           `json:"ended"`
	Services     []castItem     `json:"services"`
	Teams        []castItem     `json:"teams"`
	MaxSilenceMs int64          `json:"max_silence_ms"`
	// WrapTargetMs is the after-call work's standard (0: none).
	WrapTargetMs int64 `json:"wrap_target_ms,omitempty"`
	// Categories and Priorities word the classification the trainee chose.
	Categories map[string]string `json:"categories"`
	Priorities map[string]string `json:"priorities"`
	// Labels words the drill's ids: record fields, handover items,
	// decisions, intents, resolutions (transcript.Labels).
	Labels map[string]string `json:"labels"`
	// Texts is the presenter's wording (transcript.Texts), so the
	// console's lines read as the debrief's do.
	Texts map[string]string `json:"texts"`
}

type consolePage struct {
	SessionID   string
	Title       string
	Mode        drillroom.Mode
	Practice    bool
	Ended       bool
	Quick       []quickIntent
	Services    []castItem
	Teams       []castItem
	Infos       []labelled
	Categories  []scenarios.Category
	Priorities  []priorityItem
	Fields      []labelled
	Decisions   []labelled
	Resolutions []resolution
	// Objectives and the desk hints help a practice call; an assessment
	// has neither. The page holds the objectives; a hint comes over the
	// socket, one per hint action, and costs HintCost points each (the
	// policy's hint_cost); Hints is how many there are.
	Objectives []string
	Hints      int
	HintCost   string
	// The after-call work the drill asks for: codes to choose from,
	// whether notes are required, the standard (as a clock, "" when none).
	WrapCodes         []labelled
	WrapNotesRequired bool
	WrapTarget        string
	Config            consoleConfig
	// Draft is the draft this session plays (0: a published drill): the
	// console marks a trainer's draft play as such.
	Draft int64
}

// console is the trainee's desk for one session.
func (u *ui) console(w http.ResponseWriter, r *http.Request) {
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	if consoleForStaff(w, r, user, x) {
		return // a trainer watches a trainee's call from the observer page
	}
	if user.Role == drillroom.RoleCoach {
		// Coaches review; they do not take calls.
		http.Redirect(w, r, "/sessions/"+x.ID+"/debrief", http.StatusSeeOther)
		return
	}
	sc, err := u.svc.Scenario(r.Context(), x)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := buildConsole(sc, x, firstName(user.DisplayName))
	page.Draft, _ = drillroom.DraftPlayOf(x.ScenarioID)
	render(w, r, u.log, http.StatusOK, "console", view{Title: sc.Title, BodyClass: "console-page", Data: page})
}

// buildConsole assembles the console from the scenario: the policy's
// taxonomy and priorities, the cast's names, the NAMES of the record fields
// and of the decisions. Never a true value, a rubric line or the script.
func buildConsole(sc *scenarios.Scenario, x drillroom.Session, name string) consolePage {
	p := consolePage{
		SessionID: x.ID, Title: sc.Title, Mode: x.Mode, Practice: x.Mode == drillroom.ModePractice,
		Ended: x.State == drillroom.StateEnded, Resolutions: resolutions,
	}
	for _, q := range quickIntents {
		if strings.Contains(q.Text, "%s") {
			q.Text = fmt.Sprintf(q.Text, name)
		}
		p.Quick = append(p.Quick, q)
	}
	// The same names a program gets in hello (vocabulary.go).
	v := vocabularyOf(sc, nil)
	p.Services, p.Teams = v.Services, v.Teams
	p.Infos, p.Fields, p.Decisions = labelAll(v.Labels, v.HandoverItems), labelAll(v.Labels, v.RecordFields), labelAll(v.Labels, v.Decisions)
	p.Config.Categories, p.Config.Priorities = map[string]string{}, map[string]string{}

	if pol := sc.Resolved; pol != nil {
		p.Categories = pol.Taxonomy
		for _, c := range pol.Taxonomy {
			p.Config.Categories[c.ID] = c.Title
		}
		for _, pr := range pol.Priorities {
			p.Config.Priorities[pr.ID] = strings.TrimSpace(pr.ID + " " + pr.Title)
			item := priorityItem{ID: pr.ID, Title: pr.Title}
			if pr.Target > 0 {
				item.Target = pr.Target.String()
			}
			p.Priorities = append(p.Priorities, item)
		}
		p.Config.MaxSilenceMs = pol.Cadence.MaxSilence.Millis()
	}
	if p.Config.MaxSilenceMs <= 0 {
		p.Config.MaxSilenceMs = 60000
	}
	if p.Practice {
		p.Objectives = sc.Objectives
		p.Hints = len(scenarios.DeskHints(sc))
		p.HintCost = pointsWord(sc.HintCost())
	}
	w := sc.WrapUpRules()
	for _, c := range w.Codes {
		p.WrapCodes = append(p.WrapCodes, labelled{ID: c.ID, Label: c.Title})
	}
	p.WrapNotesRequired = w.NotesRequired()
	if w.Target > 0 {
		p.WrapTarget = transcript.Duration(w.Target.Millis())
		p.Config.WrapTargetMs = w.Target.Millis()
	}
	p.Config.Session, p.Config.Mode, p.Config.Ended = x.ID, x.Mode, p.Ended
	p.Config.Services, p.Config.Teams = p.Services, p.Teams
	p.Config.Texts, p.Config.Labels = transcript.Texts, transcript.Labels(sc)
	if p.Config.Services == nil {
		p.Config.Services = []castItem{}
	}
	if p.Config.Teams == nil {
		p.Config.Teams = []castItem{}
	}
	return p
}

// firstName is how the trainee introduces themself in the greeting.
func firstName(display string) string {
	if f := strings.Fields(display); len(f) > 0 {
		return f[0]
	}
	return "Sam"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// pointsWord says a number of points: "1 point", "0.5 points".
func pointsWord(n float64) string {
	if n == 1 {
		return "1 point"
	}
	return strconv.FormatFloat(n, 'f', -1, 64) + " points"
}
