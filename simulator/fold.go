package simulator

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
)

// fold applies the state changes of events to a Snapshot. The live engine
// emits an event and folds it; Replay folds a stored log. Scheduling is a
// deterministic consequence of events, so both arrive at the same timers.
type fold struct {
	sc *scenarios.Scenario
	p  *prepared
	s  Snapshot
	// base is the session's starting time scale, which a phase without a
	// time_scale of its own returns to.
	base float64
	// lines are the trainee's say actions, in seq order, with the intents
	// each carries now (corrections applied): what a correction may name
	// and change. Kept in practice only (an assessment takes none), so
	// that a correction needs no event log in memory.
	lines []line
}

// line is one say action of the log: who said it, what, and its intents
// as recognised, then as each later correction left them (unsorted).
type line struct {
	seq     int64
	by      drillroom.Actor
	text    string
	intents []string
}

// line returns the say action with seq, or nil.
func (f *fold) line(seq int64) *line {
	i, ok := slices.BinarySearchFunc(f.lines, seq, func(l line, seq int64) int { return cmp.Compare(l.seq, seq) })
	if !ok {
		return nil
	}
	return &f.lines[i]
}

func newCast() CastState {
	return CastState{Engaged: -1, Acked: -1, ETA: -1, Arrived: -1, Resolved: -1, Consulted: -1}
}

// apply folds one event. It fails only on events that cannot belong to a
// log of this scenario (Replay reports them).
func (f *fold) apply(ev *Event) error {
	s := &f.s
	if ev.Seq != s.Seq+1 {
		return fmt.Errorf("event seq %d follows %d", ev.Seq, s.Seq)
	}
	if ev.T < s.T {
		return fmt.Errorf("event seq %d: time %d before %d", ev.Seq, ev.T, s.T)
	}
	if ev.Type != EvStart && s.Seq == 0 {
		return fmt.Errorf("event seq %d: the log must begin with start", ev.Seq)
	}
	s.Seq, s.T = ev.Seq, ev.T
	sc := f.sc
	switch ev.Type {
	case EvStart:
		if s.Scenario != "" {
			return fmt.Errorf("event seq %d: second start", ev.Seq)
		}
		return f.start(ev)
	case EvPhase:
		if !f.p.phases[ev.ID] {
			return fmt.Errorf("event seq %d: unknown phase %q", ev.Seq, ev.ID)
		}
		f.enterPhase(ev.ID)
	case EvBeat:
		i, ok := f.p.beatIdx[ev.ID]
		if !ok {
			return fmt.Errorf("event seq %d: unknown beat %q", ev.Seq, ev.ID)
		}
		s.unschedule(f.p.beatKeys[i])
		f.fired(ev.ID)
		b := sc.Timeline[i]
		if b.Every > 0 && (b.Times == 0 || s.Fired[ev.ID].Count < b.Times) {
			f.scheduleBeat(i, s.T+Millis(b.Every))
		}
		f.scheduleAfter(ev.ID)
	case EvReaction:
		if _, ok := f.p.reactIdx[ev.ID]; !ok {
			return fmt.Errorf("event seq %d: unknown reaction %q", ev.Seq, ev.ID)
		}
		f.fired(ev.ID)
		f.scheduleAfter(ev.ID)
	case EvTimer:
		return f.timerDue(ev)
	case EvAction:
		if ev.Action == nil {
			return fmt.Errorf("event seq %d: action event without action", ev.Seq)
		}
		f.action(ev)
	case EvSet:
		typ, ok := f.p.varTypes[ev.ID]
		if !ok {
			return fmt.Errorf("event seq %d: unknown variable %q", ev.Seq, ev.ID)
		}
		v, err := coerce(typ, ev.Value)
		if err != nil {
			return fmt.Errorf("event seq %d: variable %s: %w", ev.Seq, ev.ID, err)
		}
		s.Vars[ev.ID] = v
	case EvMood:
		if ev.Mood != nil {
			s.Mood = *ev.Mood
		}
		if ev.Patience != nil {
			s.Patience = *ev.Patience
		}
	case EvAck:
		f.ack(ev.From)
	case EvETA:
		c, ok := s.Services[ev.From]
		if !ok {
			return fmt.Errorf("event seq %d: eta from unknown service %q", ev.Seq, ev.From)
		}
		c.ETA = ev.ETA
		s.Services[ev.From] = c
		if c.Arrived < 0 {
			s.schedule(Timer{Key: keySvc + ev.From + ":arrive", Due: ev.ETA, Order: castOrder})
		}
	case EvArrive:
		c, ok := s.Services[ev.From]
		if !ok {
			return fmt.Errorf("event seq %d: arrival of unknown service %q", ev.Seq, ev.From)
		}
		c.Arrived = s.T
		s.Services[ev.From] = c
		s.unschedulePrefix(keySvc + ev.From + ":")
		if r := sc.Cast.Services[ev.From].Resolve; r > 0 {
			s.schedule(Timer{Key: keySvc + ev.From + ":resolve", Due: s.T + Millis(r), Order: castOrder})
		}
	case EvResolve:
		if c, ok := s.Services[ev.From]; ok {
			c.Resolved = s.T
			s.Services[ev.From] = c
			s.unschedulePrefix(keySvc + ev.From + ":")
		} else if c, ok := s.Teams[ev.From]; ok {
			c.Resolved = s.T
			s.Teams[ev.From] = c
		} else {
			return fmt.Errorf("event seq %d: resolve from unknown cast member %q", ev.Seq, ev.From)
		}
	case EvApprove, EvDecline:
		for i := range s.Requests {
			r := &s.Requests[i]
			if r.Outcome == "" && r.Team == ev.From && r.Decision == ev.ID {
				r.Outcome = string(ev.Type)
				break
			}
		}
	case EvPause:
		s.Paused = true
	case EvResume:
		s.Paused = false
	case EvScale:
		s.Scale = ev.Scale
	case EvTakeover:
		s.TakenOver[ev.ID] = true
	case EvHandback:
		delete(s.TakenOver, ev.ID)
	case EvEnd:
		s.Ended, s.Ending, s.EndKind = true, ev.ID, ev.Reason
		s.Timers = s.Timers[:0]
		s.OnHold = false
		s.Consulting = ""
	case EvReview:
		s.Review = ev.Text
	case EvAway:
		s.Away = true
	case EvBack:
		s.Away = false
	case EvError:
		s.Errors++
	case EvReply:
		return f.reply(ev)
	case EvLine:
		if ev.From != "" {
			s.Spoke[ev.From] = s.T
		}
	case EvAsk, EvRejected:
		// No state: they are the transcript.
	default:
		return fmt.Errorf("event seq %d: unknown type %q", ev.Seq, ev.Type)
	}
	return nil
}

