package drilltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// farFuture is where the clock runs after the last step: every call ends
// by its time limit long before.
const farFuture simulator.Millis = 1 << 50

// runScripted plays a test's steps, checks each step's expectations
// against the events since the previous step, runs the clock to the end of
// the call, then checks the outcome and the golden transcript.
func runScripted(d *simulator.Drill, t *scenarios.Test, cov *Coverage, opts Options) (updated bool, f *failure) {
	sc := d.Scenario()
	seed := t.Seed
	if seed == 0 {
		seed = 1
	}
	e, _, err := d.Start(simulator.Config{Seed: seed, Mode: t.Mode})
	if err != nil {
		return false, fail(t.Pos, "start: %v", err)
	}
	mark := 0
	for i := range t.Steps {
		st := &t.Steps[i]
		pos := st.Pos
		if pos.Line == 0 {
			pos = t.Pos
		}
		where := fmt.Sprintf("step %d", i+1)
		at := e.Now()
		if st.At != nil {
			if simulator.Millis(*st.At) < e.Now() {
				return false, fail(pos, "%s: at %s is before the clock (%s)", where, *st.At, scenarios.Duration(e.Now()))
			}
			at = simulator.Millis(*st.At)
		}
		if st.Wait != nil {
			at += simulator.Millis(*st.Wait)
		}
		if st.Until != nil {
			e.Advance(at)
			t, ok := waitFor(e, *st.Until)
			if !ok {
				return false, fail(pos, "%s: until %s: no such event before the call %s (%s)", where, describe(*st.Until), map[bool]string{true: "ended", false: "stopped"}[e.Ended()], summarise(e.Log()[mark:]))
			}
			at = t
		}
		actions, err := stepActions(st, at)
		if err != nil {
			return false, fail(pos, "%s: %v", where, err)
		}
		for k := range actions {
			if err := interpolate(e, &actions[k]); err != nil {
				return false, fail(pos, "%s: %v", where, err)
			}
		}
		if len(actions) == 0 {
			e.Advance(at)
		}
		for _, a := range actions {
			if _, err := e.Apply(at, a); err != nil {
				return false, fail(pos, "%s: engine: %v", where, err)
			}
		}
		log := e.Log()
		evs := log[mark:]
		mark = len(log)
		if f := checkStep(e, st, evs, where, pos); f != nil {
			return false, f
		}
	}
	if !e.Ended() {
		e.Advance(farFuture)
	}
	log := e.Log()
	if f := checkErrors(log[mark:], "after the last step", t.Pos); f != nil {
		return false, f
	}
	if !e.Ended() {
		return false, fail(t.Pos, "the call did not end (is the clock paused?)")
	}
	card, err := scoring.Score(sc, log)
	if err != nil {
		return false, fail(t.Pos, "scoring: %v", err)
	}
	if len(t.Coach) > 0 {
		scores := make(map[string]scoring.Manual, len(t.Coach))
		for id, pts := range t.Coach {
			scores[id] = scoring.Manual{Points: pts}
		}
		if err := scoring.ApplyManual(card, scores); err != nil {
			return false, fail(t.Pos, "coach: %v", err)
		}
	}
	if opts.Scored != nil {
		opts.Scored(t, card)
	}
	cov.add(log, card)
	if t.Expect != nil {
		if f := checkOutcome(e, card, t.Expect, t.Pos); f != nil {
			return false, f
		}
	}
	if f := checkCalibration(sc, t, card); f != nil {
		return false, f
	}
	if t.Golden {
		return golden(sc, t, log, card, opts.Update)
	}
	return false, nil
}

