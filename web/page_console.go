package web

import (
	"cmp"
	"fmt"
	"net/http"
	"sort"
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
	// Objectives and Hints help a practice call; an assessment has
	// neither. Both say what the drill teaches and how the policy works,
	// never the drill's answers.
	Objectives []string
	Hints      []string
	Config     consoleConfig
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
		p.Hints = practiceHints(sc)
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

// practiceHints are the desk's hints for a practice call: how the policy
// asks a call to be handled, in the order a call goes. They come from the
// policy's standards and the desk's controls, never from the drill's
// ground truth, so they hold for every drill of the policy.
func practiceHints(sc *scenarios.Scenario) []string {
	h := []string{
		"Greet the caller and get the exact address and a callback number first: if the call drops, that is what you need.",
		"Ask what is happening now and give safety advice before anything else when someone may be in danger.",
		"Classify once you know enough: the category, then the priority from urgency and impact.",
		"Dispatch or escalate with a handover: tick what you tell them under Hand over and add a line of your own.",
		"Record the details as you learn them; the caller panel fills from what you record.",
	}
	if pol := sc.Resolved; pol != nil {
		if d := pol.Cadence.MaxSilence; d > 0 {
			h = append(h, "Keep the caller informed: never leave them more than "+spokenDuration(d.Millis())+" without a word (the policy's standard).")
		}
		if d := pol.Cadence.HoldUpdate; d > 0 {
			h = append(h, "Tell the caller before you put them on hold, and come back within "+spokenDuration(d.Millis())+".")
		}
	}
	return append(h,
		"If you promise an update, give it by the time you promised: the task strip counts down to it.",
		"Answer the responders' questions: they stay open in the task strip until you send them what they asked for.",
		"Close the call with the resolution that says how it ended, once nothing is left open.")
}

// spokenDuration words a duration for a sentence: "2 minutes", "1 minute
// 30 seconds", "45 seconds".
func spokenDuration(ms int64) string {
	s := ms / 1000
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch m, r := s/60, s%60; {
	case m == 0:
		return unit(r, "second")
	case r == 0:
		return unit(m, "minute")
	default:
		return unit(m, "minute") + " " + unit(r, "second")
	}
}
