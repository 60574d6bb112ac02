// Package scoring applies a scenario's rubric to a session's event log and
// produces a scorecard: per rule pass, fail, not applicable, pending or
// error, with the evidence (event numbers and virtual times) behind each
// line; section and total scores; the band; KPIs. It is pure: no I/O, no
// wall clock, and the same scenario and log always give the same scorecard.
package scoring

// Outcomes of a rule.
const (
	Pass    = "pass"    // the check held
	Fail    = "fail"    // the check did not hold
	NA      = "na"      // not applicable: the rule leaves the denominator
	Pending = "pending" // a manual rule a coach has not scored yet
	Partial = "partial" // a manual rule a coach gave some but not all points
	Error   = "error"   // the rule failed at run time; counted as not passed
)

// Scoring methods.
const (
	MethodPoints   = "points"   // points earned / points possible
	MethodWeighted = "weighted" // each section's percentage times its weight
)

// Scorecard is the result of applying a rubric to an event log.
type Scorecard struct {
	Scenario     string `json:"scenario"`
	Version      int    `json:"version"`     // the scenario version whose rubric was applied
	LogVersion   int    `json:"log_version"` // the scenario version the log was played against
	ScenarioHash string `json:"scenario_hash"`
	RubricHash   string `json:"rubric_hash"`
	Scoring      string `json:"scoring"` // points or weighted

	// Total is the percentage by the rubric's method; it may pass 100 with
	// bonus sections. Points and Possible are the raw point sums, whatever
	// the method, so coaches see both numbers.
	Total          float64         `json:"total"`
	Points         float64         `json:"points"`
	Possible       float64         `json:"possible"`
	Band           string          `json:"band"`
	BandTitle      string          `json:"band_title"`
	Passed         bool            `json:"passed"`
	PassMark       float64         `json:"pass_mark"`
	CriticalFailed []string        `json:"critical_failed"` // ids of failed critical rules, both levels
	Sections       []SectionResult `json:"sections"`
	Pending        []string        `json:"pending"` // manual rules awaiting a coach
	KPIs           KPIs            `json:"kpis"`
	// Bands are the score bands used, highest first, so that the card can
	// be recomputed when a coach scores manual rules.
	Bands []Band `json:"bands"`
	// Interventions are the trainer's controls in the call, with the rules
	// each touched (Interventions); none for a call nobody steered.
	Interventions []Intervention `json:"interventions,omitempty"`
	// Hints are the desk hints a practice call took and what they cost
	// (Points and Total are net of it); nil when none were taken.
	Hints *HintCost `json:"hints,omitempty"`
}

// Band is a score band: a total at or above Min earns it.
type Band struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Min   float64 `json:"min"`
}

// SectionResult is one section of the scorecard.
type SectionResult struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Weight   float64      `json:"weight"`
	Points   float64      `json:"points"`
	Possible float64      `json:"possible"`
	Percent  float64      `json:"percent"`
	Bonus    bool         `json:"bonus"`
	Zeroed   bool         `json:"zeroed"` // a section-critical rule failed
	Rules    []RuleResult `json:"rules"`
}

// RuleResult is one line of the scorecard.
type RuleResult struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Section  string  `json:"section"`
	Outcome  string  `json:"outcome"`
	Points   float64 `json:"points"`
	Possible float64 `json:"possible"`           // 0 when not applicable or pending
	Max      float64 `json:"max"`                // the rule's points as written
	Critical string  `json:"critical,omitempty"` // section or drill
	Manual   bool    `json:"manual,omitempty"`
	// Hash is the rule's definition (RuleHash): a coach's mark made
	// against another hash is flagged after a re-scoring.
	Hash     string     `json:"hash,omitempty"`
	Evidence []Evidence `json:"evidence"`
	Feedback string     `json:"feedback,omitempty"`
	Error    string     `json:"error,omitempty"`
	// Auto is what the rubric gave the rule when a coach overrode it
	// (ApplyOverrides); nil otherwise.
	Auto *Automatic `json:"auto,omitempty"`
	// Steered lists the seqs of the trainer's interventions whose span
	// holds some of this rule's evidence (Interventions): a coach should
	// ask what the trainee did on their own.
	Steered []int64 `json:"steered,omitempty"`
}

// Evidence is an event that satisfied or broke a rule.
type Evidence struct {
	Seq  int64  `json:"seq"`
	T    int64  `json:"t"` // virtual ms
	Note string `json:"note"`
}

// KPIs are the contact-centre measures of the session, reported beside the
// quality score, never folded into it. Times are seconds; -1 means never.
type KPIs struct {
	HandlingTime           float64 `json:"handling_time"` // talk + hold + wrap-up
	TalkTime               float64 `json:"talk_time"`     // the live call, less hold
	HoldTime               float64 `json:"hold_time"`
	WrapUp                 float64 `json:"wrap_up"` // end of call to the review
	FirstContactResolution bool    `json:"first_contact_resolution"`
	CSAT                   int     `json:"csat"` // simulated, 1 to 5, from the final mood
	TimeToClassify         float64 `json:"time_to_classify"`
	TimeToFirstEscalation  float64 `json:"time_to_first_escalation"`
	LongestSilence         float64 `json:"longest_silence"`
}

// DrillFailed reports whether a failed critical rule of the card is
// critical for the whole drill: its total is then 0 and it fails, whatever
// its points.
func (c *Scorecard) DrillFailed() bool {
	for _, id := range c.CriticalFailed {
		if r, ok := c.Rule(id); ok && r.Critical == "drill" {
			return true
		}
	}
	return false
}

// Rule returns the result of one rule by id.
func (c *Scorecard) Rule(id string) (*RuleResult, bool) {
	for i := range c.Sections {
		for j := range c.Sections[i].Rules {
			if c.Sections[i].Rules[j].ID == id {
				return &c.Sections[i].Rules[j], true
			}
		}
	}
	return nil, false
}
