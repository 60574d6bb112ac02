package scenarios

import "testing"

func TestLabelAndWords(t *testing.T) {
	for id, want := range map[string]string{"people_at_risk": "People at risk", "gas-emergency": "Gas emergency", "psr": "Psr", "": "", "a.b": "A b"} {
		if got := Words(id); got != want {
			t.Errorf("Words(%q) = %q, want %q", id, got, want)
		}
	}
	budget := Duration(30000)
	sc := &Scenario{
		Labels: map[string]string{"psr": "Priority Services Register", "greet": "Hello"},
		Truth:  Truth{Record: []RecordField{{Field: "people_at_risk"}}, Decisions: []string{"refund"}},
		Resolved: &Policy{
			Labels:         map[string]string{"greet": "Greeting", "safety_advice": "Safety advice"},
			Taxonomy:       []Category{{ID: "gas-emergency", Title: "Gas emergency (suspected)"}},
			Priorities:     []Priority{{ID: "P1", Title: "Critical"}},
			IntentExamples: map[string][]string{"ask_location": {"where are you"}},
		},
		Endings: []Ending{{ID: "caller-safe"}},
	}
	for id, want := range map[string]string{
		"psr": "Priority Services Register", "greet": "Hello", "safety_advice": "Safety advice",
		"gas-emergency": "Gas emergency (suspected)", "P1": "Critical", "people_at_risk": "People at risk",
	} {
		if got := sc.Label(id); got != want {
			t.Errorf("Label(%q) = %q, want %q", id, got, want)
		}
	}
	named := sc.Named()
	for _, id := range []string{"psr", "greet", "safety_advice", "gas-emergency", "people_at_risk", "refund", "ask_location", "caller-safe"} {
		if named[id] == "" {
			t.Errorf("Named lacks %s: %v", id, named)
		}
	}
	if _, ok := sc.Budget(); ok {
		t.Error("a budget with neither the drill's nor the policy's")
	}
	sc.Resolved.DisconnectBudget = &budget
	if b, ok := sc.Budget(); !ok || b != budget {
		t.Errorf("the policy's budget: %v %v", b, ok)
	}
	zero := Duration(0)
	sc.Settings.DisconnectBudget = &zero
	if b, ok := sc.Budget(); !ok || b != 0 {
		t.Errorf("the drill's budget of 0s: %v %v, want 0 (it wins over the policy's)", b, ok)
	}
}
