package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// memStore is an in-memory Store for tests that run inside a synctest
// bubble (the SQLite store is exercised by the web and restart tests). It
// enforces what the real one does: contiguous seqs, a command id once.
type memStore struct {
	mu         sync.Mutex
	sessions   map[string]drillroom.Session
	events     map[string][]simulator.Event
	commands   map[string]map[string][]byte
	scorecards map[string][]byte
	outcomes   map[string][]drillroom.RuleOutcome
	failAppend bool // when set, AppendEvents fails and writes nothing
	appends    int
	// discard keeps only each session's last seq, as a store that keeps
	// its log on disk holds nothing of it in memory (the benchmarks).
	discard bool
	// onEnd, when set, runs as EndSession is called (outside the lock).
	onEnd func()
	// onScorecard, when set, runs as PutScorecard is called (outside the lock).
	onScorecard func()
}

func newMemStore() *memStore {
	return &memStore{
		sessions:   map[string]drillroom.Session{},
		events:     map[string][]simulator.Event{},
		commands:   map[string]map[string][]byte{},
		scorecards: map[string][]byte{},
		outcomes:   map[string][]drillroom.RuleOutcome{},
	}
}

func (m *memStore) add(x drillroom.Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	x.State = drillroom.StateLive
	m.sessions[x.ID] = x
}

func (m *memStore) AppendEvents(ctx context.Context, id string, cmd drillroom.Command, evs []simulator.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAppend {
		return fmt.Errorf("disk on fire")
	}
	x, ok := m.sessions[id]
	if !ok {
		return drillroom.ErrNotFound
	}
	for i, e := range evs {
		if e.Seq != x.LastSeq+int64(i)+1 {
			return fmt.Errorf("%w: seq %d after %d", drillroom.ErrConflict, e.Seq, x.LastSeq)
		}
	}
	if m.discard {
		if len(evs) > 0 {
			x.LastSeq = evs[len(evs)-1].Seq
		}
		m.sessions[id] = x
		return nil
	}
	if cmd.ID != "" {
		if m.commands[id] == nil {
			m.commands[id] = map[string][]byte{}
		}
		if _, dup := m.commands[id][cmd.ID]; dup {
			return drillroom.ErrDuplicateCommand
		}
		m.commands[id][cmd.ID] = append([]byte(nil), cmd.Result...)
	}
	// Store copies, as the database does.
	for _, e := range evs {
		b, _ := json.Marshal(e)
		var c simulator.Event
		json.Unmarshal(b, &c)
		m.events[id] = append(m.events[id], c)
	}
	if len(evs) > 0 {
		x.LastSeq = evs[len(evs)-1].Seq
	}
	m.sessions[id] = x
	m.appends++
	return nil
}

func (m *memStore) CommandResult(ctx context.Context, id, cmd string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.commands[id][cmd]
	if !ok {
		return nil, drillroom.ErrNotFound
	}
	return b, nil
}

func (m *memStore) Events(ctx context.Context, id string, after int64) ([]simulator.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []simulator.Event
	for _, e := range m.events[id] {
		if e.Seq > after {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) Session(ctx context.Context, id string) (drillroom.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	x, ok := m.sessions[id]
	if !ok {
		return drillroom.Session{}, drillroom.ErrNotFound
	}
	return x, nil
}

func (m *memStore) LiveSessions(ctx context.Context) ([]drillroom.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []drillroom.Session
	for _, x := range m.sessions {
		if x.State == drillroom.StateLive {
			out = append(out, x)
		}
	}
	return out, nil
}

func (m *memStore) EndSession(ctx context.Context, id, ending string) error {
	if m.onEnd != nil {
		m.onEnd()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	x := m.sessions[id]
	x.State, x.Ending = drillroom.StateEnded, ending
	m.sessions[id] = x
	return nil
}

func (m *memStore) ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error) {
	return drillroom.ScenarioVersion{}, drillroom.ErrNotFound
}

func (m *memStore) PutScorecard(ctx context.Context, id, rubricHash string, body []byte, outcomes []drillroom.RuleOutcome) error {
	if m.onScorecard != nil {
		m.onScorecard()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.scorecards[id] = body
	m.outcomes[id] = outcomes
	return nil
}

func (m *memStore) log(id string) []simulator.Event {
	evs, _ := m.Events(context.Background(), id, 0)
	return evs
}

func (m *memStore) scorecard(t *testing.T, id string) *scoring.Scorecard {
	t.Helper()
	m.mu.Lock()
	b := m.scorecards[id]
	m.mu.Unlock()
	if b == nil {
		return nil
	}
	var c scoring.Scorecard
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// newTestRunner returns a runner over st that plays the example drill. It
// is closed when the test ends (inside the bubble of a synctest test);
// Close may be called before that too.
func newTestRunner(t testing.TB, st Store, buffer int) *Runner {
	sc := scenariotest.GasExample(t)
	r := New(Config{
		Store:  st,
		Buffer: buffer,
		Scenario: func(ctx context.Context, id string, version int) (*scenarios.Scenario, error) {
			return sc, nil
		},
	})
	t.Cleanup(func() { r.Close(context.Background()) })
	return r
}

// newRunnerWithSession returns a memory store holding one live session,
// s1, of the example drill with seed and clock scale, and a test runner
// over it with a subscriber buffer of buffer events.
func newRunnerWithSession(t testing.TB, seed int64, scale float64, buffer int) (*memStore, *Runner) {
	st := newMemStore()
	st.add(newSessionRecord("s1", seed, scale))
	return st, newTestRunner(t, st, buffer)
}

func newSessionRecord(id string, seed int64, scale float64) drillroom.Session {
	return drillroom.Session{ID: id, UserID: 1, ScenarioID: "gas-smell-basic", Version: 1, Seed: seed, Mode: "practice", Scale: scale}
}
