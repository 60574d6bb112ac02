package scenarios

import "fmt"

// Limits on intent examples: the recogniser reads at most this much of
// each, and at most this many per drill (the policy's and the drill's).
const (
	MaxIntentExampleBytes = 300
	MaxIntentExamples     = 5000
)

// intentExamples checks the examples or counterexamples at path: none
// empty or longer than MaxIntentExampleBytes. It returns how many there are.
func intentExamples(l *diagList, d *decoder, m map[string][]string, path string) int {
	n := 0
	for _, name := range sortedKeys(m) {
		for i, ex := range m[name] {
			n++
			at := fmt.Sprintf("%s.%s[%d]", path, name, i)
			switch {
			case len(ex) > MaxIntentExampleBytes:
				l.add(CodeRange, d.at(at), "%s is %d bytes long; an example is one line of at most %d", at, len(ex), MaxIntentExampleBytes)
			case len(ex) == 0:
				l.add(CodeRange, d.at(at), "%s is empty; write the line a trainee would say", at)
			}
		}
	}
	return n
}

// intentImplies checks that every implied intent is one the file knows.
func intentImplies(l *diagList, d *decoder, m map[string][]string, path string, known map[string]bool) {
	for _, name := range sortedKeys(m) {
		for i, in := range m[name] {
			if !known[in] {
				l.add(CodeUnknownIntent, d.at(fmt.Sprintf("%s.%s[%d]", path, name, i)), "%s.%s[%d]: %q is not an intent of the policy or of this scenario%s", path, name, i, in, suggestKey(in, known))
			}
		}
	}
}

// policyIntents are the intents a policy itself defines.
func policyIntents(p *Policy) map[string]bool {
	m := map[string]bool{}
	for _, src := range []map[string][]string{p.Intents, p.IntentExamples, p.IntentCounters, p.IntentImplies, p.IntentNever} {
		for k := range src {
			m[k] = true
		}
	}
	return m
}
