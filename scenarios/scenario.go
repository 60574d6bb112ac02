// Package scenarios is the drill language: the types of scenario and policy
// files, their strict decoding, diagnostics, expression compilation and the
// JSON Schema that editors use.
package scenarios

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scenario is one drill (a *.drill.yaml file) after loading: decoded, merged
// with its policy and with every expression compiled.
type Scenario struct {
	ID         string   `yaml:"id" doc:"Stable identifier, lower-case words joined by hyphens."`
	Title      string   `yaml:"title" doc:"Title shown to trainees."`
	Version    int      `yaml:"version" doc:"Version number; raise it whenever the drill or its rubric changes."`
	Summary    string   `yaml:"summary" doc:"One paragraph for trainers: the situation and what good handling looks like."`
	Briefing   string   `yaml:"briefing,omitempty" doc:"What the trainee reads before taking the call: the situation as the desk would know it, never the expected handling (category, priority, who to call)."`
	Tags       []string `yaml:"tags,omitempty"`
	Difficulty string   `yaml:"difficulty" doc:"beginner, intermediate or advanced." enum:"beginner,intermediate,advanced"`
	Duration   Duration `yaml:"duration" doc:"Expected duration of the call, for example 15m."`
	Objectives []string `yaml:"objectives,omitempty" doc:"Learning objectives."`
	// Labels name this drill's ids for people (see Scenario.Label).
	Labels map[string]string `yaml:"labels,omitempty" doc:"How people read this drill's ids: record fields, hand-over items, decisions, intents and endings (people_at_risk: People at risk). Added to the policy's labels; an id without one reads as its words (people_at_risk: People at risk)."`

	// Policy names the shared policy (by its id); Overrides replaces parts of it.
	Policy    string          `yaml:"policy" doc:"Id of the shared policy this drill uses."`
	Overrides *PolicyOverride `yaml:"overrides,omitempty" doc:"Parts of the policy this drill replaces."`

	Settings  Settings             `yaml:"settings,omitempty"`
	Variation map[string]Variation `yaml:"variation,omitempty" doc:"Values drawn from the session seed, read as vary.NAME."`
	Truth     Truth                `yaml:"truth"`
	Cast      Cast                 `yaml:"cast"`
	Vars      map[string]VarDecl   `yaml:"vars,omitempty" doc:"Typed state variables, read as vars.NAME."`
	Intents   map[string][]string  `yaml:"intents,omitempty" doc:"Extra regular expressions that always recognise an intent in the trainee's free text (hard rules)."`
	// Added to the policy's, intent by intent.
	IntentExamples map[string][]string `yaml:"intent_examples,omitempty" doc:"Extra example lines of an intent (added to the policy's); the recogniser generalises from them."`
	IntentCounters map[string][]string `yaml:"intent_counterexamples,omitempty" doc:"Extra lines that look like an intent but do not carry it (added to the policy's)."`
	IntentNever    map[string][]string `yaml:"intent_never,omitempty" doc:"Extra regular expressions that veto an intent (added to the policy's)."`
	IntentImplies  map[string][]string `yaml:"intent_implies,omitempty" doc:"Intents a recognised intent carries with it (added to the policy's): a restoration estimate is an update too."`
	Phases         []Phase             `yaml:"phases,omitempty"`
	Timeline       []Beat              `yaml:"timeline,omitempty"`
	Reactions      []Reaction          `yaml:"reactions,omitempty"`
	Endings        []Ending            `yaml:"endings,omitempty"`
	Rubric         Rubric              `yaml:"rubric"`
	Tests          []Test              `yaml:"tests,omitempty" doc:"Scenario tests, run by drillroom test."`

	// Filled by the loader.
	File     string  `yaml:"-"` // path as given to the loader
	Source   []byte  `yaml:"-"`
	Hash     string  `yaml:"-"` // sha256 of Source, hex
	Resolved *Policy `yaml:"-"` // the policy with Overrides applied
}

