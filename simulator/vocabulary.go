package simulator

import "sort"

// KnownIntents lists, sorted, every intent the drill's engine accepts in a
// say action's explicit intents (the base intents, the policy's and the
// scenario's patterns, the customer's answers and the reactions'). A
// client learns the same by trying, from the refusal "unknown intent", so
// the list gives nothing away; it spares programs the guessing.
func (d *Drill) KnownIntents() []string {
	out := make([]string, 0, len(d.p.known))
	for k := range d.p.known {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
