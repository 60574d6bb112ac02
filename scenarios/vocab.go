package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/expr-lang/expr/types"
)

// EnvKind names an expression environment. Each expression field of the
// language declares its kind with the env struct tag.
type EnvKind string

const (
	// EnvGuard: timeline guards and cancel conditions, set steps, ending
	// conditions and dialogue text. Reads the live state of the call.
	EnvGuard EnvKind = "guard"
	// EnvReaction: reaction guards. The guard names plus action.
	EnvReaction EnvKind = "reaction"
	// EnvRule: rubric checks, not-applicable conditions, feedback text,
	// requirement conditions and first_contact. Reads the whole event log.
	EnvRule EnvKind = "rule"
)

// Name is one name an expression can use.
type Name struct {
	Name    string
	Type    any // a value of the Go type the name has (functions: a typed nil func)
	Envs    []EnvKind
	Doc     string
	Example string
}

var (
	guardOnly = []EnvKind{EnvGuard, EnvReaction}
	all       = []EnvKind{EnvGuard, EnvReaction, EnvRule}
	ruleOnly  = []EnvKind{EnvRule}
)

type (
	fnStrBool   = func(string) bool
	fnStrInt    = func(string) int
	fnStrFloat  = func(string) float64
	fnStrStr    = func(string) string
	fnFloat     = func() float64
	fnBool      = func() bool
	fnInt       = func() int
	fnStrs      = func() []string
	fnFloatStr  = func(float64) string
	fnFloatStrI = func(float64, string) int
	fnStrFloatF = func(string) float64
)

