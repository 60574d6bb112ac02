package simulator

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/drillroom/drillroom/scenarios"
)

// Config chooses how a session plays.
type Config struct {
	Seed  int64   // draws the scenario's variation
	Mode  string  // practice (default) or assessment
	Scale float64 // initial time scale (0: the scenario's settings.time_scale, else 1)
}

// Engine plays one session of one scenario. It is a step function: each
// call takes a virtual time and maybe an input and returns the events it
// emitted. It is not safe for concurrent use; the runner owns it.
type Engine struct {
	sc  *scenarios.Scenario
	p   *prepared
	f   fold
	now Millis
	log []Event
	// forget: the log is kept by the host, not here (ForgetLog); log
	// holds the events of the step being taken, in a buffer of the pool.
	forget bool

	// es: the expression environments, borrowed from the drill's pool
	// for the step under way (env.go); nil between steps.
	es *envSet
}

// New starts a session of sc, preparing it first (Prepare). A host that
// starts many sessions of one scenario prepares it once and calls
// Drill.Start.
func New(sc *scenarios.Scenario, cfg Config) (*Engine, []Event, error) {
	d, err := Prepare(sc)
	if err != nil {
		return nil, nil, err
	}
	return d.Start(cfg)
}

// Start starts a session: it emits start, enters the first phase and fires
// what is due at time 0 (the opening line).
func (d *Drill) Start(cfg Config) (*Engine, []Event, error) {
	sc := d.sc
	e := newEngine(d, startCap)
	switch cfg.Mode {
	case "":
		cfg.Mode = "practice"
	case "practice", "assessment":
	default:
		return nil, nil, fmt.Errorf("simulator: mode %q: want practice or assessment", cfg.Mode)
	}
	if cfg.Scale < 0 {
		return nil, nil, fmt.Errorf("simulator: negative time scale %v", cfg.Scale)
	}
	if cfg.Scale == 0 {
		cfg.Scale = sc.Settings.TimeScale
	}
	if cfg.Scale == 0 {
		cfg.Scale = 1
	}
	start := Event{Type: EvStart, Scenario: sc.ID, Version: sc.Version, Hash: sc.Hash, Seed: cfg.Seed, Mode: cfg.Mode, Scale: cfg.Scale}
	if len(sc.Variation) > 0 {
		start.Value = drawVariation(sc, cfg.Seed)
	}
	e.emit(start)
	if len(sc.Phases) > 0 {
		e.enterPhase(sc.Phases[0].ID)
	}
	e.checkEnd()
	e.fire(0)
	e.releaseEnv()
	return e, e.log[:len(e.log):len(e.log)], nil
}

// ForgetLog lets go of the event log and stops keeping it, for a host that
// keeps the log in its store (the runner): each event held in memory for
// the rest of the session costs about 300 bytes, and a session writes
// hundreds. The state is unchanged, so the engine plays on exactly as
// before. Afterwards every step (Advance, Apply) returns its events in a
// new slice of their own, Log is empty, and TraineeView has no events (the
// host adds them from its log with TraineeEvents).
func (e *Engine) ForgetLog() {
	e.forget = true
	e.log = nil
}

// scratch holds the events of one step of an engine that forgot its log
// (ForgetLog): one buffer per step being taken, not one per engine.
var scratch = sync.Pool{New: func() any { return new([]Event) }}

// begin starts a step; it returns where the step's events begin in the log.
func (e *Engine) begin() int {
	if e.forget {
		e.log = (*scratch.Get().(*[]Event))[:0]
	}
	return len(e.log)
}

// end ends a step begun at start and returns its events: a slice of the
// log, or, when the engine does not keep it, a copy of the step's buffer,
// which goes back to the pool.
func (e *Engine) end(start int) []Event {
	e.releaseEnv()
	if !e.forget {
		return e.log[start:len(e.log):len(e.log)]
	}
	var evs []Event
	if len(e.log) > 0 {
		evs = slices.Clone(e.log)
	}
	buf := e.log
	clear(buf)
	e.log = nil
	if cap(buf) <= maxScratch {
		scratch.Put(&buf)
	}
	return evs
}