// stepActions turns a step into engine actions (none: the step only moves
// the clock). A step takes one action, except that set may set several
// variables.
func stepActions(st *scenarios.TestStep, at simulator.Millis) ([]simulator.Action, error) {
	var out []simulator.Action
	var kinds []string
	add := func(kind string, a simulator.Action) {
		kinds = append(kinds, kind)
		out = append(out, a)
	}
	if st.Say != "" || len(st.Intents) > 0 {
		a := simulator.Action{Kind: simulator.ActSay, Text: st.Say, Intents: st.Intents}
		if st.Promise != nil {
			a.Promise = at + simulator.Millis(*st.Promise)
		}
		add("say", a)
	} else if st.Promise != nil {
		return nil, fmt.Errorf("promise goes with say")
	}
	if st.Hold {
		add("hold", simulator.Action{Kind: simulator.ActHold})
	}
	if st.Resume {
		add("resume", simulator.Action{Kind: simulator.ActResume})
	}
	if c := st.Classify; c != nil {
		add("classify", simulator.Action{Kind: simulator.ActClassify, Category: c.Category, Priority: c.Priority})
	}
	if r := st.Record; r != nil {
		add("record", simulator.Action{Kind: simulator.ActRecord, Field: r.Field, Value: r.Value})
	}
	if st.Dispatch != "" {
		add("dispatch", simulator.Action{Kind: simulator.ActDispatch, Target: st.Dispatch, Text: st.Message, Info: st.Info})
	}
	if st.Escalate != "" {
		add("escalate", simulator.Action{Kind: simulator.ActEscalate, Target: st.Escalate, Text: st.Message, Info: st.Info})
	}
	if st.Contact != "" {
		add("contact", simulator.Action{Kind: simulator.ActContact, Target: st.Contact, Text: st.Message, Info: st.Info})
	}
	if r := st.Request; r != nil {
		add("request", simulator.Action{Kind: simulator.ActRequest, Target: r.Team, Decision: r.Decision, Amount: r.Amount})
	}
	if d := st.Decide; d != nil {
		add("decide", simulator.Action{Kind: simulator.ActDecide, Decision: d.Decision, Amount: d.Amount})
	}
	if st.Consult != "" {
		add("consult", simulator.Action{Kind: simulator.ActConsult, Target: st.Consult, Text: st.Message})
	}
	if st.EndConsult {
		add("end_consult", simulator.Action{Kind: simulator.ActEndConsult})
	}
	if st.Transfer != "" {
		add("transfer", simulator.Action{Kind: simulator.ActTransfer, Target: st.Transfer})
	}
	if st.Close != nil {
		add("close", simulator.Action{Kind: simulator.ActClose, Resolution: *st.Close})
	}
	if w := st.WrapUp; w != nil {
		add("wrap_up", simulator.Action{Kind: simulator.ActWrapUp, Code: w.Code, Text: w.Notes})
	}
	if st.Review != "" {
		add("review", simulator.Action{Kind: simulator.ActReview, Text: st.Review})
	}
	if st.Pause {
		add("pause", simulator.Action{Kind: simulator.ActPause, By: drillroom.ActorTrainer})
	}
	if st.Continue {
		add("continue", simulator.Action{Kind: simulator.ActResumeClock, By: drillroom.ActorTrainer})
	}
	if in := st.Inject; in != nil {
		add("inject", simulator.Action{Kind: simulator.ActInject, As: in.As, Text: in.Text, Line: in.Line, By: drillroom.ActorTrainer})
	}
	if st.Takeover != "" {
		add("takeover", simulator.Action{Kind: simulator.ActTakeover, As: st.Takeover, By: drillroom.ActorTrainer})
	}
	if st.Handback != "" {
		add("handback", simulator.Action{Kind: simulator.ActHandback, As: st.Handback, By: drillroom.ActorTrainer})
	}
	if len(st.Set) > 0 {
		kinds = append(kinds, "set")
		for _, name := range slices.Sorted(maps.Keys(st.Set)) {
			b, err := json.Marshal(st.Set[name])
			if err != nil {
				return nil, fmt.Errorf("set %s: %v", name, err)
			}
			out = append(out, simulator.Action{Kind: simulator.ActSetVar, Field: name, Value: string(b), By: drillroom.ActorTrainer})
		}
	}
	if len(kinds) > 1 {
		return nil, fmt.Errorf("a step takes one action; this one has %s", strings.Join(kinds, " and "))
	}
	if (len(st.Info) > 0 || st.Message != "") && st.Dispatch == "" && st.Escalate == "" && st.Contact == "" && st.Consult == "" {
		return nil, fmt.Errorf("message and info go with dispatch, escalate, contact or consult")
	}
	if len(st.Info) > 0 && st.Consult != "" {
		return nil, fmt.Errorf("info goes with dispatch, escalate or contact; a consultation carries its question in message")
	}
	return out, nil
}

// interpolate renders {{ expressions }} in an action's texts, so a step
// can say or record what the seed drew: record: {field: location, value:
// "Flat {{vary.flat}}"}.
func interpolate(e *simulator.Engine, a *simulator.Action) error {
	for _, p := range []*string{&a.Text, &a.Value, &a.Resolution} {
		if a.Kind == simulator.ActSetVar && p == &a.Value {
			continue
		}
		s, err := e.Interpolate(*p)
		if err != nil {
			return err
		}
		*p = s
	}
	return nil
}

