package scoring

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// firstOf is the first action in acts, if any.
func firstOf(acts []act) (act, bool) {
	if len(acts) == 0 {
		return act{}, false
	}
	return acts[0], true
}

// actsFrom are the actions made at or after t.
func actsFrom(acts []act, t int64) []act {
	for i, a := range acts {
		if a.T >= t {
			return acts[i:]
		}
	}
	return nil
}

func (f *facts) involvedAt(acts []act, verb, id string) (float64, []Evidence) {
	a, ok := firstOf(acts)
	if !ok {
		return -1, nil
	}
	return f.rel(a.T), []Evidence{a.ev(verb + " " + id)}
}

// firstEscalation is first_escalation: the first dispatch or escalation.
func (f *facts) firstEscalation() (float64, []Evidence) {
	return once(f, "first_escalation", func() (float64, []Evidence) {
		var best act
		found := false
		for _, m := range []map[string][]act{f.dispatches, f.escalations} {
			for _, acts := range m {
				if a, ok := firstOf(acts); ok && (!found || a.Seq < best.Seq) {
					best, found = a, true
				}
			}
		}
		if !found {
			return -1, nil
		}
		return f.rel(best.T), []Evidence{best.ev("first " + string(best.Kind))}
	})
}

// requirement is one truth.required item and how the trainee did.
type requirement struct {
	ID       string // service or team id
	Kind     string // dispatch or escalate
	Applies  bool
	Met      bool
	Deadline int64 // virtual ms; 0: none (any time during the call)
	Made     act
	MadeOK   bool
	Handover []string
}

// requirements evaluates truth.required once. A requirement's when is a
// rule expression, evaluated with the rule environment; it may not itself
// read the requirement functions.
func (f *facts) requirements() []requirement { return f.reqs.get(f.evalRequirements) }

func (f *facts) evalRequirements() []requirement {
	if f.inWhen {
		panic(fmt.Errorf("a requirement's when may not read requirements_met, requirements_missed, unneeded_escalations or handover functions"))
	}
	f.inWhen = true
	defer func() { f.inWhen = false }()
	out := make([]requirement, 0, len(f.sc.Truth.Required))
	for i, q := range f.sc.Truth.Required {
		r := requirement{ID: q.Dispatch, Kind: "dispatch", Applies: true, Handover: q.Handover}
		acts := f.dispatches[q.Dispatch]
		if q.Escalate != "" {
			r.ID, r.Kind, acts = q.Escalate, "escalate", f.escalations[q.Escalate]
		}
		if q.When.IsSet() {
			ok, err := f.evalWhen(q.When)
			if err != nil {
				panic(fmt.Errorf("truth.required[%d].when: %w", i, err))
			}
			r.Applies = ok
		}
		start := f.start.T
		if q.From != "" {
			ev, fired := f.fired[q.From]
			if !fired {
				r.Applies = false
			}
			start = ev.T
			acts = actsFrom(acts, start)
		}
		if q.Within > 0 {
			r.Deadline = start + q.Within.Millis()
		}
		r.Made, r.MadeOK = firstOf(acts)
		r.Met = r.MadeOK && (r.Deadline == 0 || r.Made.T <= r.Deadline)
		out = append(out, r)
	}
	return out
}

func (f *facts) requirementEvidence(r requirement) Evidence {
	switch {
	case r.Met && r.Deadline > 0:
		return r.Made.ev(fmt.Sprintf("%s %s at %s, within %s", r.Kind, r.ID, clockOf(f.rel(r.Made.T)), clockOf(f.rel(r.Deadline))))
	case r.Met:
		return r.Made.ev(fmt.Sprintf("%s %s at %s", r.Kind, r.ID, clockOf(f.rel(r.Made.T))))
	case r.MadeOK:
		return r.Made.ev(fmt.Sprintf("%s %s at %s, %s after the %s deadline", r.Kind, r.ID, clockOf(f.rel(r.Made.T)),
			clockOf(secs(r.Made.T-r.Deadline)), clockOf(f.rel(r.Deadline))))
	case r.Deadline > 0:
		return Evidence{T: min(r.Deadline, f.end.T), Note: fmt.Sprintf("no %s of %s by %s", r.Kind, r.ID, clockOf(f.rel(r.Deadline)))}
	default:
		return Evidence{T: f.end.T, Note: fmt.Sprintf("no %s of %s during the call", r.Kind, r.ID)}
	}
}