// maxScratch is the largest step buffer the pool keeps (a step that fired
// many timers at once must not leave a large buffer behind).
const maxScratch = 256

// logChunk is how many events the log grows by when it is full. A live
// server holds thousands of engines, each with its log (288 bytes an
// event): growing by a fixed step wastes at most a step per engine, where
// doubling wastes up to half the log, and sizing new logs by the longest
// one written so far (as before) made every engine pay for the longest
// session's log.
const logChunk = 32

// startCap sizes the log of a new engine: the opening events (start, the
// first phase, what fires at time 0) are a handful, and a host that keeps
// the log in its store lets go of it at once (ForgetLog).
const startCap = 8

// newEngine makes an engine of d with an empty state; logCap sizes its log.
func newEngine(d *Drill, logCap int) *Engine {
	sc, p := d.sc, d.p
	return &Engine{sc: sc, p: p, f: fold{sc: sc, p: p}, log: make([]Event, 0, logCap)}
}

// Scenario returns the scenario being played.
func (e *Engine) Scenario() *scenarios.Scenario { return e.sc }

// Now is the engine's virtual time: the latest time it was advanced to.
func (e *Engine) Now() Millis { return e.now }

// Ended reports whether the call has ended.
func (e *Engine) Ended() bool { return e.f.s.Ended }

// Paused reports whether the trainer paused the clock.
func (e *Engine) Paused() bool { return e.f.s.Paused }

// Scale is the current time scale (virtual ms per real ms).
func (e *Engine) Scale() float64 { return e.f.s.Scale }

// Log returns the whole event log so far. The caller must not modify it.
// After ForgetLog it is empty.
func (e *Engine) Log() []Event {
	if e.forget {
		return nil
	}
	return e.log[:len(e.log):len(e.log)]
}

// NextDue returns when the next timer fires; false when nothing is pending,
// the clock is paused or the call has ended.
func (e *Engine) NextDue() (Millis, bool) {
	s := &e.f.s
	if s.Ended || s.Paused || len(s.Timers) == 0 {
		return 0, false
	}
	return s.Timers[0].Due, true
}

// Advance fires every timer due at or before to and moves the clock there.
// While paused the clock is frozen and nothing fires.
func (e *Engine) Advance(to Millis) []Event {
	start := e.begin()
	if !e.f.s.Paused {
		e.fire(to)
	}
	return e.end(start)
}

// Apply fires the timers due at or before at, then applies the action a
// (an at before Now counts as Now).
// A refused action gives a rejected event and changes nothing else; the
// error is only for engine faults. While paused the clock is frozen: the
// action is stamped with the pause time (and trainee actions are refused).
func (e *Engine) Apply(at Millis, a Action) ([]Event, error) {
	start := e.begin()
	if !e.f.s.Paused {
		e.fire(at)
	}
	if reason := e.validate(&a); reason != "" {
		e.emit(Event{Type: EvRejected, Action: &a, Reason: reason})
		return e.end(start), nil
	}
	// a has escaped to the heap already (the rejected event keeps it):
	// the log keeps this copy, the caller's stays untouched.
	switch {
	case trainerAction(a.Kind):
		e.trainer(&a)
	case systemAction(a.Kind):
		typ := EvAway
		if a.Kind == ActBack {
			typ = EvBack
		}
		e.emit(Event{Type: typ, Reason: a.Text, Action: &a})
	default:
		e.trainee(&a)
	}
	e.checkEnd()
	if !e.f.s.Paused {
		e.fire(e.now) // what the action scheduled with no delay
	}
	evs := e.end(start)
	if n := len(evs); n > 0 && evs[n-1].Seq != e.f.s.Seq || !e.forget && e.f.s.Seq != int64(len(e.log)) {
		return nil, fmt.Errorf("simulator: log out of step with seq %d", e.f.s.Seq)
	}
	return evs, nil
}

