package simulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
)

func trainerAction(k ActionKind) bool {
	switch k {
	case ActPause, ActResumeClock, ActInject, ActSetVar, ActTakeover, ActHandback, ActSetScale:
		return true
	}
	return false
}

// validate returns why a is refused, or "" when it is accepted. It may
// normalise a (explicit intents are trimmed and lower-cased).
func (e *Engine) validate(a *Action) string {
	s := &e.f.s
	if s.Ended {
		switch a.Kind {
		case ActReview:
			if s.Review != "" {
				return "the review has already been submitted"
			}
			if strings.TrimSpace(a.Text) == "" {
				return "review needs text"
			}
			return ""
		case ActWrapUp:
			return e.validateWrapUp(a)
		case ActAway, ActBack:
			if e.WrappingUp() {
				return e.validateSystem(a) // the desk left and regained during wrap-up
			}
		}
		return "the call has ended; only the wrap-up and the post-incident review are accepted"
	}
	if trainerAction(a.Kind) {
		return e.validateTrainer(a)
	}
	if systemAction(a.Kind) {
		return e.validateSystem(a)
	}
	if s.Paused {
		return "the drill is paused"
	}
	switch a.Kind {
	case ActSay:
		if strings.TrimSpace(a.Text) == "" && len(a.Intents) == 0 {
			return "say needs text or intents"
		}
		if why := e.normaliseIntents(a); why != "" {
			return why
		}
		if a.Promise != 0 && a.Promise <= e.now {
			return "a promised update must be due after now"
		}
	case ActHold:
		if s.OnHold {
			return "the customer is already on hold"
		}
	case ActResume:
		if !s.OnHold {
			return "the customer is not on hold"
		}
	case ActClassify:
		if a.Category == "" {
			return "classify needs a category"
		}
		if !e.p.taxonomy[a.Category] {
			return fmt.Sprintf("category %q is not in the taxonomy of policy %s", a.Category, e.sc.Policy)
		}
		if a.Priority != "" && !e.p.priorities[a.Priority] {
			return fmt.Sprintf("priority %q is not defined by policy %s (%s)", a.Priority, e.sc.Policy, e.priorityList())
		}
	case ActRecord:
		if !isFieldName(a.Field) {
			return fmt.Sprintf("record field %q must be a name (letters, digits, _ or -)", a.Field)
		}
		if strings.TrimSpace(a.Value) == "" {
			return "record needs a value"
		}
	case ActDispatch:
		return engageProblem(s.Services, e.p.services, "service", a.Target, "has already been dispatched")
	case ActEscalate:
		return engageProblem(s.Teams, e.p.teams, "team", a.Target, "is already involved")
	case ActContact:
		if c, ok := s.Services[a.Target]; ok {
			if c.Engaged < 0 {
				return fmt.Sprintf("%s has not been dispatched; dispatch it first", a.Target)
			}
		} else if _, ok := s.Teams[a.Target]; !ok {
			return fmt.Sprintf("unknown service or team %q", a.Target)
		}
		if strings.TrimSpace(a.Text) == "" && len(a.Info) == 0 {
			return "contact needs a message"
		}
	case ActRequest:
		if _, ok := s.Teams[a.Target]; !ok {
			return fmt.Sprintf("unknown team %q (this drill has: %s)", a.Target, listOrNone(e.p.teams))
		}
		if a.Decision == "" {
			return "request needs a decision"
		}
		if a.Amount < 0 {
			return "amount must not be negative"
		}
	case ActDecide:
		if a.Decision == "" {
			return "decide needs a decision"
		}
		if a.Amount < 0 {
			return "amount must not be negative"
		}
	case ActTransfer:
		if strings.TrimSpace(a.Target) == "" {
			return "transfer needs a target"
		}
		if s.Consulting != "" {
			return e.backToCallerFirst("you are")
		}
	case ActConsult:
		if !e.isCast(a.Target) || a.Target == "customer" {
			return fmt.Sprintf("unknown service or team %q (this drill has: %s)", a.Target, listOrNone(append(append([]string(nil), e.p.services...), e.p.teams...)))
		}
		if s.Consulting != "" {
			return e.backToCallerFirst("you are already")
		}
		if strings.TrimSpace(a.Text) == "" {
			return "consult needs a question"
		}
	case ActEndConsult:
		if s.Consulting == "" {
			return "you are not consulting anyone"
		}
	case ActWrapUp:
		return "wrap-up comes after the call has ended"
	case ActClose:
		if strings.TrimSpace(a.Resolution) == "" {
			return "close needs a resolution"
		}
		if s.Consulting != "" {
			return e.backToCallerFirst("you are")
		}
	case ActReview:
		return "the review comes after the call has ended"
	case ActCorrect:
		return e.validateCorrect(a)
	case ActHint:
		if s.Mode == "assessment" {
			return "hints are for practice; an assessment has none"
		}
		if n := len(scenarios.DeskHints(e.sc)); s.HintsTaken >= n {
			return fmt.Sprintf("no more hints: all %d have been shown", n)
		}
	default:
		return fmt.Sprintf("unknown action %q", a.Kind)
	}
	return ""
}

