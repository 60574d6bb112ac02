package scoring

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
)

// gap is the time between two consecutive updates inside an interval (or
// between the interval's start or end and the nearest update).
type gap struct {
	From, To ref // To.Seq is 0 when the interval's end closed the gap without an event
}

func (g gap) ms() int64 { return g.To.T - g.From.T }

func (g gap) ev(note string) Evidence {
	r := g.To
	if r.Seq == 0 {
		r = g.From
	}
	return r.ev(note)
}

// gapError is what a cadence function panics with for an interval kind it
// does not know; the expression runner turns it into a rule error.
type gapError struct{ kind string }

func (e gapError) Error() string {
	return fmt.Sprintf("unknown interval kind %q: want call, hold, waiting or waiting:ID (a service or team)", e.kind)
}

// spans returns the intervals of a kind, in time order.
func (f *facts) spans(kind string) []span {
	switch {
	case kind == "call":
		return []span{{From: ref{Seq: f.start.Seq, T: f.start.T}, To: f.end}}
	case kind == "hold":
		return f.holds
	case kind == "waiting":
		var all []span
		for _, id := range slices.Sorted(maps.Keys(f.dispatches)) {
			all = append(all, f.waiting(id))
		}
		sort.Slice(all, func(i, j int) bool { return all[i].From.T < all[j].From.T })
		var merged []span
		for _, s := range all {
			if n := len(merged); n > 0 && s.From.T <= merged[n-1].To.T {
				if s.To.T > merged[n-1].To.T {
					merged[n-1].To = s.To
				}
				continue
			}
			merged = append(merged, s)
		}
		return merged
	case strings.HasPrefix(kind, "waiting:"):
		id := strings.TrimPrefix(kind, "waiting:")
		if _, ok := f.sc.Cast.Teams[id]; ok {
			if len(f.escalations[id]) == 0 {
				return nil
			}
			return []span{f.waitingTeam(id)}
		}
		if _, ok := f.sc.Cast.Services[id]; !ok {
			panic(fmt.Errorf("waiting:%s: no service or team %q in the cast", id, id))
		}
		if len(f.dispatches[id]) == 0 {
			return nil
		}
		return []span{f.waiting(id)}
	}
	panic(gapError{kind})
}

// waiting is the interval from the first dispatch of service id to its
// arrival, or to the end of the call if it never arrived.
func (f *facts) waiting(id string) span {
	return f.waitUntil(f.dispatches[id][0].ref, f.arrivals, id)
}

// waitingTeam is the interval from the first escalation to team id to
// its resolving the incident, or to the end of the call: while a team
// works on it, the customer waits on the team as on a service.
func (f *facts) waitingTeam(id string) span {
	return f.waitUntil(f.escalations[id][0].ref, f.resolves, id)
}

// waitUntil is the interval from from to id's event in ends (its arrival or
// its resolving) when that came at or after from, else to the end of the
// call (or no time at all, when the call ended before from).
func (f *facts) waitUntil(from ref, ends map[string]ref, id string) span {
	s := span{From: from, To: ref{T: f.end.T}}
	if e, ok := ends[id]; ok && e.T >= s.From.T {
		s.To = e
	} else if f.end.T < s.From.T {
		s.To = s.From
	}
	return s
}

// gaps yields every gap of a kind in time order, to be judged one by one.
// It walks the intervals and the lines without building a list.
func (f *facts) gaps(kind string) iter.Seq[gap] {
	spans, ok := f.spansBy[kind]
	if !ok {
		spans = f.spans(kind)
		f.spansBy[kind] = spans
	}
	return func(yield func(gap) bool) {
		for _, s := range spans {
			prev := s.From
			i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i].T >= s.From.T })
			for ; i < len(f.lines) && f.lines[i].T <= s.To.T; i++ {
				if f.lines[i].Seq == s.From.Seq {
					continue // the words that opened the interval (a hold's own line)
				}
				if !yield(gap{From: prev, To: f.lines[i].ref}) {
					return
				}
				prev = f.lines[i].ref
			}
			if !yield(gap{From: prev, To: s.To}) {
				return
			}
		}
	}
}

