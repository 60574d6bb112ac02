package scoring

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"runtime"
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
	type requirement struct {
		Dispatch, Escalate, When string
		Within                   int64
		Handover                 []string
		From                     string `json:",omitempty"` // omitted when empty, so older rubrics keep their hash
	}
	type field struct {
		Field, Value, Match string
		Also                []string `json:",omitempty"` // omitted when empty, so older rubrics keep their hash
	}
	canon := struct {
		Scoring            string
		PassMark           float64
		Sections           []section
		Category, Priority string
		Impact, Urgency    string
		Required           []requirement
		Authority          []authority
		Record             []field
		FirstContact       string
		Cadence            *scenarios.Cadence
		Escalation         []scenarios.EscalationRule
		Bands              []Band
		Matrix             map[string]map[string]string
	}{
		Scoring: method(sc), PassMark: passMark(sc), Bands: bands(sc),
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
	for _, q := range sc.Truth.Required {
		canon.Required = append(canon.Required, requirement{Dispatch: q.Dispatch, Escalate: q.Escalate, When: q.When.Src, Within: q.Within.Millis(), Handover: q.Handover, From: q.From})
	}
	for _, r := range sc.Truth.Record {
		fd := field{Field: r.Field, Value: r.Value.Src, Match: r.Match}
		for _, a := range r.Also {
			fd.Also = append(fd.Also, a.Src)
		}
		canon.Record = append(canon.Record, fd)
	}
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
// section: its id, title, check, not-applicable condition, points,
// criticality, guidance, feedback and whether it is manual. A coach's mark
// remembers it, so that re-scoring with another rubric version flags the
// marks of the rules that changed and no others. What a rule compares with
// outside itself (the truth, the policy) is in RubricHash, not here.
func RuleHash(section string, r *scenarios.Rule) string {
	b, err := json.Marshal(struct {
		Section, ID, Title, Check, NA, Critical, Guidance, Pass, Fail string
		Points                                                        float64
		Manual                                                        bool
	}{section, r.ID, r.Title, r.Check.Src, r.NA.Src, r.Critical, r.Guidance, r.Pass.Src, r.Fail.Src, r.Points, r.Manual})
	if err != nil {
		panic(err) // plain data
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