func (f *fold) start(ev *Event) error {
	sc, s := f.sc, &f.s
	if ev.Scenario != sc.ID {
		return fmt.Errorf("log is of scenario %q, not %q", ev.Scenario, sc.ID)
	}
	s.Scenario, s.Version, s.Seed, s.Mode = ev.Scenario, ev.Version, ev.Seed, ev.Mode
	s.Scale, f.base = ev.Scale, ev.Scale
	// The start event records what the seed drew; a log without it (an
	// older writer) is drawn again the same way.
	if logged, ok := ev.Value.(map[string]any); ok {
		vary, err := loggedVariation(sc, logged)
		if err != nil {
			return fmt.Errorf("start: %w", err)
		}
		s.Vary = vary
	} else {
		s.Vary = drawVariation(sc, ev.Seed)
	}
	s.Vars = map[string]any{}
	for name, d := range sc.Vars {
		v, err := coerce(d.Type, d.Value)
		if err != nil {
			return fmt.Errorf("variable %s: initial value: %w", name, err)
		}
		s.Vars[name] = v
	}
	s.Mood = clamp(sc.Cast.Customer.Mood)
	s.Patience = clamp(sc.Cast.Customer.Patience)
	s.Said = map[string]IntentUse{}
	s.Record = map[string]string{}
	s.Services = map[string]CastState{}
	for _, id := range f.p.services {
		s.Services[id] = newCast()
	}
	s.Teams = map[string]CastState{}
	for _, id := range f.p.teams {
		s.Teams[id] = newCast()
	}
	s.TakenOver = map[string]bool{}
	s.Spoke = map[string]Millis{}
	s.Replies = []Reply{}
	s.Fired = map[string]Firing{}
	s.Cancelled = map[string]bool{}
	s.Timers = []Timer{}
	s.Promises = []Promise{}
	s.Requests = []Request{}
	s.Decisions = []Request{}

	s.schedule(Timer{Key: keyLimit, Due: f.p.timeLimit, Order: castOrder})
	for _, i := range f.p.startBeats {
		b := sc.Timeline[i]
		f.scheduleBeat(i, f.firstDue(b, 0))
	}
	f.resetSilence()
	if f.p.safety && f.p.mood.MissingSafety != 0 {
		s.schedule(Timer{Key: keySafety, Due: Millis(f.sc.Resolved.Cadence.FirstResponse), Order: castOrder})
	}
	return nil
}