// Vocabulary lists every name an expression may use, with the environments
// that provide it. Times and durations are seconds (float). The simulator
// provides the guard and reaction names, scoring the rule names; tests in
// those packages check that they provide exactly these names and types.
var Vocabulary = []Name{
	// The state of the call (guards) or its end state (rules).
	{Name: "t", Type: float64(0), Envs: all, Doc: "Virtual time now, in seconds since the call started (rules: when it ended).", Example: "t > 120"},
	{Name: "phase", Type: "", Envs: all, Doc: "The current phase id (rules: the last phase).", Example: `phase == "waiting"`},
	{Name: "mood", Type: float64(0), Envs: all, Doc: "The customer's mood, 0 to 100 (rules: the final mood).", Example: "mood < 30"},
	{Name: "patience", Type: float64(0), Envs: all, Doc: "The customer's patience, 0 to 100.", Example: "patience < 20"},
	{Name: "on_hold", Type: false, Envs: all, Doc: "Whether the customer is on hold.", Example: "!on_hold"},
	{Name: "silence", Type: float64(0), Envs: guardOnly, Doc: "Seconds since the trainee last spoke to the customer (or since the start).", Example: "silence > 60"},
	{Name: "category", Type: "", Envs: all, Doc: "The trainee's current category (empty until classified).", Example: `category == truth.category`},
	{Name: "priority", Type: "", Envs: all, Doc: "The trainee's current priority.", Example: `priority == "P1"`},
	{Name: "vars", Type: map[string]any{}, Envs: all, Doc: "The scenario's typed variables (rules: final values).", Example: "vars.evacuated"},
	{Name: "vary", Type: map[string]any{}, Envs: all, Doc: "Values drawn from the seed: pick gives a string, range an int, between seconds.", Example: `vary.caller_name`},
	{Name: "truth", Type: map[string]any{}, Envs: all, Doc: "The ground truth: truth.category, truth.priority, truth.impact, truth.urgency.", Example: `category == truth.category`},
	{Name: "policy", Type: map[string]any{}, Envs: all, Doc: "The policy's cadence standard in seconds: policy.first_response, policy.max_silence, policy.hold_update, policy.waiting_update, policy.team_update, policy.promise_grace; policy.wrap_up (the wrap-up target, 0: none); and policy.pass_mark.", Example: "longest_silence() <= policy.max_silence"},
	{Name: "ended", Type: false, Envs: all, Doc: "Whether the call has ended.", Example: "ended"},
	{Name: "ending", Type: "", Envs: all, Doc: "The id of the ending reached (empty while the call goes on).", Example: `ending == "resolved"`},
	{Name: "said", Type: fnStrBool(nil), Envs: all, Doc: "Whether the trainee has expressed this intent to the customer.", Example: `said("safety_advice")`},
	{Name: "times_said", Type: fnStrInt(nil), Envs: all, Doc: "How many of the trainee's lines carried this intent.", Example: `times_said("update") >= 2`},
	{Name: "said_at", Type: fnStrFloat(nil), Envs: all, Doc: "When the intent was first expressed, or -1.", Example: `said_at("safety_advice") <= 60`},
	{Name: "dispatched", Type: fnStrBool(nil), Envs: all, Doc: "Whether this service id was dispatched.", Example: `dispatched("gas")`},
	{Name: "dispatched_at", Type: fnStrFloat(nil), Envs: all, Doc: "When this service was first dispatched, or -1.", Example: `dispatched_at("gas") <= 180`},
	{Name: "escalated", Type: fnStrBool(nil), Envs: all, Doc: "Whether this team id was escalated to.", Example: `escalated("supervisor")`},
	{Name: "escalated_at", Type: fnStrFloat(nil), Envs: all, Doc: "When this team was first escalated to, or -1.", Example: `escalated_at("security") < 300`},
	{Name: "contacted", Type: fnStrBool(nil), Envs: all, Doc: "Whether the trainee contacted (dispatched, escalated or messaged) this service or team.", Example: `contacted("fire")`},
	{Name: "consulted", Type: fnStrBool(nil), Envs: all, Doc: "Whether the trainee consulted this service or team while keeping the caller.", Example: `consulted("supervisor")`},
	{Name: "consulted_at", Type: fnStrFloat(nil), Envs: all, Doc: "When the trainee first consulted this service or team, or -1.", Example: `consulted_at("supervisor") <= 300`},
	{Name: "acknowledged", Type: fnStrBool(nil), Envs: all, Doc: "Whether this service or team has acknowledged.", Example: `acknowledged("gas")`},
	{Name: "arrived", Type: fnStrBool(nil), Envs: all, Doc: "Whether this service has arrived.", Example: `arrived("ambulance")`},
	{Name: "approved", Type: fnStrBool(nil), Envs: all, Doc: "Whether this decision was approved by a team.", Example: `approved("goodwill_payment")`},
	{Name: "recorded", Type: fnStrBool(nil), Envs: all, Doc: "Whether this incident-log field has been recorded.", Example: `recorded("location")`},
	{Name: "field", Type: fnStrStr(nil), Envs: all, Doc: "The recorded value of a field (empty if not recorded).", Example: `field("hazard") contains "gas"`},
	{Name: "fired", Type: fnStrBool(nil), Envs: all, Doc: "Whether this beat or reaction id has fired.", Example: `fired("smell_worse")`},
	{Name: "fired_at", Type: fnStrFloat(nil), Envs: all, Doc: "When this beat or reaction first fired, or -1.", Example: `fired_at("smell_worse") > 0`},
	{Name: "since", Type: fnStrFloat(nil), Envs: guardOnly, Doc: "Seconds since this beat or reaction last fired, or -1.", Example: `since("chase") > 30`},

	// Reactions only.
	{Name: "action", Type: map[string]any{}, Envs: []EnvKind{EnvReaction}, Doc: "The trainee's action: action.kind, action.text, action.intents, action.target, action.category, action.priority, action.field, action.value, action.decision, action.amount, action.info, action.by (seconds), action.resolution.", Example: `"safety_advice" in action.intents`},

	// Rules only: classification.
	{Name: "category_at", Type: (func(float64) string)(nil), Envs: ruleOnly, Doc: "The trainee's category at a time (seconds).", Example: `category_at(120) == truth.category`},
	{Name: "priority_at", Type: (func(float64) string)(nil), Envs: ruleOnly, Doc: "The trainee's priority at a time.", Example: `priority_at(120) == truth.priority`},
	{Name: "classified_at", Type: fnFloat(nil), Envs: ruleOnly, Doc: "When the trainee first classified, or -1.", Example: "classified_at() <= 180"},
	{Name: "category_correct_at", Type: fnFloat(nil), Envs: ruleOnly, Doc: "When the category first became correct (and stayed so to the end), or -1.", Example: "category_correct_at() <= 120"},
	{Name: "priority_correct_at", Type: fnFloat(nil), Envs: ruleOnly, Doc: "When the priority first became correct (and stayed so), or -1.", Example: "priority_correct_at() <= 120"},
	{Name: "reclassified_after", Type: fnStrBool(nil), Envs: ruleOnly, Doc: "Whether the classification changed after this beat or reaction fired (new information).", Example: `reclassified_after("reveals_gas")`},
	{Name: "times_classified", Type: fnInt(nil), Envs: ruleOnly, Doc: "How many classify actions were accepted.", Example: "times_classified() <= 2"},

	// Rules only: communication cadence.
	{Name: "first_response", Type: fnFloat(nil), Envs: ruleOnly, Doc: "Seconds until the trainee first spoke to the customer (the call's length if never).", Example: "first_response() <= policy.first_response"},
	{Name: "longest_silence", Type: fnFloat(nil), Envs: ruleOnly, Doc: "The longest gap between the trainee's lines to the customer while the call was live.", Example: "longest_silence() <= policy.max_silence"},
	{Name: "longest_gap", Type: fnStrFloatF(nil), Envs: ruleOnly, Doc: `The longest gap between updates within intervals of a kind: "call", "hold", "waiting" (a dispatched service not yet arrived) or "waiting:ID" (that service until it arrives, or that team from escalation until it resolves).`, Example: `longest_gap("waiting") <= policy.waiting_update`},
	{Name: "gaps_over", Type: fnFloatStrI(nil), Envs: ruleOnly, Doc: "How many gaps within intervals of a kind were longer than a limit (seconds). Judged gap by gap.", Example: `gaps_over(policy.hold_update, "hold") == 0`},
	{Name: "updates", Type: fnStrInt(nil), Envs: ruleOnly, Doc: "How many lines the trainee gave the customer within intervals of a kind.", Example: `updates("waiting") >= 2`},
	{Name: "holds_without_notice", Type: fnInt(nil), Envs: ruleOnly, Doc: "Holds not preceded by telling the customer (a line with the hold intent).", Example: "holds_without_notice() == 0"},
	{Name: "promises_made", Type: fnInt(nil), Envs: ruleOnly, Doc: "Updates the trainee promised by a time.", Example: "promises_made() > 0"},
	{Name: "promises_broken", Type: fnInt(nil), Envs: ruleOnly, Doc: "Promised updates not delivered by their time (plus policy.promise_grace).", Example: "promises_broken() == 0"},
	{Name: "gaps", Type: (func(string) []float64)(nil), Envs: ruleOnly, Doc: `Every gap (seconds) between updates within intervals of a kind ("call", "hold", "waiting", "waiting:ID" for a service or team), in time order, for custom cadence rules.`, Example: `all(gaps("hold"), # <= policy.hold_update)`},
	{Name: "longest_team_gap", Type: fnStrFloatF(nil), Envs: ruleOnly, Doc: "The longest gap between the trainee's updates to an engaged team (from engagement to the end).", Example: `longest_team_gap("technical") <= policy.team_update`},

	// Rules only: escalation.
	{Name: "first_escalation", Type: fnFloat(nil), Envs: ruleOnly, Doc: "When the trainee first dispatched or escalated, or -1.", Example: "first_escalation() <= 120"},
	{Name: "requirements_met", Type: fnBool(nil), Envs: ruleOnly, Doc: "Whether every applicable truth.required item was made in time.", Example: "requirements_met()"},
	{Name: "requirements_missed", Type: fnStrs(nil), Envs: ruleOnly, Doc: "The required service or team ids not involved in time.", Example: "len(requirements_missed()) == 0"},
	{Name: "matrix_met", Type: fnBool(nil), Envs: ruleOnly, Doc: "Whether every service or team kind the policy's escalation matrix requires for the true category and priority was involved in time.", Example: "matrix_met()"},
	{Name: "matrix_missed", Type: fnStrs(nil), Envs: ruleOnly, Doc: "The service or team kinds the escalation matrix requires that were not involved in time.", Example: "len(matrix_missed()) == 0"},
	{Name: "unneeded_escalations", Type: fnStrs(nil), Envs: ruleOnly, Doc: "Services and teams involved that neither the truth nor the policy's escalation matrix called for.", Example: "len(unneeded_escalations()) == 0"},
	{Name: "handover_complete", Type: fnStrBool(nil), Envs: ruleOnly, Doc: "Whether the dispatch or escalation to this id carried the information its requirement lists.", Example: `handover_complete("gas")`},
	{Name: "handover_missing", Type: (func(string) []string)(nil), Envs: ruleOnly, Doc: "The information the requirement for this id lists that its dispatch or escalation did not carry.", Example: `len(handover_missing("gas")) == 0`},
	{Name: "authority_breaches", Type: fnInt(nil), Envs: ruleOnly, Doc: "Decisions the trainee took beyond their authority without approval.", Example: "authority_breaches() == 0"},

	// Rules only: after-call work.
	{Name: "wrap_up_time", Type: fnFloat(nil), Envs: ruleOnly, Doc: "Seconds of after-call work (the wrap-up KPI): from the end of the call to the trainee finishing wrap-up, else to the review, else to when they left the desk during wrap-up for good; -1 while none has come.", Example: "wrap_up_time() >= 0 && wrap_up_time() <= policy.wrap_up"},
	{Name: "wrap_up_code", Type: (func() string)(nil), Envs: ruleOnly, Doc: "The wrap-up code the trainee chose (empty when none).", Example: `wrap_up_code() == "safety_referral"`},

	// Rules only: incident record.
	{Name: "field_correct", Type: fnStrBool(nil), Envs: ruleOnly, Doc: "Whether the field's final value matches the truth.", Example: `field_correct("location")`},
	{Name: "record_complete", Type: fnBool(nil), Envs: ruleOnly, Doc: "Whether every truth.record field was recorded.", Example: "record_complete()"},
	{Name: "record_accuracy", Type: fnFloat(nil), Envs: ruleOnly, Doc: "The share (0 to 1) of truth.record fields recorded correctly.", Example: "record_accuracy() >= 0.8"},
	{Name: "missing_fields", Type: fnStrs(nil), Envs: ruleOnly, Doc: "truth.record fields not recorded.", Example: "len(missing_fields()) == 0"},
	{Name: "wrong_fields", Type: fnStrs(nil), Envs: ruleOnly, Doc: "truth.record fields recorded with a wrong value.", Example: "len(wrong_fields()) == 0"},

	// Rules only: outcome.
	{Name: "closed", Type: false, Envs: ruleOnly, Doc: "Whether the trainee closed the call.", Example: "closed"},
	{Name: "resolution", Type: "", Envs: ruleOnly, Doc: "The resolution the trainee closed with.", Example: `resolution != ""`},
	{Name: "reviewed", Type: false, Envs: ruleOnly, Doc: "Whether the trainee submitted the post-incident review.", Example: "reviewed"},
	{Name: "csat", Type: 0, Envs: ruleOnly, Doc: "Customer satisfaction, 1 to 5, from the final mood.", Example: "csat >= 4"},
	{Name: "first_contact_resolved", Type: fnBool(nil), Envs: ruleOnly, Doc: "Whether truth.first_contact held.", Example: "first_contact_resolved()"},
	{Name: "dur", Type: fnFloatStr(nil), Envs: ruleOnly, Doc: "Formats seconds as the clock reads (250 as 4:10), for feedback text.", Example: `"{{dur(longest_silence())}}"`},
}