// Settings are per-drill engine settings.
type Settings struct {
	TimeLimit    Duration `yaml:"time_limit,omitempty" doc:"The call ends with the time_limit ending after this much virtual time. Default: twice duration."`
	TimeScale    float64  `yaml:"time_scale,omitempty" doc:"Default speed of virtual time (1 = real time; 60 compresses an hour into a minute)."`
	OnDisconnect string   `yaml:"on_disconnect,omitempty" doc:"pause (default) or continue: what the clock does while the trainee is disconnected." enum:"pause,continue"`
	// DisconnectBudget bounds, in an assessment, how long in total the
	// clock may stand still for the trainee's absence; nil: the policy's,
	// else the server's (2m by default).
	DisconnectBudget *Duration `yaml:"disconnect_budget,omitempty" doc:"In an assessment: how much drill time in total the clock may stand still while the trainee is disconnected; once spent, the clock runs on while they are away. Default: the policy's, else the server's (2m)."`
	Speaker          string    `yaml:"speaker,omitempty" doc:"Default speaker of say steps (default customer)."`
	ReplyPace        ReplyPace `yaml:"reply_pace,omitempty" doc:"How fast the cast's replies come, field by field over the policy's reply_pace."`
	// WrapUp is what the trainee's after-call work asks for; nil: the
	// policy's.
	WrapUp *WrapUp `yaml:"wrap_up,omitempty" doc:"What the after-call work (wrap-up) asks of the trainee once the call has ended: a wrap-up code, notes, a target time. Replaces the policy's wrap_up as a whole."`
}

// WrapUp is the after-call work a desk asks for: once the call has ended
// the trainee is in wrap-up until they finish it (a wrap_up action with the
// code and notes asked for); the time it takes is the wrap-up KPI.
type WrapUp struct {
	Codes  []WrapUpCode `yaml:"codes,omitempty" doc:"Wrap-up (disposition) codes; when there are any, finishing wrap-up needs one of them."`
	Notes  string       `yaml:"notes,omitempty" enum:"optional,required" doc:"optional (default) or required: whether finishing wrap-up needs notes."`
	Target Duration     `yaml:"target,omitempty" doc:"The after-call work standard (policy.wrap_up in rules, in seconds; 0: none). At most 1h."`
}

// WrapUpCode is one wrap-up code the trainee may pick.
type WrapUpCode struct {
	ID    string `yaml:"id" doc:"The code's id, on the log."`
	Title string `yaml:"title" doc:"What the trainee reads."`
}

// NotesRequired reports whether finishing wrap-up needs notes.
func (w WrapUp) NotesRequired() bool { return w.Notes == "required" }

// HasCode reports whether id is one of the wrap-up codes.
func (w WrapUp) HasCode(id string) bool {
	for _, c := range w.Codes {
		if c.ID == id {
			return true
		}
	}
	return false
}

// ReplyPace says how long the cast takes to reply: a line a reaction or an
// answer produces is said after React plus the time its words take at the
// channel's rate (speech on the call and the radio, typing on the team
// channel), one line after another per speaker. Zero fields take the
// policy's value, then the engine's default (1s, 170 and 40 words a minute).
type ReplyPace struct {
	React   Duration `yaml:"react,omitempty" doc:"Pause before a reply starts (default 1s)."`
	Speech  float64  `yaml:"speech,omitempty" doc:"Words a minute spoken, on the call and the radio (default 170)."`
	Typing  float64  `yaml:"typing,omitempty" doc:"Words a minute typed, on the team channel (default 40)."`
	Instant bool     `yaml:"instant,omitempty" doc:"Replies come at the instant of the action, as scripted timeline lines do (no pacing)."`
}

// Variation draws one value from the seed. Exactly one of Pick, Range or Between is set.
type Variation struct {
	Pick    []string   `yaml:"pick,omitempty" doc:"Pick one of these strings."`
	Range   []int      `yaml:"range,omitempty" doc:"[min, max]: an integer in the closed range."`
	Between []Duration `yaml:"between,omitempty" doc:"[min, max]: a duration in the closed range, whole seconds; read as seconds."`
}