// firstDue is when a beat scheduled at base first fires.
func (f *fold) firstDue(b scenarios.Beat, base Millis) Millis {
	switch {
	case b.At != nil:
		return base + f.ms(*b.At)
	case b.After != "":
		return base + f.ms(b.Delay)
	default:
		return base + Millis(b.Every)
	}
}

// ms is how long a timing is in this session: as written, or what the
// session drew for its vary.NAME. The variation comes from the start event,
// so a replay schedules exactly what the live session did.
func (f *fold) ms(t scenarios.Timing) Millis {
	return Millis(t.Resolve(f.s.Vary))
}

func (f *fold) scheduleBeat(i int, due Millis) {
	b := f.sc.Timeline[i]
	if f.s.Cancelled[b.ID] {
		return
	}
	f.s.schedule(Timer{Key: f.p.beatKeys[i], Due: due, Order: i, Phase: b.Phase, Persist: b.Persist})
}

func (f *fold) scheduleAfter(id string) {
	for _, i := range f.p.afterBeats[id] {
		b := f.sc.Timeline[i]
		if b.Phase != "" && b.Phase != f.s.Phase {
			continue
		}
		f.scheduleBeat(i, f.s.T+f.ms(b.Delay))
	}
}

func (f *fold) enterPhase(id string) {
	s := &f.s
	if s.Phase != "" {
		out := s.Timers[:0]
		for _, t := range s.Timers {
			if t.Phase == s.Phase && !t.Persist {
				continue
			}
			out = append(out, t)
		}
		s.Timers = out
	}
	s.Phase = id
	for _, i := range f.p.phaseBeats[id] {
		f.scheduleBeat(i, f.firstDue(f.sc.Timeline[i], s.T))
	}
}

func (f *fold) fired(id string) {
	fr, ok := f.s.Fired[id]
	if !ok {
		fr.First = f.s.T
	}
	fr.Count++
	fr.Last = f.s.T
	f.s.Fired[id] = fr
}

// timerDue folds a timer event: the timer is consumed; repeating timers
// are scheduled again unless the engine stopped them.
func (f *fold) timerDue(ev *Event) error {
	s := &f.s
	key := ev.ID
	if !s.unschedule(key) {
		return fmt.Errorf("event seq %d: timer %q was not pending", ev.Seq, key)
	}
	switch {
	case strings.HasPrefix(key, keyBeat):
		id := key[len(keyBeat):]
		i := f.p.beatIdx[id]
		b := f.sc.Timeline[i]
		switch ev.Reason {
		case "cancel":
			s.Cancelled[id] = true
		case "skip":
			if b.Every > 0 {
				f.scheduleBeat(i, s.T+Millis(b.Every))
			}
		default:
			return fmt.Errorf("event seq %d: beat timer with reason %q", ev.Seq, ev.Reason)
		}
	case key == keyChase:
		if ev.Reason == "" {
			s.ChaseCount++
		}
		if every := Millis(f.sc.Cast.Customer.Chase.Every); every > 0 && ev.Reason != "stop" {
			s.schedule(Timer{Key: keyChase, Due: s.T + every, Order: castOrder})
		}
	case key == keySilence:
		if ev.Reason != "stop" {
			s.schedule(Timer{Key: keySilence, Due: s.T + silenceTick, Order: castOrder})
		}
	case strings.HasPrefix(key, keyReply):
		n, err := strconv.Atoi(key[len(keyReply):])
		if err != nil {
			return fmt.Errorf("event seq %d: bad reply timer %q", ev.Seq, key)
		}
		f.replyDue(ev, n)
	case strings.HasPrefix(key, keyPromise):
		var n int
		fmt.Sscanf(key[len(keyPromise):], "%d", &n)
		if n >= 0 && n < len(s.Promises) {
			s.Promises[n].Broken = true
		}
	case strings.HasPrefix(key, keyTeam) && strings.HasSuffix(key, ":update"):
		id := strings.TrimSuffix(key[len(keyTeam):], ":update")
		if ev.Reason != "stop" {
			c := s.Teams[id]
			c.Updates++
			s.Teams[id] = c
			if u := f.sc.Cast.Teams[id].Updates; u != nil && u.Every > 0 {
				s.schedule(Timer{Key: key, Due: s.T + Millis(u.Every), Order: castOrder})
			}
		}
	}
	return nil
}

