// Package runner hosts live sessions on real time. For each session it
// maps real time to the session's virtual time (pausing stops it, the
// scale speeds it up), fires the engine's timers when they are due (one
// heap of wake-ups for all sessions), applies commands at most once, one
// step at a time, writes every batch of events to the durable log and only
// then acknowledges and fans the events out to the session's subscribers.
//
// The engine (package simulator) is a pure step function; the runner is
// where time, persistence and concurrency meet it.
package runner

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Log is the durable, append-only event log of sessions. *store.Store
// satisfies it.
type Log interface {
	// AppendEvents commits events (contiguous seqs following the stored
	// ones) together with the command that produced them, durably, before
	// it returns. A command id already stored is an error wrapping
	// drillroom.ErrDuplicateCommand.
	AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error
	// CommandResult returns the result stored with a command id, or an
	// error wrapping drillroom.ErrNotFound.
	CommandResult(ctx context.Context, sessionID, cmdID string) ([]byte, error)
	// Events returns the events with seq > afterSeq, in order.
	Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error)
}

// Store is the Log plus what the runner reads and writes about sessions.
// *store.Store satisfies it.
type Store interface {
	Log
	Session(ctx context.Context, id string) (drillroom.Session, error)
	LiveSessions(ctx context.Context) ([]drillroom.Session, error)
	EndSession(ctx context.Context, id string, ending string) error
	ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error)
	// PutScorecard stores a scoring with each rule's outcome (from
	// scoring.Scorecard.RuleOutcomes) in one transaction.
	PutScorecard(ctx context.Context, sessionID string, rubricHash string, scorecardJSON []byte, outcomes []drillroom.RuleOutcome) error
}

// Errors returned by the runner besides drillroom.ErrNotFound for an unknown
// session. Test for them with errors.Is; ErrClosed and ErrUnavailable are
// drillroom.ErrUnavailable too.
var (
	// ErrClosed: the runner is shutting down.
	ErrClosed = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "runner closed"}
	// ErrSlow: the subscriber fell behind and was dropped; resume from the
	// last seq it received.
	ErrSlow = errors.New("subscriber fell behind")
	// ErrUnavailable: the event log could not be written or read; nothing
	// was applied. Retry later with the same command id.
	ErrUnavailable = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "event log unavailable"}
)

// The default quotas of one session (Config.MaxEvents, MaxEventsPerMinute).
const (
	DefaultDisconnectGrace    = 30 * time.Second
	DefaultDisconnectBudget   = 2 * time.Minute
	DefaultMaxEvents          = 10000
	DefaultMaxEventsPerMinute = 600
)

// Config configures a Runner. Only Store is required.
type Config struct {
	Store  Store
	Logger *slog.Logger

	// Buffer is each subscriber's channel capacity in events (default 64,
	// 512 bytes of pointers to events the subscribers share). A subscriber without room for a whole batch when it is
	// published is dropped with ErrSlow. A connected client drains its
	// channel within microseconds, so only a client the network cannot
	// reach fills it; it then resumes from its last seq.
	Buffer int

	// ResyncAfter: a subscriber more than this many events behind gets a
	// snapshot instead of the missed events (default 2000).
	ResyncAfter int

	// WriteTimeout bounds one append to the log (default 10s).
	WriteTimeout time.Duration

	// IdleTimeout: a session whose clock is stopped and that nobody has
	// watched for this long is unhosted (default 10 minutes); the next
	// Subscribe, Do or Status hosts it again from its log.
	IdleTimeout time.Duration

	// DisconnectGrace: when the trainee's last connection closes, the
	// clock stands still at once but the pause is written only if they
	// are not back within this (default 30 s; negative: written at once).
	// A page reload or a network blip writes nothing.
	DisconnectGrace time.Duration
	// DisconnectBudget: in an assessment, how much drill time in total the
	// clock may stand still for the trainee's absence, unless the drill or
	// its policy sets disconnect_budget (default 2 minutes; negative:
	// none, the clock never stops for an absence). An assessment's
	// absences are written at once (no DisconnectGrace), each pause and
	// resume carrying the budget spent; once it is spent the clock runs on
	// (a resume with reason budget_spent). The budget is read back from
	// the log after a restart or a takeover.
	DisconnectBudget time.Duration
	// MaxEvents bounds a session's event log (default 10,000; a 15-minute
	// drill writes a few hundred). Beyond it commands other than the review
	// are refused with CodeQuota; the script's own events still run.
	MaxEvents int
	// MaxEventsPerMinute bounds the events a session writes in any minute
	// (default 600); commands beyond it are refused with CodeRateLimited.
	MaxEventsPerMinute int

	// Leases, when set, makes this runner one node of several on one
	// database: it hosts a session only while it holds the session's lease
	// (see Leases), renewing them every LeaseRenew (default 1s) and then
	// hosting the sessions placed on it and taking over those of dead
	// nodes; a new session is placed on the least-loaded node first. Start
	// hosts nothing else ahead of time.
	Leases     Leases
	LeaseRenew time.Duration

	// Scenario loads a scenario version. The default reads the version's
	// YAML from Store and loads it with package scenarios; loaded versions
	// are cached.
	Scenario func(ctx context.Context, id string, version int) (*scenarios.Scenario, error)
}