// Truth is the ground truth the trainee never sees. The loader fills in
// Priority from the policy's matrix when the drill leaves it out, so a
// loaded scenario's Truth.Priority is the correct priority.
type Truth struct {
	Category string        `yaml:"category" doc:"The correct incident category, from the policy taxonomy."`
	Impact   string        `yaml:"impact" doc:"Impact level from the policy's priority matrix."`
	Urgency  string        `yaml:"urgency" doc:"Urgency level from the policy's priority matrix."`
	Priority string        `yaml:"priority,omitempty" doc:"The correct priority; must equal matrix[impact][urgency] when given."`
	Required []Requirement `yaml:"required,omitempty" doc:"Dispatches and escalations the trainee must make."`
	// Authority lists decisions the trainee may not take alone.
	Authority []Authority `yaml:"authority,omitempty"`
	// Decisions are decisions within the trainee's own authority that the
	// drill expects (freeze_account): the console offers them with the
	// authority limits' decisions.
	Decisions []string      `yaml:"decisions,omitempty" doc:"Decisions within the trainee's own authority that the script reacts to (freeze_account); the console offers them."`
	Record    []RecordField `yaml:"record,omitempty" doc:"Incident-log fields that must be recorded, with their true values."`
	// SafetyAdvice says whether the caller needs safety advice. When it does,
	// the customer's mood drops (mood.missing_safety) if none has been given
	// by the policy's first_response. Unset: needed when the true priority
	// is the policy's highest.
	SafetyAdvice *bool `yaml:"safety_advice,omitempty" doc:"Whether the caller needs safety advice: without it by first_response the customer's mood drops (mood.missing_safety). Default: true when the true priority is the policy's highest."`
	// FirstContact is a rule expression: true when the call counts as resolved on first contact.
	FirstContact Expr `yaml:"first_contact,omitempty" env:"rule"`
}

// Requirement is one dispatch or escalation the drill requires. Exactly one of
// Dispatch and Escalate is set.
type Requirement struct {
	Dispatch string   `yaml:"dispatch,omitempty" doc:"Service id (from cast.services) that must be dispatched."`
	Escalate string   `yaml:"escalate,omitempty" doc:"Team id (from cast.teams) that must be escalated to."`
	Within   Duration `yaml:"within,omitempty" doc:"Deadline, from the start of the call (or from the event named by from)."`
	// From makes the requirement a response to an event: it applies once
	// this beat or reaction has fired, within counts from then, and only a
	// dispatch or escalation made at or after it meets it.
	From     string   `yaml:"from,omitempty" doc:"A beat or reaction id: the requirement applies once it has fired, within counts from then, and only a dispatch or escalation made at or after it counts."`
	When     Expr     `yaml:"when,omitempty" env:"rule" doc:"Only required when this rule expression holds."`
	Handover []string `yaml:"handover,omitempty" doc:"Information (intents or record fields) that must be passed on with it."`
}

// Authority is a decision that exceeds the trainee's authority.
type Authority struct {
	Decision string  `yaml:"decision" doc:"Name of the decision, for example goodwill_payment."`
	Approver string  `yaml:"approver" doc:"Team id that must approve it."`
	Above    float64 `yaml:"above,omitempty" doc:"Amount above which approval is needed (0: always)."`
	// Promise names an intent that, said to the customer, takes the
	// decision in words ("I'm sending you a generator"): a line carrying
	// it before the approver approved counts as a breach like a decide.
	Promise string `yaml:"promise,omitempty" doc:"Intent that takes the decision in words when said to the customer (a promise): a line carrying it before approval is a breach, like a decide."`
}