// corrected applies a correction to what the trainee has said: the
// intents it added are said now, the ones it took off are unsaid. It is not
// a line to the customer (no silence is reset).
func (f *fold) corrected(ev *Event) {
	s := &f.s
	if l := f.line(ev.Action.Of); l != nil {
		l.intents = slices.DeleteFunc(l.intents, func(x string) bool { return slices.Contains(ev.Removed, x) })
		for _, x := range ev.Intents {
			if !slices.Contains(l.intents, x) {
				l.intents = append(l.intents, x)
			}
		}
	}
	for _, in := range ev.Removed {
		if u, ok := s.Said[in]; ok {
			if u.Count--; u.Count <= 0 {
				delete(s.Said, in)
			} else {
				s.Said[in] = u
			}
		}
	}
	f.said(ev.Intents)
}

// resetSilence (re)schedules the customer's silence timers from LastSpoke.
func (f *fold) resetSilence() {
	s := &f.s
	ch := f.sc.Cast.Customer.Chase
	if ch.After > 0 && len(ch.Lines)+len(ch.Cues) > 0 {
		s.schedule(Timer{Key: keyChase, Due: s.LastSpoke + Millis(ch.After), Order: castOrder})
	}
	if f.p.mood.SilencePerMinute != 0 {
		limit := Millis(f.sc.Resolved.Cadence.MaxSilence)
		if s.OnHold {
			limit = Millis(f.sc.Resolved.Cadence.HoldUpdate)
		}
		s.schedule(Timer{Key: keySilence, Due: s.LastSpoke + limit + silenceTick, Order: castOrder})
	}
}