// systemAction reports whether k is one of the runner's own inputs.
func systemAction(k ActionKind) bool { return k == ActAway || k == ActBack }

// validateSystem checks the runner's record of an absence.
func (e *Engine) validateSystem(a *Action) string {
	s := &e.f.s
	if a.By != drillroom.ActorSystem {
		return fmt.Sprintf("%s is recorded by the server only", a.Kind)
	}
	if a.Kind == ActAway && s.Away {
		return "the trainee is already away"
	}
	if a.Kind == ActBack && !s.Away {
		return "the trainee is not away"
	}
	return ""
}

// validateWrapUp checks the finishing of the after-call work: once, before
// the review (which ends wrap-up when it comes first), with a code of the
// drill's when it has codes and notes when it asks for them.
func (e *Engine) validateWrapUp(a *Action) string {
	s := &e.f.s
	w := e.sc.WrapUpRules()
	switch {
	case s.WrappedUp:
		return "wrap-up is already finished"
	case s.Review != "":
		return "wrap-up ended when you submitted the review"
	case len(w.Codes) > 0 && a.Code == "":
		return "choose a wrap-up code"
	case len(w.Codes) > 0 && !w.HasCode(a.Code):
		return fmt.Sprintf("wrap-up code %q is not one of this drill's", a.Code)
	case len(w.Codes) == 0 && a.Code != "":
		return "this drill has no wrap-up codes"
	case w.NotesRequired() && strings.TrimSpace(a.Text) == "":
		return "wrap-up needs notes"
	}
	return ""
}

// backToCallerFirst refuses an action the trainee cannot take while
// consulting a service or team: they must go back to the caller first.
// prefix starts the sentence ("you are").
func (e *Engine) backToCallerFirst(prefix string) string {
	return fmt.Sprintf("%s consulting %s: go back to the caller first", prefix, e.castName(e.f.s.Consulting))
}

// castName is how the trainee reads a service's or team's id.
func (e *Engine) castName(id string) string {
	if svc, ok := e.sc.Cast.Services[id]; ok && svc.Name != "" {
		return svc.Name
	}
	if team, ok := e.sc.Cast.Teams[id]; ok && team.Name != "" {
		return team.Name
	}
	return id
}