// RecordField is an incident-log field the trainee must record.
type RecordField struct {
	Field string `yaml:"field"`
	Value Text   `yaml:"value,omitempty" env:"guard" doc:"The true value; may interpolate {{vary.NAME}}. Required unless match is any."`
	// Also lists other values that are true too, for a field whose truth
	// changes during the call (a casualty "unconscious" who goes into
	// "cardiac arrest"): the last value recorded is judged, and it is
	// correct when it matches Value or one of these.
	Also  []Text `yaml:"also,omitempty" env:"guard" doc:"Other values that are also correct, for a field whose truth changes during the call (unconscious, then cardiac arrest); matched like value."`
	Match string `yaml:"match,omitempty" doc:"exact, contains (default) or any (presence only)." enum:"exact,contains,any"`
}

// Cast is everyone the engine plays.
type Cast struct {
	Customer Customer           `yaml:"customer"`
	Services map[string]Service `yaml:"services,omitempty" doc:"Emergency services and utilities, by id."`
	Teams    map[string]Team    `yaml:"teams,omitempty" doc:"Internal teams, by id."`
}

// Consult is how service or team id answers a consultation: its consult
// settings, nil when it has none or is not in the cast.
func (c *Cast) Consult(id string) *Consult {
	if svc, ok := c.Services[id]; ok {
		return svc.Consult
	}
	if team, ok := c.Teams[id]; ok {
		return team.Consult
	}
	return nil
}

// Customer is the caller.
type Customer struct {
	Name     Text    `yaml:"name" env:"guard"`
	Persona  string  `yaml:"persona,omitempty"`
	Mood     float64 `yaml:"mood" doc:"Starting mood, 0 (furious or panicking) to 100 (calm and content)."`
	Patience float64 `yaml:"patience" doc:"Starting patience, 0 to 100; the customer gives up at 0."`
	Chase    Chase   `yaml:"chase,omitempty"`
	GiveUp   GiveUp  `yaml:"give_up,omitempty"`
	// Answers maps an ask intent (ask_location, ask_details, ask_callback, ...) to the reply.
	Answers map[string]Text `yaml:"answers,omitempty" env:"guard"`
	Reacts  *MoodModel      `yaml:"reacts,omitempty" doc:"Overrides of the policy mood model for this customer."`
}

// Chase is what a customer left alone says.
type Chase struct {
	After Duration `yaml:"after,omitempty" doc:"Silence before the first chasing line; longer than the policy's max_silence, so that the customer chases only a trainee who is late (DR5008)."`
	Every Duration `yaml:"every,omitempty" doc:"Interval between further chasing lines."`
	Lines []Text   `yaml:"lines,omitempty" env:"guard"`
	// Cues are chasing lines with a guard: each is said only while its
	// when holds, so a line stops once the situation no longer fits it.
	Cues []ChaseCue `yaml:"cues,omitempty" doc:"Chasing lines with a guard: a cue is said only while its when holds. Lines and cues that hold are said in turn; when none holds the customer stays quiet."`
}

// ChaseCue is a chasing line said only while its guard holds.
type ChaseCue struct {
	Say  Text `yaml:"say" env:"guard"`
	When Expr `yaml:"when,omitempty" env:"guard" doc:"Said only while this holds (the state when the chase is due)."`
}

// GiveUp says when and how the customer hangs up.
type GiveUp struct {
	When Expr `yaml:"when,omitempty" env:"guard" doc:"Extra hang-up condition besides patience reaching 0."`
	Line Text `yaml:"line,omitempty" env:"guard"`
}

// Service is an emergency service or utility.
type Service struct {
	Kind    string      `yaml:"kind" enum:"police,fire,ambulance,gas,water,power,council,highways,other"`
	Name    string      `yaml:"name"`
	Ack     Timing      `yaml:"ack" doc:"Time from dispatch to acknowledgement."`
	ETA     Timing      `yaml:"eta" doc:"ETA given at acknowledgement."`
	Revise  []Revision  `yaml:"revise,omitempty" doc:"Later ETA revisions."`
	Asks    []Ask       `yaml:"asks,omitempty" doc:"What the service asks the trainee for."`
	Resolve Duration    `yaml:"resolve,omitempty" doc:"Time from arrival to resolution (0: never resolves by itself)."`
	Lines   ServiceText `yaml:"lines,omitempty"`
	Consult *Consult    `yaml:"consult,omitempty" doc:"How the service's desk answers when the trainee consults it while keeping the caller."`
}

