package drilltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
)

// Record turns a played session into a scenario test, as YAML for a
// drill's tests: list: the seed that drew its variation (listed in a
// comment), every accepted action as a step at its virtual time, and an
// expect block that pins how the play ended and scored, indented to paste
// under a drill's tests: as it is. Texts keep what
// was typed, so the values the seed drew are filled in as played; the test
// holds for that seed.
func Record(log []simulator.Event, card *scoring.Scorecard, name string) ([]byte, error) {
	if len(log) == 0 || log[0].Type != simulator.EvStart {
		return nil, fmt.Errorf("record: the log does not begin with a start event")
	}
	start := log[0]
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Recorded by drillroom play --record: %s v%d, seed %d. Paste under tests:.\n", start.Scenario, start.Version, start.Seed)
	if vary := drawnVary(start); vary != "" {
		fmt.Fprintf(&b, "# Drawn by the seed: %s\n", vary)
	}
	fmt.Fprintf(&b, "- name: %s\n  seed: %d\n", q(name), start.Seed)
	if start.Mode != "" && start.Mode != "practice" {
		fmt.Fprintf(&b, "  mode: %s\n", start.Mode)
	}
	b.WriteString("  steps:\n")
	ended, ending := false, ""
	for _, ev := range log {
		if ev.Type == simulator.EvEnd {
			ended, ending = true, ev.ID
		}
		if ev.Type != simulator.EvAction && ev.Type != simulator.EvReview || ev.Action == nil {
			continue
		}
		step := recordStep(*ev.Action, ev.T, ended)
		if step == "" {
			continue
		}
		fmt.Fprintf(&b, "    - {%s}\n", step)
	}
	if card != nil {
		b.WriteString("  expect:\n")
		if ending != "" {
			fmt.Fprintf(&b, "    ending: %s\n", q(ending))
		}
		var rules []string
		for _, s := range card.Sections {
			for _, r := range s.Rules {
				rules = append(rules, fmt.Sprintf("%s: %s", r.ID, r.Outcome))
			}
		}
		if len(rules) > 0 {
			fmt.Fprintf(&b, "    rules: {%s}\n", strings.Join(rules, ", "))
		}
		fmt.Fprintf(&b, "    score: [%s, %s]\n", scenarios.FormatValue(card.Total), scenarios.FormatValue(card.Total))
		if card.Band != "" {
			fmt.Fprintf(&b, "    band: %s\n", card.Band)
		}
		fmt.Fprintf(&b, "    passed: %v\n", card.Passed)
	}
	// Indented as a drill's tests: list is, so it pastes under tests: as is.
	lines := strings.SplitAfter(b.String(), "\n")
	var out bytes.Buffer
	for _, l := range lines {
		if l != "" {
			out.WriteString("  " + l)
		}
	}
	return out.Bytes(), nil
}

// recordStep is the flow-mapping body of the test step that replays a,
// taken at t ("" for an action a test cannot take).
func recordStep(a simulator.Action, t simulator.Millis, ended bool) string {
	var kv []string
	add := func(k string, v any) { kv = append(kv, k+": "+yamlValue(v)) }
	if !(ended && a.Kind == simulator.ActReview) {
		kv = append(kv, "at: "+scenarios.Duration(t).String())
	}
	switch a.Kind {
	case simulator.ActSay:
		add("say", a.Text)
		if len(a.Intents) > 0 {
			add("intents", a.Intents)
		}
		if a.Promise > 0 {
			kv = append(kv, "promise: "+scenarios.Duration(a.Promise-t).String())
		}
	case simulator.ActHold:
		kv = append(kv, "hold: true")
	case simulator.ActResume:
		kv = append(kv, "resume: true")
	case simulator.ActClassify:
		c := map[string]any{"category": a.Category}
		if a.Priority != "" {
			c["priority"] = a.Priority
		}
		add("classify", c)
	case simulator.ActRecord:
		add("record", map[string]any{"field": a.Field, "value": a.Value})
	case simulator.ActDispatch, simulator.ActEscalate, simulator.ActContact:
		add(string(a.Kind), a.Target)
		if a.Text != "" {
			add("message", a.Text)
		}
		if len(a.Info) > 0 {
			add("info", a.Info)
		}
	case simulator.ActRequest, simulator.ActDecide:
		d := map[string]any{"decision": a.Decision}
		if a.Target != "" {
			d["team"] = a.Target
		}
		if a.Amount != 0 {
			d["amount"] = a.Amount
		}
		add(string(a.Kind), d)
	case simulator.ActTransfer:
		add("transfer", a.Target)
	case simulator.ActClose:
		add("close", a.Resolution)
	case simulator.ActReview:
		add("review", a.Text)
	case simulator.ActPause:
		kv = append(kv, "pause: true")
	case simulator.ActResumeClock:
		kv = append(kv, "continue: true")
	case simulator.ActInject:
		in := map[string]any{}
		if a.As != "" {
			in["as"] = a.As
		}
		if a.Text != "" {
			in["text"] = a.Text
		}
		if a.Line != "" {
			in["line"] = a.Line
		}
		add("inject", in)
	case simulator.ActTakeover:
		add("takeover", a.As)
	case simulator.ActHandback:
		add("handback", a.As)
	default:
		return "" // set_var, set_scale: no test step takes them as played
	}
	return strings.Join(kv, ", ")
}

// yamlValue writes v as a YAML flow value: strings as JSON strings (a
// valid YAML double-quoted scalar), lists and maps in flow style.
func yamlValue(v any) string {
	switch x := v.(type) {
	case string:
		return q(x)
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = q(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+": "+yamlValue(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case float64:
		return scenarios.FormatValue(x)
	}
	return fmt.Sprint(v)
}

func q(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

// drawnVary lists the variation a start event carries, name=value.
func drawnVary(start simulator.Event) string {
	m, ok := start.Value.(map[string]any)
	if !ok {
		return ""
	}
	vary, ok := m["vary"].(map[string]any)
	if !ok {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(vary)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, vary[k]))
	}
	return strings.Join(parts, ", ")
}
