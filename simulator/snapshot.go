package simulator

import (
	"sort"
	"strings"
)

// Snapshot is the state of a session: a fold over its event log. It is
// JSON-able (maps encode with sorted keys) and holds everything, including
// what the trainee must not see; see TraineeView for the trainee's part.
type Snapshot struct {
	Scenario string  `json:"scenario"`
	Version  int     `json:"version"`
	Seed     int64   `json:"seed"`
	Mode     string  `json:"mode"`
	Seq      int64   `json:"seq"` // last event's sequence number
	T        Millis  `json:"t"`   // last event's virtual time
	Scale    float64 `json:"scale"`
	Paused   bool    `json:"paused"`

	Phase    string         `json:"phase"`
	Vars     map[string]any `json:"vars"`
	Vary     map[string]any `json:"vary"`
	Mood     float64        `json:"mood"`
	Patience float64        `json:"patience"`

	OnHold     bool                 `json:"on_hold"`
	HoldNotice bool                 `json:"hold_notice"` // the trainee's last line carried the hold intent
	LastSpoke  Millis               `json:"last_spoke"`  // when the trainee last spoke to the customer (0: the start)
	Said       map[string]IntentUse `json:"said"`
	ChaseCount int                  `json:"chase_count"`
	Replies    []Reply              `json:"replies"` // the cast's paced replies, in the order queued (timer reply:N)
	Spoke      map[string]Millis    `json:"spoke"`   // when each cast member last said a line
	Promises   []Promise            `json:"promises"`

	Category   string            `json:"category"`
	Priority   string            `json:"priority"`
	Classified int               `json:"classified"`
	Record     map[string]string `json:"record"`

	Services  map[string]CastState `json:"services"`
	Teams     map[string]CastState `json:"teams"`
	Requests  []Request            `json:"requests"`
	Decisions []Request            `json:"decisions"` // decisions the trainee took (decide actions)
	TakenOver map[string]bool      `json:"taken_over"`

	Fired     map[string]Firing `json:"fired"`     // beat and reaction ids
	Cancelled map[string]bool   `json:"cancelled"` // beats cancelled for good
	Timers    []Timer           `json:"timers"`    // pending, in firing order
	NextSched int64             `json:"next_sched"`

	Closed      bool   `json:"closed"`
	Resolution  string `json:"resolution"`
	Transferred string `json:"transferred"`
	Ended       bool   `json:"ended"`
	Ending      string `json:"ending"`
	EndKind     string `json:"end_kind"`
	Review      string `json:"review"`
	Errors      int    `json:"errors"`
	// HintsTaken counts the desk hints the trainee asked for (practice).
	HintsTaken int `json:"hints_taken,omitempty"`
	// Consulting is the service or team the trainee is consulting now
	// ("" when none).
	Consulting string `json:"consulting,omitempty"`
	// WrappedUp: the trainee finished the after-call work (WrapUpCode the
	// code chosen).
	WrappedUp  bool   `json:"wrapped_up,omitempty"`
	WrapUpCode string `json:"wrap_up_code,omitempty"`
	// Away: the trainee is away from an assessment whose clock runs on.
	Away bool `json:"away,omitempty"`
}

// IntentUse counts the trainee's lines carrying an intent.
type IntentUse struct {
	Count int    `json:"count"`
	First Millis `json:"first"`
}

// Promise is an update the trainee promised by a time.
type Promise struct {
	Made   Millis `json:"made"`
	By     Millis `json:"by"`
	Kept   bool   `json:"kept"`
	Broken bool   `json:"broken"`
}

// CastState is a service's or team's progress. Times are -1 until they happen.
type CastState struct {
	Engaged  Millis `json:"engaged"` // dispatched or escalated (or contacted, for a team)
	Acked    Millis `json:"acked"`
	ETA      Millis `json:"eta"`
	Arrived  Millis `json:"arrived"`
	Resolved Millis `json:"resolved"`
	Updates  int    `json:"updates"` // team updates sent
	Contacts int    `json:"contacts"`
	// Consulted is when the trainee first consulted this service or team
	// (-1: never).
	Consulted Millis `json:"consulted"`
}

// Request is a decision put to a team (or taken by the trainee).
type Request struct {
	Team     string  `json:"team,omitempty"`
	Decision string  `json:"decision"`
	Amount   float64 `json:"amount"`
	Made     Millis  `json:"made"`
	Outcome  string  `json:"outcome"` // "", approve or decline
}

// Firing records when a beat or reaction fired.
type Firing struct {
	Count int    `json:"count"`
	First Millis `json:"first"`
	Last  Millis `json:"last"`
}

// Timer is a pending timer. Timers fire in (Due, Order, Sched) order: due
// time, then file order (beats by their place in the timeline, the cast's
// timers after all beats), then the order they were scheduled in.
type Timer struct {
	Key     string `json:"key"`
	Due     Millis `json:"due"`
	Order   int    `json:"order"`
	Sched   int64  `json:"sched"`
	Phase   string `json:"phase,omitempty"` // cancelled when this phase is left
	Persist bool   `json:"persist,omitempty"`
}

// castOrder sorts the cast's and the customer's timers after every beat.
const castOrder = 1 << 30

// silenceTick is the step of the patience drain: while the silence exceeds
// the cadence limit, patience falls by silence_per_minute/4 every 15 s.
const silenceTick Millis = 15_000

// Timer key prefixes and fixed keys.
const (
	keyBeat    = "beat:"
	keyChase   = "chase"
	keySilence = "silence"
	keySafety  = "safety"
	keyLimit   = "limit"
	keyPromise = "promise:" // + index
	keyRequest = "request:" // + index
	keySvc     = "svc:"     // svc:ID:ack|arrive|resolve|ask:N|rev:N
	keyTeam    = "team:"    // team:ID:ack|update|ask:N
	keyReply   = "reply:"   // + index into Replies
	keyConsult = "consult:" // + the id of the service or team consulted
)

func (s *Snapshot) less(a, b Timer) bool {
	if a.Due != b.Due {
		return a.Due < b.Due
	}
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.Sched < b.Sched
}

// schedule adds (or replaces) the timer with key k.
func (s *Snapshot) schedule(t Timer) {
	s.unschedule(t.Key)
	s.NextSched++
	t.Sched = s.NextSched
	i := sort.Search(len(s.Timers), func(i int) bool { return s.less(t, s.Timers[i]) })
	s.Timers = append(s.Timers, Timer{})
	copy(s.Timers[i+1:], s.Timers[i:])
	s.Timers[i] = t
}

func (s *Snapshot) unschedule(key string) bool {
	for i := range s.Timers {
		if s.Timers[i].Key == key {
			s.Timers = append(s.Timers[:i], s.Timers[i+1:]...)
			return true
		}
	}
	return false
}

func (s *Snapshot) unschedulePrefix(prefix string) {
	out := s.Timers[:0]
	for _, t := range s.Timers {
		if !strings.HasPrefix(t.Key, prefix) {
			out = append(out, t)
		}
	}
	s.Timers = out
}
