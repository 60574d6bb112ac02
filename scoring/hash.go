package scoring

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/drillroom/drillroom/scenarios"
)

// RubricHash is the sha256 (hex) of the canonical form of everything that
// decides a score: the rubric (sections, weights, rules with their
// expressions and feedback as written), the truth the rules compare with,
// and the resolved policy's cadence, escalation matrix, bands and pass
// mark. Positions and comments do not count, so moving a rule down a line
// keeps the hash; changing a limit or an expression changes it.
func RubricHash(sc *scenarios.Scenario) string {
	// Loaded scenarios are never changed, so the hash is kept per scenario
	// (as the engine keeps its prepared form), until the scenario is
	// garbage: a server that reloads drills does not accumulate hashes.
	key := weak.Make(sc)
	if h, ok := hashCache.Load(key); ok {
		return h.(string)
	}
	h := rubricHash(sc)
	if _, loaded := hashCache.LoadOrStore(key, h); !loaded {
		runtime.AddCleanup(sc, func(k weak.Pointer[scenarios.Scenario]) { hashCache.Delete(k) }, key)
	}
	return h
}

var hashCache sync.Map // weak.Pointer[scenarios.Scenario] -> string

func rubricHash(sc *scenarios.Scenario) string {
	type rule struct {
		ID, Title, Check, NA, Critical, Guidance, Pass, Fail string
		Points                                               float64
		Manual                                               bool
	}
	type section struct {
		ID, Title string
		Weight    float64
		Bonus     bool
		Rules     []rule
	}
	canon := struct {
		Scoring            string
		PassMark           float64
		Sections           []section
		Category, Priority string
		Impact, Urgency    string
		Required           []hashedRequirement
		Authority          []authority
		Record             []hashedField
		FirstContact       string
		Cadence            *scenarios.Cadence
		Escalation         []scenarios.EscalationRule
		Bands              []Band
		Matrix             map[string]map[string]string
	}{
		Scoring: method(sc), PassMark: sc.PassMark(), Bands: bands(sc),
		Category: sc.Truth.Category, Priority: sc.Truth.Priority, Impact: sc.Truth.Impact, Urgency: sc.Truth.Urgency,
		Authority: authorities(sc.Truth.Authority), FirstContact: sc.Truth.FirstContact.Src,
	}
	for _, s := range sc.Rubric.Sections {
		cs := section{ID: s.ID, Title: s.Title, Weight: s.Weight, Bonus: s.Bonus}
		for _, r := range s.Rules {
			cs.Rules = append(cs.Rules, rule{ID: r.ID, Title: r.Title, Check: r.Check.Src, NA: r.NA.Src, Critical: r.Critical,
				Guidance: r.Guidance, Pass: r.Pass.Src, Fail: r.Fail.Src, Points: r.Points, Manual: r.Manual})
		}
		canon.Sections = append(canon.Sections, cs)
	}
	canon.Required, canon.Record = requirements(sc), recordFields(sc)
	if p := sc.Resolved; p != nil {
		canon.Cadence, canon.Escalation, canon.Matrix = &p.Cadence, p.Escalation, p.Matrix
	}
	// encoding/json sorts map keys, so the encoding is canonical.
	b, err := json.Marshal(canon)
	if err != nil {
		// Every field above is plain data; Marshal cannot fail on it.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hashedRequirement is a truth.required item as hashed.
type hashedRequirement struct {
	Dispatch, Escalate, When string
	Within                   int64
	Handover                 []string
	From                     string `json:",omitempty"` // omitted when empty, so older rubrics keep their hash
}

func requirements(sc *scenarios.Scenario) []hashedRequirement {
	var out []hashedRequirement
	for _, q := range sc.Truth.Required {
		out = append(out, hashedRequirement{Dispatch: q.Dispatch, Escalate: q.Escalate, When: q.When.Src, Within: q.Within.Millis(), Handover: q.Handover, From: q.From})
	}
	return out
}

// hashedField is a truth.record item as hashed.
type hashedField struct {
	Field, Value, Match string
	Also                []string `json:",omitempty"` // omitted when empty, so older rubrics keep their hash
}

func recordFields(sc *scenarios.Scenario) []hashedField {
	var out []hashedField
	for _, r := range sc.Truth.Record {
		fd := hashedField{Field: r.Field, Value: r.Value.Src, Match: r.Match}
		for _, a := range r.Also {
			fd.Also = append(fd.Also, a.Src)
		}
		out = append(out, fd)
	}
	return out
}

// authority is a truth.authority item as hashed: Promise is left out when
// empty, so that rubrics written before it existed keep their hash.
type authority struct {
	Decision string
	Approver string
	Above    float64
	Promise  string `json:",omitempty"`
}

func authorities(as []scenarios.Authority) []authority {
	var out []authority
	for _, a := range as {
		out = append(out, authority{Decision: a.Decision, Approver: a.Approver, Above: a.Above, Promise: a.Promise})
	}
	return out
}

// RuleHash is the sha256 (hex) of one rule's definition as written in its
// section (its id, title, check, not-applicable condition, points,
// criticality, guidance, feedback and whether it is manual) and of what
// its expressions read outside the rule: the truth and policy values named
// in them (truth.priority, policy.max_silence) and those the rule
// functions they call compare with (requirements_met reads
// truth.required, matrix_missed the policy's escalation matrix and the
// truth's category and priority; see ruleReads). A coach's mark remembers
// it, so that re-scoring with another rubric version flags the marks of
// the rules whose outcome the change can touch, and no others.
func RuleHash(sc *scenarios.Scenario, section string, r *scenarios.Rule) string {
	b, err := json.Marshal(struct {
		Section, ID, Title, Check, NA, Critical, Guidance, Pass, Fail string
		Points                                                        float64
		Manual                                                        bool
		// Reads is omitted when the rule reads nothing outside itself,
		// so that such a rule keeps the hash it had before reads counted.
		Reads map[string]any `json:",omitempty"`
	}{section, r.ID, r.Title, r.Check.Src, r.NA.Src, r.Critical, r.Guidance, r.Pass.Src, r.Fail.Src, r.Points, r.Manual,
		ruleInputs(sc, r.Check.Src, r.NA.Src, r.Pass.Src, r.Fail.Src)})
	if err != nil {
		panic(err) // plain data
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ruleReads maps each name of the rule environment that reads the truth or
// the policy to what it reads, as keys of ruleInput. Every value and
// function of the environment is in it (TestRuleReadsCoverVocabulary), so
// a new one must say what it reads; nil: only the session's own log.
var ruleReads = map[string][]string{
	"truth":          {"truth.category", "truth.priority", "truth.impact", "truth.urgency"},
	"truth.category": {"truth.category"}, "truth.priority": {"truth.priority"},
	"truth.impact": {"truth.impact"}, "truth.urgency": {"truth.urgency"},
	"policy": {"policy.first_response", "policy.max_silence", "policy.hold_update", "policy.waiting_update",
		"policy.team_update", "policy.promise_grace", "policy.pass_mark", "policy.wrap_up"},
	"policy.first_response": {"policy.first_response"}, "policy.max_silence": {"policy.max_silence"},
	"policy.hold_update": {"policy.hold_update"}, "policy.waiting_update": {"policy.waiting_update"},
	"policy.team_update": {"policy.team_update"}, "policy.promise_grace": {"policy.promise_grace"},
	"policy.pass_mark": {"policy.pass_mark"}, "policy.wrap_up": {"policy.wrap_up"},

	"category_correct_at": {"truth.category"},
	"priority_correct_at": {"truth.priority"},
	"requirements_met":    {"truth.required"}, "requirements_missed": {"truth.required"},
	"handover_complete": {"truth.required"}, "handover_missing": {"truth.required"},
	"matrix_met":           {"policy.escalation", "truth.category", "truth.priority"},
	"matrix_missed":        {"policy.escalation", "truth.category", "truth.priority"},
	"unneeded_escalations": {"truth.required", "policy.escalation", "truth.category", "truth.priority", "truth.authority"},
	"authority_breaches":   {"truth.authority"},
	"promises_made":        {"policy.promise_grace"}, "promises_broken": {"policy.promise_grace"},
	"field_correct": {"truth.record"}, "record_complete": {"truth.record"}, "record_accuracy": {"truth.record"},
	"missing_fields": {"truth.record"}, "wrong_fields": {"truth.record"},
	"first_contact_resolved": {"truth.first_contact"},

	"t": nil, "phase": nil, "mood": nil, "patience": nil, "on_hold": nil, "category": nil, "priority": nil,
	"vars": nil, "vary": nil, "ended": nil, "ending": nil, "closed": nil, "resolution": nil, "reviewed": nil,
	"csat": nil, "dur": nil, "said": nil, "times_said": nil, "said_at": nil, "dispatched": nil,
	"dispatched_at": nil, "escalated": nil, "escalated_at": nil, "contacted": nil, "acknowledged": nil,
	"arrived": nil, "approved": nil, "recorded": nil, "field": nil, "fired": nil, "fired_at": nil,
	"category_at": nil, "priority_at": nil, "classified_at": nil, "reclassified_after": nil,
	"times_classified": nil, "first_response": nil, "longest_silence": nil, "longest_gap": nil,
	"gaps_over": nil, "gaps": nil, "updates": nil, "holds_without_notice": nil, "longest_team_gap": nil,
	"first_escalation": nil, "consulted": nil, "consulted_at": nil, "wrap_up_time": nil, "wrap_up_code": nil,
}

// ruleInputs returns the truth and policy values the expressions srcs
// read (see ruleReads), by key, or nil when they read none.
func ruleInputs(sc *scenarios.Scenario, srcs ...string) map[string]any {
	var out map[string]any
	var add func(src string)
	add = func(src string) {
		for _, name := range exprNames(src, nil) {
			for _, key := range ruleReads[name] {
				if _, ok := out[key]; ok {
					continue
				}
				if out == nil {
					out = map[string]any{}
				}
				out[key] = ruleInput(sc, key)
				if key == "truth.first_contact" {
					add(sc.Truth.FirstContact.Src) // what it reads counts too
				}
			}
		}
	}
	for _, src := range srcs {
		add(src)
	}
	return out
}

// ruleInput is the value of one key of ruleReads in sc, as hashed.
func ruleInput(sc *scenarios.Scenario, key string) any {
	var c scenarios.Cadence
	var escalation []scenarios.EscalationRule
	if p := sc.Resolved; p != nil {
		c, escalation = p.Cadence, p.Escalation
	}
	if name, ok := strings.CutPrefix(key, "policy."); ok {
		if d, ok := c.Standards()[name]; ok {
			return d.Millis()
		}
	}
	switch key {
	case "truth.category":
		return sc.Truth.Category
	case "truth.priority":
		return sc.Truth.Priority
	case "truth.impact":
		return sc.Truth.Impact
	case "truth.urgency":
		return sc.Truth.Urgency
	case "truth.required":
		return requirements(sc)
	case "truth.authority":
		return authorities(sc.Truth.Authority)
	case "truth.record":
		return recordFields(sc)
	case "truth.first_contact":
		return sc.Truth.FirstContact.Src
	case "policy.escalation":
		return escalation
	case "policy.pass_mark":
		return sc.PassMark()
	case "policy.wrap_up":
		return sc.WrapUpRules().Target.Millis()
	}
	panic("scoring: ruleInput of unknown key " + key) // ruleReads and this switch disagree
}
