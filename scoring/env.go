package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// read is one name a rule read while it was evaluated: a function call
// with its arguments and result, or a plain value; with the events behind it.
type read struct {
	Name     string
	Args     []any
	Value    any
	Evidence []Evidence
}

// recorder collects the reads of the rule being evaluated. Each rule
// function reports its call to it, so every result can name its evidence.
// Scoring keeps only the evidence; explain (full) keeps the call's name,
// arguments and value too. The functions box those only when full, so
// scoring pays nothing for them.
type recorder struct {
	on    bool
	full  bool
	reads []read
}

func (r *recorder) add(name string, v any, ev []Evidence, args ...any) {
	if r.on {
		r.reads = append(r.reads, read{Name: name, Args: args, Value: v, Evidence: ev})
	}
}

func (r *recorder) evidence(ev []Evidence) {
	if r.on && len(ev) > 0 {
		r.reads = append(r.reads, read{Evidence: ev})
	}
}

// csatFromMood maps the final mood (0 to 100) to a simulated 1 to 5
// satisfaction score, in bands of 20.
func csatFromMood(mood float64) int {
	c := 1 + int(mood/20)
	return max(1, min(5, c))
}

// varyValues is the variation the session's seed drew. A start event may
// carry it in its value (a map of the variation, or a map with a "vary"
// key holding it); otherwise it is drawn again as the engine draws it, by
// starting a fresh session with the same seed. Each value gets the type
// expressions were compiled against; values that are absent get the
// type's zero.
func varyValues(sc *scenarios.Scenario, start simulator.Event) map[string]any {
	src, _ := start.Value.(map[string]any)
	if inner, ok := src["vary"].(map[string]any); ok {
		src = inner
	}
	if src == nil && len(sc.Variation) > 0 {
		if e, _, err := simulator.New(sc, simulator.Config{Seed: start.Seed, Mode: start.Mode}); err == nil {
			src = e.Snapshot().Vary
		}
	}
	out := make(map[string]any, len(sc.Variation))
	for name, va := range sc.Variation {
		typ := "string"
		switch {
		case va.Range != nil:
			typ = "int"
		case va.Between != nil:
			typ = "float"
		}
		out[name] = convert(typ, src[name])
	}
	return out
}

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
		"truth":      map[string]any{"category": sc.Truth.Category, "priority": truthPriority(sc), "impact": sc.Truth.Impact, "urgency": sc.Truth.Urgency},
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

func evIf(ok bool, r ref, note string) []Evidence {
	if !ok {
		return nil
	}
	return []Evidence{r.ev(note)}
}

// firstContact evaluates truth.first_contact; without one, a call counts
// as resolved on first contact when it reached an ending of kind resolved.
func (f *facts) firstContact(env map[string]any) (bool, []Evidence, error) {
	if r := f.fcr; r != nil {
		return r.ok, r.ev, r.err
	}
	if f.inFCR {
		return false, nil, fmt.Errorf("truth.first_contact may not read first_contact_resolved")
	}
	var r fcr
	if e := f.sc.Truth.FirstContact; e.IsSet() {
		f.inFCR = true
		r.ok, r.err = e.Bool(env)
		f.inFCR = false
		if r.err != nil {
			r.err = fmt.Errorf("truth.first_contact: %w", r.err)
		}
	} else {
		r.ok = f.endKind == "resolved"
	}
	if f.ended {
		r.ev = []Evidence{f.endEvent.ev(fmt.Sprintf("call ended: %s (%s)", f.ending, f.endKind))}
	}
	f.fcr = &r
	return r.ok, r.ev, r.err
}

type fcr struct {
	ok  bool
	ev  []Evidence
	err error
}

// valueEvidence is the evidence behind a plain (non-function) name.
func (f *facts) valueEvidence(name string) []Evidence {
	switch name {
	case "category", "priority":
		if c, ok := f.final(); ok {
			return []Evidence{c.ev("final classification " + c.Category + "/" + c.Priority)}
		}
	case "mood", "csat":
		return []Evidence{f.moodRef.ev(fmt.Sprintf("final mood %s", scenarios.FormatValue(f.mood)))}
	case "closed", "resolution":
		if f.closed {
			return []Evidence{f.closeRef.ev("closed: " + f.resolution)}
		}
	case "ended", "ending":
		if f.ended {
			return []Evidence{f.endEvent.ev("ending " + f.ending)}
		}
	case "reviewed":
		if f.reviewed {
			return []Evidence{f.review.ev("review submitted")}
		}
	}
	return nil
}

// mergeEvidence sorts evidence by time and sequence and drops repeats.
func mergeEvidence(reads []read, extra []Evidence) []Evidence {
	var all []Evidence
	for _, r := range reads {
		all = append(all, r.Evidence...)
	}
	all = append(all, extra...)
	slices.SortStableFunc(all, func(a, b Evidence) int {
		if c := cmp.Compare(a.T, b.T); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
			return c
		}
		return strings.Compare(a.Note, b.Note)
	})
	out := all[:0]
	for i, e := range all {
		if i > 0 && e == all[i-1] {
			continue
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return []Evidence{}
	}
	return out
}