// Consult is how a service or team answers a consultation: the trainee
// asks it something while keeping the caller (on hold or told), and it
// answers after After with the first of Answers whose when holds then.
// Without it the cast member answers with a standard line.
type Consult struct {
	After   Timing          `yaml:"after,omitempty" doc:"Time from the consultation to the answer (default 10s)."`
	Answers []ConsultAnswer `yaml:"answers,omitempty" doc:"The answers, in order: the first whose when holds when the answer is due is said; none: the standard line."`
}

// ConsultAnswer is one answer to a consultation, said when its guard holds.
type ConsultAnswer struct {
	Say  Text `yaml:"say" env:"guard"`
	When Expr `yaml:"when,omitempty" env:"guard" doc:"Said only if this holds when the answer is due."`
}

// Revision changes a service's ETA.
type Revision struct {
	After Timing `yaml:"after" doc:"Time after acknowledgement."`
	ETA   Timing `yaml:"eta" doc:"New ETA, from the time of the revision."`
	Text  Text   `yaml:"text,omitempty" env:"guard"`
}

// Ask is a question from a service or team to the trainee.
type Ask struct {
	Info  string `yaml:"info" doc:"What is asked for: an intent or a record field name (location, hazards, access, ...)."`
	After Timing `yaml:"after,omitempty" doc:"Time after acknowledgement."`
	Text  Text   `yaml:"text" env:"guard"`
}

// ServiceText overrides the standard lines of a service.
type ServiceText struct {
	Ack     Text `yaml:"ack,omitempty" env:"guard"`
	Arrive  Text `yaml:"arrive,omitempty" env:"guard"`
	Resolve Text `yaml:"resolve,omitempty" env:"guard"`
}

// Team is an internal team.
type Team struct {
	Kind     string     `yaml:"kind" enum:"supervisor,technical,security,complaints,other"`
	Name     string     `yaml:"name"`
	Ack      Timing     `yaml:"ack,omitempty" doc:"Time to answer an escalation or contact."`
	Approves []Decision `yaml:"approves,omitempty"`
	Declines []Decision `yaml:"declines,omitempty"`
	Updates  *Updates   `yaml:"updates,omitempty" doc:"Regular updates (a technical team's restoration updates)."`
	Asks     []Ask      `yaml:"asks,omitempty"`
	Consult  *Consult   `yaml:"consult,omitempty" doc:"How the team answers when the trainee consults it while keeping the caller."`
}

// Decision is a decision a team approves or declines, with its reply.
type Decision struct {
	Decision string  `yaml:"decision"`
	UpTo     float64 `yaml:"up_to,omitempty" doc:"In approves: the largest amount it approves (0: any)."`
	Above    float64 `yaml:"above,omitempty" doc:"In declines: decline only amounts above this (0: any amount), so approves up_to 250 and declines above 250 give each side its own reply."`
	Text     Text    `yaml:"text,omitempty" env:"guard"`
}

// Updates are lines a team sends on a cadence once engaged.
type Updates struct {
	Every Duration `yaml:"every"`
	Lines []Text   `yaml:"lines" env:"guard"`
	Until Expr     `yaml:"until,omitempty" env:"guard"`
}

// VarDecl declares a typed state variable.
type VarDecl struct {
	Type  string `yaml:"type" enum:"bool,int,float,string"`
	Value any    `yaml:"value,omitempty" doc:"Initial value (default: the type's zero)."`
	Doc   string `yaml:"doc,omitempty"`
}

// Phase is a stage of the call. Leaving a phase cancels its pending timers.
type Phase struct {
	Pos Pos    `yaml:"-"` // where it was written, set by the loader
	ID  string `yaml:"id"`
	Doc string `yaml:"doc,omitempty"`
	// TimeScale sets the clock's speed while the call is in this phase
	// (the long wait for an engineer at 30x, the conversation at 1x).
	TimeScale float64 `yaml:"time_scale,omitempty" doc:"Speed of virtual time while the call is in this phase (1 = real time); leaving it returns to the drill's time scale. A scale the trainer sets holds through phases without one."`
}