// Names returns the vocabulary of one environment, sorted by name.
func Names(k EnvKind) []Name {
	var out []Name
	for _, n := range Vocabulary {
		for _, e := range n.Envs {
			if e == k {
				out = append(out, n)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var (
	truthType  = types.Map{"category": types.String, "priority": types.String, "impact": types.String, "urgency": types.String}
	policyType = types.Map{
		"first_response": types.Float64, "max_silence": types.Float64, "hold_update": types.Float64,
		"waiting_update": types.Float64, "team_update": types.Float64, "promise_grace": types.Float64,
		"pass_mark": types.Float64, "wrap_up": types.Float64,
	}
	actionType = types.Map{
		"kind": types.String, "text": types.String, "intents": types.TypeOf([]string{}),
		"target": types.String, "category": types.String, "priority": types.String,
		"field": types.String, "value": types.String, "decision": types.String,
		"amount": types.Float64, "info": types.TypeOf([]string{}), "by": types.Float64,
		"resolution": types.String,
	}
)

// TruthValues is what expressions read as truth (typed by truthType): the
// drill's correct classification.
func (s *Scenario) TruthValues() map[string]any {
	return map[string]any{
		"category": s.Truth.Category, "priority": s.Truth.Priority,
		"impact": s.Truth.Impact, "urgency": s.Truth.Urgency,
	}
}

// PolicyValues is what expressions read as policy (typed by policyType):
// the cadence standards and the wrap-up target in seconds, and the pass
// mark. Without a resolved policy the standards are 0.
func (s *Scenario) PolicyValues() map[string]any {
	var c Cadence
	if s.Resolved != nil {
		c = s.Resolved.Cadence
	}
	m := map[string]any{"pass_mark": s.PassMark(), "wrap_up": s.WrapUpRules().Target.Seconds()}
	for name, d := range c.Standards() {
		m[name] = d.Seconds()
	}
	return m
}

// EnvTypes is the type environment expressions of kind k are checked
// against. s supplies the scenario's variables and variation; nil gives
// empty ones.
func EnvTypes(s *Scenario, k EnvKind) types.Map {
	env := types.Map{}
	for _, n := range Names(k) {
		switch n.Name {
		case "vars":
			env[n.Name] = VarTypes(s)
		case "vary":
			env[n.Name] = VaryTypes(s)
		case "truth":
			env[n.Name] = truthType
		case "policy":
			env[n.Name] = policyType
		case "action":
			env[n.Name] = actionType
		default:
			env[n.Name] = types.TypeOf(n.Type)
		}
	}
	return env
}

// CheckEnvMaps compares the members of env's maps named by names (truth,
// policy, vars, vary...) with the types expressions of kind k are compiled
// against, and describes each member that is missing, undeclared or of
// another type. A host that builds an environment checks it with this, so
// that no expression meets a value its type check did not promise.
func CheckEnvMaps(s *Scenario, k EnvKind, env map[string]any, names ...string) []string {
	decl := EnvTypes(s, k)
	var problems []string
	for _, name := range names {
		want, _ := decl[name].(types.Map)
		got, ok := env[name].(map[string]any)
		if want == nil || !ok {
			problems = append(problems, fmt.Sprintf("%s: not a declared map in both the environment and the vocabulary", name))
			continue
		}
		for _, member := range slices.Sorted(maps.Keys(want)) {
			v, ok := got[member]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s.%s missing", name, member))
			case !types.TypeOf(v).Equal(want[member]):
				problems = append(problems, fmt.Sprintf("%s.%s: got %T, want %v", name, member, v, want[member]))
			}
		}
		for _, member := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[member]; !ok {
				problems = append(problems, fmt.Sprintf("%s.%s is not declared", name, member))
			}
		}
	}
	return problems
}

// VarTypes is the type of vars for s.
func VarTypes(s *Scenario) types.Map {
	m := types.Map{}
	if s == nil {
		return m
	}
	for name, d := range s.Vars {
		switch d.Type {
		case "bool":
			m[name] = types.Bool
		case "int":
			m[name] = types.Int
		case "float":
			m[name] = types.Float64
		case "string":
			m[name] = types.String
		default:
			// A wrong type is reported where it is declared; reading the
			// variable should not add a second, misleading error.
			m[name] = types.Any
		}
	}
	return m
}

// VaryTypes is the type of vary for s.
func VaryTypes(s *Scenario) types.Map {
	m := types.Map{}
	if s == nil {
		return m
	}
	for name, v := range s.Variation {
		switch {
		case v.Pick != nil:
			m[name] = types.String
		case v.Range != nil:
			m[name] = types.Int
		case v.Between != nil:
			m[name] = types.Float64
		}
	}
	return m
}
