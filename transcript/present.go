package transcript

import (
	"math"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Line is one event as a person reads it: on the debrief's timeline, on a
// page, in the console.
type Line struct {
	Seq   int64  // the event's sequence number (0: not an event, such as a silence)
	T     int64  // virtual time of the event
	Clock string // T as Clock formats it
	Who   string // You, Trainer, Coach, System, a service's or team's name, Customer, Call, Clock, Refused
	Text  string
	Class string // for styling: trainee, customer, radio, system, rejected; "radio ask" for a question
	Pane  string // where a console shows it: simulator.ChannelCall or ChannelRadio
	// By is who acted, when a person or the runner did: the trainee, a
	// trainer (an action, an injected line, a pause), the system (a pause
	// on disconnect). It is empty for what the script and the cast did. A
	// trainer's action is never presented as the trainee's.
	By drillroom.Actor
}

// Texts is the wording of presented lines, by key; {name} marks a value.
// The console's script receives this same table (see web/static/present.js),
// so the live console and the debrief say the same thing in the same words;
// web's browser test checks that both presenters agree.
// Values that are optional carry their own punctuation: {text} is ": what
// was said" or nothing, {amount} is " (250)" or nothing.
var Texts = map[string]string{
	"who.you":      "You",
	"who.trainer":  "Trainer",
	"who.coach":    "Coach",
	"who.system":   "System",
	"who.customer": "Customer",
	"who.call":     "Call",
	"who.clock":    "Clock",
	"who.refused":  "Refused",

	"start":               "The call started ({mode})",
	"end":                 "The call ended: {ending}",
	"pause":               "The clock stopped ({reason})",
	"pause.trainer":       "The trainer paused the clock",
	"pause.disconnect":    "The clock stopped: you were disconnected{away}",
	"pause.restart":       "The clock stopped: the server restarted{away}",
	"resume":              "The clock runs again",
	"resume.trainer":      "The trainer restarted the clock",
	"resume.reconnect":    "The clock runs again: you are back{away}",
	"resume.budget_spent": "The clock runs on without you: the {budget} an assessment may stand still while you are away is used up",
	"away":                " ({away} of the {budget} allowed away used)",
	"away.disconnect":     "You left the call; the clock runs on (the {budget} an assessment may stand still while you are away is used up)",
	// A drill whose clock never stands still for an absence (on_disconnect:
	// continue, or an assessment with no disconnect budget).
	"away.disconnect.nobudget": "You left the call; the clock runs on while you are away",
	"away.budget_spent":        "You are still away; the clock runs on",
	"back.reconnect":           "You are back; the clock ran on while you were away",
	"ack":                      "Acknowledged",
	"eta":                      "ETA {eta} (in {minutes} min){text}",
	"ask":                      "Asks for: {info}",
	"arrive":                   "Arrived on scene",
	"resolve":                  "Resolved",
	"approve":                  "Approved: {decision}{amount}{text}",
	"decline":                  "Declined: {decision}{amount}{text}",
	"review":                   "Submitted the post-incident review",
	"rejected":                 "{action}: {reason}",
	"intents":                  " [{intents}]",
	"handover":                 " (handover: {info})",
	"amount":                   " ({amount})",
	"promise":                  " (promised an update by {clock})",

	"action":             "{kind}{text}",
	"action.say":         "{said}{promise}",
	"action.hold":        "Put the customer on hold{text}",
	"action.resume":      "Took the customer off hold",
	"action.classify":    "Classified as {category}{priority}",
	"priority":           ", priority {priority}",
	"action.record":      "Recorded {field}: {value}",
	"action.dispatch":    "Dispatched {target}{handover}{text}",
	"action.escalate":    "Escalated to {target}{handover}{text}",
	"action.contact":     "Messaged {target}{handover}{text}",
	"action.request":     "Asked {target} to approve: {decision}{amount}",
	"action.decide":      "Decided: {decision}{amount}",
	"action.transfer":    "Transferred the call to {target}",
	"action.close":       "Closed the call: {resolution}",
	"action.review":      "Submitted the post-incident review",
	"action.correct":     "Corrected a line's intents to {intents}",
	"action.hint":        "Took a hint: {text}",
	"action.consult":     "Consulted {target}, keeping the caller{text}",
	"action.end_consult": "Back to the caller{text}",
	"action.wrap_up":     "Finished wrap-up{code}{notes}",
	"wrap_up.code":       ": {code}",
	"wrap_up.notes":      " (notes: {notes})",
	"intents.none":       "none",

	"resolution.resolved":          "Resolved on this call",
	"resolution.handed_over":       "Handed over to the emergency service",
	"resolution.escalated":         "Escalated to an internal team",
	"resolution.callback_arranged": "Callback arranged",
	"resolution.referred":          "Referred elsewhere",
	"resolution.no_action":         "No action needed",
	"resolution.customer_ended":    "Customer ended the call",

	"mood.update":         "an update",
	"mood.reassure":       "reassurance",
	"mood.safety_advice":  "safety advice",
	"mood.hold_no_notice": "put on hold without notice",
	"mood.silence":        "silence",
	"mood.missing_safety": "no safety advice yet",
	"mood.promise_broken": "a promised update missed",

	"ending.resolved":    "resolved",
	"ending.hangup":      "the customer hung up",
	"ending.timeout":     "time ran out",
	"ending.closed":      "closed by you",
	"ending.transferred": "transferred",
}

// fill puts values (name, value pairs) into the text of key. A value that
// is empty takes the space before it along, so no double or trailing space
// is left; what the values say is kept as it is.
func fill(key string, values ...string) string {
	t, s := Texts[key], ""
	for {
		i := strings.IndexByte(t, '{')
		j := strings.IndexByte(t[max(i, 0):], '}')
		if i < 0 || j < 0 {
			s += t
			break
		}
		s += t[:i]
		name := t[i+1 : i+j]
		t = t[i+j+1:]
		v := ""
		for k := 0; k+1 < len(values); k += 2 {
			if values[k] == name {
				v = values[k+1]
			}
		}
		if v == "" && strings.HasSuffix(s, " ") && (t == "" || t[0] == ' ') {
			s = s[:len(s)-1]
		}
		s += v
	}
	return strings.TrimSpace(s)
}

// optional is the text of key with v for its one value, or nothing when v
// is empty.
func optional(key, name, v string) string {
	if v == "" {
		return ""
	}
	return strings.Replace(Texts[key], "{"+name+"}", v, 1)
}

func said(text string) string {
	if text == "" {
		return ""
	}
	return ": " + text
}

func amount(a float64) string {
	if a == 0 {
		return ""
	}
	return optional("amount", "amount", strconv.FormatFloat(a, 'f', -1, 64))
}

// MoodReason says in words why the customer's mood changed, from a mood
// event's reason: one of the engine's (update, silence, ...) or the id of
// the beat or reaction that moved it, read as its words.
func MoodReason(reason string) string {
	if s, ok := Texts["mood."+reason]; ok {
		return s
	}
	return strings.ToLower(scenarios.Words(reason))
}

// Ending says how a call ended, from the end event's reason.
func Ending(reason string) string {
	if s, ok := Texts["ending."+reason]; ok {
		return s
	}
	return reason
}

// A Presenter presents the events of one scenario's sessions, naming the
// services and teams of its cast and its ids in words (Labels).
type Presenter struct {
	names  map[string]string
	labels map[string]string
}

// New returns a presenter for the scenario.
func New(sc *scenarios.Scenario) *Presenter {
	p := &Presenter{names: map[string]string{}, labels: Labels(sc)}
	for id, s := range sc.Cast.Services {
		if s.Name != "" {
			p.names[id] = s.Name
		}
	}
	for id, t := range sc.Cast.Teams {
		if t.Name != "" {
			p.names[id] = t.Name
		}
	}
	return p
}

// Labels is how a person reads each id of the drill that a line may name
// (categories, priorities, record fields, hand-over items, decisions,
// intents, resolutions): scenarios.Scenario.Label, and for a priority its
// id with its title (P1 Critical). The console's script gets the same map,
// so both presenters say the same words; an id not in it (a field the
// trainee named) is shown as it is.
func Labels(sc *scenarios.Scenario) map[string]string {
	m := sc.Named()
	for k, v := range Texts {
		if id, ok := strings.CutPrefix(k, "resolution."); ok {
			m[id] = v
		}
	}
	if pol := sc.Resolved; pol != nil {
		for _, pr := range pol.Priorities {
			m[pr.ID] = pr.ID
			if l := sc.Label(pr.ID); l != scenarios.Words(pr.ID) {
				m[pr.ID] = pr.ID + " " + l
			}
		}
	}
	return m
}

// label is how a line names id: its label, or the id as it is.
func (p *Presenter) label(id string) string {
	if l, ok := p.labels[id]; ok {
		return l
	}
	return id
}

// list labels ids and joins them.
func (p *Presenter) list(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.label(id)
	}
	return strings.Join(out, ", ")
}