// Beat is a timeline entry. Exactly one of At, After and Every schedules it.
type Beat struct {
	Pos     Pos      `yaml:"-"` // where it was written, set by the loader
	ID      string   `yaml:"id"`
	Phase   string   `yaml:"phase,omitempty" doc:"Scheduled when this phase is entered (times count from entry) and cancelled when it is left."`
	At      *Timing  `yaml:"at,omitempty" doc:"Fire at this time (from the start, or from phase entry)."`
	After   string   `yaml:"after,omitempty" doc:"Fire Delay after this beat or reaction id fires."`
	Delay   Timing   `yaml:"delay,omitempty" doc:"With after: how long after."`
	Every   Duration `yaml:"every,omitempty" doc:"Fire repeatedly at this interval."`
	Times   int      `yaml:"times,omitempty" doc:"With every: at most this many times."`
	When    Expr     `yaml:"when,omitempty" env:"guard" doc:"Guard checked when due; a false guard skips this firing."`
	Cancel  Expr     `yaml:"cancel,omitempty" env:"guard" doc:"When true, the beat is cancelled for good."`
	Persist bool     `yaml:"persist,omitempty" doc:"Keep pending timers when the phase is left."`
	Do      []Step   `yaml:"do"`
}

// Reaction answers a trainee action.
type Reaction struct {
	Pos      Pos    `yaml:"-"` // where it was written, set by the loader
	ID       string `yaml:"id"`
	On       string `yaml:"on" doc:"Action kind that triggers it, or any." enum:"say,hold,resume,classify,record,dispatch,escalate,contact,consult,end_consult,transfer,request,decide,close,review,any"`
	Intent   string `yaml:"intent,omitempty" doc:"With on: say, only when the line carries this intent."`
	Target   string `yaml:"target,omitempty" doc:"Only when the action's target is this service or team id."`
	Phase    string `yaml:"phase,omitempty" doc:"Only in this phase."`
	When     Expr   `yaml:"when,omitempty" env:"reaction"`
	Once     bool   `yaml:"once,omitempty" doc:"Fire at most once."`
	Priority int    `yaml:"priority,omitempty" doc:"When several match, the highest priority fires (ties: the least recently fired, then file order)."`
	Do       []Step `yaml:"do"`
}

// Step is one thing a beat or reaction does. Exactly one of Say, Set, Mood,
// Patience, Goto, End, ETA, Arrive, Resolve is the step's kind.
type Step struct {
	Say      *Text           `yaml:"say,omitempty" env:"guard" doc:"A line spoken by As."`
	As       string          `yaml:"as,omitempty" doc:"Speaker of say: customer (default), a service id or a team id."`
	When     Expr            `yaml:"when,omitempty" env:"guard" doc:"With say: the line is said only if this holds when it is due (a paced reply: when it falls due, not when it was queued)."`
	Set      map[string]Expr `yaml:"set,omitempty" env:"guard" doc:"Variables to set, each to an expression's value."`
	Mood     *float64        `yaml:"mood,omitempty" doc:"Change the customer's mood by this amount."`
	Patience *float64        `yaml:"patience,omitempty" doc:"Change the customer's patience by this amount."`
	Goto     string          `yaml:"goto,omitempty" doc:"Enter this phase."`
	End      string          `yaml:"end,omitempty" doc:"End the call with this ending id."`
	ETA      *ETAStep        `yaml:"eta,omitempty"`
	Arrive   string          `yaml:"arrive,omitempty" doc:"This service arrives now."`
	Resolve  string          `yaml:"resolve,omitempty" doc:"This service or team resolves the incident now."`
}

// ETAStep revises a service's ETA from a script.
type ETAStep struct {
	Service string `yaml:"service"`
	ETA     Timing `yaml:"eta" doc:"New ETA, from now."`
}