func (f *fold) action(ev *Event) {
	s := &f.s
	a := ev.Action
	spoke := false
	switch a.Kind {
	case ActSay:
		spoke = true
		if s.Mode != "assessment" {
			f.lines = append(f.lines, line{seq: ev.Seq, by: a.By, text: a.Text, intents: slices.Clone(ev.Intents)})
		}
	case ActHold:
		s.OnHold = true
		spoke = a.Text != "" || len(ev.Intents) > 0
	case ActResume:
		s.OnHold = false
		spoke = a.Text != "" || len(ev.Intents) > 0
	case ActClassify:
		s.Category = a.Category
		if a.Priority != "" {
			s.Priority = a.Priority
		}
		s.Classified++
	case ActRecord:
		s.Record[a.Field] = a.Value
	case ActDispatch:
		c := s.Services[a.Target]
		c.Engaged = s.T
		c.Contacts++
		s.Services[a.Target] = c
		s.schedule(Timer{Key: keySvc + a.Target + ":ack", Due: s.T + f.ms(f.sc.Cast.Services[a.Target].Ack), Order: castOrder})
	case ActEscalate, ActContact, ActRequest:
		if c, ok := s.Services[a.Target]; ok {
			c.Contacts++
			s.Services[a.Target] = c
			break
		}
		c := s.Teams[a.Target]
		c.Contacts++
		if c.Engaged < 0 {
			c.Engaged = s.T
			s.schedule(Timer{Key: keyTeam + a.Target + ":ack", Due: s.T + f.ms(f.sc.Cast.Teams[a.Target].Ack), Order: castOrder})
		}
		s.Teams[a.Target] = c
		if a.Kind == ActRequest {
			n := len(s.Requests)
			s.Requests = append(s.Requests, Request{Team: a.Target, Decision: a.Decision, Amount: a.Amount, Made: s.T})
			s.schedule(Timer{Key: fmt.Sprintf("%s%d", keyRequest, n), Due: s.T + f.ms(f.sc.Cast.Teams[a.Target].Ack), Order: castOrder})
		}
	case ActDecide:
		s.Decisions = append(s.Decisions, Request{Decision: a.Decision, Amount: a.Amount, Made: s.T})
	case ActTransfer:
		s.Transferred = a.Target
	case ActCorrect:
		f.corrected(ev)
		return
	case ActHint:
		s.HintsTaken++
		return
	case ActConsult:
		s.Consulting = a.Target
		f.consulted(a.Target)
		s.schedule(Timer{Key: keyConsult + a.Target, Due: s.T + f.consultAfter(a.Target), Order: castOrder})
		return
	case ActEndConsult:
		s.unschedule(keyConsult + s.Consulting)
		s.Consulting = ""
		spoke = a.Text != "" || len(ev.Intents) > 0
	case ActWrapUp:
		s.WrappedUp, s.WrapUpCode = true, a.Code
		return
	case ActClose:
		s.Closed, s.Resolution = true, a.Resolution
	}
	if !spoke {
		if a.Kind == ActResume || a.Kind == ActHold {
			f.resetSilenceKeep()
		}
		return
	}
	s.LastSpoke = s.T
	s.HoldNotice = slices.Contains(ev.Intents, "hold")
	f.said(ev.Intents)
	if a.Kind == ActSay && a.Promise > s.T {
		n := len(s.Promises)
		s.Promises = append(s.Promises, Promise{Made: s.T, By: a.Promise})
		// Due one millisecond after the deadline: an update exactly at the
		// promised time plus grace keeps the promise (inputs at T come after
		// timers due at T), as scoring judges it.
		s.schedule(Timer{Key: fmt.Sprintf("%s%d", keyPromise, n), Due: a.Promise + Millis(f.sc.Resolved.Cadence.PromiseGrace) + 1, Order: castOrder})
	}
	f.resetSilence()
}

// consulted marks the first consultation of service or team id.
func (f *fold) consulted(id string) {
	s := &f.s
	if c, ok := s.Services[id]; ok {
		if c.Consulted < 0 {
			c.Consulted = s.T
		}
		s.Services[id] = c
	} else if c, ok := s.Teams[id]; ok {
		if c.Consulted < 0 {
			c.Consulted = s.T
		}
		s.Teams[id] = c
	}
}

// DefaultConsultAfter is how long a consulted service or team takes to
// answer when its consult block does not say.
const DefaultConsultAfter Millis = 10_000

// consultAfter is how long id takes to answer a consultation.
func (f *fold) consultAfter(id string) Millis {
	c := f.sc.Cast.Consult(id)
	if c == nil || c.After == (scenarios.Timing{}) {
		return DefaultConsultAfter
	}
	return f.ms(c.After)
}

// said counts intents said now; an update keeps the open promises.
func (f *fold) said(intents []string) {
	s := &f.s
	for _, in := range intents {
		u, ok := s.Said[in]
		if !ok {
			u.First = s.T
		}
		u.Count++
		s.Said[in] = u
	}
	if slices.Contains(intents, "update") {
		for i := range s.Promises {
			p := &s.Promises[i]
			if !p.Kept && !p.Broken {
				p.Kept = true
				s.unschedule(fmt.Sprintf("%s%d", keyPromise, i))
			}
		}
	}
}

// resetSilenceKeep moves the silence timers when the limit changes (hold
// or resume without a word) while keeping LastSpoke.
func (f *fold) resetSilenceKeep() { f.resetSilence() }