func (e *Engine) validateTrainer(a *Action) string {
	s := &e.f.s
	switch a.Kind {
	case ActPause:
		if s.Paused {
			return "the drill is already paused"
		}
	case ActResumeClock:
		if !s.Paused {
			return "the drill is not paused"
		}
	case ActSetScale:
		if a.Amount <= 0 || a.Amount > 3600 {
			return "time scale must be above 0 and at most 3600"
		}
	case ActInject:
		if a.As != "" && !e.isCast(a.As) {
			return fmt.Sprintf("unknown cast member %q", a.As)
		}
		if a.Line != "" {
			_, beat := e.p.beatIdx[a.Line]
			_, react := e.p.reactIdx[a.Line]
			if !beat && !react {
				return fmt.Sprintf("no beat or reaction %q", a.Line)
			}
			if len(e.scriptedLines(a.Line)) == 0 {
				return fmt.Sprintf("%s has no lines", a.Line)
			}
		} else if strings.TrimSpace(a.Text) == "" {
			return "inject needs text or a line id"
		}
	case ActSetVar:
		typ, ok := e.p.varTypes[a.Field]
		if !ok {
			return fmt.Sprintf("unknown variable %q", a.Field)
		}
		if _, err := parseVar(typ, a.Value); err != nil {
			return fmt.Sprintf("variable %s: %v", a.Field, err)
		}
	case ActTakeover:
		if !e.isCast(a.As) {
			return fmt.Sprintf("unknown cast member %q", a.As)
		}
		if s.TakenOver[a.As] {
			return fmt.Sprintf("%s is already taken over", a.As)
		}
	case ActHandback:
		if !s.TakenOver[a.As] {
			return fmt.Sprintf("%s is not taken over", a.As)
		}
	}
	return ""
}

func (e *Engine) isCast(id string) bool {
	if id == "customer" {
		return true
	}
	_, svc := e.sc.Cast.Services[id]
	_, team := e.sc.Cast.Teams[id]
	return svc || team
}