// Ending is a way the call can end.
type Ending struct {
	Pos  Pos    `yaml:"-"` // where it was written, set by the loader
	ID   string `yaml:"id"`
	Kind string `yaml:"kind" enum:"resolved,hangup,timeout,closed,transferred"`
	When Expr   `yaml:"when,omitempty" env:"guard" doc:"End the call as soon as this holds."`
	Line Text   `yaml:"line,omitempty" env:"guard"`
}

// Rubric scores a session.
type Rubric struct {
	Scoring  string    `yaml:"scoring,omitempty" doc:"points (default) or weighted." enum:"points,weighted"`
	PassMark float64   `yaml:"pass_mark,omitempty" doc:"Percentage needed to pass (default: the policy's); must be the min of one of the bands."`
	Sections []Section `yaml:"sections"`
	// Mistakes declares which rules catch each classic mistake
	// (ClassicMistakes). drillroom test checks the declaration against the
	// tests tagged with a mistake; validate warns about a classic mistake
	// no rule catches. An empty list says the mistake cannot happen in
	// this drill.
	Mistakes map[string][]string `yaml:"mistakes,omitempty" doc:"Classic mistake (misclassification, uninformed, not_involved, incomplete_record, over_escalation): the ids of the rules that catch it. [] says it cannot happen in this drill."`
}

// Section groups rules.
type Section struct {
	Pos    Pos     `yaml:"-"` // where it was written, set by the loader
	ID     string  `yaml:"id"`
	Title  string  `yaml:"title"`
	Weight float64 `yaml:"weight,omitempty" doc:"With scoring: weighted, the section's share of the total."`
	Bonus  bool    `yaml:"bonus,omitempty" doc:"Points add to the total but not to what is possible."`
	Rules  []Rule  `yaml:"rules"`
}

// Rule is one scored criterion.
type Rule struct {
	Pos      Pos     `yaml:"-"` // where it was written, set by the loader
	ID       string  `yaml:"id"`
	Title    string  `yaml:"title"`
	Check    Expr    `yaml:"check,omitempty" env:"rule" doc:"Passes when true. Absent on manual rules."`
	NA       Expr    `yaml:"na,omitempty" env:"rule" doc:"Not applicable when true: the rule leaves the denominator."`
	Points   float64 `yaml:"points"`
	Critical string  `yaml:"critical,omitempty" doc:"section or drill: failing it zeroes that." enum:"section,drill"`
	Manual   bool    `yaml:"manual,omitempty" doc:"Scored by a coach."`
	Guidance string  `yaml:"guidance,omitempty" doc:"For manual rules: what the coach looks for."`
	Pass     Text    `yaml:"pass,omitempty" env:"rule" doc:"Feedback when it passes; may interpolate {{ expressions }}."`
	Fail     Text    `yaml:"fail,omitempty" env:"rule" doc:"Feedback when it fails."`
	// Procedure names the procedure or objective the rule tests, so that
	// cohort analytics can rank procedures by how often they are not
	// followed, across drills. It does not change how the rule scores.
	Procedure string `yaml:"procedure,omitempty" doc:"The procedure or objective the rule tests, lower-case words joined by hyphens (keep-customer-informed-en-route); the same id in several drills is one procedure in cohort analytics."`
}

// Decisions lists the decisions a trainee can take or ask for in this
// drill, sorted: truth.decisions, the authority limits' and those any team
// approves or declines. The console offers exactly these.
func (s *Scenario) Decisions() []string {
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" {
			seen[d] = true
		}
	}
	for _, d := range s.Truth.Decisions {
		add(d)
	}
	for _, a := range s.Truth.Authority {
		add(a.Decision)
	}
	for _, t := range s.Cast.Teams {
		for _, d := range t.Approves {
			add(d.Decision)
		}
		for _, d := range t.Declines {
			add(d.Decision)
		}
	}
	return sortedKeys(seen)
}