// emit stamps ev with the next sequence number and the current time,
// folds it into the state and appends it to the log.
// enterPhase enters phase id and sets the clock's speed for it: the
// phase's time_scale when it has one; leaving a phase that had one returns
// to the session's starting scale. A scale a trainer set holds through
// phases that have none.
func (e *Engine) enterPhase(id string) {
	from := e.phaseScale(e.f.s.Phase)
	e.emit(Event{Type: EvPhase, ID: id})
	want := e.phaseScale(id)
	if want == 0 && from != 0 {
		want = e.f.base
	}
	if want > 0 && want != e.f.s.Scale {
		e.emit(Event{Type: EvScale, Scale: want, ID: id})
	}
}

// phaseScale is phase id's time_scale (0: none).
func (e *Engine) phaseScale(id string) float64 {
	for _, p := range e.sc.Phases {
		if p.ID == id {
			return p.TimeScale
		}
	}
	return 0
}

func (e *Engine) emit(ev Event) {
	ev.Seq = e.f.s.Seq + 1
	ev.T = e.now
	if err := e.f.apply(&ev); err != nil {
		// The engine only emits events its own fold accepts; anything else
		// is a bug. Record it rather than panic so the session survives.
		e.f.s.Seq, e.f.s.T = ev.Seq, ev.T
		ev = Event{Seq: ev.Seq, T: ev.T, Type: EvError, ID: "engine", Reason: err.Error()}
		e.f.s.Errors++
	}
	if len(e.log) == cap(e.log) && !e.forget {
		grown := make([]Event, len(e.log), len(e.log)+logChunk)
		copy(grown, e.log)
		e.log = grown
	}
	e.log = append(e.log, ev)
}

// exprError records an expression failure and lets the caller treat it as false.
func (e *Engine) exprError(where string, err error) {
	e.emit(Event{Type: EvError, ID: where, Reason: err.Error()})
}

// fire fires the timers due up to to, in order, then moves the clock to to.
func (e *Engine) fire(to Millis) {
	s := &e.f.s
	for !s.Ended && len(s.Timers) > 0 && s.Timers[0].Due <= to {
		t := s.Timers[0]
		if t.Due > e.now {
			e.now = t.Due
		}
		e.fireTimer(t)
		e.checkEnd()
	}
	if to > e.now {
		e.now = to
	}
}

// chaseLines are the chasing lines that fit now: every plain line and the
// cues whose guard holds, in file order.
func (e *Engine) chaseLines() []scenarios.Text {
	ch := e.sc.Cast.Customer.Chase
	if len(ch.Cues) == 0 {
		return ch.Lines
	}
	out := append([]scenarios.Text(nil), ch.Lines...)
	for i, c := range ch.Cues {
		if c.When.IsSet() {
			ok, err := c.When.Bool(e.env(nil))
			if err != nil {
				e.exprError(fmt.Sprintf("cast.customer.chase.cues[%d].when", i), err)
			}
			if !ok {
				continue
			}
		}
		out = append(out, c.Say)
	}
	return out
}

func (e *Engine) fireTimer(t Timer) {
	s := &e.f.s
	key := t.Key
	switch {
	case strings.HasPrefix(key, keyBeat):
		e.fireBeat(key[len(keyBeat):])
	case key == keyLimit:
		e.emit(Event{Type: EvTimer, ID: key})
		e.endWith("timeout", "")
	case key == keyChase:
		lines := e.chaseLines()
		// Not while on hold, nor while a reply of the customer's is still
		// to come: they are talking already.
		if s.OnHold || s.TakenOver["customer"] || len(lines) == 0 || s.pendingReply("customer") {
			e.emit(Event{Type: EvTimer, ID: key, Reason: "skip"})
			return
		}
		line := lines[s.ChaseCount%len(lines)]
		e.emit(Event{Type: EvTimer, ID: key})
		e.say("customer", line, "chase")
	case key == keySilence:
		e.emit(Event{Type: EvTimer, ID: key})
		p := clamp(s.Patience - e.p.mood.SilencePerMinute*float64(silenceTick)/60000)
		e.setMood(s.Mood, p, "silence")
	case key == keySafety:
		e.emit(Event{Type: EvTimer, ID: key})
		if _, ok := s.Said["safety_advice"]; !ok {
			e.setMood(clamp(s.Mood+e.p.mood.MissingSafety), s.Patience, "missing_safety")
		}
	case strings.HasPrefix(key, keyReply):
		n, _ := strconv.Atoi(key[len(keyReply):])
		e.fireReply(key, n)
	case strings.HasPrefix(key, keyConsult):
		e.emit(Event{Type: EvTimer, ID: key})
		e.answerConsult(key[len(keyConsult):])
	case strings.HasPrefix(key, keyPromise):
		e.emit(Event{Type: EvTimer, ID: key})
		e.setMood(clamp(s.Mood+e.p.mood.PromiseBroken), s.Patience, "promise_broken")
	case strings.HasPrefix(key, keyRequest):
		n, _ := strconv.Atoi(key[len(keyRequest):])
		e.emit(Event{Type: EvTimer, ID: key})
		if n >= 0 && n < len(s.Requests) {
			e.answerRequest(s.Requests[n])
		}
	case strings.HasPrefix(key, keySvc):
		id, what, _ := strings.Cut(key[len(keySvc):], ":")
		e.fireService(key, id, what)
	case strings.HasPrefix(key, keyTeam):
		id, what, _ := strings.Cut(key[len(keyTeam):], ":")
		e.fireTeam(key, id, what)
	default:
		e.emit(Event{Type: EvError, ID: "engine", Reason: "unknown timer " + key})
		s.unschedule(key)
	}
}

