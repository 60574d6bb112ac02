package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// Pause and resume reasons the runner writes (the trainer's are "trainer").
const (
	ReasonDisconnect = "disconnect" // the trainee's last connection closed
	ReasonRestart    = "restart"    // the server restarted while the clock ran
	ReasonReconnect  = "reconnect"  // the trainee is back
	// ReasonBudgetSpent: an assessment's disconnect budget ran out while
	// the trainee was away; the clock runs on without them.
	ReasonBudgetSpent = "budget_spent"
	// ReasonWrapUp: the trainee left the desk, or came back to it, during
	// the after-call work, whose clock runs only while they are there.
	ReasonWrapUp = "wrap_up"
)

// errGone: the session's host has exited (the session ended and was
// unhosted, or failed); the caller hosts it afresh.
var errGone = errors.New("session host gone")

// session hosts one live session. Everything below the work queue's and
// wake-up's fields is owned by the step running on the session's worker
// (wake.go); other goroutines reach it only through call and submit.
type session struct {
	r    *Runner
	id   string
	info drillroom.Session
	d    *simulator.Drill    // the scenario version, prepared; shared by its sessions
	sc   *scenarios.Scenario // d.Scenario()
	done chan struct{}       // closed when the host is gone (exit)

	// The work queue (wake.go): steps run one at a time on a worker
	// goroutine that exists only while there are steps.
	qmu     sync.Mutex
	queue   []*sessionStep
	working bool // a worker runs
	gone    bool // exit has run: nothing more is queued

	// When the session must wake up next (its entry in the runner's
	// wakeups), guarded by the wakeups' lock; wakeIdx is -1 when none.
	wakeAt  time.Time
	wakeIdx int

	idleAt  time.Time // while nobody watches a stopped clock: when the host goes
	quit    bool      // the runner is closing: exit after this step
	opening bool      // no step has run yet

	eng        *simulator.Engine
	lastSeq    int64
	started    bool      // the clock has been started (by the first trainee connection)
	anchorReal time.Time // while running: virtual time anchorVT was at real time anchorReal
	anchorVT   simulator.Millis
	anchorRun  bool    // running state when anchored
	anchorScl  float64 // scale when anchored
	pausedBy   string  // reason of the last pause: trainer, disconnect or restart
	subs       map[*Subscription]struct{}
	trainees   int // open trainee subscriptions
	// seen holds a hash of each command id stored for the session that
	// this host knows of: a new id, the usual case, is known to be new
	// without a look-up in the store; an id seen before (or, once in 2^64,
	// one whose hash is another's) is answered from the store. A hash
	// rather than the id and its result: a session receives hundreds of
	// commands, and remembering each whole cost 150 bytes or more.
	seen map[uint64]struct{}
	// lastCmd and lastResult are the last command's id and stored result:
	// a client that lost an ack retries that one, answered without a read.
	lastCmd    string
	lastResult []byte
	// fresh: this host wrote the session's whole log (it opened it empty
	// and no write has failed since), so every stored command id is in
	// seen and an id not in it needs no look-up in the store.
	fresh      bool
	endStored  bool    // EndSession has been written
	continueOn bool    // on_disconnect: continue
	fail       error   // set when the engine could not be rebuilt; run exits
	recent     []batch // committed batches of the last minute, oldest first (the events-per-minute quota)

	// held: the trainee's last connection closed less than
	// Config.DisconnectGrace ago. Virtual time stands still at heldVT, but
	// nothing is written: a trainee back within the grace (a reload, a
	// network blip) finds the clock going on as if nothing happened, and
	// the log has no trace of it. When the grace runs out the pause is
	// written, at heldVT.
	held      bool
	heldVT    simulator.Millis
	heldUntil time.Time

	// An assessment's disconnect budget (Config.DisconnectBudget): assess
	// is set for an assessment whose clock pauses for an absence; budget
	// is the drill time it may stand still in all, spent what the log
	// says is used, and awaySince, while the clock stands still for the
	// trainee's absence, the real time the current charge began.
	assess    bool
	budget    simulator.Millis
	spent     simulator.Millis
	awaySince time.Time
}

// batch is n events committed at one moment.
type batch struct {
	at time.Time
	n  int
}

