// Package simulator is the drill engine: a deterministic step function from
// (session state, input, virtual time) to new events, plus the scenario test
// runner. It has no goroutines, no wall clock and no I/O.
package simulator

import "github.com/drillroom/drillroom"

// Millis is virtual time in milliseconds since the call started.
type Millis = int64

// EventType names what happened.
type EventType string

// The event types. The trainee's socket carries all of them except the ones
// marked (hidden), which reveal the script, and those in their ForTrainee
// form. Events a trainer's input caused carry that Action (By "trainer").
const (
	EvStart    EventType = "start"    // session started: Scenario, Version, Hash, Seed, Mode, Scale; Value: the variation drawn (name -> value), when the drill has one
	EvAction   EventType = "action"   // a trainee action was accepted: Action, Intents (explicit then matched from the text; for a correction, those added to the line, and Removed those taken off)
	EvRejected EventType = "rejected" // a trainee action was refused: Action, Reason; state unchanged
	EvLine     EventType = "line"     // a cast member spoke: From, Channel (call, radio or team), Text, ID (beat/reaction that produced it; chase, answer:INTENT, update, give_up, ending:ID, inject); Reason "inject" and Action when the trainer injected it
	EvBeat     EventType = "beat"     // (hidden) a timeline beat fired: ID
	EvReaction EventType = "reaction" // (hidden) a reaction fired: ID
	EvSet      EventType = "set"      // (hidden) a variable changed: ID (name), Value; Action when the trainer set it
	EvPhase    EventType = "phase"    // (hidden) the call entered a phase: ID
	EvMood     EventType = "mood"     // (hidden) the customer's mood or patience changed: Mood, Patience (new absolute values), Reason (update, reassure, safety_advice, hold_no_notice, silence, missing_safety, promise_broken, or the beat/reaction id)
	EvAck      EventType = "ack"      // a service or team acknowledged: From, Channel, Text
	EvETA      EventType = "eta"      // a service gave or revised its ETA: From, ETA (virtual time of arrival), Text (revisions)
	EvAsk      EventType = "ask"      // a service or team asked for information: From, ID (the info), Text
	EvArrive   EventType = "arrive"   // a service arrived: From, Text
	EvResolve  EventType = "resolve"  // a service or team resolved the incident: From, Text
	EvApprove  EventType = "approve"  // a team approved a decision: From, ID (decision), Amount, Text
	EvDecline  EventType = "decline"  // a team declined a decision: From, ID (decision), Amount, Text
	EvPause    EventType = "pause"    // the clock paused: Reason (trainer, disconnect, restart); in an assessment the runner's carry Away and Budget
	EvResume   EventType = "resume"   // the clock resumed: Reason (trainer, reconnect, budget_spent); in an assessment the runner's carry Away and Budget
	EvScale    EventType = "scale"    // the time scale changed: Scale (the start event carries the initial Scale)
	EvTakeover EventType = "takeover" // (hidden) a trainer took over a cast member: ID; its scripted lines are suspended
	EvHandback EventType = "handback" // (hidden) a trainer handed a cast member back: ID
	EvEnd      EventType = "end"      // the call ended: ID (ending id), Reason (ending kind)
	EvReview   EventType = "review"   // the trainee submitted the post-incident review: Text, Action
	EvError    EventType = "error"    // (hidden) an expression failed at run time: ID (where), Reason
	EvTimer    EventType = "timer"    // (hidden) a scheduled timer came due: ID (timer key), Reason ("" fired, skip, cancel, stop; wait: a reply moved to the next second)
	EvAway     EventType = "away"     // the trainee left an assessment whose disconnect budget is spent: the clock runs on (Reason disconnect or budget_spent; the runner's Away and Budget)
	EvBack     EventType = "back"     // the trainee is back after an away (Reason reconnect; the runner's Away and Budget)
	EvReply    EventType = "reply"    // (hidden) a cast member's reply was queued, to be said at its pace: From, Channel, Text, ID (the reaction or answer:INTENT), ETA (when it is due, timer reply:N), Value (1 + the index of its say step in the reaction's do when that step has a when guard)
)

// Channels of line events and of the cast's messages.
const (
	ChannelCall  = "call"  // the customer's phone call
	ChannelRadio = "radio" // emergency services and utilities
	ChannelTeam  = "team"  // internal teams
)

// hidden lists the event types the trainee never sees: they reveal the
// script (which beat or reaction fired, variables, phases, the customer's
// mood as numbers, timers), expression failures or the trainer's hand.
var hidden = map[EventType]bool{
	EvBeat: true, EvReaction: true, EvSet: true, EvPhase: true, EvMood: true,
	EvError: true, EvTimer: true, EvTakeover: true, EvHandback: true, EvReply: true,
}

// Hidden reports whether events of type t are withheld from the trainee.
func Hidden(t EventType) bool { return hidden[t] }

