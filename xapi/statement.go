// Package xapi turns scored sessions into xAPI 1.0.3 statements (one per
// session, one per rule outcome with its evidence as context), checks
// statements against the specification's rules, and delivers them to a
// learning record store from the store's durable outbox, with retries and
// backoff, never on a session's path.
//
// Statement ids are derived from the scorecard (its id, the rule), so a
// statement sent again after a failure the sender could not tell from a
// success is the same statement, which an LRS stores once.
package xapi

import (
	"crypto/sha1"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// Version is the xAPI version of the statements and of the header every
// request to an LRS carries.
const Version = "1.0.3"

// The verbs (the ADL vocabulary).
const (
	VerbPassed    = "http://adlnet.gov/expapi/verbs/passed"
	VerbFailed    = "http://adlnet.gov/expapi/verbs/failed"
	VerbCompleted = "http://adlnet.gov/expapi/verbs/completed"
	VerbScored    = "http://adlnet.gov/expapi/verbs/scored"
	// VerbVoided retracts an earlier statement (xAPI 1.0.3, "Voided"): the
	// object is a StatementRef to it.
	VerbVoided = "http://adlnet.gov/expapi/verbs/voided"
)

// Statement is an xAPI statement, with the properties drillroom writes.
type Statement struct {
	ID        string   `json:"id"`
	Actor     Agent    `json:"actor"`
	Verb      Verb     `json:"verb"`
	Object    Activity `json:"object"`
	Result    *Result  `json:"result,omitempty"`
	Context   *Context `json:"context,omitempty"`
	Timestamp string   `json:"timestamp,omitempty"`
	Version   string   `json:"version,omitempty"`
}

// Agent is a person, identified by an account on the drillroom server.
type Agent struct {
	ObjectType string   `json:"objectType,omitempty"`
	Name       string   `json:"name,omitempty"`
	Account    *Account `json:"account,omitempty"`
	Mbox       string   `json:"mbox,omitempty"`
}

// Account is an agent's account: the server's home page and the username.
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// Verb is what the actor did.
type Verb struct {
	ID      string            `json:"id"`
	Display map[string]string `json:"display,omitempty"`
}

// Activity is a drill or one of its rules; as the object of a voiding
// statement it is a StatementRef (ObjectType "StatementRef", ID the voided
// statement's id, no definition).
type Activity struct {
	ObjectType string      `json:"objectType,omitempty"`
	ID         string      `json:"id"`
	Definition *Definition `json:"definition,omitempty"`
}

// Definition describes an activity.
type Definition struct {
	Name        map[string]string `json:"name,omitempty"`
	Description map[string]string `json:"description,omitempty"`
	Type        string            `json:"type,omitempty"`
}

// Result is the outcome of a session or a rule.
type Result struct {
	Score      *Score         `json:"score,omitempty"`
	Success    *bool          `json:"success,omitempty"`
	Completion *bool          `json:"completion,omitempty"`
	Response   string         `json:"response,omitempty"`
	Duration   string         `json:"duration,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Score is a result's score.
type Score struct {
	Scaled *float64 `json:"scaled,omitempty"`
	Raw    *float64 `json:"raw,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
}

// Context places a statement: the session (registration), the drill it
// belongs to, and drillroom's extensions.
type Context struct {
	Registration      string             `json:"registration,omitempty"`
	ContextActivities *ContextActivities `json:"contextActivities,omitempty"`
	Platform          string             `json:"platform,omitempty"`
	Extensions        map[string]any     `json:"extensions,omitempty"`
}

// ContextActivities relate a statement to other activities.
type ContextActivities struct {
	Parent   []Activity `json:"parent,omitempty"`
	Category []Activity `json:"category,omitempty"`
}

// Config says how statements name things. BaseIRI is the server's public
// address (https://drillroom.example.org): it is the agents' account home
// page and the root of the activity and extension IRIs.
type Config struct {
	BaseIRI string
}

// Session is what the statements of one scored session are made of.
type Session struct {
	Session     drillroom.Session
	User        drillroom.User
	ScorecardID int64 // the stored scorecard's id: statement ids derive from it
	// ReleaseID is the release of a coach's review whose official scorecard
	// Card is (statement ids derive from it too), 0 for the automatic one.
	ReleaseID int64
	ScoredAt  time.Time
	Card      *scoring.Scorecard
	Title     string // the drill's title, "" for its id
}

// Extension IRIs under the base IRI.
const (
	extEvidence = "/xapi/extensions/evidence"
	extSession  = "/xapi/extensions/session"
	extMode     = "/xapi/extensions/mode"
	extVersion  = "/xapi/extensions/version"
	extBand     = "/xapi/extensions/band"
	extOutcome  = "/xapi/extensions/outcome"
	extKPIs     = "/xapi/extensions/kpis"
	// extScorecard says which scorecard a statement reports: "automatic"
	// (drillroom's scoring) or "official" (with a coach's released review).
	extScorecard = "/xapi/extensions/scorecard"
)

// Statements returns the statements of a scored session: the session's
// (passed or failed, with the scaled score, completion and duration), then
// one per rule that was decided (pass, fail, partial or error; a rule not
// applicable or awaiting a coach has no outcome to report yet), with its
// evidence as a context extension.
func Statements(cfg Config, s Session) ([]Statement, error) {
	base := strings.TrimRight(cfg.BaseIRI, "/")
	if u, err := url.Parse(base); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("xapi: base IRI %q: want an absolute URL such as https://drillroom.example.org", cfg.BaseIRI)
	}
	c := s.Card
	if c == nil {
		return nil, fmt.Errorf("xapi: session %s: no scorecard", s.Session.ID)
	}
	actor := Agent{ObjectType: "Agent", Name: s.User.DisplayName, Account: &Account{HomePage: base, Name: s.User.Username}}
	drill := Activity{ObjectType: "Activity", ID: base + "/xapi/drills/" + url.PathEscape(s.Session.ScenarioID),
		Definition: &Definition{Name: map[string]string{"en": firstOf(s.Title, s.Session.ScenarioID)},
			Type: "http://adlnet.gov/expapi/activities/simulation"}}
	registration := uuidFrom("registration", s.Session.ID)
	ts := s.ScoredAt.UTC().Format(time.RFC3339Nano)
	which := "automatic"
	idParts := []string{s.Session.ID, fmt.Sprint(s.ScorecardID)}
	if s.ReleaseID != 0 {
		which = "official"
		idParts = append(idParts, "release", fmt.Sprint(s.ReleaseID))
	}
	ctxExt := map[string]any{
		base + extSession:   s.Session.ID,
		base + extMode:      string(s.Session.Mode),
		base + extVersion:   c.Version,
		base + extScorecard: which,
	}

	var out []Statement
	verb := VerbFailed
	if c.Passed {
		verb = VerbPassed
	}
	yes := true
	passed := c.Passed
	scaled := clamp(c.Total/100, -1, 1)
	raw, lo, hi := c.Total, 0.0, math.Max(100, c.Total)
	out = append(out, Statement{
		ID: uuidFrom(append([]string{"session"}, idParts...)...), Actor: actor, Verb: verbOf(verb), Object: drill,
		Result: &Result{Score: &Score{Scaled: &scaled, Raw: &raw, Min: &lo, Max: &hi}, Success: &passed, Completion: &yes,
			Duration:   Duration(time.Duration((c.KPIs.TalkTime + c.KPIs.HoldTime) * float64(time.Second))),
			Extensions: map[string]any{base + extBand: c.Band, base + extKPIs: c.KPIs}},
		Context:   &Context{Registration: registration, Platform: "drillroom", Extensions: ctxExt},
		Timestamp: ts, Version: Version,
	})
	for _, sec := range c.Sections {
		for _, r := range sec.Rules {
			var verb string
			switch r.Outcome {
			case scoring.Pass:
				verb = VerbPassed
			case scoring.Fail, scoring.Error:
				verb = VerbFailed
			case scoring.Partial:
				verb = VerbScored
			default:
				continue
			}
			success := r.Outcome == scoring.Pass
			res := &Result{Success: &success, Completion: &yes, Response: r.Feedback,
				Extensions: map[string]any{base + extOutcome: r.Outcome}}
			if r.Max > 0 {
				pts, lo, hi := math.Min(math.Max(r.Points, 0), r.Max), 0.0, r.Max
				sc := clamp(pts/r.Max, -1, 1)
				res.Score = &Score{Scaled: &sc, Raw: &pts, Min: &lo, Max: &hi}
			}
			ext := map[string]any{base + extEvidence: evidence(r.Evidence)}
			for k, v := range ctxExt {
				ext[k] = v
			}
			out = append(out, Statement{
				ID: uuidFrom(append(append([]string{"rule"}, idParts...), r.ID)...), Actor: actor, Verb: verbOf(verb),
				Object: Activity{ObjectType: "Activity", ID: drill.ID + "/rules/" + url.PathEscape(r.ID),
					Definition: &Definition{Name: map[string]string{"en": firstOf(r.Title, r.ID)},
						Type: "http://adlnet.gov/expapi/activities/objective"}},
				Result: res,
				Context: &Context{Registration: registration, Platform: "drillroom", Extensions: ext,
					ContextActivities: &ContextActivities{Parent: []Activity{{ObjectType: "Activity", ID: drill.ID}}}},
				Timestamp: ts, Version: Version,
			})
		}
	}
	return out, nil
}

