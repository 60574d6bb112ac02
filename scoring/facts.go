package scoring

import (
	"fmt"
	"slices"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// ref is one event the facts point back to, as evidence.
type ref struct {
	Seq int64
	T   int64 // virtual ms
}

func (r ref) ev(note string) Evidence { return Evidence{Seq: r.Seq, T: r.T, Note: note} }

// line is one thing the trainee said to the customer.
type line struct {
	ref
	Intents []string
	Promise int64 // an update promised by this virtual time; 0: none
}

// classification is one accepted classify action and the state after it.
type classification struct {
	ref
	Category, Priority string
}

// span is a stretch of virtual time [From, To], with the events that opened
// and closed it (To.Seq is 0 when the call's end closed it).
type span struct {
	From, To ref
}

// act is one trainee action addressed to a service or team.
type act struct {
	ref
	Kind simulator.ActionKind
	Info []string
}

// recorded is the last value of an incident-log field.
type recorded struct {
	ref
	Value string
}

// decision is a decide or request action, or an approve or decline event.
type decision struct {
	ref
	Decision string
	Amount   float64
	Who      string // approving team, for approve events
}

// facts is everything the rule functions read, built in one pass over the
// log. The functions derive further facts from it lazily, once each.
type facts struct {
	sc    *scenarios.Scenario
	start simulator.Event

	last  ref // the last event
	end   ref // the end of the call: the end event, or the last event if none
	ended bool
	// ending is the ending id and endKind its kind (resolved, hangup, ...).
	ending, endKind string
	endEvent        ref

	lines       []line
	intentFirst map[string]ref
	intentCount map[string]int

	classes []classification
	holds   []span // hold to resume (or the end of the call)
	onHold  bool

	// by target id, in log order
	dispatches  map[string][]act
	escalations map[string][]act
	messages    map[string][]act // dispatch, escalate and contact
	consults    map[string][]act // consultations, while keeping the caller
	acks        map[string]ref
	arrivals    map[string]ref
	resolves    map[string]ref // first resolve event by service or team id

	decides   []decision
	requests  []decision
	approvals []decision

	fields      map[string]recorded
	fieldFirst  map[string]ref
	fired       map[string]ref // first firing of a beat or reaction
	vars        map[string]any
	vary        map[string]any
	phase       string
	mood        float64
	moodRef     ref
	patience    float64
	closed      bool
	closeRef    ref
	resolution  string
	review      ref
	reviewed    bool
	transferred bool
	// The after-call work: the trainee's wrap_up action and its code.
	wrapped  bool
	wrapRef  ref
	wrapCode string
	// leftWrap is when the trainee left the desk during wrap-up and did
	// not come back (the last away of reason wrap_up with no back after
	// it); leftOpen says there is one.
	leftWrap ref
	leftOpen bool

	// Lazily derived, memoised.
	spansBy map[string][]span
	proms   lazy[[]promise]
	reqs    lazy[[]requirement]
	mat     lazy[[]matrixItem]
	recs    lazy[[]fieldCheck]
	fcr     *fcr
	// Results of the functions without arguments, which rules often call
	// twice in one expression (x() >= 0 && x() <= 120).
	memo    map[string]memoed
	longest map[string]memoed
	// evalWhen evaluates a requirement's when in the rule environment;
	// inWhen stops a when from reading the requirements it decides.
	evalWhen func(scenarios.Expr) (bool, error)
	inWhen   bool
	inFCR    bool
	// renderTruth renders a truth.record value (set with the environment).
	renderTruth func(scenarios.Text) (string, error)
}

// trainee reports whether an action event is the trainee's own.
func trainee(a *simulator.Action) bool {
	if a == nil || a.By == drillroom.ActorTrainer {
		return false
	}
	switch a.Kind {
	case simulator.ActPause, simulator.ActResumeClock, simulator.ActInject, simulator.ActSetVar,
		simulator.ActTakeover, simulator.ActHandback, simulator.ActSetScale:
		return false
	}
	return true
}

// newFacts folds the log (already checked by CheckLog) into facts.
func newFacts(sc *scenarios.Scenario, log []simulator.Event) *facts {
	f := &facts{
		sc:          sc,
		start:       log[0],
		intentFirst: map[string]ref{},
		intentCount: map[string]int{},
		dispatches:  map[string][]act{},
		escalations: map[string][]act{},
		messages:    map[string][]act{},
		consults:    map[string][]act{},
		acks:        map[string]ref{},
		arrivals:    map[string]ref{},
		resolves:    map[string]ref{},
		fields:      map[string]recorded{},
		fieldFirst:  map[string]ref{},
		fired:       map[string]ref{},
		vars:        initialVars(sc),
		vary:        varyValues(sc, log[0]),
		mood:        sc.Cast.Customer.Mood,
		patience:    sc.Cast.Customer.Patience,
		moodRef:     ref{Seq: log[0].Seq, T: log[0].T},
		spansBy:     map[string][]span{},
		memo:        map[string]memoed{},
		longest:     map[string]memoed{},
	}
	actions := 0
	for i := range log {
		if log[i].Type == simulator.EvAction {
			actions++
		}
	}
	f.lines = make([]line, 0, actions)
	for i := range log {
		e := &log[i]
		r := ref{Seq: e.Seq, T: e.T}
		f.last = r
		switch e.Type {
		case simulator.EvAction:
			if trainee(e.Action) {
				f.action(r, e)
			}
		case simulator.EvBeat, simulator.EvReaction:
			if _, ok := f.fired[e.ID]; !ok && e.ID != "" {
				f.fired[e.ID] = r
			}
		case simulator.EvSet:
			if e.ID != "" {
				f.vars[e.ID] = varValue(sc, e.ID, e.Value)
			}
		case simulator.EvPhase:
			f.phase = e.ID
		case simulator.EvMood:
			if e.Mood != nil {
				f.mood, f.moodRef = *e.Mood, r
			}
			if e.Patience != nil {
				f.patience = *e.Patience
			}
		case simulator.EvAck:
			if _, ok := f.acks[e.From]; !ok {
				f.acks[e.From] = r
			}
		case simulator.EvArrive:
			if _, ok := f.arrivals[e.From]; !ok {
				f.arrivals[e.From] = r
			}
		case simulator.EvResolve:
			if _, ok := f.resolves[e.From]; !ok {
				f.resolves[e.From] = r
			}
		case simulator.EvApprove:
			f.approvals = append(f.approvals, decision{ref: r, Decision: e.ID, Amount: e.Amount, Who: e.From})
		case simulator.EvEnd:
			if !f.ended {
				f.ended, f.ending, f.endKind, f.endEvent = true, e.ID, e.Reason, r
			}
		case simulator.EvReview:
			if !f.reviewed {
				f.reviewed, f.review = true, r
			}
		case simulator.EvAway:
			if f.ended && e.Reason == "wrap_up" {
				f.leftWrap, f.leftOpen = r, true
			}
		case simulator.EvBack:
			if f.ended && e.Reason == "wrap_up" {
				f.leftOpen = false
			}
		}
	}
	f.end = f.last
	if f.ended {
		f.end = f.endEvent
	}
	// A hold still open at the end of the call lasts until then.
	if n := len(f.holds); n > 0 && f.holds[n-1].To == (ref{}) {
		f.holds[n-1].To = ref{T: f.end.T}
	}
	return f
}

func (f *facts) action(r ref, e *simulator.Event) {
	a := e.Action
	afterEnd := f.ended // actions after the end (the review) are not part of the call
	switch a.Kind {
	case simulator.ActSay, simulator.ActHold, simulator.ActResume, simulator.ActEndConsult:
		spoke := a.Kind == simulator.ActSay || a.Text != "" || len(a.Intents) > 0 || len(e.Intents) > 0
		if spoke && !afterEnd {
			f.addLine(line{ref: r, Intents: union(e.Intents, a.Intents), Promise: a.Promise})
		}
		switch {
		case a.Kind == simulator.ActHold && !f.onHold && !afterEnd:
			f.onHold = true
			f.holds = append(f.holds, span{From: r})
		case a.Kind == simulator.ActResume && f.onHold:
			f.onHold = false
			f.holds[len(f.holds)-1].To = r
		}
	case simulator.ActClassify:
		c := classification{ref: r, Category: a.Category, Priority: a.Priority}
		if n := len(f.classes); n > 0 {
			if c.Category == "" {
				c.Category = f.classes[n-1].Category
			}
			if c.Priority == "" {
				c.Priority = f.classes[n-1].Priority
			}
		}
		f.classes = append(f.classes, c)
	case simulator.ActRecord:
		f.fields[a.Field] = recorded{ref: r, Value: a.Value}
		if _, ok := f.fieldFirst[a.Field]; !ok && a.Value != "" {
			f.fieldFirst[a.Field] = r
		}
	case simulator.ActDispatch, simulator.ActEscalate, simulator.ActContact:
		x := act{ref: r, Kind: a.Kind, Info: a.Info}
		switch a.Kind {
		case simulator.ActDispatch:
			f.dispatches[a.Target] = append(f.dispatches[a.Target], x)
		case simulator.ActEscalate:
			f.escalations[a.Target] = append(f.escalations[a.Target], x)
		}
		f.messages[a.Target] = append(f.messages[a.Target], x)
	case simulator.ActRequest:
		f.requests = append(f.requests, decision{ref: r, Decision: a.Decision, Amount: a.Amount, Who: a.Target})
	case simulator.ActDecide:
		f.decides = append(f.decides, decision{ref: r, Decision: a.Decision, Amount: a.Amount})
	case simulator.ActTransfer:
		f.transferred = true
	case simulator.ActClose:
		if (a.Text != "" || len(e.Intents) > 0) && !afterEnd {
			f.addLine(line{ref: r, Intents: union(e.Intents, a.Intents)})
		}
		if !f.closed {
			f.closed, f.closeRef, f.resolution = true, r, a.Resolution
		}
	case simulator.ActReview:
		if !f.reviewed {
			f.reviewed, f.review = true, r
		}
	case simulator.ActCorrect:
		f.correct(a.Of, e.Intents, e.Removed)
	case simulator.ActConsult:
		f.consults[a.Target] = append(f.consults[a.Target], act{ref: r, Kind: a.Kind})
	case simulator.ActWrapUp:
		if !f.wrapped {
			f.wrapped, f.wrapRef, f.wrapCode = true, r, a.Code
		}
	}
}

// correct gives line seq the intents the trainee said they meant (practice
// mode): the score reads the line as corrected, at the time it was said.
func (f *facts) correct(seq int64, added, removed []string) {
	i := slices.IndexFunc(f.lines, func(l line) bool { return l.Seq == seq })
	if i < 0 {
		return
	}
	l := &f.lines[i]
	l.Intents = slices.DeleteFunc(slices.Clone(l.Intents), func(in string) bool { return slices.Contains(removed, in) })
	l.Intents = union(l.Intents, added)
	clear(f.intentFirst)
	clear(f.intentCount)
	for _, l := range f.lines {
		for _, in := range l.Intents {
			if _, ok := f.intentFirst[in]; !ok {
				f.intentFirst[in] = l.ref
			}
			f.intentCount[in]++
		}
	}
}

// addLine records a line the trainee said to the customer.
func (f *facts) addLine(l line) {
	f.lines = append(f.lines, l)
	for _, in := range l.Intents {
		if _, ok := f.intentFirst[in]; !ok {
			f.intentFirst[in] = l.ref
		}
		f.intentCount[in]++
	}
}

// union returns the distinct strings of a then b, in order.
func union(a, b []string) []string {
	sub := true
	for _, s := range b {
		if !has(a, s) {
			sub = false
			break
		}
	}
	if sub {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	for _, s := range a {
		if !has(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range b {
		if !has(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// memoed is a function's result and evidence.
type memoed struct {
	v  any
	ev []Evidence
}

// once returns the memoised result of the function name, computing it with
// fn the first time.
func once[T any](f *facts, name string, fn func() (T, []Evidence)) (T, []Evidence) {
	if m, ok := f.memo[name]; ok {
		return m.v.(T), m.ev
	}
	v, ev := fn()
	f.memo[name] = memoed{v, ev}
	return v, ev
}

// lazy is a value computed on its first use.
type lazy[T any] struct {
	v    T
	done bool
}

// get returns the value, computing it first if it has not been. A compute
// that panics leaves it not computed.
func (l *lazy[T]) get(compute func() T) T {
	if !l.done {
		l.v, l.done = compute(), true
	}
	return l.v
}

// maxEvidence bounds the evidence one read contributes; the rest is
// summed up in one last item.
const maxEvidence = 12

// evList collects evidence up to maxEvidence items.
type evList struct {
	list []Evidence
	more int
	last int64
}

// room reports whether another item fits; when it does not, the item is
// counted (at virtual time t) instead.
func (l *evList) room(t int64) bool {
	if len(l.list) < maxEvidence {
		return true
	}
	l.more++
	l.last = t
	return false
}

func (l *evList) add(e Evidence) { l.list = append(l.list, e) }

func (l *evList) done() []Evidence {
	if l.more > 0 {
		l.list = append(l.list, Evidence{T: l.last, Note: fmt.Sprintf("and %d more", l.more)})
	}
	return l.list
}

// initialVars gives every declared variable its typed initial value.
func initialVars(sc *scenarios.Scenario) map[string]any {
	m := make(map[string]any, len(sc.Vars))
	for name, d := range sc.Vars {
		m[name] = convert(d.Type, d.Value)
	}
	return m
}

func varValue(sc *scenarios.Scenario, name string, v any) any {
	if d, ok := sc.Vars[name]; ok {
		return convert(d.Type, v)
	}
	return v
}

// convert gives a value read from YAML or JSON the Go type expressions were
// compiled against: bool, int, float64 or string. A value of the wrong kind
// becomes the type's zero.
func convert(typ string, v any) any {
	switch typ {
	case "bool":
		b, _ := v.(bool)
		return b
	case "int":
		switch x := v.(type) {
		case int:
			return x
		case int64:
			return int(x)
		case float64:
			return int(x)
		}
		return 0
	case "float":
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case float64:
			return x
		}
		return 0.0
	case "string":
		s, _ := v.(string)
		return s
	}
	return v
}

func secs(ms int64) float64 { return float64(ms) / 1000 }