// Name is how a line names the cast member id. The customer is
// "Customer": the caller's name is something the trainee has to ask for.
func (p *Presenter) Name(id string) string {
	if n, ok := p.names[id]; ok {
		return n
	}
	if id == "" || id == "customer" {
		return Texts["who.customer"]
	}
	return id
}

// Line presents ev, and reports false for an event a person is not shown
// as a line: what reveals the script (beats, reactions, variables, phases,
// mood figures, timers, errors, a trainer's takeover) and time-scale
// changes. Line does not withhold what the trainee may not see of a shown
// event: pass ev.ForTrainee() for that.
func (p *Presenter) Line(ev simulator.Event) (Line, bool) {
	l := Line{Seq: ev.Seq, T: ev.T, Clock: Clock(ev.T), Pane: simulator.ChannelRadio, Class: "radio"}
	if ev.Action != nil {
		l.By = actor(ev.Action.By)
	}
	cast := func(key string) {
		l.Who = p.Name(ev.From)
		if ev.Text != "" {
			l.Text = ev.Text
		} else {
			l.Text = fill(key)
		}
	}
	switch ev.Type {
	case simulator.EvStart:
		l.Who, l.Text, l.Class, l.Pane = Texts["who.call"], fill("start", "mode", ev.Mode), "system", simulator.ChannelCall
	case simulator.EvLine:
		l.Who, l.Text = p.Name(ev.From), ev.Text
		if ev.Channel == simulator.ChannelCall {
			l.Class, l.Pane = "customer", simulator.ChannelCall
		}
	case simulator.EvAction:
		if ev.Action == nil {
			return Line{}, false
		}
		a := *ev.Action
		l.Who, l.Class = Texts["who.you"], "trainee"
		if l.By != drillroom.ActorTrainee {
			l.Who, l.Class = Texts["who."+string(l.By)], "system"
			if l.Who == "" {
				l.Who = string(l.By)
			}
		}
		l.Text = p.Action(a)
		if a.Kind == simulator.ActHint {
			l.Text = fill("action.hint", "text", ev.Text) // the hint shown, from the policy
		}
		if len(ev.Intents) > 0 && a.Kind != simulator.ActCorrect {
			l.Text = strings.TrimSpace(l.Text + optional("intents", "intents", p.list(ev.Intents)))
		}
		l.Pane = pane(a.Kind)
	case simulator.EvRejected:
		l.Who, l.Class = Texts["who.refused"], "rejected"
		reason := ev.Reason
		if reason == "" {
			reason = "refused"
		}
		if ev.Action != nil {
			l.Text, l.Pane = fill("rejected", "action", p.Action(*ev.Action), "reason", reason), pane(ev.Action.Kind)
		} else {
			l.Text = reason
		}
	case simulator.EvAck:
		cast("ack")
	case simulator.EvArrive:
		cast("arrive")
	case simulator.EvResolve:
		cast("resolve")
	case simulator.EvETA:
		minutes := int64(math.Round(float64(max(ev.ETA-ev.T, 0)) / 60000))
		l.Who = p.Name(ev.From)
		l.Text = fill("eta", "eta", Clock(ev.ETA), "minutes", strconv.FormatInt(minutes, 10), "text", said(ev.Text))
	case simulator.EvAsk:
		// What the trainee read; the item asked for only when nothing was said.
		l.Who, l.Class, l.Text = p.Name(ev.From), "radio ask", ev.Text
		if l.Text == "" {
			info := p.label(ev.ID)
			if info == "" {
				info = "information"
			}
			l.Text = fill("ask", "info", info)
		}
	case simulator.EvApprove, simulator.EvDecline:
		l.Who = p.Name(ev.From)
		l.Text = fill(string(ev.Type), "decision", p.label(ev.ID), "amount", amount(ev.Amount), "text", said(ev.Text))
	case simulator.EvPause, simulator.EvResume:
		l.Who, l.Class, l.Pane = Texts["who.clock"], "system", simulator.ChannelCall
		l.Text = clockText(ev)
		l.By = drillroom.ActorSystem
		if ev.Reason == string(drillroom.ActorTrainer) {
			l.By = drillroom.ActorTrainer
		}
	case simulator.EvAway, simulator.EvBack:
		// The runner's record of an absence while the clock runs on: the
		// coach sees it beside the pauses.
		l.Who, l.Class, l.Pane, l.By = Texts["who.clock"], "system", simulator.ChannelCall, drillroom.ActorSystem
		key := string(ev.Type) + "." + ev.Reason
		if _, ok := Texts[key]; !ok {
			key = "away.disconnect"
			if ev.Type == simulator.EvBack {
				key = "back.reconnect"
			}
		}
		if key == "away.disconnect" && ev.Budget <= 0 {
			key = "away.disconnect.nobudget"
		}
		l.Text = fill(key, "budget", Duration(ev.Budget))
	case simulator.EvEnd:
		l.Who, l.Class, l.Pane = Texts["who.call"], "system", simulator.ChannelCall
		l.Text = fill("end", "ending", Ending(ev.Reason))
	case simulator.EvReview:
		l.Who, l.Class, l.Pane = Texts["who.you"], "trainee", simulator.ChannelCall
		l.Text, l.By = fill("review"), drillroom.ActorTrainee
	default:
		return Line{}, false
	}
	return l, true
}

