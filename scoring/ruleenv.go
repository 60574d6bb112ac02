package scoring

import (
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// ruleEnv builds the rule environment over the facts: exactly the
// vocabulary's rule names, with their declared Go types (scoring's tests
// check this against scenarios.Vocabulary).
func (f *facts) ruleEnv(rec *recorder) map[string]any {
	sc := f.sc
	final, _ := f.final()
	pol := map[string]any{"first_response": 0.0, "max_silence": 0.0, "hold_update": 0.0,
		"waiting_update": 0.0, "team_update": 0.0, "promise_grace": 0.0, "pass_mark": passMark(sc)}
	if p := sc.Resolved; p != nil {
		c := p.Cadence
		pol["first_response"] = c.FirstResponse.Seconds()
		pol["max_silence"] = c.MaxSilence.Seconds()
		pol["hold_update"] = c.HoldUpdate.Seconds()
		pol["waiting_update"] = c.WaitingUpdate.Seconds()
		pol["team_update"] = c.TeamUpdate.Seconds()
		pol["promise_grace"] = c.PromiseGrace.Seconds()
	}
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
		"truth":      map[string]any{"category": sc.Truth.Category, "priority": sc.Truth.Priority, "impact": sc.Truth.Impact, "urgency": sc.Truth.Urgency},
		"policy":     pol,
		"ended":      f.ended,
		"ending":     f.ending,
		"closed":     f.closed,
		"resolution": f.resolution,
		"reviewed":   f.reviewed,
		"csat":       csatFromMood(f.mood),
		"dur":        func(s float64) string { return scenarios.FormatSeconds(s) },
	} {
		env[k] = v
	}

	// Conversation and state.
	env["said"] = func(intent string) bool {
		r, ok := f.intentFirst[intent]
		if rec.full {
			rec.add("said", ok, evIf(ok, r, "first "+intent), intent)
		} else {
			rec.evidence(evIf(ok, r, "first "+intent))
		}
		return ok
	}
	env["times_said"] = func(intent string) int {
		n := f.intentCount[intent]
		var ev evList
		if rec.on {
			for _, l := range f.lines {
				if has(l.Intents, intent) && ev.room(l.T) {
					ev.add(l.ev(intent))
				}
			}
		}
		if rec.full {
			rec.add("times_said", n, ev.done(), intent)
		} else {
			rec.evidence(ev.done())
		}
		return n
	}
	env["said_at"] = func(intent string) float64 {
		r, ok := f.intentFirst[intent]
		v := -1.0
		if ok {
			v = f.rel(r.T)
		}
		if rec.full {
			rec.add("said_at", v, evIf(ok, r, "first "+intent), intent)
		} else {
			rec.evidence(evIf(ok, r, "first "+intent))
		}
		return v
	}
	env["dispatched"] = func(id string) bool {
		v, ev := f.involvedAt(f.dispatches[id], "dispatched", id)
		if rec.full {
			rec.add("dispatched", v >= 0, ev, id)
		} else {
			rec.evidence(ev)
		}
		return v >= 0
	}
	env["dispatched_at"] = func(id string) float64 {
		v, ev := f.involvedAt(f.dispatches[id], "dispatched", id)
		if rec.full {
			rec.add("dispatched_at", v, ev, id)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["escalated"] = func(id string) bool {
		v, ev := f.involvedAt(f.escalations[id], "escalated to", id)
		if rec.full {
			rec.add("escalated", v >= 0, ev, id)
		} else {
			rec.evidence(ev)
		}
		return v >= 0
	}
	env["escalated_at"] = func(id string) float64 {
		v, ev := f.involvedAt(f.escalations[id], "escalated to", id)
		if rec.full {
			rec.add("escalated_at", v, ev, id)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["contacted"] = func(id string) bool {
		v, ev := f.involvedAt(f.messages[id], "contacted", id)
		ok := v >= 0
		if !ok {
			for _, d := range f.requests {
				if d.Who == id {
					ok, ev = true, []Evidence{d.ev("asked " + id + " to approve " + d.Decision)}
					break
				}
			}
		}
		if rec.full {
			rec.add("contacted", ok, ev, id)
		} else {
			rec.evidence(ev)
		}
		return ok
	}
	env["acknowledged"] = func(id string) bool {
		r, ok := f.acks[id]
		if rec.full {
			rec.add("acknowledged", ok, evIf(ok, r, id+" acknowledged"), id)
		} else {
			rec.evidence(evIf(ok, r, id+" acknowledged"))
		}
		return ok
	}
	env["arrived"] = func(id string) bool {
		r, ok := f.arrivals[id]
		if rec.full {
			rec.add("arrived", ok, evIf(ok, r, id+" arrived"), id)
		} else {
			rec.evidence(evIf(ok, r, id+" arrived"))
		}
		return ok
	}
	env["approved"] = func(decision string) bool {
		for _, a := range f.approvals {
			if a.Decision == decision {
				if rec.full {
					rec.add("approved", true, []Evidence{a.ev(decision + " approved by " + a.Who)}, decision)
				} else {
					rec.evidence([]Evidence{a.ev(decision + " approved by " + a.Who)})
				}
				return true
			}
		}
		if rec.full {
			rec.add("approved", false, nil, decision)
		} else {
			rec.evidence(nil)
		}
		return false
	}
	env["recorded"] = func(field string) bool {
		v, ev := f.recordedField(field)
		ok := strings.TrimSpace(v) != ""
		if rec.full {
			rec.add("recorded", ok, ev, field)
		} else {
			rec.evidence(ev)
		}
		return ok
	}
	env["field"] = func(field string) string {
		v, ev := f.recordedField(field)
		if rec.full {
			rec.add("field", v, ev, field)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["fired"] = func(id string) bool {
		r, ok := f.fired[id]
		if rec.full {
			rec.add("fired", ok, evIf(ok, r, id+" fired"), id)
		} else {
			rec.evidence(evIf(ok, r, id+" fired"))
		}
		return ok
	}
	env["fired_at"] = func(id string) float64 {
		r, ok := f.fired[id]
		v := -1.0
		if ok {
			v = f.rel(r.T)
		}
		if rec.full {
			rec.add("fired_at", v, evIf(ok, r, id+" fired"), id)
		} else {
			rec.evidence(evIf(ok, r, id+" fired"))
		}
		return v
	}

	// Classification.
	env["category_at"] = func(sec float64) string {
		v, ev := f.categoryAt(sec, false)
		if rec.full {
			rec.add("category_at", v, ev, sec)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["priority_at"] = func(sec float64) string {
		v, ev := f.categoryAt(sec, true)
		if rec.full {
			rec.add("priority_at", v, ev, sec)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["classified_at"] = func() float64 {
		v, ev := f.classifiedAt()
		if rec.full {
			rec.add("classified_at", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["category_correct_at"] = func() float64 {
		v, ev := f.correctAt(false)
		if rec.full {
			rec.add("category_correct_at", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["priority_correct_at"] = func() float64 {
		v, ev := f.correctAt(true)
		if rec.full {
			rec.add("priority_correct_at", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["reclassified_after"] = func(id string) bool {
		v, ev := f.reclassifiedAfter(id)
		if rec.full {
			rec.add("reclassified_after", v, ev, id)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["times_classified"] = func() int {
		var ev evList
		if rec.on {
			for _, c := range f.classes {
				if ev.room(c.T) {
					ev.add(c.ev("classified " + c.Category + "/" + c.Priority))
				}
			}
		}
		if rec.full {
			rec.add("times_classified", len(f.classes), ev.done())
		} else {
			rec.evidence(ev.done())
		}
		return len(f.classes)
	}

	// Cadence.
	env["first_response"] = func() float64 {
		v, ev := f.firstResponse()
		if rec.full {
			rec.add("first_response", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["longest_silence"] = func() float64 {
		v, ev := f.longestGap("call")
		if rec.full {
			rec.add("longest_silence", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["longest_gap"] = func(kind string) float64 {
		v, ev := f.longestGap(kind)
		if rec.full {
			rec.add("longest_gap", v, ev, kind)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["gaps_over"] = func(limit float64, kind string) int {
		v, ev := f.gapsOver(limit, kind)
		if rec.full {
			rec.add("gaps_over", v, ev, limit, kind)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["gaps"] = func(kind string) []float64 {
		v, ev := f.gapList(kind)
		if rec.full {
			rec.add("gaps", v, ev, kind)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["updates"] = func(kind string) int {
		v, ev := f.updates(kind)
		if rec.full {
			rec.add("updates", v, ev, kind)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["holds_without_notice"] = func() int {
		v, ev := f.holdsWithoutNotice()
		if rec.full {
			rec.add("holds_without_notice", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["promises_made"] = func() int {
		v, ev := f.promisesMade()
		if rec.full {
			rec.add("promises_made", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["promises_broken"] = func() int {
		v, ev := f.promisesBroken()
		if rec.full {
			rec.add("promises_broken", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["longest_team_gap"] = func(team string) float64 {
		v, ev := f.longestTeamGap(team)
		if rec.full {
			rec.add("longest_team_gap", v, ev, team)
		} else {
			rec.evidence(ev)
		}
		return v
	}

	// Escalation.
	env["first_escalation"] = func() float64 {
		v, ev := f.firstEscalation()
		if rec.full {
			rec.add("first_escalation", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["requirements_met"] = func() bool {
		v, ev := f.requirementsMissed()
		if rec.full {
			rec.add("requirements_met", len(v) == 0, ev)
		} else {
			rec.evidence(ev)
		}
		return len(v) == 0
	}
	env["requirements_missed"] = func() []string {
		v, ev := f.requirementsMissed()
		if rec.full {
			rec.add("requirements_missed", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["matrix_met"] = func() bool {
		v, ev := f.matrixMissed()
		if rec.full {
			rec.add("matrix_met", len(v) == 0, ev)
		} else {
			rec.evidence(ev)
		}
		return len(v) == 0
	}
	env["matrix_missed"] = func() []string {
		v, ev := f.matrixMissed()
		if rec.full {
			rec.add("matrix_missed", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["unneeded_escalations"] = func() []string {
		v, ev := f.unneeded()
		if rec.full {
			rec.add("unneeded_escalations", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["handover_complete"] = func(id string) bool {
		missing, made, ev := f.handover(id)
		ok := made && len(missing) == 0
		if rec.full {
			rec.add("handover_complete", ok, ev, id)
		} else {
			rec.evidence(ev)
		}
		return ok
	}
	env["handover_missing"] = func(id string) []string {
		missing, _, ev := f.handover(id)
		if rec.full {
			rec.add("handover_missing", missing, ev, id)
		} else {
			rec.evidence(ev)
		}
		return missing
	}
	env["authority_breaches"] = func() int {
		v, ev := f.authorityBreaches()
		if rec.full {
			rec.add("authority_breaches", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}

	// Record.
	env["field_correct"] = func(field string) bool {
		v, ev := f.fieldCorrect(field)
		if rec.full {
			rec.add("field_correct", v, ev, field)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["record_complete"] = func() bool {
		v, ev := f.missingFields()
		if rec.full {
			rec.add("record_complete", len(v) == 0, ev)
		} else {
			rec.evidence(ev)
		}
		return len(v) == 0
	}
	env["record_accuracy"] = func() float64 {
		v, ev := f.recordAccuracy()
		if rec.full {
			rec.add("record_accuracy", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["missing_fields"] = func() []string {
		v, ev := f.missingFields()
		if rec.full {
			rec.add("missing_fields", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	env["wrong_fields"] = func() []string {
		v, ev := f.wrongFields()
		if rec.full {
			rec.add("wrong_fields", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}

	// Outcome.
	env["first_contact_resolved"] = func() bool {
		v, ev, err := f.firstContact(env)
		if err != nil {
			panic(err)
		}
		if rec.full {
			rec.add("first_contact_resolved", v, ev)
		} else {
			rec.evidence(ev)
		}
		return v
	}
	return env
}