// Runner hosts live sessions. Create it with New, call Start once, and
// Close on shutdown.
type Runner struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	sessions map[string]*session
	loading  map[string]chan struct{} // sessions being hosted right now

	wakeups *wakeups // when each hosted session must wake up next

	loaded versionCache[*scenarios.Scenario] // by loadScenario
	drills versionCache[*simulator.Drill]    // prepared for the engine

	eventsWritten atomic.Int64
	idSeed        maphash.Seed // hashes the command ids the sessions remember (session.seen)
}

// New returns a runner. It hosts nothing until Start or the first
// Subscribe or Do on a session.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	if cfg.ResyncAfter <= 0 {
		cfg.ResyncAfter = 2000
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	if cfg.DisconnectGrace == 0 {
		cfg.DisconnectGrace = DefaultDisconnectGrace
	}
	if cfg.DisconnectBudget == 0 {
		cfg.DisconnectBudget = DefaultDisconnectBudget
	}
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = DefaultMaxEvents
	}
	if cfg.MaxEventsPerMinute <= 0 {
		cfg.MaxEventsPerMinute = DefaultMaxEventsPerMinute
	}
	if cfg.LeaseRenew <= 0 {
		cfg.LeaseRenew = time.Second
	}
	r := &Runner{
		cfg:      cfg,
		log:      cfg.Logger,
		idSeed:   maphash.MakeSeed(),
		sessions: map[string]*session{},
		loading:  map[string]chan struct{}{},
		wakeups:  newWakeups(),
	}
	if r.cfg.Scenario == nil {
		r.cfg.Scenario = r.loadScenario
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// Start hosts every session the store lists as live: each is rebuilt from
// its log and left paused (a pause event with reason restart is written if
// its clock was running) until its trainee connects again. A session that
// cannot be rebuilt is logged and skipped; Start fails only when the store
// cannot list the sessions. With Config.Leases, Start hosts nothing and
// starts renewing the leases instead.
func (r *Runner) Start(ctx context.Context) error {
	if r.cfg.Leases != nil {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.renewLeases(r.ctx, r.cfg.LeaseRenew)
		}()
		r.log.Info("runner started", "leases", true)
		return nil
	}
	live, err := r.cfg.Store.LiveSessions(ctx)
	if err != nil {
		return fmt.Errorf("runner start: %w", err)
	}
	restored := 0
	for _, x := range live {
		if _, err := r.host(ctx, x.ID); err != nil {
			r.log.Error("restore session", "session", x.ID, "err", err)
			continue
		}
		restored++
	}
	r.log.Info("runner started", "restored", restored)
	return nil
}