// clockText says why the clock stopped or runs again, with the disconnect
// budget of an assessment when the event carries it.
func clockText(ev simulator.Event) string {
	key := string(ev.Type)
	if _, ok := Texts[key+"."+ev.Reason]; ok {
		key += "." + ev.Reason
	}
	away := ""
	if ev.Budget > 0 {
		away = fill("away", "away", Duration(ev.Away), "budget", Duration(ev.Budget))
		away = " " + away
	}
	return fill(key, "reason", ev.Reason, "away", away, "budget", Duration(ev.Budget))
}

// Action says what an action did, naming the cast members it involved.
func (p *Presenter) Action(a simulator.Action) string {
	info := ""
	if len(a.Info) > 0 {
		info = optional("handover", "info", p.list(a.Info))
	}
	switch a.Kind {
	case simulator.ActSay:
		promise := ""
		if a.Promise > 0 {
			promise = optional("promise", "clock", Clock(a.Promise))
		}
		return strings.TrimSpace(a.Text + promise)
	case simulator.ActHold, simulator.ActResume, simulator.ActReview:
		return fill("action."+string(a.Kind), "text", said(a.Text))
	case simulator.ActClassify:
		return fill("action.classify", "category", p.label(a.Category), "priority", optional("priority", "priority", p.label(a.Priority)))
	case simulator.ActRecord:
		return fill("action.record", "field", p.label(a.Field), "value", a.Value)
	case simulator.ActDispatch, simulator.ActEscalate, simulator.ActContact:
		return fill("action."+string(a.Kind), "target", p.Name(a.Target), "handover", info, "text", said(a.Text))
	case simulator.ActRequest:
		return fill("action.request", "target", p.Name(a.Target), "decision", p.label(a.Decision), "amount", amount(a.Amount))
	case simulator.ActDecide:
		return fill("action.decide", "decision", p.label(a.Decision), "amount", amount(a.Amount))
	case simulator.ActTransfer:
		return fill("action.transfer", "target", p.Name(a.Target))
	case simulator.ActConsult:
		return fill("action.consult", "target", p.Name(a.Target), "text", said(a.Text))
	case simulator.ActEndConsult:
		return fill("action.end_consult", "text", said(a.Text))
	case simulator.ActWrapUp:
		return fill("action.wrap_up", "code", optional("wrap_up.code", "code", p.label(a.Code)), "notes", optional("wrap_up.notes", "notes", a.Text))
	case simulator.ActClose:
		return fill("action.close", "resolution", p.label(a.Resolution))
	case simulator.ActCorrect:
		in := p.list(a.Intents)
		if in == "" {
			in = Texts["intents.none"]
		}
		return fill("action.correct", "intents", in)
	}
	return fill("action", "kind", string(a.Kind), "text", said(a.Text))
}

// pane is where a console shows an action: what is said to the customer
// and what happens to the call on the call pane, the rest beside it.
func pane(k simulator.ActionKind) string {
	switch k {
	case simulator.ActSay, simulator.ActHold, simulator.ActResume, simulator.ActClose, simulator.ActTransfer, simulator.ActReview, simulator.ActCorrect,
		simulator.ActEndConsult, simulator.ActWrapUp:
		return simulator.ChannelCall
	}
	return simulator.ChannelRadio
}

// actor is who took an action: the log writes the trainee's as empty.
func actor(a drillroom.Actor) drillroom.Actor {
	if a == "" {
		return drillroom.ActorTrainee
	}
	return a
}
