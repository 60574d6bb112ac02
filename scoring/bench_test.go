package scoring

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// benchRules are the 30 rules of the benchmark rubric, each with the same
// rule written as plain Go over the same facts.
var benchRules = []struct {
	check  string
	native func(f *facts) bool
}{
	{`category == truth.category`, func(f *facts) bool { c, _ := f.final(); return c.Category == f.sc.Truth.Category }},
	{`priority_correct_at() >= 0 && priority_correct_at() <= 120`, func(f *facts) bool { v, _ := f.correctAt(true); return v >= 0 && v <= 120 }},
	{`category_correct_at() >= 0 && category_correct_at() <= 120`, func(f *facts) bool { v, _ := f.correctAt(false); return v >= 0 && v <= 120 }},
	{`classified_at() >= 0 && classified_at() <= 180`, func(f *facts) bool { v, _ := f.classifiedAt(); return v >= 0 && v <= 180 }},
	{`times_classified() <= 3`, func(f *facts) bool { return len(f.classes) <= 3 }},
	{`category_at(300) == truth.category`, func(f *facts) bool { v, _ := f.categoryAt(300, false); return v == f.sc.Truth.Category }},
	{`reclassified_after("smell_worse") || !fired("smell_worse")`, func(f *facts) bool {
		v, _ := f.reclassifiedAfter("smell_worse")
		_, fired := f.fired["smell_worse"]
		return v || !fired
	}},
	{`said_at("safety_advice") >= 0 && said_at("safety_advice") <= 60`, func(f *facts) bool {
		r, ok := f.intentFirst["safety_advice"]
		return ok && f.rel(r.T) <= 60
	}},
	{`first_response() <= policy.first_response`, func(f *facts) bool {
		v, _ := f.firstResponse()
		return v <= f.sc.Resolved.Cadence.FirstResponse.Seconds()
	}},
	{`longest_silence() <= policy.max_silence`, func(f *facts) bool {
		v, _ := f.longestGap("call")
		return v <= f.sc.Resolved.Cadence.MaxSilence.Seconds()
	}},
	{`gaps_over(policy.waiting_update, "waiting") == 0`, func(f *facts) bool {
		n, _ := f.gapsOver(f.sc.Resolved.Cadence.WaitingUpdate.Seconds(), "waiting")
		return n == 0
	}},
	{`gaps_over(policy.hold_update, "hold") == 0`, func(f *facts) bool {
		n, _ := f.gapsOver(f.sc.Resolved.Cadence.HoldUpdate.Seconds(), "hold")
		return n == 0
	}},
	{`longest_gap("waiting:gas") <= 180`, func(f *facts) bool { v, _ := f.longestGap("waiting:gas"); return v <= 180 }},
	{`updates("waiting") >= 3`, func(f *facts) bool { n, _ := f.updates("waiting"); return n >= 3 }},
	{`holds_without_notice() == 0`, func(f *facts) bool { n, _ := f.holdsWithoutNotice(); return n == 0 }},
	{`promises_broken() == 0`, func(f *facts) bool { n, _ := f.promisesBroken(); return n == 0 }},
	{`times_said("update") >= 5`, func(f *facts) bool { return f.intentCount["update"] >= 5 }},
	{`said("reassure")`, func(f *facts) bool { _, ok := f.intentFirst["reassure"]; return ok }},
	{`requirements_met()`, func(f *facts) bool { m, _ := f.requirementsMissed(); return len(m) == 0 }},
	{`matrix_met()`, func(f *facts) bool { m, _ := f.matrixMissed(); return len(m) == 0 }},
	{`len(unneeded_escalations()) == 0`, func(f *facts) bool { m, _ := f.unneeded(); return len(m) == 0 }},
	{`handover_complete("gas")`, func(f *facts) bool { m, made, _ := f.handover("gas"); return made && len(m) == 0 }},
	{`first_escalation() >= 0 && first_escalation() <= 180`, func(f *facts) bool { v, _ := f.firstEscalation(); return v >= 0 && v <= 180 }},
	{`dispatched_at("gas") <= 180 && acknowledged("gas")`, func(f *facts) bool {
		v, _ := f.involvedAt(f.dispatches["gas"], "dispatched", "gas")
		_, ack := f.acks["gas"]
		return v <= 180 && ack
	}},
	{`record_complete()`, func(f *facts) bool { m, _ := f.missingFields(); return len(m) == 0 }},
	{`len(wrong_fields()) == 0`, func(f *facts) bool { m, _ := f.wrongFields(); return len(m) == 0 }},
	{`record_accuracy() >= 0.8`, func(f *facts) bool { v, _ := f.recordAccuracy(); return v >= 0.8 }},
	{`field_correct("location")`, func(f *facts) bool { v, _ := f.fieldCorrect("location"); return v }},
	{`csat >= 4 && closed`, func(f *facts) bool { return csatFromMood(f.mood) >= 4 && f.closed }},
	{`vars.evacuated && ending != "hangup"`, func(f *facts) bool { e, _ := f.vars["evacuated"].(bool); return e && f.ending != "hangup" }},
}