func (e *Engine) fireBeat(id string) {
	b := &e.sc.Timeline[e.p.beatIdx[id]]
	key := e.p.beatKeys[e.p.beatIdx[id]]
	if b.Cancel.IsSet() {
		ok, err := b.Cancel.Bool(e.env(nil))
		if err != nil {
			e.exprError("timeline."+id+".cancel", err)
		} else if ok {
			e.emit(Event{Type: EvTimer, ID: key, Reason: "cancel"})
			return
		}
	}
	if b.When.IsSet() {
		ok, err := b.When.Bool(e.env(nil))
		if err != nil {
			e.exprError("timeline."+id+".when", err)
		}
		if !ok {
			e.emit(Event{Type: EvTimer, ID: key, Reason: "skip"})
			return
		}
	}
	e.emit(Event{Type: EvBeat, ID: id})
	e.run(b.Do, id, false)
}

func (e *Engine) fireService(key, id, what string) {
	svc := e.sc.Cast.Services[id]
	now := e.now
	e.emit(Event{Type: EvTimer, ID: key})
	switch {
	case what == "ack":
		eta := e.f.ms(svc.ETA)
		text := e.text(svc.Lines.Ack, id+".lines.ack", fmt.Sprintf("%s: request received, with you in %s.", svc.Name, spoken(eta)))
		e.emit(Event{Type: EvAck, From: id, Channel: ChannelRadio, Text: e.castText(id, text)})
		e.emit(Event{Type: EvETA, From: id, Channel: ChannelRadio, ETA: now + eta})
	case strings.HasPrefix(what, "ask:"):
		n, _ := strconv.Atoi(what[4:])
		if n < 0 || n >= len(svc.Asks) {
			return // a log of another version of the drill
		}
		a := svc.Asks[n]
		text := e.text(a.Text, id+".asks", "")
		e.emit(Event{Type: EvAsk, From: id, Channel: ChannelRadio, ID: a.Info, Text: e.castText(id, text)})
	case strings.HasPrefix(what, "rev:"):
		n, _ := strconv.Atoi(what[4:])
		if n < 0 || n >= len(svc.Revise) {
			return
		}
		r := svc.Revise[n]
		eta := e.f.ms(r.ETA)
		text := e.text(r.Text, id+".revise", fmt.Sprintf("%s: our arrival time has changed, now with you in %s.", svc.Name, spoken(eta)))
		e.emit(Event{Type: EvETA, From: id, Channel: ChannelRadio, ETA: now + eta, Text: e.castText(id, text)})
	case what == "arrive":
		text := e.text(svc.Lines.Arrive, id+".lines.arrive", svc.Name+" on scene.")
		e.emit(Event{Type: EvArrive, From: id, Channel: ChannelRadio, Text: e.castText(id, text)})
	case what == "resolve":
		text := e.text(svc.Lines.Resolve, id+".lines.resolve", svc.Name+": made safe, incident resolved on site.")
		e.emit(Event{Type: EvResolve, From: id, Channel: ChannelRadio, Text: e.castText(id, text)})
	}
}