// requirementsMissed is requirements_missed (and, empty, requirements_met).
func (f *facts) requirementsMissed() ([]string, []Evidence) {
	return once(f, "requirements_missed", func() ([]string, []Evidence) {
		missed := []string{}
		var ev []Evidence
		for _, r := range f.requirements() {
			if !r.Applies {
				continue
			}
			ev = append(ev, f.requirementEvidence(r))
			if !r.Met {
				missed = append(missed, r.ID)
			}
		}
		return missed, ev
	})
}

// matrixItem is one service or team kind the policy's escalation matrix
// requires for the true category and priority.
type matrixItem struct {
	Kind, What string // what: dispatch or escalate
	IDs        []string
	Deadline   int64
	Made       act
	MadeOK     bool
	Met        bool
}

// matrix evaluates, once, the policy's escalation matrix against the truth.
// Kinds with no member in the cast cannot be involved and are skipped.
func (f *facts) matrix() []matrixItem { return f.mat.get(f.evalMatrix) }

func (f *facts) evalMatrix() []matrixItem {
	var out []matrixItem
	if p := f.sc.Resolved; p != nil {
		pri := f.sc.Truth.Priority
		for _, rule := range p.Escalation {
			if rule.Category != f.sc.Truth.Category || (rule.Priority != "" && rule.Priority != pri) {
				continue
			}
			add := func(kind, what string, ids []string, acts map[string][]act) {
				if len(ids) == 0 {
					return
				}
				it := matrixItem{Kind: kind, What: what, IDs: ids}
				if rule.Within > 0 {
					it.Deadline = f.start.T + rule.Within.Millis()
				}
				for _, id := range ids {
					if a, ok := firstOf(acts[id]); ok && (!it.MadeOK || a.Seq < it.Made.Seq) {
						it.Made, it.MadeOK = a, true
					}
				}
				it.Met = it.MadeOK && (it.Deadline == 0 || it.Made.T <= it.Deadline)
				out = append(out, it)
			}
			for _, k := range rule.Dispatch {
				add(k, "dispatch", ofKind(f.sc.Cast.Services, k, func(s scenarios.Service) string { return s.Kind }), f.dispatches)
			}
			for _, k := range rule.Escalate {
				add(k, "escalate", ofKind(f.sc.Cast.Teams, k, func(t scenarios.Team) string { return t.Kind }), f.escalations)
			}
		}
	}
	return out
}

// ofKind lists, sorted, the ids of the cast members (services or teams)
// whose kind is kind.
func ofKind[T any](cast map[string]T, kind string, kindOf func(T) string) []string {
	var ids []string
	for _, id := range slices.Sorted(maps.Keys(cast)) {
		if kindOf(cast[id]) == kind {
			ids = append(ids, id)
		}
	}
	return ids
}

// matrixMissed is matrix_missed: the kinds the escalation matrix requires
// that were not involved in time.
func (f *facts) matrixMissed() ([]string, []Evidence) {
	return once(f, "matrix_missed", func() ([]string, []Evidence) {
		missed := []string{}
		var ev []Evidence
		for _, it := range f.matrix() {
			switch {
			case it.Met:
				ev = append(ev, it.Made.ev(fmt.Sprintf("%s (%s) at %s", it.What, it.Kind, clockOf(f.rel(it.Made.T)))))
			case it.MadeOK:
				ev = append(ev, it.Made.ev(fmt.Sprintf("%s (%s) at %s, after the matrix's %s", it.What, it.Kind, clockOf(f.rel(it.Made.T)), clockOf(f.rel(it.Deadline)))))
				missed = append(missed, it.Kind)
			default:
				ev = append(ev, Evidence{T: f.end.T, Note: fmt.Sprintf("no %s of a %s service or team", it.What, it.Kind)})
				missed = append(missed, it.Kind)
			}
		}
		return missed, ev
	})
}