// extReplacedBy names, on a voiding statement, the statement of the
// session's newer report that replaces the voided one.
const extReplacedBy = "/xapi/extensions/replaced-by"

// Voiding returns the statements that void the statements ids of an
// earlier report of a session, because the report whose first (session)
// statement is replacement replaces them (xAPI 1.0.3, "Voided": verb
// voided, object a StatementRef). The actor is drillroom itself (its
// account under the base IRI): the platform retracts what it reported, on
// a coach's released review or a re-scoring, which the replacement's own
// statements say. The ids derive from the voiding report and the voided
// statement, and the timestamp is at, so a resend is the same statements.
func Voiding(cfg Config, sessionID string, report int64, ids []string, replacement string, at time.Time) ([]Statement, error) {
	base := strings.TrimRight(cfg.BaseIRI, "/")
	if u, err := url.Parse(base); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("xapi: base IRI %q: want an absolute URL such as https://drillroom.example.org", cfg.BaseIRI)
	}
	actor := Agent{ObjectType: "Agent", Name: "drillroom", Account: &Account{HomePage: base + "/xapi/system", Name: "drillroom"}}
	out := make([]Statement, 0, len(ids))
	for _, id := range ids {
		out = append(out, Statement{
			ID: uuidFrom("void", sessionID, fmt.Sprint(report), id), Actor: actor, Verb: verbOf(VerbVoided),
			Object: Activity{ObjectType: "StatementRef", ID: id},
			Context: &Context{Registration: uuidFrom("registration", sessionID), Platform: "drillroom",
				Extensions: map[string]any{base + extSession: sessionID, base + extReplacedBy: replacement}},
			Timestamp: at.UTC().Format(time.RFC3339Nano), Version: Version,
		})
	}
	return out, nil
}