func (f *facts) gapNote(kind string, g gap) string {
	return fmt.Sprintf("%s gap of %s from %s to %s", kind, clockOf(secs(g.ms())),
		clockOf(f.rel(g.From.T)), clockOf(f.rel(g.To.T)))
}

// longestGap is longest_gap: 0 when there is no interval of the kind.
func (f *facts) longestGap(kind string) (float64, []Evidence) {
	if m, ok := f.longest[kind]; ok {
		return m.v.(float64), m.ev
	}
	v, ev := f.computeLongestGap(kind)
	f.longest[kind] = memoed{v, ev}
	return v, ev
}

func (f *facts) computeLongestGap(kind string) (float64, []Evidence) {
	var best gap
	found := false
	for g := range f.gaps(kind) {
		if !found || g.ms() > best.ms() {
			best, found = g, true
		}
	}
	if !found {
		return 0, nil
	}
	return secs(best.ms()), []Evidence{best.ev(f.gapNote(kind, best))}
}

// gapsOver is gaps_over: how many gaps were strictly longer than limit
// seconds. A gap exactly at the limit is within it.
func (f *facts) gapsOver(limit float64, kind string) (int, []Evidence) {
	n := 0
	var ev evList
	lim := int64(limit * 1000)
	var longest gap
	seen := false
	for g := range f.gaps(kind) {
		seen = true
		if g.ms() > lim {
			n++
			if ev.room(g.To.T) {
				ev.add(g.ev(f.gapNote(kind, g) + ", over the " + clockOf(limit) + " limit"))
			}
		}
		if g.ms() > longest.ms() {
			longest = g
		}
	}
	if n == 0 && seen {
		ev.add(longest.ev("longest " + f.gapNote(kind, longest) + ", within the " + clockOf(limit) + " limit"))
	}
	return n, ev.done()
}

// gapList is gaps: every gap of a kind in seconds.
func (f *facts) gapList(kind string) ([]float64, []Evidence) {
	out := []float64{}
	for g := range f.gaps(kind) {
		out = append(out, secs(g.ms()))
	}
	return out, nil
}

// updates is updates: the trainee's lines inside intervals of a kind.
func (f *facts) updates(kind string) (int, []Evidence) {
	n := 0
	var ev evList
	note := kind + " update"
	for g := range f.gaps(kind) {
		if g.To.Seq != 0 && f.isLine(g.To) {
			n++
			if ev.room(g.To.T) {
				ev.add(g.To.ev(note))
			}
		}
	}
	return n, ev.done()
}

func (f *facts) isLine(r ref) bool {
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i].Seq >= r.Seq })
	return i < len(f.lines) && f.lines[i].Seq == r.Seq
}

// firstResponse is first_response: seconds to the trainee's first line,
// or the length of the call if they never spoke.
func (f *facts) firstResponse() (float64, []Evidence) {
	return once(f, "first_response", func() (float64, []Evidence) {
		if len(f.lines) == 0 {
			return f.rel(f.end.T), []Evidence{f.end.ev("the trainee never spoke to the customer")}
		}
		l := f.lines[0]
		return f.rel(l.T), []Evidence{l.ev("first line to the customer")}
	})
}

// holdsWithoutNotice counts holds that neither the hold's own words nor the
// trainee's last line before it (since the previous hold ended) announced
// with the hold intent.
func (f *facts) holdsWithoutNotice() (int, []Evidence) {
	return once(f, "holds_without_notice", func() (int, []Evidence) {
		n := 0
		var ev evList
		prevEnd := int64(-1)
		for _, h := range f.holds {
			i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i].Seq >= h.From.Seq })
			noticed := false
			if i < len(f.lines) && f.lines[i].Seq == h.From.Seq && has(f.lines[i].Intents, "hold") {
				noticed = true
				if ev.room(h.From.T) {
					ev.add(f.lines[i].ev("hold announced as it began"))
				}
			} else if i > 0 && f.lines[i-1].T >= prevEnd && has(f.lines[i-1].Intents, "hold") {
				noticed = true
				if ev.room(h.From.T) {
					ev.add(f.lines[i-1].ev("hold announced"))
				}
			}
			if !noticed {
				n++
				if ev.room(h.From.T) {
					ev.add(h.From.ev("hold without notice"))
				}
			}
			prevEnd = h.To.T
		}
		return n, ev.done()
	})
}

