package scenarios

// Policy is what many scenarios share (a *.policy.yaml file).
type Policy struct {
	ID      string `yaml:"id"`
	Title   string `yaml:"title"`
	Version int    `yaml:"version"`
	// Extends names a policy this one builds on: every key left out is
	// the parent's, taxonomy entries and intents are added or replaced by
	// id, and Remove takes some away (see ExtendPolicy).
	Extends    string                       `yaml:"extends,omitempty" doc:"Id of a policy this one builds on: keys left out are inherited; taxonomy entries and intents given here are added, or replace the parent's with the same id; remove takes some away."`
	Remove     *PolicyRemove                `yaml:"remove,omitempty" doc:"With extends: taxonomy entries and intents of the parent to leave out."`
	Taxonomy   []Category                   `yaml:"taxonomy" doc:"The incident categories a trainee may classify into."`
	Impacts    []string                     `yaml:"impacts" doc:"Impact levels, highest first."`
	Urgencies  []string                     `yaml:"urgencies" doc:"Urgency levels, highest first."`
	Priorities []Priority                   `yaml:"priorities"`
	Matrix     map[string]map[string]string `yaml:"matrix" doc:"matrix[impact][urgency] = priority id."`
	Escalation []EscalationRule             `yaml:"escalation,omitempty" doc:"Who must be involved, by category and priority."`
	Cadence    Cadence                      `yaml:"cadence"`
	Bands      []Band                       `yaml:"bands" doc:"Score bands, highest first."`
	PassMark   float64                      `yaml:"pass_mark"`
	Mood       MoodModel                    `yaml:"mood,omitempty"`
	ReplyPace  ReplyPace                    `yaml:"reply_pace,omitempty" doc:"How fast the cast's replies come (a drill's settings.reply_pace overrides it field by field)."`
	Intents    map[string][]string          `yaml:"intents,omitempty" doc:"Regular expressions that always recognise each intent in free text (hard rules)."`
	// The recogniser's examples: see docs/scenario-language.md, "Intents".
	IntentExamples  map[string][]string `yaml:"intent_examples,omitempty" doc:"Example lines of each intent, in the trainee's words; the recogniser generalises from them."`
	IntentCounters  map[string][]string `yaml:"intent_counterexamples,omitempty" doc:"Lines that look like an intent but do not carry it; a line nearer to one of these than to the intent's examples does not get the intent."`
	IntentNever     map[string][]string `yaml:"intent_never,omitempty" doc:"Regular expressions that veto an intent: a line one matches never carries it (hard rules, stronger than intents)."`
	IntentImplies   map[string][]string `yaml:"intent_implies,omitempty" doc:"Intents a recognised intent carries with it (a restoration estimate is an update too)."`
	IntentThreshold float64             `yaml:"intent_threshold,omitempty" doc:"Similarity (0 to 1) to an example at which its intent is recognised; default 0.55."`
	// Labels name ids for people: intents, hand-over items, record fields
	// shared by the policy's drills (see Scenario.Label).
	Labels map[string]string `yaml:"labels,omitempty" doc:"How people read ids the policy's drills share: intents, hand-over items, record fields (safety_advice: Safety advice). A drill's labels add to them."`
	// Disconnect is what the clock does while the trainee is disconnected.
	Disconnect string `yaml:"on_disconnect,omitempty" enum:"pause,continue"`
	// DisconnectBudget is the assessments' disconnect budget (see
	// Settings.DisconnectBudget); nil: the server's default.
	// HintCost is what one desk hint costs a practice call (nil: 1 point).
	HintCost         *float64  `yaml:"hint_cost,omitempty" doc:"In practice: the points one desk hint taken costs, off the scorecard's points (default 1; 0 makes hints free). Assessments have no hints."`
	DisconnectBudget *Duration `yaml:"disconnect_budget,omitempty" doc:"In an assessment: how much drill time in total the clock may stand still while the trainee is disconnected, after which it runs on (a drill's settings.disconnect_budget replaces it). Default: the server's (2m)."`
	// WrapUp is the after-call work the policy's drills ask for.
	WrapUp *WrapUp `yaml:"wrap_up,omitempty" doc:"The after-call work (wrap-up) the policy's drills ask for once the call has ended: codes, notes, a target time (a drill's settings.wrap_up replaces it)."`

	File   string `yaml:"-"`
	Source []byte `yaml:"-"`
}

// PolicyRemove lists what an extending policy leaves out of its parent.
type PolicyRemove struct {
	Taxonomy []string `yaml:"taxonomy,omitempty" doc:"Category ids of the parent to leave out (with the escalation rules for them)."`
	Intents  []string `yaml:"intents,omitempty" doc:"Intent names of the parent to leave out."`
}