func (e *Engine) fireTeam(key, id, what string) {
	team := e.sc.Cast.Teams[id]
	switch {
	case what == "ack":
		e.emit(Event{Type: EvTimer, ID: key})
		e.emit(Event{Type: EvAck, From: id, Channel: ChannelTeam, Text: e.castText(id, team.Name+": we have picked this up.")})
	case strings.HasPrefix(what, "ask:"):
		e.emit(Event{Type: EvTimer, ID: key})
		n, _ := strconv.Atoi(what[4:])
		if n < 0 || n >= len(team.Asks) {
			return
		}
		a := team.Asks[n]
		text := e.text(a.Text, id+".asks", "")
		e.emit(Event{Type: EvAsk, From: id, Channel: ChannelTeam, ID: a.Info, Text: e.castText(id, text)})
	case what == "update":
		u := team.Updates
		if u == nil || len(u.Lines) == 0 {
			e.emit(Event{Type: EvTimer, ID: key, Reason: "stop"})
			return
		}
		if u.Until.IsSet() {
			ok, err := u.Until.Bool(e.env(nil))
			if err != nil {
				e.exprError(id+".updates.until", err)
			} else if ok {
				e.emit(Event{Type: EvTimer, ID: key, Reason: "stop"})
				return
			}
		}
		n := e.f.s.Teams[id].Updates
		e.emit(Event{Type: EvTimer, ID: key})
		e.say(id, u.Lines[n%len(u.Lines)], "update")
	}
}

func (e *Engine) answerRequest(r Request) {
	team := e.sc.Cast.Teams[r.Team]
	for _, d := range team.Declines {
		if d.Decision == r.Decision && (d.Above == 0 || r.Amount > d.Above) {
			text := e.text(d.Text, r.Team+".declines", fmt.Sprintf("%s: declined: %s.", team.Name, lower(e.sc.Label(r.Decision))))
			e.emit(Event{Type: EvDecline, From: r.Team, Channel: ChannelTeam, ID: r.Decision, Amount: r.Amount, Text: e.castText(r.Team, text)})
			return
		}
	}
	for _, d := range team.Approves {
		if d.Decision == r.Decision && (d.UpTo == 0 || r.Amount <= d.UpTo) {
			text := e.text(d.Text, r.Team+".approves", fmt.Sprintf("%s: approved: %s.", team.Name, lower(e.sc.Label(r.Decision))))
			e.emit(Event{Type: EvApprove, From: r.Team, Channel: ChannelTeam, ID: r.Decision, Amount: r.Amount, Text: e.castText(r.Team, text)})
			return
		}
	}
	e.emit(Event{Type: EvDecline, From: r.Team, Channel: ChannelTeam, ID: r.Decision, Amount: r.Amount,
		Text: e.castText(r.Team, fmt.Sprintf("%s: we can't approve that: %s.", team.Name, lower(e.sc.Label(r.Decision))))})
}

// answerConsult is a consulted service's or team's answer, on its own
// channel: the first of its consult answers whose guard holds, else the
// standard line. A trainer who plays the cast member answers instead.
func (e *Engine) answerConsult(id string) {
	c := e.sc.Cast.Consult(id)
	if c != nil {
		for i, a := range c.Answers {
			if a.When.IsSet() {
				ok, err := a.When.Bool(e.env(nil))
				if err != nil {
					e.exprError(fmt.Sprintf("cast.%s.consult.answers[%d].when", id, i), err)
					continue
				}
				if !ok {
					continue
				}
			}
			if e.say(id, a.Say, "consult") {
				return
			}
		}
	}
	if e.f.s.TakenOver[id] {
		return
	}
	e.emit(Event{Type: EvLine, From: id, Channel: e.channel(id), ID: "consult",
		Text: e.castName(id) + ": nothing to add from us; carry on as your procedure says."})
}