func newSession(r *Runner, x drillroom.Session, d *simulator.Drill) *session {
	s := &session{
		r: r, id: x.ID, info: x, d: d, sc: d.Scenario(),
		done:    make(chan struct{}),
		wakeIdx: -1,
		opening: true,
		subs:    map[*Subscription]struct{}{},
		seen:    map[uint64]struct{}{},
	}
	sc := s.sc
	mode := sc.Settings.OnDisconnect
	if mode == "" && sc.Resolved != nil {
		mode = sc.Resolved.Disconnect
	}
	s.continueOn = mode == "continue"
	s.assess = x.Mode == drillroom.ModeAssessment && !s.continueOn
	if b, ok := sc.Budget(); ok {
		s.budget = b.Millis()
	} else {
		s.budget = max(r.cfg.DisconnectBudget.Milliseconds(), 0)
	}
	return s
}

// open builds the engine: a new one for an empty log (writing its opening
// events), otherwise a replay of the log, paused if its clock was running.
func (s *session) open(ctx context.Context) error {
	if s.info.LastSeq == 0 {
		eng, evs, err := s.d.Start(simulator.Config{Seed: s.info.Seed, Mode: string(s.info.Mode), Scale: s.info.Scale})
		if err != nil {
			return err
		}
		eng.ForgetLog() // the store keeps it
		s.eng = eng
		s.fresh = true
		return s.commit(drillroom.Command{}, evs)
	}
	log, err := s.r.cfg.Store.Events(ctx, s.id, 0)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	eng, err := s.d.Replay(log)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	eng.ForgetLog()
	s.eng = eng
	s.lastSeq = int64(len(log))
	s.pausedBy = lastPauseReason(log)
	s.spent = awaySpent(log)
	s.endStored = s.info.State == drillroom.StateEnded
	// The trainee had the clock; nobody has it now. Pause so that the time
	// until the trainee is back does not count against them, unless it is
	// an assessment whose disconnect budget is spent: its clock runs on.
	s.started = true
	s.anchor()
	if !eng.Ended() && !eng.Paused() && !(s.assess && s.spent >= s.budget) {
		if err := s.system(simulator.ActPause, ReasonRestart); err != nil {
			return err
		}
	}
	if s.assess && !eng.Ended() && eng.Paused() && s.absent() {
		// Nobody is connected yet: the absence is charged from now (the
		// time no node hosted the session is not the trainee's).
		s.startCharge()
	}
	if eng.Ended() && !s.endStored {
		s.finish()
	}
	return nil
}

// awaySpent is the disconnect budget an assessment's log says is spent:
// the runner's pauses and resumes carry the running total.
func awaySpent(log []simulator.Event) simulator.Millis {
	var spent simulator.Millis
	for _, e := range log {
		switch e.Type {
		case simulator.EvPause, simulator.EvResume, simulator.EvAway, simulator.EvBack:
			spent = max(spent, e.Away)
		}
	}
	return spent
}

func lastPauseReason(log []simulator.Event) string {
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Type == simulator.EvPause {
			return log[i].Reason
		}
	}
	return ""
}

// tick is the step the runner's wakeups submit when the session's time has
// come: the idle host goes, a disconnect grace that ran out writes its
// pause, an assessment's disconnect budget that ran out starts the clock
// again, and the engine's timers that are due fire.
func (s *session) tick() {
	now := time.Now()
	if !s.idleAt.IsZero() && !now.Before(s.idleAt) {
		// A stopped clock that nobody watches needs no host; the session
		// is hosted again from its log when someone comes back.
		s.quit = true
		return
	}
	if s.held && !now.Before(s.heldUntil) {
		s.releaseHold()
	}
	if !s.awaySince.IsZero() && !now.Before(s.budgetRunsOut()) {
		s.budgetSpent()
	}
	if d, ok := s.wait(); ok && d <= 0 {
		if evs := s.eng.Advance(s.vnow()); len(evs) > 0 {
			s.commit(drillroom.Command{}, evs)
		}
	}
}

