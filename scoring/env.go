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
// key holding it); otherwise it is drawn again from the seed, as the engine
// draws it. Each value gets the type
// expressions were compiled against; values that are absent get the
// type's zero.
func varyValues(sc *scenarios.Scenario, start simulator.Event) map[string]any {
	src, _ := start.Value.(map[string]any)
	if inner, ok := src["vary"].(map[string]any); ok {
		src = inner
	}
	if src == nil && len(sc.Variation) > 0 {
		src = simulator.DrawVariation(sc, start.Seed)
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

// relIf is the time of r in seconds from the start of the call when ok,
// and -1 (never) otherwise.
func (f *facts) relIf(ok bool, r ref) float64 {
	if !ok {
		return -1
	}
	return f.rel(r.T)
}
