package training

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/drillroom/drillroom"
)

// facts is a server's copy of the cohort analytics rows: every scored
// session's headline, as the store's ScoredSessions reads it. A dashboard
// of 10,000 sessions read them from the database on every view, which
// cost about 60% of the view (docs/performance.md); the copy is brought
// up to date before each view by reading only the rows whose revision is
// above the highest it holds, which costs one lookup in an index when
// nothing changed. The revisions come from the database, so on several
// servers sharing one PostgreSQL each copy sees every write, whoever made
// it. The rows are never changed in place once handed out: a change makes
// a new slice, so a view reads a consistent snapshot without holding the
// lock.
type facts struct {
	mu     sync.Mutex
	loaded bool
	rev    int64                      // the highest revision held
	rows   []*drillroom.ScoredSession // by start, then session id
	index  map[string]int             // session id -> position in rows
}

// current brings the copy up to date and returns its rows, oldest first,
// which the caller must not change, and the revision they are at.
func (m *facts) current(ctx context.Context, st AnalyticsStore) ([]*drillroom.ScoredSession, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	since := m.rev
	if !m.loaded {
		since = -1 // rows written before revisions existed are at 0
	}
	var changed []*drillroom.ScoredSession
	top := since
	err := st.ScoredSessionsSince(ctx, since, func(x drillroom.ScoredSession) error {
		changed = append(changed, &x)
		top = max(top, x.Rev)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	m.loaded = true
	if len(changed) == 0 {
		return m.rows, m.rev, nil
	}
	m.rev = top
	m.rows, m.index = mergeFacts(m.rows, m.index, changed)
	return m.rows, m.rev, nil
}

// mergeFacts returns rows with changed applied: a session already held is
// replaced where it stands, a new one inserted in order. rows itself is
// left as it was (a view may be reading it); the rows are pointers, so
// the copy is a small part of the rows' size.
func mergeFacts(rows []*drillroom.ScoredSession, index map[string]int, changed []*drillroom.ScoredSession) ([]*drillroom.ScoredSession, map[string]int) {
	out := make([]*drillroom.ScoredSession, len(rows), len(rows)+len(changed))
	copy(out, rows)
	if index == nil {
		index = make(map[string]int, len(changed))
	}
	added := len(out)
	for _, x := range changed {
		if i, ok := index[x.SessionID]; ok {
			out[i] = x
			continue
		}
		index[x.SessionID] = len(out)
		out = append(out, x)
	}
	// New sessions usually started after every one held; when not, the
	// whole copy is put back in order and renumbered.
	if len(out) > added && !slices.IsSortedFunc(out, compareFacts) {
		slices.SortFunc(out, compareFacts)
		clear(index)
		for i, x := range out {
			index[x.SessionID] = i
		}
	}
	return out, index
}

// compareFacts orders sessions as the store does: by start (to the
// millisecond it keeps), then by id, byte by byte.
func compareFacts(a, b *drillroom.ScoredSession) int {
	if c := cmp.Compare(a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli()); c != 0 {
		return c
	}
	return strings.Compare(a.SessionID, b.SessionID)
}

// selectFacts returns the rows f selects, in order (the rows themselves,
// which nobody changes): those of the trainees
// in scope (every trainee when f.Cohorts is nil: trainees holds them all)
// and of the drill, version, mode and period asked for, as the store's
// ScoredSessions selects them.
func selectFacts(rows []*drillroom.ScoredSession, f drillroom.AnalyticsFilter, trainees map[int64]bool) []*drillroom.ScoredSession {
	out := make([]*drillroom.ScoredSession, 0, len(rows))
	since, until := f.Since.UnixMilli(), f.Until.UnixMilli()
	for _, x := range rows {
		switch {
		case !trainees[x.UserID],
			f.UserID != 0 && x.UserID != f.UserID,
			f.ScenarioID != "" && x.ScenarioID != f.ScenarioID,
			f.Version != 0 && x.Version != f.Version,
			f.Mode != "" && x.Mode != f.Mode,
			!f.Since.IsZero() && x.CreatedAt.UnixMilli() < since,
			!f.Until.IsZero() && x.CreatedAt.UnixMilli() >= until:
			continue
		}
		out = append(out, x)
	}
	return out
}

// scope is what a view's sessions were selected from, when they came from
// the service's copy of the facts: the highest revision among the
// sessions selected and the trainees in scope, by id. A dashboard computed
// from them is the same for the same scope, filter and names, so it may be
// kept (dashboards): a session changes only with a new, higher revision,
// and none ever leaves a selection (a session's trainee, drill, version,
// mode and start never change; the trainees in scope are part of the key).
type scope struct {
	copied   bool
	rev      int64
	n        int     // sessions selected
	trainees []int64 // sorted
}

// scoredSessions returns the scored sessions f selects, oldest first: from
// the service's copy of the facts when there is a service, else from the
// store. trainees are every trainee by id (Names), for a filter of every
// cohort.
func (a *Analytics) scoredSessions(ctx context.Context, f drillroom.AnalyticsFilter, trainees map[int64]string) ([]*drillroom.ScoredSession, scope, error) {
	if err := f.Check(); err != nil {
		return nil, scope{}, err
	}
	if a.svc == nil || a.direct {
		all := make([]*drillroom.ScoredSession, 0, 4096)
		err := a.store.ScoredSessions(ctx, f, func(x drillroom.ScoredSession) error {
			all = append(all, &x)
			return nil
		})
		return all, scope{}, err
	}
	rows, _, err := a.svc.facts.current(ctx, a.store)
	if err != nil {
		return nil, scope{}, err
	}
	in, err := a.inScope(ctx, f, trainees)
	if err != nil {
		return nil, scope{}, err
	}
	all := selectFacts(rows, f, in)
	sc := scope{copied: true, n: len(all), trainees: slices.Sorted(maps.Keys(in))}
	for _, x := range all {
		sc.rev = max(sc.rev, x.Rev)
	}
	return all, sc, nil
}

// inScope returns the trainees whose sessions f may select: those of its
// cohorts, or every trainee (trainees) when f.Cohorts is nil.
func (a *Analytics) inScope(ctx context.Context, f drillroom.AnalyticsFilter, trainees map[int64]string) (map[int64]bool, error) {
	in := make(map[int64]bool, len(trainees))
	if f.Cohorts == nil {
		for id := range trainees {
			in[id] = true
		}
	}
	for _, c := range f.Cohorts {
		us, err := a.store.CohortMembers(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("analytics: %w", err)
		}
		for _, u := range us {
			if u.Role == drillroom.RoleTrainee {
				in[u.ID] = true
			}
		}
	}
	return in, nil
}

// dashboardKey names a dashboard computed over the sessions of sc that f
// selects, with the trainees' names: the same key, the same dashboard.
func dashboardKey(f drillroom.AnalyticsFilter, sc scope, names map[int64]string) string {
	h := fnv.New128a()
	for _, id := range sc.trainees {
		fmt.Fprintf(h, "%d=%q;", id, names[id])
	}
	return fmt.Sprintf("rev=%d n=%d user=%d drill=%q version=%d mode=%q since=%d/%t until=%d/%t trainees=%x",
		sc.rev, sc.n, f.UserID, f.ScenarioID, f.Version, f.Mode, f.Since.UnixMilli(), f.Since.IsZero(), f.Until.UnixMilli(), f.Until.IsZero(), h.Sum(nil))
}

// dashboards keeps the dashboards computed most recently, by key
// (dashboardKey): a view asked again before anything it reads changed is
// answered from here. A write of a session it selects gives that session
// a higher revision than any before, a change of a cohort or of a
// trainee's name or role changes the trainees' part of the key: either
// makes a new key, so a kept dashboard is never stale. (The feedback
// counts and the policies' standards read the same sessions; the drills'
// rubrics are those of published versions, which never change.)
type dashboards struct {
	mu      sync.Mutex
	entries []dashboardEntry // the most recent last
}

type dashboardEntry struct {
	key string
	d   *Dashboard
}

// keptDashboards is how many dashboards a service keeps (one of 10,000
// sessions is about a megabyte).
const keptDashboards = 16

func (c *dashboards) get(key string) *Dashboard {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.d
		}
	}
	return nil
}

func (c *dashboards) put(key string, d *Dashboard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e dashboardEntry) bool { return e.key == key })
	if len(c.entries) >= keptDashboards {
		c.entries = slices.Delete(c.entries, 0, len(c.entries)-keptDashboards+1)
	}
	c.entries = append(c.entries, dashboardEntry{key, d})
}
