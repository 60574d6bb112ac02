package simulator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// MinIntentExamples is the fewest examples an intent should have when
// examples are what recognise it: fewer, and a trainee's own wording is
// missed.
const MinIntentExamples = 5

// IntentLints checks a drill's intent examples and patterns as its
// recogniser sees them, and returns warnings placed in the file that wrote
// the example or pattern (the drill's, or its policy's):
//
//   - CodeTooFewExamples: an intent recognised by examples has fewer than
//     MinIntentExamples of them;
//   - CodeConfusableExample: left out of the model, an example is read as
//     another intent and not as its own: it says what the other intent's
//     examples say, so the two intents will be confused (an example listed
//     under both intents carries both and is not reported);
//   - CodePatternOverlap: an always pattern of one intent matches an example
//     of another, which it will therefore also recognise (unless the example
//     carries both, or one intent implies the other).
//
// It costs one recognition per example, so validate runs it, not the load.
func (d *Drill) IntentLints() scenarios.Diagnostics {
	r := d.p.intents
	sc := d.sc
	pol := sc.Resolved
	var ds scenarios.Diagnostics
	// where returns the file that wrote key[i] under section, and the index
	// in that file: the policy's entries come first in the merged lists.
	where := func(section, intent string, i int) (file string, src []byte, path string) {
		pm := pol.IntentExamples
		if section == "intents" {
			pm = pol.Intents
		}
		if i < len(pm[intent]) {
			return pol.File, pol.Source, fmt.Sprintf("%s.%s[%d]", section, intent, i)
		}
		return sc.File, sc.Source, fmt.Sprintf("%s.%s[%d]", section, intent, i-len(pm[intent]))
	}
	add := func(file string, src []byte, path, code, format string, args ...any) {
		ds = append(ds, scenarios.DiagnosticAt(file, src, path, code, format, args...))
	}

	// Too few examples.
	counts := map[string]int{}
	for _, ex := range r.examples {
		if !ex.counter {
			counts[r.intents[ex.intent]]++
		}
	}
	for _, name := range r.intents {
		n := counts[name]
		if n == 0 || n >= MinIntentExamples {
			continue
		}
		file, src, path := sc.File, sc.Source, "intent_examples."+name
		if len(sc.IntentExamples[name]) == 0 {
			file, src, path = pol.File, pol.Source, "intent_examples."+name
		}
		add(file, src, path, scenarios.CodeTooFewExamples,
			"intent %s has %d example(s); write at least %d in the words trainees use, or the recogniser will miss their own wording", name, n, MinIntentExamples)
	}

	// Confusable examples: each example read by the model without it.
	seen := map[string]int{} // per intent, examples seen so far (their index in the merged list)
	for ei, ex := range r.examples {
		name := r.intents[ex.intent]
		if ex.counter {
			continue
		}
		idx := seen[name]
		seen[name]++
		got := r.matchWithout(ex.text, int32(ei))
		if slices.Contains(got, name) {
			continue
		}
		var other []string
		for _, g := range got {
			if !slices.Contains(r.implies[name], g) && !slices.Contains(r.implies[g], name) && !exampleCarries(r, ex.text, g) {
				other = append(other, g)
			}
		}
		if len(other) == 0 {
			continue
		}
		file, src, path := where("intent_examples", name, idx)
		add(file, src, path, scenarios.CodeConfusableExample,
			"example %q of %s reads as %s without it: it is nearer to their examples than to the other examples of %s; reword it, move it, or add a counterexample to %s",
			ex.text, name, strings.Join(other, ", "), name, strings.Join(other, ", "))
	}

	// Always patterns that match another intent's examples.
	for _, name := range sortedKeys(r.alwaysSrc) {
		for pi, src := range r.alwaysSrc[name] {
			one, err := newIntentIndex([]string{name}, map[string][]string{name: {src}})
			if err != nil {
				continue // reported as DR4005 by the loader
			}
			for _, ex := range r.examples {
				other := r.intents[ex.intent]
				// An intent that implies another refines it: its patterns
				// may match the other's examples.
				if ex.counter || other == name || slices.Contains(r.implies[other], name) || slices.Contains(r.implies[name], other) {
					continue
				}
				if len(one.match(nil, ex.text)) == 0 {
					continue
				}
				if exampleCarries(r, ex.text, name) {
					continue
				}
				file, fsrc, path := where("intents", name, pi)
				add(file, fsrc, path, scenarios.CodePatternOverlap,
					"pattern %q of %s matches %q, an example of %s: lines like it will get %s too; narrow the pattern or add an intent_never", src, name, ex.text, other, name)
				break
			}
		}
	}
	return ds
}

// exampleCarries reports whether text is also an example of intent name.
func exampleCarries(r *recogniser, text, name string) bool {
	for _, ex := range r.examples {
		if !ex.counter && ex.text == text && r.intents[ex.intent] == name {
			return true
		}
	}
	return false
}

// matchWithout is match with example skip left out of the model.
func (r *recogniser) matchWithout(text string, skip int32) []string {
	r2 := *r
	r2.skip = skip
	return r2.match(nil, text)
}
