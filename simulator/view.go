package simulator

import "sort"

// Snapshot returns a deep copy of the session state.
func (e *Engine) Snapshot() Snapshot {
	s := e.f.s
	s.Vars = copyMap(s.Vars)
	s.Vary = copyMap(s.Vary)
	s.Said = copyMap(s.Said)
	s.Record = copyMap(s.Record)
	s.Services = copyMap(s.Services)
	s.Teams = copyMap(s.Teams)
	s.TakenOver = copyMap(s.TakenOver)
	s.Fired = copyMap(s.Fired)
	s.Cancelled = copyMap(s.Cancelled)
	s.Promises = append([]Promise(nil), s.Promises...)
	s.Requests = append([]Request(nil), s.Requests...)
	s.Decisions = append([]Request(nil), s.Decisions...)
	s.Timers = append([]Timer(nil), s.Timers...)
	s.Replies = append([]Reply(nil), s.Replies...)
	s.Spoke = copyMap(s.Spoke)
	return s
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TraineeView is what the trainee may see of a session: no truth, rubric,
// variables, mood figures, hidden events or future script.
type TraineeView struct {
	Scenario string            `json:"scenario"`
	Title    string            `json:"title"`
	Now      Millis            `json:"now"`
	Seq      int64             `json:"seq"`
	Paused   bool              `json:"paused"`
	Scale    float64           `json:"scale"`
	Customer string            `json:"customer"` // the caller's name
	OnHold   bool              `json:"on_hold"`
	Category string            `json:"category"`
	Priority string            `json:"priority"`
	Record   map[string]string `json:"record"`
	Services []CastView        `json:"services"`
	Teams    []CastView        `json:"teams"`
	Ended    bool              `json:"ended"`
	EndKind  string            `json:"end_kind,omitempty"`
	Reviewed bool              `json:"reviewed"`
	// Consulting is the service or team being consulted ("" when none);
	// WrappedUp, whether the after-call work is finished.
	Consulting string  `json:"consulting,omitempty"`
	WrappedUp  bool    `json:"wrapped_up"`
	Events     []Event `json:"events"` // the visible events, in their ForTrainee form
}

// TraineeEvents are the events of log the trainee may see, in their
// ForTrainee form: a TraineeView's Events.
func TraineeEvents(log []Event) []Event {
	out := []Event{}
	for _, ev := range log {
		if tv, ok := ev.ForTrainee(); ok {
			out = append(out, tv)
		}
	}
	return out
}

// CastView is a service or team as the trainee sees it. Times are -1 until
// they happen.
type CastView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Engaged  Millis `json:"engaged"`
	Acked    Millis `json:"acked"`
	ETA      Millis `json:"eta"`
	Arrived  Millis `json:"arrived"`
	Resolved Millis `json:"resolved"`
}

// TraineeView returns the trainee's view of the session now. Its Events
// are those of the log the engine keeps: none after ForgetLog, when the
// host fills them in from its own log (TraineeEvents).
func (e *Engine) TraineeView() TraineeView {
	s := &e.f.s
	v := TraineeView{
		Scenario: e.sc.ID, Title: e.sc.Title, Now: e.now, Seq: s.Seq,
		Paused: s.Paused, Scale: s.Scale, OnHold: s.OnHold,
		Category: s.Category, Priority: s.Priority, Record: copyMap(s.Record),
		Ended: s.Ended, EndKind: s.EndKind, Reviewed: s.Review != "",
		Consulting: s.Consulting, WrappedUp: s.WrappedUp,
		Services: []CastView{}, Teams: []CastView{},
	}
	v.Customer = e.text(e.sc.Cast.Customer.Name, "customer.name", "Caller")
	e.releaseEnv()
	for _, id := range e.p.services {
		c, svc := s.Services[id], e.sc.Cast.Services[id]
		v.Services = append(v.Services, CastView{ID: id, Name: svc.Name, Kind: svc.Kind,
			Engaged: c.Engaged, Acked: c.Acked, ETA: c.ETA, Arrived: c.Arrived, Resolved: c.Resolved})
	}
	for _, id := range e.p.teams {
		c, team := s.Teams[id], e.sc.Cast.Teams[id]
		v.Teams = append(v.Teams, CastView{ID: id, Name: team.Name, Kind: team.Kind,
			Engaged: c.Engaged, Acked: c.Acked, ETA: c.ETA, Arrived: c.Arrived, Resolved: c.Resolved})
	}
	sort.Slice(v.Services, func(i, j int) bool { return v.Services[i].ID < v.Services[j].ID })
	v.Events = TraineeEvents(e.Log())
	return v
}
