package scoring

import (
	"math"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// ruleEnv builds the rule environment over the facts: exactly the
// vocabulary's rule names, with their declared Go types (scoring's tests
// check this against scenarios.Vocabulary).
func (f *facts) ruleEnv(rec *recorder) map[string]any {
	sc := f.sc
	final, _ := f.final()
	env := make(map[string]any, 80)
	for k, v := range map[string]any{
		"t":          f.rel(f.end.T),
		"phase":      f.phase,
		"mood":       f.mood,
		"patience":   f.patience,
		"on_hold":    f.onHold,
		"category":   final.Category,
		"priority":   final.Priority,
		"vars":       f.vars,
		"vary":       f.vary,
		"truth":      sc.TruthValues(),
		"policy":     sc.PolicyValues(),
		"ended":      f.ended,
		"ending":     f.ending,
		"closed":     f.closed,
		"resolution": f.resolution,
		"reviewed":   f.reviewed,
		"csat":       csatFromMood(f.mood),
		"dur":        func(s float64) string { return scenarios.FormatClock(int64(math.Round(s * 1000))) },
	} {
		env[k] = v
	}

	b := &binding{env: env, f: f, rec: rec}

	// Conversation and state.
	bind1(b, "said", func(f *facts, intent string) (bool, []Evidence) {
		r, ok := f.intentFirst[intent]
		return ok, evIf(ok, r, "first "+intent)
	})
	bind1(b, "times_said", func(f *facts, intent string) (int, []Evidence) {
		var ev evList
		if rec.on {
			for _, l := range f.lines {
				if has(l.Intents, intent) && ev.room(l.T) {
					ev.add(l.ev(intent))
				}
			}
		}
		return f.intentCount[intent], ev.done()
	})
	bind1(b, "said_at", func(f *facts, intent string) (float64, []Evidence) {
		r, ok := f.intentFirst[intent]
		return f.relIf(ok, r), evIf(ok, r, "first "+intent)
	})
	bindInvolved(b, "dispatched", "dispatched", func(f *facts) map[string][]act { return f.dispatches })
	bindInvolved(b, "escalated", "escalated to", func(f *facts) map[string][]act { return f.escalations })
	bind1(b, "contacted", func(f *facts, id string) (bool, []Evidence) {
		v, ev := f.involvedAt(f.messages[id], "contacted", id)
		if v >= 0 {
			return true, ev
		}
		for _, d := range f.requests {
			if d.Who == id {
				return true, []Evidence{d.ev("asked " + id + " to approve " + d.Decision)}
			}
		}
		return false, ev
	})
	bindInvolved(b, "consulted", "consulted", func(f *facts) map[string][]act { return f.consults })
	bind1(b, "acknowledged", func(f *facts, id string) (bool, []Evidence) {
		r, ok := f.acks[id]
		return ok, evIf(ok, r, id+" acknowledged")
	})
	bind1(b, "arrived", func(f *facts, id string) (bool, []Evidence) {
		r, ok := f.arrivals[id]
		return ok, evIf(ok, r, id+" arrived")
	})
	bind1(b, "approved", func(f *facts, decision string) (bool, []Evidence) {
		for _, a := range f.approvals {
			if a.Decision == decision {
				return true, []Evidence{a.ev(decision + " approved by " + a.Who)}
			}
		}
		return false, nil
	})
	bind1(b, "recorded", func(f *facts, field string) (bool, []Evidence) {
		v, ev := f.recordedField(field)
		return strings.TrimSpace(v) != "", ev
	})
	bind1(b, "field", (*facts).recordedField)
	bind1(b, "fired", func(f *facts, id string) (bool, []Evidence) {
		r, ok := f.fired[id]
		return ok, evIf(ok, r, id+" fired")
	})
	bind1(b, "fired_at", func(f *facts, id string) (float64, []Evidence) {
		r, ok := f.fired[id]
		return f.relIf(ok, r), evIf(ok, r, id+" fired")
	})

	// Classification.
	bind1(b, "category_at", func(f *facts, sec float64) (string, []Evidence) { return f.categoryAt(sec, false) })
	bind1(b, "priority_at", func(f *facts, sec float64) (string, []Evidence) { return f.categoryAt(sec, true) })
	bind0(b, "classified_at", (*facts).classifiedAt)
	bind0(b, "category_correct_at", func(f *facts) (float64, []Evidence) { return f.correctAt(false) })
	bind0(b, "priority_correct_at", func(f *facts) (float64, []Evidence) { return f.correctAt(true) })
	bind1(b, "reclassified_after", (*facts).reclassifiedAfter)
	bind0(b, "times_classified", func(f *facts) (int, []Evidence) {
		var ev evList
		if rec.on {
			for _, c := range f.classes {
				if ev.room(c.T) {
					ev.add(c.ev("classified " + c.Category + "/" + c.Priority))
				}
			}
		}
		return len(f.classes), ev.done()
	})

	// Cadence.
	bind0(b, "first_response", (*facts).firstResponse)
	bind0(b, "longest_silence", func(f *facts) (float64, []Evidence) { return f.longestGap("call") })
	bind1(b, "longest_gap", (*facts).longestGap)
	bind2(b, "gaps_over", (*facts).gapsOver)
	bind1(b, "gaps", (*facts).gapList)
	bind1(b, "updates", (*facts).updates)
	bind0(b, "holds_without_notice", (*facts).holdsWithoutNotice)
	bind0(b, "promises_made", (*facts).promisesMade)
	bind0(b, "promises_broken", (*facts).promisesBroken)
	bind1(b, "longest_team_gap", (*facts).longestTeamGap)

	// Escalation.
	bind0(b, "first_escalation", (*facts).firstEscalation)
	bind0(b, "requirements_met", noneOf((*facts).requirementsMissed))
	bind0(b, "requirements_missed", (*facts).requirementsMissed)
	bind0(b, "matrix_met", noneOf((*facts).matrixMissed))
	bind0(b, "matrix_missed", (*facts).matrixMissed)
	bind0(b, "unneeded_escalations", (*facts).unneeded)
	bind1(b, "handover_complete", func(f *facts, id string) (bool, []Evidence) {
		missing, made, ev := f.handover(id)
		return made && len(missing) == 0, ev
	})
	bind1(b, "handover_missing", func(f *facts, id string) ([]string, []Evidence) {
		missing, _, ev := f.handover(id)
		return missing, ev
	})
	bind0(b, "authority_breaches", (*facts).authorityBreaches)

	// Record.
	bind1(b, "field_correct", (*facts).fieldCorrect)
	bind0(b, "record_complete", noneOf((*facts).missingFields))
	bind0(b, "record_accuracy", (*facts).recordAccuracy)
	bind0(b, "missing_fields", (*facts).missingFields)
	bind0(b, "wrong_fields", (*facts).wrongFields)

	// After-call work.
	bind0(b, "wrap_up_time", func(f *facts) (float64, []Evidence) {
		r, ok := f.wrapUpEnd()
		if !ok {
			return -1, nil
		}
		return secs(r.T - f.end.T), []Evidence{r.ev("wrap-up finished")}
	})
	bind0(b, "wrap_up_code", func(f *facts) (string, []Evidence) {
		return f.wrapCode, evIf(f.wrapped, f.wrapRef, "wrap-up code")
	})

	// Outcome.
	bind0(b, "first_contact_resolved", func(f *facts) (bool, []Evidence) {
		v, ev, err := f.firstContact(env)
		if err != nil {
			panic(err)
		}
		return v, ev
	})
	return env
}

// binding is what the rule functions are bound to: the environment that
// holds them, the facts they query and the recorder of what they read.
type binding struct {
	env map[string]any
	f   *facts
	rec *recorder
}

// bind0 binds the rule function name, of no arguments, to query: a question
// to the facts that answers with a value and the events behind it. The
// function has the Go type the vocabulary declares, func() T. Each call is
// recorded: in full (name, arguments, value, evidence) when a rule is being
// explained, only its evidence when scoring. bind1 and bind2 repeat this for
// one and two arguments rather than taking ...any, so that the value and
// arguments are boxed only when explaining.
func bind0[T any](b *binding, name string, query func(*facts) (T, []Evidence)) {
	b.env[name] = func() T {
		v, ev := query(b.f)
		if b.rec.full {
			b.rec.add(name, v, ev)
		} else {
			b.rec.evidence(ev)
		}
		return v
	}
}

// bind1 is bind0 for a rule function of one argument, func(A) T.
func bind1[A, T any](b *binding, name string, query func(*facts, A) (T, []Evidence)) {
	b.env[name] = func(a A) T {
		v, ev := query(b.f, a)
		if b.rec.full {
			b.rec.add(name, v, ev, a)
		} else {
			b.rec.evidence(ev)
		}
		return v
	}
}

// bind2 is bind0 for a rule function of two arguments, func(A1, A2) T.
func bind2[A1, A2, T any](b *binding, name string, query func(*facts, A1, A2) (T, []Evidence)) {
	b.env[name] = func(a1 A1, a2 A2) T {
		v, ev := query(b.f, a1, a2)
		if b.rec.full {
			b.rec.add(name, v, ev, a1, a2)
		} else {
			b.rec.evidence(ev)
		}
		return v
	}
}

// bindInvolved binds the pair of rule functions over one way of involving
// a service or team: name(id), whether it happened, and name_at(id), when
// it first did (-1: never); the evidence reads "verb id". acts picks the
// acts from the facts.
func bindInvolved(b *binding, name, verb string, acts func(*facts) map[string][]act) {
	bind1(b, name, func(f *facts, id string) (bool, []Evidence) {
		v, ev := f.involvedAt(acts(f)[id], verb, id)
		return v >= 0, ev
	})
	bind1(b, name+"_at", func(f *facts, id string) (float64, []Evidence) {
		return f.involvedAt(acts(f)[id], verb, id)
	})
}

// noneOf turns a query for what is missing into one for whether nothing is.
func noneOf(missing func(*facts) ([]string, []Evidence)) func(*facts) (bool, []Evidence) {
	return func(f *facts) (bool, []Evidence) {
		v, ev := missing(f)
		return len(v) == 0, ev
	}
}