func checkStep(e *simulator.Engine, st *scenarios.TestStep, evs []simulator.Event, where string, pos scenarios.Pos) *failure {
	var rejected []simulator.Event
	for _, ev := range evs {
		if ev.Type == simulator.EvRejected {
			rejected = append(rejected, ev)
		}
	}
	switch {
	case st.Rejected != "":
		ok := false
		for _, ev := range rejected {
			if strings.Contains(strings.ToLower(ev.Reason), strings.ToLower(st.Rejected)) {
				ok = true
			}
		}
		if !ok {
			if len(rejected) == 0 {
				return fail(pos, "%s: want the action rejected (%q), it was accepted", where, st.Rejected)
			}
			return fail(pos, "%s: rejected with %q, want a reason containing %q", where, rejected[0].Reason, st.Rejected)
		}
	case len(rejected) > 0:
		return fail(pos, "%s: action rejected: %s", where, rejected[0].Reason)
	}
	if f := checkErrors(evs, where, pos); f != nil {
		return f
	}
	for _, m := range st.Expect {
		if s, err := e.Interpolate(m.Text); err == nil {
			m.Text = s
		}
		found := false
		for _, ev := range evs {
			if matches(m, ev) {
				found = true
				break
			}
		}
		if !found {
			return fail(at(m.Pos, pos), "%s: expected %s; %s", where, describe(m), summarise(evs))
		}
	}
	for _, m := range st.ExpectNot {
		if s, err := e.Interpolate(m.Text); err == nil {
			m.Text = s
		}
		for _, ev := range evs {
			if matches(m, ev) {
				return fail(at(m.Pos, pos), "%s: unexpected %s at %s: %s", where, describe(m), transcript.Stamp(ev.T), formatEvent(ev))
			}
		}
	}
	snap := e.Snapshot()
	if f := checkVars(snap.Vars, st.Vars, where, pos); f != nil {
		return f
	}
	if r := st.Mood; len(r) > 0 {
		if f := checkRange("mood", snap.Mood, r, where, pos); f != nil {
			return f
		}
	}
	if r := st.Patience; len(r) > 0 {
		if f := checkRange("patience", snap.Patience, r, where, pos); f != nil {
			return f
		}
	}
	if st.Phase != "" && snap.Phase != st.Phase {
		return fail(pos, "%s: phase is %q, want %q", where, snap.Phase, st.Phase)
	}
	return nil
}

func at(p, def scenarios.Pos) scenarios.Pos {
	if p.Line > 0 {
		return p
	}
	return def
}

// checkErrors fails on expression errors: a scenario whose script fails
// at run time is broken even when the run looks right.
func checkErrors(evs []simulator.Event, where string, pos scenarios.Pos) *failure {
	for _, ev := range evs {
		if ev.Type == simulator.EvError {
			return fail(pos, "%s: run-time error in %s at %s: %s", where, ev.ID, transcript.Stamp(ev.T), ev.Reason)
		}
	}
	return nil
}

func checkRange(name string, v float64, r []float64, where string, pos scenarios.Pos) *failure {
	if len(r) != 2 {
		return fail(pos, "%s: %s range must be [min, max]", where, name)
	}
	if v < r[0] || v > r[1] {
		return fail(pos, "%s: %s is %s, want between %s and %s", where, name,
			scenarios.FormatValue(v), scenarios.FormatValue(r[0]), scenarios.FormatValue(r[1]))
	}
	return nil
}

func checkVars(have, want map[string]any, where string, pos scenarios.Pos) *failure {
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, ok := have[name]
		if !ok {
			return fail(pos, "%s: no variable %q", where, name)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want[name])
		if !bytes.Equal(gb, wb) {
			return fail(pos, "%s: vars.%s is %s, want %s", where, name, gb, wb)
		}
	}
	return nil
}