// WrapUpRules is the drill's after-call work: settings.wrap_up, else its
// policy's, else none asked (no code, optional notes, no target).
func (s *Scenario) WrapUpRules() WrapUp {
	if s.Settings.WrapUp != nil {
		return *s.Settings.WrapUp
	}
	if s.Resolved != nil && s.Resolved.WrapUp != nil {
		return *s.Resolved.WrapUp
	}
	return WrapUp{}
}

// PassMark is the percentage the drill needs to pass: the rubric's
// pass_mark, else its policy's (0 before the policy is resolved).
func (s *Scenario) PassMark() float64 {
	if s.Rubric.PassMark > 0 {
		return s.Rubric.PassMark
	}
	if s.Resolved != nil {
		return s.Resolved.PassMark
	}
	return 0
}

// Budget is the drill's disconnect budget for assessments:
// settings.disconnect_budget, else its policy's (with the drill's
// overrides); ok is false when neither sets one and the server's default
// applies.
func (s *Scenario) Budget() (b Duration, ok bool) {
	if s.Settings.DisconnectBudget != nil {
		return *s.Settings.DisconnectBudget, true
	}
	if s.Resolved != nil && s.Resolved.DisconnectBudget != nil {
		return *s.Resolved.DisconnectBudget, true
	}
	return 0, false
}

// Label is how a person reads one of the drill's ids (a record field, a
// hand-over item, a decision, an intent, an ending, a category, a
// priority or a wrap-up code): the drill's labels, then its wrap-up
// code's title, then its policy's labels, then the category's
// or priority's title, else the id's own words (Words).
func (s *Scenario) Label(id string) string {
	if l, ok := s.Labels[id]; ok && l != "" {
		return l
	}
	for _, c := range s.WrapUpRules().Codes {
		if c.ID == id && c.Title != "" {
			return c.Title
		}
	}
	if p := s.Resolved; p != nil {
		if l, ok := p.Labels[id]; ok && l != "" {
			return l
		}
		for _, c := range p.Taxonomy {
			if c.ID == id && c.Title != "" {
				return c.Title
			}
		}
		for _, pr := range p.Priorities {
			if pr.ID == id && pr.Title != "" {
				return pr.Title
			}
		}
	}
	return Words(id)
}

// Words reads an id as words, for an id nobody labelled: separators become
// spaces and the first letter a capital (people_at_risk: People at risk,
// gas-emergency: Gas emergency).
func Words(id string) string {
	w := strings.Join(strings.FieldsFunc(id, func(r rune) bool { return r == '_' || r == '-' || r == '.' }), " ")
	if w == "" {
		return id
	}
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// Named is every id of the drill a person may read, with its Label:
// categories, the policy's and the drill's intents and labelled ids,
// record fields, hand-over items, the items the cast asks for, decisions
// and endings. The script's beats and reactions are not in it: the
// trainee never sees them.
func (s *Scenario) Named() map[string]string {
	m := map[string]string{}
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				m[id] = s.Label(id)
			}
		}
	}
	keys := func(ms ...map[string][]string) {
		for _, mm := range ms {
			for id := range mm {
				add(id)
			}
		}
	}
	if p := s.Resolved; p != nil {
		for id := range p.Labels {
			add(id)
		}
		for _, c := range p.Taxonomy {
			add(c.ID)
		}
		keys(p.Intents, p.IntentExamples)
	}
	for id := range s.Labels {
		add(id)
	}
	for _, c := range s.WrapUpRules().Codes {
		add(c.ID)
	}
	keys(s.Intents, s.IntentExamples)
	for _, r := range s.Truth.Record {
		add(r.Field)
	}
	for _, r := range s.Truth.Required {
		add(r.Handover...)
	}
	for _, sv := range s.Cast.Services {
		for _, a := range sv.Asks {
			add(a.Info)
		}
	}
	for _, t := range s.Cast.Teams {
		for _, a := range t.Asks {
			add(a.Info)
		}
	}
	add(s.Decisions()...)
	for _, e := range s.Endings {
		add(e.ID)
	}
	return m
}