// settle runs after every step: it says whether the host must go (the
// runner is closing, the session ended and nobody watches it, or the engine
// could not be rebuilt after a failed write), and otherwise sets when the
// session wakes up next.
func (s *session) settle() (exit bool) {
	// The host's first step only arms its wake-up: a session hosted for a
	// command or a subscriber (an ended one, for its review) must live to
	// serve it.
	opening := s.opening
	s.opening = false
	if s.quit || s.fail != nil || (!opening && s.eng.Ended() && len(s.subs) == 0) {
		return true
	}
	now := time.Now()
	var at time.Time
	earliest := func(t time.Time) {
		if at.IsZero() || t.Before(at) {
			at = t
		}
	}
	if s.held {
		earliest(s.heldUntil)
	}
	if !s.awaySince.IsZero() {
		earliest(s.budgetRunsOut())
	}
	if d, ok := s.wait(); ok {
		earliest(now.Add(d))
	}
	s.idleAt = time.Time{}
	// An absence charged to an assessment's budget keeps the host: the
	// clock runs on when the budget is spent.
	if len(s.subs) == 0 && !s.running() && s.awaySince.IsZero() {
		s.idleAt = now.Add(s.r.cfg.IdleTimeout)
		earliest(s.idleAt)
	}
	s.r.wakeups.set(s.r.ctx, s, at)
	return false
}

// exit ends the host: it is forgotten by the runner, its wake-up and queued
// steps dropped, and its subscriptions end (ErrClosed, or why it failed).
// An ended session with steps still queued (a command that loaded it to
// record the review) stays to run them and reports false: dropping them
// would send their callers to load it again, for ever.
func (s *session) exit() bool {
	s.qmu.Lock()
	if !s.quit && s.fail == nil && len(s.queue) > 0 {
		s.qmu.Unlock()
		return false
	}
	s.gone = true
	s.queue = nil
	s.working = false
	s.qmu.Unlock()
	s.r.wakeups.set(s.r.ctx, s, time.Time{})
	s.r.unhost(s)
	var reason error = ErrClosed
	if s.fail != nil {
		reason = s.fail
	}
	for sub := range s.subs {
		s.drop(sub, reason)
	}
	close(s.done)
	return true
}

// running reports whether virtual time is passing.
func (s *session) running() bool {
	if !s.started || s.held || s.eng.Paused() {
		return false
	}
	if s.eng.Ended() {
		// After the call, the clock runs on for the trainee's after-call
		// work while they are at the desk, until they finish it.
		return s.eng.WrappingUp() && !s.eng.Away()
	}
	return true
}

// vnow is the session's virtual time now.
func (s *session) vnow() simulator.Millis {
	at := s.eng.Now()
	if s.held {
		return max(s.heldVT, at)
	}
	if !s.running() {
		return at
	}
	ms := float64(time.Since(s.anchorReal)) / float64(time.Millisecond) * s.eng.Scale()
	vt := s.anchorVT + simulator.Millis(math.Floor(ms+1e-6))
	return max(vt, at)
}

// wait returns the real time until the engine's next timer is due.
func (s *session) wait() (time.Duration, bool) {
	if !s.running() {
		return 0, false
	}
	due, ok := s.eng.NextDue()
	if !ok {
		return 0, false
	}
	ahead := due - s.vnow()
	if ahead <= 0 {
		return 0, true
	}
	return time.Duration(math.Ceil(float64(ahead) / s.eng.Scale() * float64(time.Millisecond))), true
}

// anchor re-bases the real-to-virtual mapping when the clock starts, stops
// or changes speed, so that virtual time continues from where it is.
func (s *session) anchor() {
	run, scale := s.running(), s.eng.Scale()
	if run == s.anchorRun && scale == s.anchorScl {
		return
	}
	s.anchorReal, s.anchorVT, s.anchorRun, s.anchorScl = time.Now(), s.eng.Now(), run, scale
}