// WrappingUp reports whether the call has ended and the trainee's
// after-call work is still going on: neither finished nor ended by the
// review.
func (e *Engine) WrappingUp() bool {
	s := &e.f.s
	return s.Ended && !s.WrappedUp && s.Review == ""
}

// Away reports whether the runner has recorded the trainee as away while
// the clock runs on.
func (e *Engine) Away() bool { return e.f.s.Away }

// castText blanks a scripted text while a trainer plays that cast member.
func (e *Engine) castText(id, text string) string {
	if e.f.s.TakenOver[id] {
		return ""
	}
	return text
}

// text renders t, or gives def when t is unset. A failed rendering is an
// error event and gives def.
func (e *Engine) text(t scenarios.Text, where, def string) string {
	if !t.IsSet() {
		return def
	}
	out, err := t.Render(e.env(nil))
	if err != nil {
		e.exprError(where, err)
		return def
	}
	return out
}

// say emits a line by a cast member, unless a trainer has taken it over.
func (e *Engine) say(from string, t scenarios.Text, id string) bool {
	if e.f.s.TakenOver[from] {
		return false
	}
	text := e.text(t, id, "")
	if text == "" {
		return false
	}
	e.emit(Event{Type: EvLine, From: from, Channel: e.channel(from), Text: text, ID: id})
	return true
}

func (e *Engine) channel(from string) string {
	if _, ok := e.sc.Cast.Services[from]; ok {
		return ChannelRadio
	}
	if _, ok := e.sc.Cast.Teams[from]; ok {
		return ChannelTeam
	}
	return ChannelCall
}

func (e *Engine) setMood(mood, patience float64, reason string) {
	s := &e.f.s
	if mood == s.Mood && patience == s.Patience {
		return
	}
	v := &[2]float64{mood, patience} // one allocation for both
	e.emit(Event{Type: EvMood, Mood: &v[0], Patience: &v[1], Reason: reason})
}

// run executes the steps of a beat or reaction. It returns whether the
// customer spoke. With paced, its lines are replies, queued to be said at
// the speaker's pace (queueReply); otherwise they are said at once.
func (e *Engine) run(steps []scenarios.Step, src string, paced bool) (customerSpoke bool) {
	s := &e.f.s
	for i := range steps {
		if s.Ended {
			return
		}
		st := &steps[i]
		switch {
		case st.Say != nil:
			from := st.As
			if from == "" {
				from = e.p.speaker
			}
			var spoke bool
			switch {
			case paced:
				guard := 0
				if st.When.IsSet() {
					guard = i + 1
				}
				spoke = e.queueReply(from, *st.Say, src, guard)
			case e.stepWhen(st, fmt.Sprintf("%s.do[%d].when", src, i)):
				spoke = e.say(from, *st.Say, src)
			}
			if spoke && from == "customer" {
				customerSpoke = true
			}
		case st.Set != nil:
			names := make([]string, 0, len(st.Set))
			for n := range st.Set {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				x := st.Set[n]
				v, err := x.Eval(e.env(nil))
				if err == nil {
					typ, ok := e.p.varTypes[n]
					if !ok {
						err = fmt.Errorf("unknown variable %s", n)
					} else {
						v, err = coerce(typ, v)
					}
				}
				if err != nil {
					e.exprError(src+".set."+n, err)
					continue
				}
				e.emit(Event{Type: EvSet, ID: n, Value: v})
			}
		case st.Mood != nil:
			e.setMood(clamp(s.Mood+*st.Mood), s.Patience, src)
		case st.Patience != nil:
			e.setMood(s.Mood, clamp(s.Patience+*st.Patience), src)
		case st.Goto != "":
			if e.p.phases[st.Goto] && st.Goto != s.Phase {
				e.enterPhase(st.Goto)
			} else if !e.p.phases[st.Goto] {
				e.exprError(src+".goto", fmt.Errorf("unknown phase %s", st.Goto))
			}
		case st.End != "":
			e.endWith("", st.End)
		case st.ETA != nil:
			c, ok := s.Services[st.ETA.Service]
			if !ok || c.Engaged < 0 || c.Arrived >= 0 {
				e.exprError(src+".eta", fmt.Errorf("service %s is not on its way", st.ETA.Service))
				continue
			}
			e.emit(Event{Type: EvETA, From: st.ETA.Service, Channel: ChannelRadio, ETA: e.now + e.f.ms(st.ETA.ETA)})
		case st.Arrive != "":
			c, ok := s.Services[st.Arrive]
			if !ok || c.Arrived >= 0 {
				e.exprError(src+".arrive", fmt.Errorf("service %s cannot arrive", st.Arrive))
				continue
			}
			svc := e.sc.Cast.Services[st.Arrive]
			text := e.text(svc.Lines.Arrive, st.Arrive+".lines.arrive", svc.Name+" on scene.")
			e.emit(Event{Type: EvArrive, From: st.Arrive, Channel: ChannelRadio, Text: e.castText(st.Arrive, text)})
		case st.Resolve != "":
			_, svc := s.Services[st.Resolve]
			_, team := s.Teams[st.Resolve]
			if !svc && !team {
				e.exprError(src+".resolve", fmt.Errorf("unknown service or team %s", st.Resolve))
				continue
			}
			e.emit(Event{Type: EvResolve, From: st.Resolve, Channel: e.channel(st.Resolve)})
		}
	}
	return
}