// Visible reports whether the trainee may see e (in its ForTrainee form).
func Visible(e Event) bool { return !hidden[e.Type] }

// ForTrainee returns the form of e the trainee may see, and false when the
// trainee must not see it at all. It strips what reveals the script or the
// variation: the beat or reaction id of a line, the seed and hash of the
// start, the trainer's hand in injected lines, and the trainer's refused
// inputs altogether.
func (e Event) ForTrainee() (Event, bool) {
	if hidden[e.Type] {
		return Event{}, false
	}
	switch e.Type {
	case EvRejected:
		// A trainer's (or the runner's) refused input is not the
		// trainee's business: a refused set_var would show the variable
		// and the value tried.
		if e.Action != nil && e.Action.By != "" && e.Action.By != drillroom.ActorTrainee {
			return Event{}, false
		}
	case EvStart:
		e.Seed, e.Hash, e.Value = 0, "", nil
	case EvLine:
		e.ID, e.Action, e.Reason = "", nil, ""
	case EvETA, EvArrive, EvResolve, EvAck, EvAsk, EvApprove, EvDecline:
		e.Action = nil
	}
	return e, true
}

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
	Removed  []string  `json:"removed,omitempty"` // a correction: the intents taken off the line
	Action   *Action   `json:"action,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Value    any       `json:"value,omitempty"`
	Mood     *float64  `json:"mood,omitempty"`
	Patience *float64  `json:"patience,omitempty"`
	ETA      Millis    `json:"eta,omitempty"`
	Amount   float64   `json:"amount,omitempty"`
	Scale    float64   `json:"scale,omitempty"`
	// Away and Budget are on the pauses and resumes the runner writes for
	// an assessment's trainee: the drill time the clock has stood still
	// for their absence so far, and the most it may (the disconnect
	// budget). The engine neither reads nor writes them.
	Away   Millis `json:"away,omitempty"`
	Budget Millis `json:"budget,omitempty"`

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
	ActCorrect  ActionKind = "correct"  // practice mode: Of (the seq of one of the trainee's say actions) was meant as Intents
	ActHint     ActionKind = "hint"     // practice mode: show the next desk hint (the event's Text); it costs practice points
	// ActConsult asks a service or team something while keeping the
	// caller: Target, Text (the question). It answers on its channel after
	// its consult.after; ActEndConsult returns to the caller.
	ActConsult    ActionKind = "consult"
	ActEndConsult ActionKind = "end_consult" // back to the caller from a consultation (Text: what was said to the caller first, if anything)
	// ActWrapUp finishes the after-call work once the call has ended: Code
	// (one of the wrap-up codes, when the drill has any), Text (the notes).
	ActWrapUp ActionKind = "wrap_up"

	// The runner's own: the trainee's absence from an assessment whose
	// disconnect budget is spent, recorded while the clock runs on (By
	// system, Text the reason, like its pauses).
	ActAway ActionKind = "away"
	ActBack ActionKind = "back"

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
	Kind       ActionKind      `json:"kind"`
	Text       string          `json:"text,omitempty"`
	Intents    []string        `json:"intents,omitempty"`
	Target     string          `json:"target,omitempty"`
	Category   string          `json:"category,omitempty"`
	Priority   string          `json:"priority,omitempty"`
	Field      string          `json:"field,omitempty"`
	Value      string          `json:"value,omitempty"`
	Decision   string          `json:"decision,omitempty"`
	Amount     float64         `json:"amount,omitempty"`
	Info       []string        `json:"info,omitempty"`
	Promise    Millis          `json:"promise,omitempty"` // with say: an update is promised by this virtual time
	Resolution string          `json:"resolution,omitempty"`
	Code       string          `json:"code,omitempty"` // wrap_up: the wrap-up code
	As         string          `json:"as,omitempty"`   // trainer: cast member
	Line       string          `json:"line,omitempty"` // trainer: scripted beat or reaction id to inject
	Of         int64           `json:"of,omitempty"`   // correct: the seq of the action event corrected
	By         drillroom.Actor `json:"by,omitempty"`   // who acted: the trainee (empty) or drillroom.ActorTrainer, ActorSystem...
	Cmd        string          `json:"cmd,omitempty"`  // client command id, for at-most-once application
}

// Equal reports whether two actions are the same input.
func (a Action) Equal(b Action) bool {
	return a.Kind == b.Kind && a.Text == b.Text && equalStrings(a.Intents, b.Intents) &&
		a.Target == b.Target && a.Category == b.Category && a.Priority == b.Priority &&
		a.Field == b.Field && a.Value == b.Value && a.Decision == b.Decision &&
		a.Amount == b.Amount && equalStrings(a.Info, b.Info) && a.Promise == b.Promise &&
		a.Resolution == b.Resolution && a.Code == b.Code && a.As == b.As && a.Line == b.Line && a.Of == b.Of && a.By == b.By && a.Cmd == b.Cmd
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
