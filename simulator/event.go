// Package simulator is the drill engine: a deterministic step function from
// (session state, input, virtual time) to new events, plus the scenario test
// runner. It has no goroutines, no wall clock and no I/O.
package simulator

// Millis is virtual time in milliseconds since the call started.
type Millis = int64

// EventType names what happened.
type EventType string

// The event types. The trainee's socket carries all of them except the ones
// marked (hidden), which reveal the script.
const (
	EvStart    EventType = "start"    // session started: Scenario, Version, Hash, Seed, Mode
	EvAction   EventType = "action"   // a trainee action was accepted: Action, Intents (matched)
	EvRejected EventType = "rejected" // a trainee action was refused: Action, Reason; state unchanged
	EvLine     EventType = "line"     // a cast member spoke: From, Channel ("call" or "radio"), Text, ID (beat/reaction that produced it)
	EvBeat     EventType = "beat"     // (hidden) a timeline beat fired: ID
	EvReaction EventType = "reaction" // (hidden) a reaction fired: ID
	EvSet      EventType = "set"      // (hidden) a variable changed: ID (name), Value
	EvPhase    EventType = "phase"    // (hidden) the call entered a phase: ID
	EvMood     EventType = "mood"     // (hidden) the customer's mood or patience changed: Mood, Patience, Reason
	EvAck      EventType = "ack"      // a service or team acknowledged: From
	EvETA      EventType = "eta"      // a service gave or revised its ETA: From, ETA (virtual time of arrival)
	EvAsk      EventType = "ask"      // a service or team asked for information: From, ID (the info), Text
	EvArrive   EventType = "arrive"   // a service arrived: From
	EvResolve  EventType = "resolve"  // a service or team resolved the incident: From
	EvApprove  EventType = "approve"  // a team approved a decision: From, ID (decision), Amount
	EvDecline  EventType = "decline"  // a team declined a decision: From, ID (decision), Amount
	EvPause    EventType = "pause"    // the clock paused: Reason (trainer, disconnect, restart)
	EvResume   EventType = "resume"   // the clock resumed: Reason
	EvScale    EventType = "scale"    // the time scale changed: Scale
	EvTakeover EventType = "takeover" // a trainer took over a cast member: ID
	EvHandback EventType = "handback" // a trainer handed a cast member back: ID
	EvEnd      EventType = "end"      // the call ended: ID (ending id), Reason (ending kind)
	EvReview   EventType = "review"   // the trainee submitted the post-incident review: Text
	EvError    EventType = "error"    // (hidden) an expression failed at run time: ID (where), Reason
)

// Event is one entry of a session's append-only event log. The log is
// written as JSON Lines, one Event per line, in Seq order.
type Event struct {
	Seq      int64     `json:"seq"`
	T        Millis    `json:"t"`
	Type     EventType `json:"type"`
	From     string    `json:"from,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Text     string    `json:"text,omitempty"`
	ID       string    `json:"id,omitempty"`
	Intents  []string  `json:"intents,omitempty"`
	Action   *Action   `json:"action,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Value    any       `json:"value,omitempty"`
	Mood     *float64  `json:"mood,omitempty"`
	Patience *float64  `json:"patience,omitempty"`
	ETA      Millis    `json:"eta,omitempty"`
	Amount   float64   `json:"amount,omitempty"`
	Scale    float64   `json:"scale,omitempty"`

	// start only
	Scenario string `json:"scenario,omitempty"`
	Version  int    `json:"version,omitempty"`
	Hash     string `json:"hash,omitempty"`
	Seed     int64  `json:"seed,omitempty"`
	Mode     string `json:"mode,omitempty"`
}

// ActionKind names a trainee action.
type ActionKind string

// The trainee's actions.
const (
	ActSay      ActionKind = "say"      // speak to the customer: Text and/or Intents; Promise for "I'll update you by"
	ActHold     ActionKind = "hold"     // put the customer on hold (Text: what was said first, if anything)
	ActResume   ActionKind = "resume"   // take the customer off hold
	ActClassify ActionKind = "classify" // Category, Priority
	ActRecord   ActionKind = "record"   // Field, Value
	ActDispatch ActionKind = "dispatch" // Target (service id), Info (what was handed over), Text
	ActEscalate ActionKind = "escalate" // Target (team id), Info, Text
	ActContact  ActionKind = "contact"  // message an engaged service or team: Target, Text, Info
	ActRequest  ActionKind = "request"  // ask a team to approve a decision: Target, Decision, Amount
	ActDecide   ActionKind = "decide"   // take a decision (for example offer a goodwill payment): Decision, Amount
	ActTransfer ActionKind = "transfer" // transfer the call: Target
	ActClose    ActionKind = "close"    // close the call: Resolution
	ActReview   ActionKind = "review"   // post-incident review, after the call: Text

	// Trainer controls.
	ActPause       ActionKind = "pause"
	ActResumeClock ActionKind = "resume_clock"
	ActInject      ActionKind = "inject"    // As (cast member), Text or Line (scripted beat/reaction id)
	ActSetVar      ActionKind = "set_var"   // Field (variable), Value (JSON literal)
	ActTakeover    ActionKind = "takeover"  // As
	ActHandback    ActionKind = "handback"  // As
	ActSetScale    ActionKind = "set_scale" // Amount (the new scale)
)

// Action is a trainee or trainer input.
type Action struct {
	Kind       ActionKind `json:"kind"`
	Text       string     `json:"text,omitempty"`
	Intents    []string   `json:"intents,omitempty"`
	Target     string     `json:"target,omitempty"`
	Category   string     `json:"category,omitempty"`
	Priority   string     `json:"priority,omitempty"`
	Field      string     `json:"field,omitempty"`
	Value      string     `json:"value,omitempty"`
	Decision   string     `json:"decision,omitempty"`
	Amount     float64    `json:"amount,omitempty"`
	Info       []string   `json:"info,omitempty"`
	Promise    Millis     `json:"promise,omitempty"` // with say: an update is promised by this virtual time
	Resolution string     `json:"resolution,omitempty"`
	As         string     `json:"as,omitempty"`   // trainer: cast member
	Line       string     `json:"line,omitempty"` // trainer: scripted beat or reaction id to inject
	By         string     `json:"by,omitempty"`   // who acted: trainee (default) or trainer
	Cmd        string     `json:"cmd,omitempty"`  // client command id, for at-most-once application
}