// Close ends every session host and waits for their last steps (or for ctx).
// Subscriptions end with ErrClosed. Events already written stay written;
// a restarted runner continues from the log.
func (r *Runner) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	hosted := make([]*session, 0, len(r.sessions))
	for _, s := range r.sessions {
		hosted = append(hosted, s)
	}
	r.mu.Unlock()
	r.cancel()
	for _, s := range hosted {
		s.submit(func() { s.quit = true })
	}
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		for _, s := range hosted {
			<-s.done
		}
		if r.wakeups.started.Load() {
			<-r.wakeups.done
		}
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("runner close: %w", ctx.Err())
	}
}

// Live is the number of sessions hosted now.
func (r *Runner) Live() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// Scenario loads a published scenario version with Config.Scenario (by
// default from the exact YAML stored with it, cached), so that pages show
// the scenario the runner plays.
func (r *Runner) Scenario(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
	return r.cfg.Scenario(ctx, id, version)
}

// EventsWritten is the number of events the runner has committed to the log
// since it was created.
func (r *Runner) EventsWritten() int64 { return r.eventsWritten.Load() }

// host returns the session's host, creating it (and rebuilding the engine
// from the log) when it is not hosted yet. Concurrent callers for the same
// session wait for one another.
func (r *Runner) host(ctx context.Context, id string) (*session, error) {
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return nil, ErrClosed
		}
		if s, ok := r.sessions[id]; ok {
			r.mu.Unlock()
			return s, nil
		}
		wait, busy := r.loading[id]
		if !busy {
			r.loading[id] = make(chan struct{})
			r.mu.Unlock()
			break
		}
		r.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s, err := r.load(ctx, id)
	r.mu.Lock()
	done := r.loading[id]
	delete(r.loading, id)
	if err == nil {
		if r.closed {
			err = ErrClosed
		} else {
			r.sessions[id] = s
			// A first step (that does nothing) sets when the session
			// wakes up next.
			s.submit(func() {})
		}
	}
	r.mu.Unlock()
	close(done)
	return s, err
}

// unhost forgets s; called by s's worker as it exits. With leases, the
// session's lease is given up, so another node may take it at once.
func (r *Runner) unhost(s *session) {
	r.mu.Lock()
	if r.sessions[s.id] == s {
		delete(r.sessions, s.id)
	}
	r.mu.Unlock()
	if r.cfg.Leases != nil {
		r.release(s.id)
	}
}

// load builds a session host from the store: a new engine for a session
// with an empty log (its opening events are written at once), or a replay
// of the log.
func (r *Runner) load(ctx context.Context, id string) (sess *session, err error) {
	if r.cfg.Leases != nil {
		// A new session goes to the least-loaded node, which may be another.
		other, err := r.cfg.Leases.Place(ctx, id)
		if errors.Is(err, drillroom.ErrNotFound) {
			return nil, fmt.Errorf("host session %s: %w", id, drillroom.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("host session %s: %w: %w", id, ErrUnavailable, err)
		}
		if other != "" {
			return nil, fmt.Errorf("host session %s: %w: placed on node %s", id, ErrElsewhere, other)
		}
		if err := r.cfg.Leases.Acquire(ctx, id); err != nil {
			if errors.Is(err, drillroom.ErrNotFound) {
				return nil, fmt.Errorf("host session %s: %w", id, drillroom.ErrNotFound)
			}
			if errors.Is(err, drillroom.ErrConflict) {
				return nil, fmt.Errorf("host session %s: %w: %w", id, ErrElsewhere, err)
			}
			return nil, fmt.Errorf("host session %s: %w: %w", id, ErrUnavailable, err)
		}
		defer func() {
			if err != nil {
				r.release(id)
			}
		}()
	}
	x, err := r.cfg.Store.Session(ctx, id)
	if errors.Is(err, drillroom.ErrNotFound) {
		return nil, fmt.Errorf("host session %s: %w", id, drillroom.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("host session %s: %w: %w", id, ErrUnavailable, err)
	}
	d, err := r.drill(ctx, x.ScenarioID, x.Version)
	if err != nil {
		return nil, fmt.Errorf("host session %s: %w", id, err)
	}
	s := newSession(r, x, d)
	if err := s.open(ctx); err != nil {
		return nil, fmt.Errorf("host session %s: %w", id, err)
	}
	return s, nil
}