// commit writes a batch of events (and the command that produced it) to
// the log, then publishes it. When the write fails the engine is ahead of
// the log, so it is rebuilt from the log; if even that fails the session
// host gives up (s.fail) and the next request hosts it afresh.
func (s *session) commit(cmd drillroom.Command, evs []simulator.Event) error {
	if len(evs) == 0 && cmd.ID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.WriteTimeout)
	err := s.r.cfg.Store.AppendEvents(ctx, s.id, cmd, evs)
	cancel()
	if err != nil {
		s.r.log.Error("append events", "session", s.id, "err", err)
		s.rebuild()
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.r.eventsWritten.Add(int64(len(evs)))
	if len(evs) > 0 {
		s.recent = append(s.recent, batch{at: time.Now(), n: len(evs)})
	}
	for _, e := range evs {
		switch e.Type {
		case simulator.EvPause:
			s.pausedBy = e.Reason
		case simulator.EvResume:
			// A trainer who restarts the clock ends the absence's charge.
			s.charge()
		}
	}
	if len(evs) > 0 {
		s.lastSeq = evs[len(evs)-1].Seq
	}
	s.anchor()
	if s.eng.Ended() {
		// The session's row says ended, and its scorecard scores what was
		// just committed, before anyone reads it: a trainee who opens the
		// debrief the moment their call ends, or their wrap-up is finished,
		// finds the call over and the wrap-up on the scorecard.
		s.finish()
	}
	s.publish(evs)
	return nil
}

// storeEnd records the end of the call in the session's row, once.
func (s *session) storeEnd() bool {
	if s.endStored {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.WriteTimeout)
	defer cancel()
	ending, _ := s.ending()
	if err := s.r.cfg.Store.EndSession(ctx, s.id, ending); err != nil {
		s.r.log.Error("end session", "session", s.id, "err", err)
		return false
	}
	s.endStored = true
	return true
}

// rebuild replaces the engine with a replay of the stored log after a
// failed write.
func (s *session) rebuild() {
	// A write that failed may have been committed all the same (a lost
	// connection to PostgreSQL during its commit): ask the store again.
	s.fresh = false
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.WriteTimeout)
	defer cancel()
	vt := s.vnow()
	log, err := s.r.cfg.Store.Events(ctx, s.id, 0)
	if err == nil {
		var eng *simulator.Engine
		if eng, err = s.d.Replay(log); err == nil {
			eng.ForgetLog()
			// The replayed engine's clock is at the last stored event;
			// the session's virtual time goes on from where it was.
			s.eng, s.lastSeq = eng, int64(len(log))
			s.anchorReal, s.anchorVT, s.anchorRun, s.anchorScl = time.Now(), vt, s.running(), eng.Scale()
			return
		}
	}
	s.fail = fmt.Errorf("%w: rebuild session %s: %w", ErrUnavailable, s.id, err)
	s.r.log.Error("rebuild session", "session", s.id, "err", err)
}

// system applies a pause, resume, away or back of the runner's own (not
// the trainer's) and commits it. The engine records every clock action as the trainer's;
// the runner marks its own with By "system" and the reason in Text, and
// stores the event with that reason.
func (s *session) system(kind simulator.ActionKind, reason string) error {
	evs, err := s.eng.Apply(s.vnow(), simulator.Action{Kind: kind, By: drillroom.ActorSystem, Text: reason})
	if err != nil {
		s.rebuild()
		return err
	}
	for i := range evs {
		e := &evs[i]
		switch e.Type {
		case simulator.EvPause, simulator.EvResume, simulator.EvAway, simulator.EvBack:
			if e.Action == nil || e.Action.By != drillroom.ActorSystem {
				continue
			}
			e.Reason = reason
			if s.assess && reason != ReasonWrapUp {
				e.Away, e.Budget = s.spent, s.budget
			}
		}
	}
	return s.commit(drillroom.Command{}, evs)
}

// finish records the end of the call and its scorecard. It runs after every
// batch once the call has ended, because the post-incident review comes
// after the end and is part of what is scored.
func (s *session) finish() {
	if !s.storeEnd() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.WriteTimeout)
	defer cancel()
	// The engine keeps no log: the store's is read, once at the end and
	// once more with the review.
	log, err := s.r.cfg.Store.Events(ctx, s.id, 0)
	if err != nil {
		s.r.log.Error("read log to score", "session", s.id, "err", err)
		return
	}
	card, err := scoring.Score(s.sc, log)
	if err != nil {
		s.r.log.Error("score session", "session", s.id, "err", err)
		return
	}
	body, err := json.Marshal(card)
	if err != nil {
		s.r.log.Error("encode scorecard", "session", s.id, "err", err)
		return
	}
	if err := s.r.cfg.Store.PutScorecard(ctx, s.id, card.RubricHash, body, card.RuleOutcomes()); err != nil {
		s.r.log.Error("store scorecard", "session", s.id, "err", err)
	}
}