// unneeded is unneeded_escalations: targets dispatched or escalated to that
// no applicable requirement, no matrix rule and no authority approval
// called for.
func (f *facts) unneeded() ([]string, []Evidence) {
	return once(f, "unneeded", func() ([]string, []Evidence) {
		needed := map[string]bool{}
		for _, r := range f.requirements() {
			if r.Applies {
				needed[r.ID] = true
			}
		}
		for _, it := range f.matrix() {
			for _, id := range it.IDs {
				needed[id] = true
			}
		}
		// The approver is needed only for a decision above the trainee's
		// own limit: asking for approval of what is within it is an
		// unneeded escalation.
		for _, a := range f.sc.Truth.Authority {
			for _, ds := range [][]decision{f.decides, f.requests} {
				for _, d := range ds {
					if d.Decision == a.Decision && (a.Above == 0 || d.Amount > a.Above) {
						needed[a.Approver] = true
					}
				}
			}
		}
		out := []string{}
		var ev []Evidence
		for _, m := range []map[string][]act{f.dispatches, f.escalations} {
			for _, id := range slices.Sorted(maps.Keys(m)) {
				if !needed[id] && !has(out, id) {
					out = append(out, id)
					ev = append(ev, m[id][0].ev(string(m[id][0].Kind)+" "+id+" was not needed"))
				}
			}
		}
		sort.Strings(out)
		return out, ev
	})
}

// handover is handover_missing (and, empty, handover_complete): the items
// the requirements for id list that the first dispatch or escalation to it
// did not carry, neither on the action (info) nor as an intent said or a
// field recorded before it.
func (f *facts) handover(id string) (missing []string, made bool, ev []Evidence) {
	var want []string
	for _, r := range f.requirements() {
		if r.ID == id {
			for _, h := range r.Handover {
				if !has(want, h) {
					want = append(want, h)
				}
			}
		}
	}
	var first act
	for _, acts := range [][]act{f.dispatches[id], f.escalations[id]} {
		if a, ok := firstOf(acts); ok && (!made || a.Seq < first.Seq) {
			first, made = a, true
		}
	}
	missing = []string{}
	if !made {
		return append(missing, want...), false, nil
	}
	var given []string
	for _, h := range want {
		switch {
		case has(first.Info, h):
			given = append(given, h)
		case f.intentFirst[h].Seq != 0 && f.intentFirst[h].Seq < first.Seq:
			given = append(given, h+" (said before)")
		case f.fieldFirst[h].Seq != 0 && f.fieldFirst[h].Seq < first.Seq:
			given = append(given, h+" (recorded before)")
		default:
			missing = append(missing, h)
		}
	}
	note := string(first.Kind) + " " + id
	if len(given) > 0 {
		note += " carried " + strings.Join(given, ", ")
	}
	if len(missing) > 0 {
		note += "; missing " + strings.Join(missing, ", ")
	}
	return missing, true, []Evidence{first.ev(note)}
}

// authorityBreaches is authority_breaches: decisions taken that need a
// team's approval (truth.authority) without a prior approval covering the
// amount.
func (f *facts) authorityBreaches() (int, []Evidence) {
	n := 0
	var ev []Evidence
	for _, d := range f.decides {
		for _, a := range f.sc.Truth.Authority {
			if a.Decision != d.Decision || (a.Above > 0 && d.Amount <= a.Above) {
				continue
			}
			approved := false
			for _, ap := range f.approvals {
				if ap.Seq < d.Seq && ap.Decision == d.Decision && (ap.Who == "" || ap.Who == a.Approver) && (ap.Amount == 0 || ap.Amount >= d.Amount) {
					approved = true
					ev = append(ev, ap.ev("approved by "+or(ap.Who, a.Approver)))
					break
				}
			}
			if !approved {
				n++
				ev = append(ev, d.ev(fmt.Sprintf("%s (%s) taken without approval from %s", d.Decision, scenarios.FormatValue(d.Amount), a.Approver)))
			}
			break
		}
	}
	// A decision taken in words: the first line to the customer that
	// carries the authority's promise intent, before any approval by the
	// approver. One breach per authority item, however often repeated.
	for _, a := range f.sc.Truth.Authority {
		if a.Promise == "" {
			continue
		}
		for _, l := range f.lines {
			if !slices.Contains(l.Intents, a.Promise) {
				continue
			}
			approved := false
			for _, ap := range f.approvals {
				if ap.Seq < l.Seq && ap.Decision == a.Decision && (ap.Who == "" || ap.Who == a.Approver) {
					approved = true
					break
				}
			}
			if !approved {
				n++
				ev = append(ev, l.ev(fmt.Sprintf("%s promised to the customer without approval from %s", a.Decision, a.Approver)))
			}
			break
		}
	}
	return n, ev
}