func (f *fold) ack(id string) {
	s := &f.s
	if c, ok := s.Services[id]; ok {
		c.Acked = s.T
		s.Services[id] = c
		svc := f.sc.Cast.Services[id]
		for i, a := range svc.Asks {
			s.schedule(Timer{Key: fmt.Sprintf("%s%s:ask:%d", keySvc, id, i), Due: s.T + f.ms(a.After), Order: castOrder})
		}
		for i, r := range svc.Revise {
			s.schedule(Timer{Key: fmt.Sprintf("%s%s:rev:%d", keySvc, id, i), Due: s.T + f.ms(r.After), Order: castOrder})
		}
		return
	}
	if c, ok := s.Teams[id]; ok {
		c.Acked = s.T
		s.Teams[id] = c
		team := f.sc.Cast.Teams[id]
		for i, a := range team.Asks {
			s.schedule(Timer{Key: fmt.Sprintf("%s%s:ask:%d", keyTeam, id, i), Due: s.T + f.ms(a.After), Order: castOrder})
		}
		if u := team.Updates; u != nil && u.Every > 0 && len(u.Lines) > 0 {
			s.schedule(Timer{Key: keyTeam + id + ":update", Due: s.T + Millis(u.Every), Order: castOrder})
		}
	}
}

// DrawVariation returns the variation a session of sc with seed draws:
// the same values the engine's start event carries.
func DrawVariation(sc *scenarios.Scenario, seed int64) map[string]any { return drawVariation(sc, seed) }

// drawVariation draws the scenario's variation from the seed. Each name
// has its own PCG stream, seeded with the session seed and the FNV-1a hash
// of the name, so a value depends only on the seed, the name and that
// name's definition: adding, removing or renaming another variation leaves
// it alone, and with it every test and transcript that relies on it.
func drawVariation(sc *scenarios.Scenario, seed int64) map[string]any {
	out := make(map[string]any, len(sc.Variation))
	for n, v := range sc.Variation {
		out[n] = drawOne(v, varyStream(seed, n))
	}
	return out
}

// varyStream is the random stream a variation name draws from.
func varyStream(seed int64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// drawOne draws one variation's value from its stream.
func drawOne(v scenarios.Variation, rng *rand.Rand) any {
	switch {
	case len(v.Pick) > 0:
		return v.Pick[rng.IntN(len(v.Pick))]
	case len(v.Range) == 2 && v.Range[1] >= v.Range[0]:
		return v.Range[0] + rng.IntN(v.Range[1]-v.Range[0]+1)
	case len(v.Between) == 2 && v.Between[1] >= v.Between[0]:
		lo, hi := int64(v.Between[0])/1000, int64(v.Between[1])/1000
		return float64(lo + rng.Int64N(hi-lo+1))
	case len(v.Range) > 0:
		return v.Range[0]
	case len(v.Between) > 0:
		return float64(int64(v.Between[0]) / 1000)
	}
	return ""
}

// loggedVariation reads the variation a start event carries, with the
// types expressions were compiled against.
func loggedVariation(sc *scenarios.Scenario, logged map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(sc.Variation))
	for name, v := range sc.Variation {
		typ := "string"
		switch {
		case len(v.Range) > 0:
			typ = "int"
		case len(v.Between) > 0:
			typ = "float"
		}
		x, err := coerce(typ, logged[name])
		if err != nil {
			return nil, fmt.Errorf("variation %s: %w", name, err)
		}
		out[name] = x
	}
	return out, nil
}

// Variation returns the variation a session of sc with this seed draws:
// the values expressions read as vary.NAME.
func Variation(sc *scenarios.Scenario, seed int64) map[string]any {
	return drawVariation(sc, seed)
}

// coerce converts v (a YAML or JSON value, or an expression's result) to a
// variable of type typ.
func coerce(typ string, v any) (any, error) {
	switch typ {
	case "bool":
		switch x := v.(type) {
		case nil:
			return false, nil
		case bool:
			return x, nil
		}
	case "int":
		switch x := v.(type) {
		case nil:
			return 0, nil
		case int:
			return x, nil
		case int64:
			return int(x), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int(x), nil
			}
		}
	case "float":
		switch x := v.(type) {
		case nil:
			return 0.0, nil
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		}
	case "string":
		switch x := v.(type) {
		case nil:
			return "", nil
		case string:
			return x, nil
		}
	default:
		return nil, fmt.Errorf("unknown type %q", typ)
	}
	return nil, fmt.Errorf("%v (%T) is not a %s", v, v, typ)
}

func clamp(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 100:
		return 100
	}
	return x
}
