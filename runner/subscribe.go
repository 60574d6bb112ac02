package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Clock is a session's virtual clock at one moment.
type Clock struct {
	T       simulator.Millis `json:"t"`       // virtual time, ms since the call started
	Running bool             `json:"running"` // virtual time is passing (after the call: the trainee's wrap-up, while they are at the desk)
	Scale   float64          `json:"scale"`   // virtual ms per real ms
}

// Status describes a session at one moment.
type Status struct {
	Session drillroom.Session // as stored when it was hosted
	Title   string            // the scenario's title
	LastSeq int64
	Clock   Clock
	Ended   bool
	Ending  string // the ending id, once ended
	EndKind string // the ending's kind (resolved, hangup, timeout, closed, transferred)
}

// Status returns a session's state, hosting it if needed.
func (r *Runner) Status(ctx context.Context, sessionID string) (Status, error) {
	for {
		s, err := r.host(ctx, sessionID)
		if err != nil {
			return Status{}, err
		}
		var st Status
		err = s.call(ctx, func() { st = s.status() })
		if errors.Is(err, errGone) {
			continue
		}
		return st, err
	}
}

func (s *session) status() Status {
	st := Status{Session: s.info, Title: s.sc.Title, LastSeq: s.lastSeq, Clock: s.clock(), Ended: s.eng.Ended()}
	st.Ending, st.EndKind = s.ending()
	return st
}

// ending returns the id and kind of the call's end, if it has ended.
func (s *session) ending() (id, kind string) { return s.eng.Ending() }

func (s *session) clock() Clock {
	return Clock{T: s.vnow(), Running: s.running(), Scale: s.eng.Scale()}
}

// Resync reasons.
const (
	ResyncRequested = "requested" // the subscriber asked for a snapshot
	ResyncBehind    = "behind"    // too far behind for a replay
	ResyncAhead     = "ahead"     // the subscriber claims events the log does not have
)

// SubscribeOptions say where a subscriber is and who it is.
type SubscribeOptions struct {
	// AfterSeq is the last seq the subscriber has; it gets everything after.
	AfterSeq int64
	// Resync asks for a snapshot instead of the missed events.
	Resync bool
	// Trainee marks the trainee's own connection. While the session has no
	// trainee subscription its clock is paused (unless the scenario says
	// on_disconnect: continue); the first one starts or resumes it.
	Trainee bool
	// Notify, when set, is called after events are queued on the
	// subscription's channel and after the subscription is dropped, so
	// that a subscriber needs no goroutine parked on the channel. It runs
	// on the session's worker: it must return at once and must not call
	// the runner.
	Notify func()
	// Snapshot builds the snapshot sent on a resync, on the session's
	// worker, from the engine and the session's log up to the engine's
	// seq (read from the store: the engine does not keep it,
	// docs/performance.md). It must keep neither. Nil: no snapshot can be
	// given, and a resync is answered with the missed events.
	Snapshot func(e *simulator.Engine, log []simulator.Event) any
}

// Subscription is one subscriber's view of a session: first Backlog (or
// Snapshot), then the live events on Events. It is dropped, with Events
// closed and Err set, when the subscriber falls behind (ErrSlow), when the
// runner closes (ErrClosed) or the session host fails (ErrUnavailable).
type Subscription struct {
	// LastSeq is the session's newest seq when the subscription began.
	// Backlog holds the events after SubscribeOptions.AfterSeq up to LastSeq;
	// Events delivers every event after LastSeq.
	LastSeq int64
	Backlog []simulator.Event
	// Snapshot, when ResyncReason is set, replaces the backlog: the state
	// as of LastSeq.
	Snapshot     any
	ResyncReason string
	AfterSeq     int64 // as asked for
	Clock        Clock // at subscription time
	// Ended says whether the call had ended when the subscription began,
	// and how.
	Ended           bool
	Ending, EndKind string

	s       *session
	trainee bool
	notify  func()
	ch      chan *simulator.Event
	err     error // written before ch is closed
	once    sync.Once
}

// Events delivers the live events, in seq order, without gaps, until the
// subscription is dropped or closed. The events are shared by every
// subscriber of the session: read them, never modify them.
func (sub *Subscription) Events() <-chan *simulator.Event { return sub.ch }

// Err says why Events was closed; nil after Close.
func (sub *Subscription) Err() error { return sub.err }

// Close ends the subscription. For a trainee subscription this may pause
// the session's clock (the disconnect policy).
func (sub *Subscription) Close() {
	sub.once.Do(func() {
		s := sub.s
		// errGone: the host is gone and with it the subscription.
		_ = s.call(context.Background(), func() {
			if _, ok := s.subs[sub]; ok {
				delete(s.subs, sub)
				close(sub.ch)
			}
			if sub.trainee {
				s.trainees--
				if s.trainees == 0 {
					s.traineeGone()
				}
			}
		})
	})
}