// checkEnd ends the call when an ending's condition holds (other than the
// resolved ones, which are reached by closing), when patience is gone or
// when the customer's give_up condition holds.
func (e *Engine) checkEnd() {
	s := &e.f.s
	if s.Ended || s.Seq == 0 {
		return
	}
	for i := range e.sc.Endings {
		en := &e.sc.Endings[i]
		if en.Kind == "resolved" || !en.When.IsSet() {
			continue
		}
		ok, err := en.When.Bool(e.env(nil))
		if err != nil {
			e.exprError("endings."+en.ID, err)
			continue
		}
		if ok {
			e.endWith("", en.ID)
			return
		}
	}
	giveUp := s.Patience <= 0
	if !giveUp && e.sc.Cast.Customer.GiveUp.When.IsSet() {
		ok, err := e.sc.Cast.Customer.GiveUp.When.Bool(e.env(nil))
		if err != nil {
			e.exprError("customer.give_up.when", err)
		}
		giveUp = ok
	}
	if giveUp {
		e.say("customer", e.sc.Cast.Customer.GiveUp.Line, "give_up")
		e.endWith("hangup", "")
	}
}

// endWith ends the call with the ending id, or else the first ending of
// kind (an ending with the kind's name is made up when the scenario has none).
func (e *Engine) endWith(kind, id string) {
	if e.f.s.Ended {
		return
	}
	var en *scenarios.Ending
	for i := range e.sc.Endings {
		x := &e.sc.Endings[i]
		if id != "" && x.ID == id {
			en = x
			break
		}
		// By kind: the first ending of that kind without a condition, else
		// the first of that kind.
		if id == "" && x.Kind == kind && (en == nil || en.When.IsSet() && !x.When.IsSet()) {
			en = x
		}
	}
	if en == nil {
		if id != "" {
			e.exprError("end", fmt.Errorf("unknown ending %s", id))
			return
		}
		e.emit(Event{Type: EvEnd, ID: kind, Reason: kind})
		return
	}
	if en.Line.IsSet() {
		e.say("customer", en.Line, "ending:"+en.ID)
	}
	e.emit(Event{Type: EvEnd, ID: en.ID, Reason: en.Kind})
}

// closeCall picks the ending of a close: the first resolved ending whose
// condition holds (or that has none), else the closed ending.
func (e *Engine) closeCall() {
	for i := range e.sc.Endings {
		en := &e.sc.Endings[i]
		if en.Kind != "resolved" {
			continue
		}
		ok := true
		if en.When.IsSet() {
			var err error
			ok, err = en.When.Bool(e.env(nil))
			if err != nil {
				e.exprError("endings."+en.ID, err)
				ok = false
			}
		}
		if ok {
			e.endWith("", en.ID)
			return
		}
	}
	e.endWith("closed", "")
}

// Ending returns the id and kind of the call's ending once it has ended
// (the end event's ID and Reason).
func (e *Engine) Ending() (id, kind string) { return e.f.s.Ending, e.f.s.EndKind }