// evidenceItem is one event behind a rule's result, as an extension.
type evidenceItem struct {
	Seq  int64  `json:"seq"`
	At   string `json:"at"` // the virtual time as an ISO 8601 duration from the start of the call
	Note string `json:"note"`
}

func evidence(ev []scoring.Evidence) []evidenceItem {
	out := make([]evidenceItem, 0, len(ev))
	for _, e := range ev {
		out = append(out, evidenceItem{Seq: e.Seq, At: Duration(time.Duration(e.T) * time.Millisecond), Note: e.Note})
	}
	return out
}

func verbOf(id string) Verb {
	return Verb{ID: id, Display: map[string]string{"en-US": id[strings.LastIndexByte(id, '/')+1:]}}
}

// Duration formats d as an ISO 8601 duration, PT1H2M3.5S; negative is PT0S.
func Duration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	d = d.Round(10 * time.Millisecond) // xAPI keeps 0.01 s
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		d -= m * time.Minute
	}
	if d > 0 || b.Len() == 2 {
		s := fmt.Sprintf("%.2f", d.Seconds())
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		b.WriteString(s + "S")
	}
	return b.String()
}

// uuidFrom derives a name-based (version 5 layout) UUID from parts, so
// the same session and scorecard always give the same statement ids.
func uuidFrom(parts ...string) string {
	h := sha1.Sum([]byte("drillroom/xapi\x00" + strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func clamp(f, lo, hi float64) float64 { return math.Min(math.Max(f, lo), hi) }

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
