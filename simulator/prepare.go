package simulator

import (
	"fmt"
	"sort"
	"sync"

	"github.com/drillroom/drillroom/scenarios"
)

// prepared is what the engine derives once per loaded scenario: compiled
// intent patterns and indexes over the script. Scenarios are immutable once
// loaded, so it is built once (Prepare) and shared by every session.
type prepared struct {
	intents    *recogniser
	known      map[string]bool // intents a trainee may give explicitly
	beatIdx    map[string]int
	beatKeys   []string // timer key of each beat, by index
	reactIdx   map[string]int
	afterBeats map[string][]int // beat or reaction id -> beats scheduled after it
	phaseBeats map[string][]int // phase id -> beats scheduled on entering it
	startBeats []int            // beats without phase or after
	phases     map[string]bool
	services   []string // sorted ids
	teams      []string
	taxonomy   map[string]bool
	priorities map[string]bool
	mood       scenarios.MoodModel
	timeLimit  Millis
	safety     bool // safety advice is needed (truth.safety_advice; default: the truth priority is the policy's highest)
	truth      map[string]any
	policy     map[string]any
	varTypes   map[string]string
	speaker    string
	pace       pace // how fast the cast replies
	// envs pools the engines' expression environments (*envSet, env.go):
	// an engine holds one only while it takes a step.
	envs sync.Pool
}

// baseIntents are the intents every scenario understands, whether or not a
// pattern recognises them in free text (the console's quick-intent buttons).
var baseIntents = []string{
	"greet", "ask_location", "ask_details", "ask_callback", "ask_name", "reassure",
	"safety_advice", "update", "hold", "close", "apologise", "empathise",
}

func buildPrepared(sc *scenarios.Scenario) (*prepared, error) {
	pol := sc.Resolved
	if pol == nil {
		return nil, fmt.Errorf("scenario %s: no resolved policy (load it with the scenarios loader)", sc.ID)
	}
	p := &prepared{
		known:      map[string]bool{},
		beatIdx:    map[string]int{},
		reactIdx:   map[string]int{},
		afterBeats: map[string][]int{},
		phaseBeats: map[string][]int{},
		phases:     map[string]bool{},
		taxonomy:   map[string]bool{},
		priorities: map[string]bool{},
		varTypes:   map[string]string{},
		mood:       pol.Mood,
		speaker:    "customer",
	}
	p.pace = resolvePace(pol.ReplyPace, sc.Settings.ReplyPace)
	if sc.Settings.Speaker != "" {
		p.speaker = sc.Settings.Speaker
	}
	if r := sc.Cast.Customer.Reacts; r != nil {
		p.mood = mergeMood(pol.Mood, *r)
	}

	// The recogniser: the policy's patterns and examples (with overrides)
	// plus the scenario's own.
	rec, err := newRecogniser(intentSourceOf(sc))
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.ID, err)
	}
	p.intents = rec
	p.known = knownIntentSet(sc, rec.intents)

	for _, ph := range sc.Phases {
		p.phases[ph.ID] = true
	}
	for i, b := range sc.Timeline {
		p.beatIdx[b.ID] = i
		p.beatKeys = append(p.beatKeys, keyBeat+b.ID)
		switch {
		case b.After != "":
			p.afterBeats[b.After] = append(p.afterBeats[b.After], i)
		case b.Phase != "":
			p.phaseBeats[b.Phase] = append(p.phaseBeats[b.Phase], i)
		default:
			p.startBeats = append(p.startBeats, i)
		}
	}
	for i, r := range sc.Reactions {
		p.reactIdx[r.ID] = i
	}
	for id := range sc.Cast.Services {
		p.services = append(p.services, id)
	}
	sort.Strings(p.services)
	for id := range sc.Cast.Teams {
		p.teams = append(p.teams, id)
	}
	sort.Strings(p.teams)
	for _, c := range pol.Taxonomy {
		p.taxonomy[c.ID] = true
	}
	for _, pr := range pol.Priorities {
		p.priorities[pr.ID] = true
	}
	p.safety = len(pol.Priorities) > 0 && sc.Truth.Priority == pol.Priorities[0].ID
	if sc.Truth.SafetyAdvice != nil {
		p.safety = *sc.Truth.SafetyAdvice
	}

	p.timeLimit = TimeLimit(sc)
	p.truth = sc.TruthValues()
	p.policy = sc.PolicyValues()
	for name, d := range sc.Vars {
		p.varTypes[name] = d.Type
	}
	return p, nil
}

// mergeMood overlays the customer's non-zero settings on the policy's model.
func mergeMood(base, o scenarios.MoodModel) scenarios.MoodModel {
	set := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	set(&base.SilencePerMinute, o.SilencePerMinute)
	set(&base.HoldNoNotice, o.HoldNoNotice)
	set(&base.Update, o.Update)
	set(&base.Reassure, o.Reassure)
	set(&base.SafetyAdvice, o.SafetyAdvice)
	set(&base.MissingSafety, o.MissingSafety)
	set(&base.PromiseBroken, o.PromiseBroken)
	set(&base.PatienceRecovery, o.PatienceRecovery)
	return base
}

// MatchIntents returns the intents the drill's recogniser finds in text
// (the policy's patterns and examples merged with the scenario's), sorted.
func (d *Drill) MatchIntents(text string) []string {
	return d.p.match(nil, text)
}

// match appends to dst the intents recognised in text that dst lacks.
func (p *prepared) match(dst []string, text string) []string {
	return p.intents.match(dst, text)
}

// TimeLimit is when sc's calls end by timeout: settings.time_limit, else
// twice the duration, else 30 minutes.
func TimeLimit(sc *scenarios.Scenario) Millis {
	if l := Millis(sc.Settings.TimeLimit); l > 0 {
		return l
	}
	if d := 2 * Millis(sc.Duration); d > 0 {
		return d
	}
	return 30 * 60 * 1000
}

// intentSourceOf merges the policy's intent patterns and examples with the
// scenario's, intent by intent.
func intentSourceOf(sc *scenarios.Scenario) intentSource {
	pol := sc.Resolved
	merge := func(a, b map[string][]string) map[string][]string {
		m := map[string][]string{}
		for k, v := range a {
			m[k] = append(m[k], v...)
		}
		for k, v := range b {
			m[k] = append(m[k], v...)
		}
		return m
	}
	return intentSource{
		always:    merge(pol.Intents, sc.Intents),
		never:     merge(pol.IntentNever, sc.IntentNever),
		examples:  merge(pol.IntentExamples, sc.IntentExamples),
		counters:  merge(pol.IntentCounters, sc.IntentCounters),
		implies:   merge(pol.IntentImplies, sc.IntentImplies),
		threshold: pol.IntentThreshold,
	}
}

// knownIntentSet is the set of intents a trainee may give explicitly.
func knownIntentSet(sc *scenarios.Scenario, recognised []string) map[string]bool {
	known := map[string]bool{}
	for _, n := range recognised {
		known[n] = true
	}
	for _, n := range baseIntents {
		known[n] = true
	}
	for k := range sc.Cast.Customer.Answers {
		known[k] = true
	}
	for _, r := range sc.Reactions {
		if r.Intent != "" {
			known[r.Intent] = true
		}
	}
	return known
}
