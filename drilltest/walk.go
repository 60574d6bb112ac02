package drilltest

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// walkLines are free-text lines a random trainee says, besides giving
// intents explicitly.
var walkLines = []string{
	"Hello, you're through to the incident line, my name is Sam.",
	"Where are you exactly? What's the address?",
	"Can you tell me what is happening?",
	"What's the best phone number to call you back on?",
	"Please don't touch any switches, and leave the building if you can.",
	"Don't worry, help is on the way.",
	"Quick update: they are on their way and should be arriving soon.",
	"Bear with me, I'll put you on a short hold.",
	"Sorry about that.",
	"Okay.",
	"Is there anything else I can help with? Take care, goodbye.",
}

// runWalk plays N seeded random trainees. Each must reach an ending within
// the time limit, with no engine fault, no expression error and a log the
// scorer accepts.
func runWalk(d *simulator.Drill, t *scenarios.Test, cov *Coverage) *failure {
	sc := d.Scenario()
	runs := t.Walk.Runs
	if runs <= 0 {
		runs = 10
	}
	maxActions := t.Walk.MaxActions
	if maxActions <= 0 {
		maxActions = 40
	}
	base := t.Seed
	if base == 0 {
		base = 1
	}
	w := newWalker(sc)
	limit := simulator.TimeLimit(sc)
	for i := 0; i < runs; i++ {
		seed := base + int64(i)
		run := fmt.Sprintf("walk run %d (seed %d)", i+1, seed)
		e, _, err := d.Start(simulator.Config{Seed: seed, Mode: t.Mode})
		if err != nil {
			return fail(t.Pos, "%s: start: %v", run, err)
		}
		r := rand.New(rand.NewPCG(uint64(seed), 0x77616c6b))
		at := simulator.Millis(0)
		for n := 0; n < maxActions && !e.Ended(); n++ {
			at += simulator.Millis(2000 + r.IntN(60_000))
			if _, err := e.Apply(at, w.action(r, at)); err != nil {
				return fail(t.Pos, "%s: engine: %v", run, err)
			}
		}
		if !e.Ended() {
			e.Advance(farFuture)
		}
		if e.Ended() && r.IntN(2) == 0 {
			e.Apply(e.Now(), simulator.Action{Kind: simulator.ActReview, Text: "What went well, what was late, one lesson."})
		}
		log := e.Log()
		if f := checkErrors(log, run, t.Pos); f != nil {
			return f
		}
		end := -1
		for k, ev := range log {
			if ev.Type == simulator.EvEnd {
				end = k
			}
		}
		if end < 0 {
			return fail(t.Pos, "%s: the call never ended", run)
		}
		if log[end].T > limit {
			return fail(t.Pos, "%s: ended at %s, after the time limit %s", run, transcript.Stamp(log[end].T), transcript.Stamp(limit))
		}
		card, err := scoring.Score(sc, log)
		if err != nil {
			return fail(t.Pos, "%s: scoring: %v", run, err)
		}
		cov.add(log, card)
	}
	return nil
}

// walker draws plausible and implausible trainee actions for a scenario.
type walker struct {
	intents    []string
	categories []string
	priorities []string
	fields     []string
	services   []string
	teams      []string
	decisions  []string
}

func newWalker(sc *scenarios.Scenario) *walker {
	w := &walker{}
	set := map[string]bool{}
	for k := range sc.Resolved.Intents {
		set[k] = true
	}
	for k := range sc.Intents {
		set[k] = true
	}
	for k := range sc.Cast.Customer.Answers {
		set[k] = true
	}
	w.intents = keys(set)
	for _, c := range sc.Resolved.Taxonomy {
		w.categories = append(w.categories, c.ID)
	}
	for _, p := range sc.Resolved.Priorities {
		w.priorities = append(w.priorities, p.ID)
	}
	fields := map[string]bool{"notes": true}
	for _, f := range sc.Truth.Record {
		fields[f.Field] = true
	}
	w.fields = keys(fields)
	for id := range sc.Cast.Services {
		w.services = append(w.services, id)
	}
	sort.Strings(w.services)
	decisions := map[string]bool{}
	for id, team := range sc.Cast.Teams {
		w.teams = append(w.teams, id)
		for _, d := range team.Approves {
			decisions[d.Decision] = true
		}
		for _, d := range team.Declines {
			decisions[d.Decision] = true
		}
	}
	for _, a := range sc.Truth.Authority {
		decisions[a.Decision] = true
	}
	sort.Strings(w.teams)
	w.decisions = keys(decisions)
	return w
}

func keys(m map[string]bool) []string {
	out := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m)) // never nil
	slices.Sort(out)
	return out
}

func pick(r *rand.Rand, xs []string, fallback string) string {
	if len(xs) == 0 {
		return fallback
	}
	return xs[r.IntN(len(xs))]
}

func (w *walker) action(r *rand.Rand, at simulator.Millis) simulator.Action {
	n := r.IntN(100)
	switch {
	case n < 40:
		a := simulator.Action{Kind: simulator.ActSay, Text: pick(r, walkLines, "Hello.")}
		if r.IntN(3) == 0 {
			a.Intents = []string{pick(r, w.intents, "greet")}
		}
		if r.IntN(8) == 0 {
			a.Promise = at + simulator.Millis(30_000+r.IntN(150_000))
		}
		return a
	case n < 50:
		return simulator.Action{Kind: simulator.ActClassify, Category: pick(r, w.categories, "x"), Priority: pick(r, w.priorities, "")}
	case n < 60:
		return simulator.Action{Kind: simulator.ActRecord, Field: pick(r, w.fields, "notes"), Value: pick(r, walkLines, "noted")}
	case n < 68:
		return simulator.Action{Kind: simulator.ActDispatch, Target: pick(r, append(w.services, "unknown"), "unknown"), Info: []string{pick(r, w.fields, "location")}}
	case n < 74:
		return simulator.Action{Kind: simulator.ActEscalate, Target: pick(r, append(w.teams, "unknown"), "unknown"), Text: "Please can you help with this incident?"}
	case n < 79:
		return simulator.Action{Kind: simulator.ActContact, Target: pick(r, append(w.services, w.teams...), "unknown"), Text: "Any update?", Info: []string{pick(r, w.fields, "notes")}}
	case n < 83:
		return simulator.Action{Kind: simulator.ActRequest, Target: pick(r, w.teams, "unknown"), Decision: pick(r, w.decisions, "goodwill"), Amount: float64(r.IntN(500))}
	case n < 85:
		return simulator.Action{Kind: simulator.ActDecide, Decision: pick(r, w.decisions, "goodwill"), Amount: float64(r.IntN(500))}
	case n < 90:
		return simulator.Action{Kind: simulator.ActHold, Text: pick(r, []string{"", "Bear with me, one moment."}, "")}
	case n < 95:
		return simulator.Action{Kind: simulator.ActResume, Text: "Thanks for holding."}
	case n < 99:
		return simulator.Action{Kind: simulator.ActClose, Resolution: "Handled and closed."}
	default:
		return simulator.Action{Kind: simulator.ActTransfer, Target: "second-line"}
	}
}