func checkOutcome(e *simulator.Engine, card *scoring.Scorecard, x *scenarios.TestOutcome, testPos scenarios.Pos) *failure {
	pos := at(x.Pos, testPos)
	snap := e.Snapshot()
	if x.Ending != "" && snap.Ending != x.Ending {
		return fail(pos, "ending is %q (%s), want %q", snap.Ending, snap.EndKind, x.Ending)
	}
	for _, id := range slices.Sorted(maps.Keys(x.Rules)) {
		want := x.Rules[id]
		r, ok := card.Rule(id)
		if !ok {
			return fail(pos, "no rule %q in the rubric", id)
		}
		if r.Outcome != want {
			why := r.Feedback
			if r.Error != "" {
				why = r.Error
			}
			msg := fmt.Sprintf("rule %s: got %s, want %s", id, r.Outcome, want)
			if why != "" {
				msg += " (" + why + ")"
			}
			return fail(pos, "%s", msg)
		}
	}
	if len(x.Score) > 0 {
		if len(x.Score) != 2 {
			return fail(pos, "score must be [min, max]")
		}
		if card.Total < x.Score[0] || card.Total > x.Score[1] {
			return fail(pos, "score is %s%%, want between %s and %s%s", scenarios.FormatValue(card.Total),
				scenarios.FormatValue(x.Score[0]), scenarios.FormatValue(x.Score[1]), failedRules(card))
		}
	}
	if x.Band != "" && card.Band != x.Band {
		return fail(pos, "band is %q (score %s%%), want %q", card.Band, scenarios.FormatValue(card.Total), x.Band)
	}
	if x.Passed != nil && card.Passed != *x.Passed {
		return fail(pos, "passed is %v (score %s%%, pass mark %s), want %v%s", card.Passed,
			scenarios.FormatValue(card.Total), scenarios.FormatValue(card.PassMark), *x.Passed, failedRules(card))
	}
	if f := checkVars(snap.Vars, x.Vars, "at the end", pos); f != nil {
		return f
	}
	for _, id := range x.Fired {
		if snap.Fired[id].Count == 0 {
			return fail(pos, "%s never fired", id)
		}
	}
	for _, id := range x.Silent {
		if n := snap.Fired[id].Count; n > 0 {
			return fail(pos, "%s fired (%d times), want never", id, n)
		}
	}
	return nil
}

func failedRules(card *scoring.Scorecard) string {
	var ids []string
	for _, s := range card.Sections {
		for _, r := range s.Rules {
			if r.Outcome == "fail" || r.Outcome == "error" {
				ids = append(ids, r.ID)
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return "; failed: " + strings.Join(ids, ", ")
}

// GoldenPath is where a test's golden transcript lives: testdata/<scenario
// id>/<test name>.golden beside the scenario file.
func GoldenPath(sc *scenarios.Scenario, test string) string {
	return filepath.Join(filepath.Dir(sc.File), "testdata", sc.ID, slug(test)+".golden")
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Transcript is the golden form of a run: every event (hidden ones in
// brackets), then the ending and each rule's outcome.
func Transcript(log []simulator.Event, card *scoring.Scorecard) []byte {
	var b bytes.Buffer
	transcript.Write(&b, log, true)
	if card != nil {
		fmt.Fprintf(&b, "-- score %s%% (%s), passed: %v\n", scenarios.FormatValue(card.Total), card.Band, card.Passed)
		for _, s := range card.Sections {
			for _, r := range s.Rules {
				fmt.Fprintf(&b, "-- rule %s: %s\n", r.ID, r.Outcome)
			}
		}
	}
	return b.Bytes()
}

func golden(sc *scenarios.Scenario, t *scenarios.Test, log []simulator.Event, card *scoring.Scorecard, update bool) (bool, *failure) {
	path := GoldenPath(sc, t.Name)
	got := Transcript(log, card)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return false, fail(t.Pos, "golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			return false, fail(t.Pos, "golden: %v", err)
		}
		return true, nil
	}
	want, err := os.ReadFile(path)
	if err != nil {
		return false, fail(t.Pos, "golden file %s: %v (run drillroom test -update to write it)", path, err)
	}
	if bytes.Equal(got, want) {
		return false, nil
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			return false, fail(t.Pos, "transcript differs from %s at line %d: got %q, want %q (drillroom test -update rewrites it)", path, i+1, g, w)
		}
	}
	return false, fail(t.Pos, "transcript differs from %s", path)
}

// waitFor fires the engine's timers one due time at a time until an event
// matching m is emitted, and returns that event's time. It fails when
// nothing more is due (the call ended, the clock is paused) first.
func waitFor(e *simulator.Engine, m scenarios.EventMatch) (simulator.Millis, bool) {
	for {
		due, ok := e.NextDue()
		if !ok {
			return 0, false
		}
		for _, ev := range e.Advance(due) {
			if matches(m, ev) {
				return ev.T, true
			}
		}
	}
}