// promise is one promised update and how it went.
type promise struct {
	Made      ref
	By, Due   int64 // promised time; with the policy's grace
	Kept      bool
	KeptBy    ref
	Broken    bool // due before the end of the call and not kept
	NotYetDue bool
}

// promises evaluates, memoised, every promised update: it is kept by a
// later line to the customer that carries the update intent, at or before
// its time plus promise_grace (the engine keeps promises the same way).
func (f *facts) promises() []promise { return f.proms.get(f.evalPromises) }

func (f *facts) evalPromises() []promise {
	grace := int64(0)
	if f.sc.Resolved != nil {
		grace = f.sc.Resolved.Cadence.PromiseGrace.Millis()
	}
	n := 0
	for _, l := range f.lines {
		if l.Promise > 0 {
			n++
		}
	}
	out := make([]promise, 0, n)
	for i, l := range f.lines {
		if l.Promise <= 0 {
			continue
		}
		p := promise{Made: l.ref, By: l.Promise, Due: l.Promise + grace}
		for _, later := range f.lines[i+1:] {
			if later.T > p.Due {
				break
			}
			if has(later.Intents, "update") {
				p.Kept, p.KeptBy = true, later.ref
				break
			}
		}
		if !p.Kept {
			if p.Due < f.end.T {
				p.Broken = true
			} else {
				p.NotYetDue = true
			}
		}
		out = append(out, p)
	}
	return out
}

func (f *facts) promisesMade() (int, []Evidence) {
	return once(f, "promises_made", func() (int, []Evidence) {
		ps := f.promises()
		var ev evList
		for _, p := range ps {
			if ev.room(p.Made.T) {
				ev.add(p.Made.ev("update promised by " + clockOf(f.rel(p.By))))
			}
		}
		return len(ps), ev.done()
	})
}

func (f *facts) promisesBroken() (int, []Evidence) {
	return once(f, "promises_broken", func() (int, []Evidence) {
		// A broken promise is the evidence; without one, the kept ones are.
		n := 0
		var broken, kept evList
		for _, p := range f.promises() {
			switch {
			case p.Broken:
				n++
				if broken.room(p.Made.T) {
					broken.add(p.Made.ev(fmt.Sprintf("update promised by %s (due with grace %s) never came in time",
						clockOf(f.rel(p.By)), clockOf(f.rel(p.Due)))))
				}
			case p.Kept && n == 0:
				if kept.room(p.KeptBy.T) {
					kept.add(p.KeptBy.ev("promised update delivered (promised by " + clockOf(f.rel(p.By)) + ")"))
				}
			}
		}
		if n > 0 {
			return n, broken.done()
		}
		return n, kept.done()
	})
}

// longestTeamGap is longest_team_gap: the longest gap between the trainee's
// messages to a target (a team or service id, or a team kind) from its
// first escalation or contact to the end of the call. 0 if never engaged.
func (f *facts) longestTeamGap(team string) (float64, []Evidence) {
	var ids []string
	if _, ok := f.sc.Cast.Teams[team]; ok {
		ids = []string{team}
	} else if _, ok := f.sc.Cast.Services[team]; ok {
		ids = []string{team}
	} else {
		for _, id := range slices.Sorted(maps.Keys(f.sc.Cast.Teams)) {
			if f.sc.Cast.Teams[id].Kind == team {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			panic(fmt.Errorf("longest_team_gap: %q is neither a team or service id nor a team kind in the cast", team))
		}
	}
	var best gap
	found := false
	bestID := ""
	for _, id := range ids {
		ms := f.messages[id]
		if len(ms) == 0 {
			continue
		}
		prev := ms[0].ref
		consider := func(g gap) {
			if !found || g.ms() > best.ms() {
				best, found, bestID = g, true, id
			}
		}
		for _, m := range ms[1:] {
			if m.T > f.end.T {
				break
			}
			consider(gap{From: prev, To: m.ref})
			prev = m.ref
		}
		if g := (gap{From: prev, To: ref{T: max(f.end.T, prev.T)}}); !found || g.ms() > best.ms() {
			best, found, bestID = g, true, id
		}
	}
	if !found {
		return 0, nil
	}
	return secs(best.ms()), []Evidence{best.ev(f.gapNote("team "+bestID, best))}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