// Subscribe starts a subscription to a session, hosting it if needed.
func (r *Runner) Subscribe(ctx context.Context, sessionID string, opts SubscribeOptions) (*Subscription, error) {
	for {
		s, err := r.host(ctx, sessionID)
		if err != nil {
			return nil, err
		}
		sub := &Subscription{s: s, trainee: opts.Trainee, notify: opts.Notify, ch: make(chan *simulator.Event, r.cfg.Buffer)}
		var serr error
		err = s.call(ctx, func() { serr = s.subscribe(ctx, sub, opts) })
		if errors.Is(err, errGone) {
			continue
		}
		if err == nil {
			err = serr
		}
		if err != nil {
			return nil, err
		}
		if sub.ResyncReason != "" || opts.AfterSeq >= sub.LastSeq {
			return sub, nil
		}
		// The backlog is read outside the session's worker: the session
		// keeps running, and what it publishes meanwhile queues on ch.
		log, err := r.cfg.Store.Events(ctx, sessionID, opts.AfterSeq)
		if err != nil {
			sub.Close()
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		for _, e := range log {
			if e.Seq > sub.LastSeq {
				break
			}
			sub.Backlog = append(sub.Backlog, e)
		}
		return sub, nil
	}
}

// subscribe runs on the session's worker. A resync's snapshot reads the
// log on the worker, so that it is the log of the engine's state: resyncs
// are rare (asked for, or a subscriber thousands of events behind).
func (s *session) subscribe(ctx context.Context, sub *Subscription, opts SubscribeOptions) error {
	sub.LastSeq, sub.AfterSeq = s.lastSeq, opts.AfterSeq
	sub.Ended = s.eng.Ended()
	sub.Ending, sub.EndKind = s.ending()
	if opts.Snapshot != nil {
		switch {
		case opts.Resync:
			sub.ResyncReason = ResyncRequested
		case opts.AfterSeq > s.lastSeq:
			sub.ResyncReason = ResyncAhead
		case s.lastSeq-opts.AfterSeq > int64(s.r.cfg.ResyncAfter):
			sub.ResyncReason = ResyncBehind
		}
		if sub.ResyncReason != "" {
			log, err := s.r.cfg.Store.Events(ctx, s.id, 0)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrUnavailable, err)
			}
			sub.Snapshot = opts.Snapshot(s.eng, log[:min(len(log), int(s.lastSeq))])
		}
	}
	s.subs[sub] = struct{}{}
	sub.Clock = s.clock()
	if sub.trainee {
		s.trainees++
		if s.trainees == 1 {
			s.traineeBack()
		}
	}
	return nil
}

// publish hands a batch of committed events to every subscriber. A
// subscriber without room for the whole batch is dropped: the session
// never waits for a subscriber. The batch is shared by the subscribers,
// whose channels hold pointers: a channel of 64 events by value would
// hold 18 KB per subscriber, mostly empty fields. It is the step's own
// slice (the engine keeps no log, so nothing else holds it): it is never
// written again.
func (s *session) publish(batch []simulator.Event) {
	if len(s.subs) == 0 || len(batch) == 0 {
		return
	}
	for sub := range s.subs {
		if cap(sub.ch)-len(sub.ch) < len(batch) {
			s.drop(sub, ErrSlow)
			continue
		}
		for i := range batch {
			sub.ch <- &batch[i]
		}
		if sub.notify != nil {
			sub.notify()
		}
	}
}

// drop ends a subscription from the session's side.
func (s *session) drop(sub *Subscription, err error) {
	delete(s.subs, sub)
	sub.err = err
	close(sub.ch)
	if sub.notify != nil {
		sub.notify()
	}
}

// traineeBack starts the clock on the first trainee connection, or resumes
// it when the runner paused it for the trainee's absence.
func (s *session) traineeBack() {
	switch {
	case s.eng.Away() && (!s.eng.Ended() || s.eng.WrappingUp()):
		// Back to a call whose clock ran on without them, or to the
		// after-call work they left: on the log, as the pauses are.
		reason := ReasonReconnect
		if s.eng.Ended() {
			reason = ReasonWrapUp
		}
		if err := s.system(simulator.ActBack, reason); err != nil {
			s.r.log.Error("trainee back", "session", s.id, "err", err)
		}
	case s.held:
		// Back within the grace: the clock goes on from where it stood,
		// and nothing is written.
		vt := s.vnow()
		s.held = false
		s.anchorReal, s.anchorVT, s.anchorRun, s.anchorScl = time.Now(), vt, s.running(), s.eng.Scale()
	case s.eng.Ended():
	case !s.started:
		s.started = true
		s.anchor()
	case s.eng.Paused() && (s.pausedBy == ReasonDisconnect || s.pausedBy == ReasonRestart):
		s.charge()
		if err := s.system(simulator.ActResumeClock, ReasonReconnect); err != nil {
			s.r.log.Error("resume clock", "session", s.id, "err", err)
		}
	}
}

// traineeGone pauses the clock when the trainee's last connection closed,
// unless the scenario says the clock continues.
func (s *session) traineeGone() {
	if s.eng.Ended() {
		if s.running() {
			// Left the desk during wrap-up: its clock stops until they
			// are back (running reads Away).
			if err := s.system(simulator.ActAway, ReasonWrapUp); err != nil {
				s.r.log.Error("trainee left wrap-up", "session", s.id, "err", err)
			}
		}
		return
	}
	if s.continueOn || !s.running() {
		return
	}
	if s.assess {
		s.assessmentGone()
		return
	}
	if g := s.r.cfg.DisconnectGrace; g > 0 {
		s.heldVT = s.vnow()
		s.held, s.heldUntil = true, time.Now().Add(g)
		s.anchor()
		return
	}
	if err := s.system(simulator.ActPause, ReasonDisconnect); err != nil {
		s.r.log.Error("pause clock", "session", s.id, "err", err)
	}
}

// releaseHold writes the pause for a trainee who did not come back within
// the grace, at the virtual time they left.
func (s *session) releaseHold() {
	if !s.held {
		return
	}
	if !s.eng.Ended() && !s.eng.Paused() {
		if err := s.system(simulator.ActPause, ReasonDisconnect); err != nil {
			s.r.log.Error("pause clock", "session", s.id, "err", err)
		}
	}
	s.held = false
	s.anchor()
}