// PolicyOverride replaces parts of a policy for one scenario. Lists replace
// the policy's list; maps are merged key by key; scalars replace.
type PolicyOverride struct {
	Taxonomy         []Category                   `yaml:"taxonomy,omitempty"`
	Matrix           map[string]map[string]string `yaml:"matrix,omitempty"`
	Escalation       []EscalationRule             `yaml:"escalation,omitempty"`
	Cadence          *CadenceOverride             `yaml:"cadence,omitempty"`
	Bands            []Band                       `yaml:"bands,omitempty"`
	PassMark         *float64                     `yaml:"pass_mark,omitempty"`
	Mood             *MoodModel                   `yaml:"mood,omitempty"`
	Intents          map[string][]string          `yaml:"intents,omitempty"`
	Disconnect       string                       `yaml:"on_disconnect,omitempty" enum:"pause,continue"`
	DisconnectBudget *Duration                    `yaml:"disconnect_budget,omitempty"`
}

// Category is one incident category.
type Category struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Doc   string `yaml:"doc,omitempty"`
}

// Priority is one priority level.
type Priority struct {
	ID     string   `yaml:"id"`
	Title  string   `yaml:"title"`
	Target Duration `yaml:"target,omitempty" doc:"Target time to first dispatch or escalation."`
}

// EscalationRule says who must be involved for a category (and optionally a priority).
type EscalationRule struct {
	Category string   `yaml:"category"`
	Priority string   `yaml:"priority,omitempty"`
	Dispatch []string `yaml:"dispatch,omitempty" doc:"Service kinds that must be dispatched."`
	Escalate []string `yaml:"escalate,omitempty" doc:"Team kinds that must be involved."`
	Within   Duration `yaml:"within,omitempty"`
}

// Cadence is the communication-cadence standard.
type Cadence struct {
	FirstResponse Duration `yaml:"first_response" doc:"Longest wait before the trainee first speaks."`
	MaxSilence    Duration `yaml:"max_silence" doc:"Longest gap between lines to the customer during the call."`
	HoldUpdate    Duration `yaml:"hold_update" doc:"Longest gap while the customer is on hold."`
	WaitingUpdate Duration `yaml:"waiting_update" doc:"Longest gap between updates while waiting on a service."`
	TeamUpdate    Duration `yaml:"team_update,omitempty" doc:"Longest gap between updates to an engaged internal team."`
	PromiseGrace  Duration `yaml:"promise_grace,omitempty" doc:"Lateness allowed on a promised update."`
}

// Standards names each cadence standard as expressions read it
// (policy.max_silence), so the engine, the scorer and the rule hash take
// the names from one place.
func (c Cadence) Standards() map[string]Duration {
	return map[string]Duration{
		"first_response": c.FirstResponse, "max_silence": c.MaxSilence, "hold_update": c.HoldUpdate,
		"waiting_update": c.WaitingUpdate, "team_update": c.TeamUpdate, "promise_grace": c.PromiseGrace,
	}
}

// CadenceOverride is Cadence with every field optional.
type CadenceOverride struct {
	FirstResponse *Duration `yaml:"first_response,omitempty"`
	MaxSilence    *Duration `yaml:"max_silence,omitempty"`
	HoldUpdate    *Duration `yaml:"hold_update,omitempty"`
	WaitingUpdate *Duration `yaml:"waiting_update,omitempty"`
	TeamUpdate    *Duration `yaml:"team_update,omitempty"`
	PromiseGrace  *Duration `yaml:"promise_grace,omitempty"`
}

// Band is a score band: a total at or above Min earns it.
type Band struct {
	ID    string  `yaml:"id"`
	Title string  `yaml:"title"`
	Min   float64 `yaml:"min"`
}

// MoodModel says how the customer's mood and patience move. Rates are per
// minute; the others are one-off changes.
type MoodModel struct {
	SilencePerMinute float64 `yaml:"silence_per_minute,omitempty" doc:"Patience lost per minute of silence beyond max_silence."`
	HoldNoNotice     float64 `yaml:"hold_no_notice,omitempty" doc:"Mood change when put on hold without notice."`
	Update           float64 `yaml:"update,omitempty" doc:"Mood change for an update."`
	Reassure         float64 `yaml:"reassure,omitempty" doc:"Mood change for reassurance."`
	SafetyAdvice     float64 `yaml:"safety_advice,omitempty" doc:"Mood change for safety advice when it is needed."`
	MissingSafety    float64 `yaml:"missing_safety,omitempty" doc:"Mood change when safety advice is still missing after first_response."`
	PromiseBroken    float64 `yaml:"promise_broken,omitempty"`
	PatienceRecovery float64 `yaml:"patience_recovery,omitempty" doc:"Patience regained per update or reassurance."`
}