func (e *Engine) priorityList() string {
	var ids []string
	for _, p := range e.sc.Resolved.Priorities {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}

// engageProblem is why target cannot be dispatched or escalated to: it is
// not in cast (the services or the teams, whose sorted ids are ids, each a
// what), or it is engaged already. It is "" when target can be.
func engageProblem(cast map[string]CastState, ids []string, what, target, engaged string) string {
	c, ok := cast[target]
	if !ok {
		return fmt.Sprintf("unknown %s %q (this drill has: %s)", what, target, listOrNone(ids))
	}
	if c.Engaged >= 0 {
		return target + " " + engaged
	}
	return ""
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

func isFieldName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// parseVar reads a trainer's value for a variable: a JSON literal, or a
// bare word for a string variable.
func parseVar(typ, src string) (any, error) {
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		if typ != "string" {
			return nil, fmt.Errorf("%q is not a %s", src, typ)
		}
		v = src
	}
	return coerce(typ, v)
}

// scriptedLines returns the say steps of a beat or reaction.
func (e *Engine) scriptedLines(id string) []scenarios.Step {
	var steps []scenarios.Step
	if i, ok := e.p.beatIdx[id]; ok {
		steps = e.sc.Timeline[i].Do
	} else if i, ok := e.p.reactIdx[id]; ok {
		steps = e.sc.Reactions[i].Do
	}
	var out []scenarios.Step
	for _, st := range steps {
		if st.Say != nil {
			out = append(out, st)
		}
	}
	return out
}

// trainer applies a trainer's input; a is the caller's copy, kept by the log.
func (e *Engine) trainer(act *Action) {
	if act.By == "" {
		act.By = drillroom.ActorTrainer
	}
	a := *act
	switch a.Kind {
	case ActPause:
		e.emit(Event{Type: EvPause, Reason: "trainer", Action: act})
	case ActResumeClock:
		e.emit(Event{Type: EvResume, Reason: "trainer", Action: act})
	case ActSetScale:
		e.emit(Event{Type: EvScale, Scale: a.Amount, Action: act})
	case ActSetVar:
		v, _ := parseVar(e.p.varTypes[a.Field], a.Value)
		e.emit(Event{Type: EvSet, ID: a.Field, Value: v, Action: act})
	case ActTakeover:
		e.emit(Event{Type: EvTakeover, ID: a.As, Action: act})
	case ActHandback:
		e.emit(Event{Type: EvHandback, ID: a.As, Action: act})
	case ActInject:
		if a.Line == "" {
			from := a.As
			if from == "" {
				from = "customer"
			}
			e.emit(Event{Type: EvLine, From: from, Channel: e.channel(from), Text: a.Text, ID: "inject", Reason: "inject", Action: act})
			return
		}
		for _, st := range e.scriptedLines(a.Line) {
			from := a.As
			if from == "" {
				from = st.As
			}
			if from == "" {
				from = e.p.speaker
			}
			text := e.text(*st.Say, a.Line, "")
			if text == "" {
				continue
			}
			e.emit(Event{Type: EvLine, From: from, Channel: e.channel(from), Text: text, ID: a.Line, Reason: "inject", Action: act})
		}
	}
}

// trainee applies a trainee's action; act is the caller's copy, kept by
// the log.
func (e *Engine) trainee(act *Action) {
	a := act
	s := &e.f.s
	if a.Kind == ActCorrect {
		e.correct(act)
		return
	}
	if a.Kind == ActHint {
		// The next of the desk's hints (policy standards, never the
		// drill's answers), on the log as the trainee's action.
		e.emit(Event{Type: EvAction, Action: act, Text: scenarios.DeskHints(e.sc)[s.HintsTaken]})
		return
	}
	switch a.Kind {
	case ActWrapUp, ActConsult:
		// Neither is said to the customer: no intents, no reaction of
		// the customer's (a consultation's answer is the consulted
		// party's, on its timer), but a reaction on: consult may fire.
		e.emit(Event{Type: EvAction, Action: act})
		if a.Kind == ActConsult {
			if r := e.pickReaction(a, nil); r != nil {
				e.emit(Event{Type: EvReaction, ID: r.ID})
				e.run(r.Do, r.ID, e.paced(a, r))
			}
		}
		return
	}
	var intents []string
	if a.Kind == ActSay || a.Kind == ActHold || a.Kind == ActResume || a.Kind == ActClose || a.Kind == ActEndConsult {
		intents = make([]string, 0, len(a.Intents)+3)
		intents = append(intents, dedup(a.Intents)...)
		intents = e.p.match(intents, a.Text)
	}
	noticed := s.HoldNotice || slices.Contains(intents, "hold")
	if a.Kind == ActReview {
		e.emit(Event{Type: EvReview, Text: a.Text, Action: act})
	} else {
		e.emit(Event{Type: EvAction, Action: act, Intents: intents})
	}
	e.respond(a, intents, noticed)
	if s.Ended {
		return
	}
	switch a.Kind {
	case ActClose:
		e.closeCall()
	case ActTransfer:
		e.endWith("transferred", "")
	}
}

// respond is the customer's response to an action carrying intents: the
// mood model first, then one reaction of the script, then the answers to
// the questions no reaction answered. noticed says whether a hold was
// announced.
func (e *Engine) respond(a *Action, intents []string, noticed bool) {
	s := &e.f.s
	// The customer's mood model reacts first, then the script.
	if len(intents) > 0 && a.Kind != ActClose {
		m := e.p.mood
		mood, patience := s.Mood, s.Patience
		why := ""
		add := func(reason string) {
			if why != "" {
				why += ","
			}
			why += reason
		}
		if slices.Contains(intents, "update") {
			mood += m.Update
			patience += m.PatienceRecovery
			add("update")
		}
		if slices.Contains(intents, "reassure") {
			mood += m.Reassure
			patience += m.PatienceRecovery
			add("reassure")
		}
		if slices.Contains(intents, "safety_advice") && e.p.safety {
			mood += m.SafetyAdvice
			add("safety_advice")
		}
		if why != "" {
			e.setMood(clamp(mood), clamp(patience), why)
		}
	}
	if a.Kind == ActHold && !noticed {
		e.setMood(clamp(s.Mood+e.p.mood.HoldNoNotice), s.Patience, "hold_no_notice")
	}

	spoke := false
	if r := e.pickReaction(a, intents); r != nil {
		e.emit(Event{Type: EvReaction, ID: r.ID})
		spoke = e.run(r.Do, r.ID, e.paced(a, r))
	}
	if s.Ended {
		return
	}
	if a.Kind == ActSay && !spoke && !s.OnHold {
		for _, in := range intents {
			if !strings.HasPrefix(in, "ask_") {
				continue
			}
			if t, ok := e.sc.Cast.Customer.Answers[in]; ok {
				if e.p.pace.instant {
					e.say("customer", t, "answer:"+in)
				} else {
					e.queueReply("customer", t, "answer:"+in, 0)
				}
			}
		}
	}
}

// paced reports whether reaction r's lines to action a are replies said at
// the cast's pace. They are said at once when the drill's pace is instant,
// and when the action or the reaction ends the call (a close, a transfer,
// an end step): those lines are said on the way out, as an ending's line.
func (e *Engine) paced(a *Action, r *scenarios.Reaction) bool {
	if e.p.pace.instant || a.Kind == ActClose || a.Kind == ActTransfer {
		return false
	}
	for _, st := range r.Do {
		if st.End != "" {
			return false
		}
	}
	return true
}

func dedup(in []string) []string {
	var out []string
	for _, x := range in {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// pickReaction chooses the one reaction an action triggers: among those
// that match, the highest priority; ties go to the least recently fired
// (never fired first), then file order. Guards are evaluated in that order
// and the first that holds wins.
func (e *Engine) pickReaction(a *Action, intents []string) *scenarios.Reaction {
	s := &e.f.s
	var cands []int
	for i := range e.sc.Reactions {
		r := &e.sc.Reactions[i]
		if r.On != "any" && r.On != string(a.Kind) {
			continue
		}
		if r.Intent != "" && !slices.Contains(intents, r.Intent) {
			continue
		}
		if r.Target != "" && r.Target != a.Target {
			continue
		}
		if r.Phase != "" && r.Phase != s.Phase {
			continue
		}
		if r.Once && s.Fired[r.ID].Count > 0 {
			continue
		}
		cands = append(cands, i)
	}
	if len(cands) == 0 {
		return nil
	}
	last := func(i int) Millis {
		if f, ok := s.Fired[e.sc.Reactions[i].ID]; ok {
			return f.Last
		}
		return -1
	}
	before := func(x, y int) bool {
		rx, ry := &e.sc.Reactions[x], &e.sc.Reactions[y]
		if rx.Priority != ry.Priority {
			return rx.Priority > ry.Priority
		}
		return last(x) < last(y)
	}
	// Stable insertion sort: candidates are few, and file order breaks ties.
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && before(cands[j], cands[j-1]); j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	var env map[string]any
	for _, i := range cands {
		r := &e.sc.Reactions[i]
		if !r.When.IsSet() {
			return r
		}
		if env == nil {
			env = e.actionEnv(a, intents)
		}
		ok, err := r.When.Bool(env)
		if err != nil {
			e.exprError("reactions."+r.ID+".when", err)
			env = nil
			continue
		}
		if ok {
			return r
		}
	}
	return nil
}

// actionMap is the reaction environment's action.
func actionMap(a *Action, intents []string) map[string]any {
	m := make(map[string]any, 13)
	fillAction(m, a, intents)
	return m
}

// Values boxed once: storing a string or slice in a map[string]any
// allocates, and reactions read the action on every input.
var (
	emptyList  any = []string{}
	boxedKinds     = func() map[ActionKind]any {
		m := map[ActionKind]any{}
		for _, k := range []ActionKind{ActSay, ActHold, ActResume, ActClassify, ActRecord, ActDispatch,
			ActEscalate, ActContact, ActRequest, ActDecide, ActTransfer, ActClose, ActReview, ActCorrect,
			ActConsult, ActEndConsult, ActWrapUp} {
			m[k] = string(k)
		}
		return m
	}()
)

// fillAction writes a into the action map m.
func fillAction(m map[string]any, a *Action, intents []string) {
	if intents == nil {
		m["intents"] = emptyList
	} else {
		m["intents"] = intents
	}
	if a.Info == nil {
		m["info"] = emptyList
	} else {
		m["info"] = a.Info
	}
	if k, ok := boxedKinds[a.Kind]; ok {
		m["kind"] = k
	} else {
		m["kind"] = string(a.Kind)
	}
	m["text"] = a.Text
	m["target"] = a.Target
	m["category"] = a.Category
	m["priority"] = a.Priority
	m["field"] = a.Field
	m["value"] = a.Value
	m["decision"] = a.Decision
	m["amount"] = a.Amount
	m["by"] = float64(a.Promise) / 1000
	m["resolution"] = a.Resolution
}