// benchScenario is the frozen example with the 30-rule rubric, and the
// rules with feedback that interpolates values, as authors write them.
func benchScenario(tb testing.TB) *scenarios.Scenario {
	base := loadFrozenExample(tb)
	var rules []rl
	for i, r := range benchRules {
		rules = append(rules, rl{id: fmt.Sprintf("r%02d", i), check: r.check, points: 5,
			fail: "Rule " + fmt.Sprint(i) + " failed; the longest silence was {{dur(longest_silence())}}."})
	}
	secs := []sec{{id: "a", rules: rules[:10]}, {id: "b", rules: rules[10:20]}, {id: "c", rules: rules[20:]}}
	return withRubric(tb, base, "points", 0, secs...)
}

// benchLog is a 1,000-event call: about an hour of a prolonged gas
// incident with updates, holds, promises, customer lines and mood changes.
func benchLog(sc *scenarios.Scenario) []simulator.Event {
	b := newLog(sc).line(0, "customer", "I can smell gas").say(6, "Please leave the flat now and don't touch any switches", "greet", "safety_advice").
		record(20, "location", "Flat 4, Mill Lane").record(25, "hazard", "gas smell").classify(30, "gas-emergency", "P1").
		dispatch(40, "gas", "location", "hazards").add(85, simulator.Event{Type: simulator.EvAck, From: "gas"}).
		record(90, "callback", "07700 900123").fire(95, "smell_worse").add(96, simulator.Event{Type: simulator.EvSet, ID: "evacuated", Value: true})
	t := 100.0
	for i := 0; len(b.ev) < 994; i++ {
		switch i % 10 {
		case 0, 3, 6:
			b.say(t, "Update: the engineer is still on the way.", "update")
		case 1:
			b.line(t, "customer", "How long now?")
		case 2:
			b.promise(t, "I'll update you in a minute.", t+60, "update", "reassure")
		case 4:
			b.say(t, "Bear with me one moment.", "hold")
		case 5:
			b.hold(t, "")
		case 7:
			b.resume(t)
		case 8:
			b.mood(t, 55+float64(i%40))
		case 9:
			b.fire(t, "waiting_chase")
		}
		t += 4
	}
	return b.arrive(t, "gas").say(t+5, "The engineer has arrived.", "update").mood(t+6, 82).
		close(t+20, "engineer on site").end(t+20, "resolved", "resolved").review(t+120, "ok").ev
}

func TestBenchLogShape(t *testing.T) {
	sc := benchScenario(t)
	log := benchLog(sc)
	if len(log) != 1000 {
		t.Fatalf("bench log has %d events, want 1000", len(log))
	}
	c, err := Score(sc, log)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Sections[0].Rules) + len(c.Sections[1].Rules) + len(c.Sections[2].Rules); n != 30 {
		t.Fatalf("%d rules, want 30", n)
	}
	// The plain-Go rules must agree with the expressions, rule by rule.
	f := nativeFacts(sc, log)
	for i, r := range benchRules {
		res, _ := c.Rule(fmt.Sprintf("r%02d", i))
		if res.Outcome == Error {
			t.Errorf("r%02d %s: %s", i, r.check, res.Error)
		}
		if got := r.native(f); got != (res.Outcome == Pass) {
			t.Errorf("r%02d %s: native %v, expression %s", i, r.check, got, res.Outcome)
		}
	}
}

func BenchmarkScore1000Events(b *testing.B) {
	sc := benchScenario(b)
	log := benchLog(sc)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Score(sc, log); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime is the CPU time the process has used. On a shared machine the
// wall time of a benchmark includes waiting for a core; CPU time per
// operation does not, so it is reported beside ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	if used := cpuTime() - since; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkScore1000EventsNative does the work of Score with the same 30
// rules written in Go: the log checks, the facts, the rules with their
// evidence, the KPIs and the totals; no expressions, no feedback text.
func BenchmarkScore1000EventsNative(b *testing.B) {
	sc := benchScenario(b)
	log := benchLog(sc)
	ids := make([]string, len(benchRules))
	for i := range ids {
		ids[i] = fmt.Sprintf("r%02d", i)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if err := CheckLog(sc, log, false); err != nil {
			b.Fatal(err)
		}
		s := &session{sc: sc, f: nativeFacts(sc, log), rec: &recorder{}}
		c := &Scorecard{Scenario: sc.ID, Version: sc.Version, Scoring: MethodPoints, PassMark: sc.PassMark(), Bands: bands(sc)}
		sr := SectionResult{ID: "all"}
		for i, r := range benchRules {
			res := RuleResult{ID: ids[i], Outcome: Fail, Possible: 5, Max: 5}
			if r.native(s.f) {
				res.Outcome, res.Points = Pass, 5
			}
			sr.Rules = append(sr.Rules, res)
		}
		c.Sections = []SectionResult{sr}
		// truth.first_contact (dispatched("gas") && closed) in Go.
		s.f.fcr = &fcr{ok: len(s.f.dispatches["gas"]) > 0 && s.f.closed}
		c.KPIs = s.kpis()
		c.recompute()
	}
	reportCPU(b, cpu)
}

// nativeFacts are the facts without the expression environment: the
// example's requirement has no when, and its true record values read only
// the variation.
func nativeFacts(sc *scenarios.Scenario, log []simulator.Event) *facts {
	f := newFacts(sc, log)
	f.evalWhen = func(scenarios.Expr) (bool, error) { return true, nil }
	f.renderTruth = func(t scenarios.Text) (string, error) { return t.Render(map[string]any{"vary": f.vary}) }
	return f
}
