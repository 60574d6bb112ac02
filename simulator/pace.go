package simulator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
)

// The engine's reply pace when neither the policy nor the drill sets one:
// a second to react, conversational speech on the call and the radio,
// typing on the team channel.
const (
	defaultReact  Millis = 1000
	defaultSpeech        = 170.0 // words a minute
	defaultTyping        = 40.0
)

// pace is how fast the cast replies (scenarios.ReplyPace resolved).
type pace struct {
	react          Millis
	speech, typing float64 // words a minute
	instant        bool
}

// resolvePace takes each field from the drill, else the policy, else the
// engine's default.
func resolvePace(pol, drill scenarios.ReplyPace) pace {
	p := pace{react: defaultReact, speech: defaultSpeech, typing: defaultTyping}
	for _, r := range []scenarios.ReplyPace{pol, drill} {
		if r.React > 0 {
			p.react = Millis(r.React)
		}
		if r.Speech > 0 {
			p.speech = r.Speech
		}
		if r.Typing > 0 {
			p.typing = r.Typing
		}
		if r.Instant {
			p.instant = true
		}
	}
	return p
}

// speak is how long saying (or typing) text on channel takes: its words at
// the channel's rate, at least a millisecond.
func (p pace) speak(channel, text string) Millis {
	wpm := p.speech
	if channel == ChannelTeam {
		wpm = p.typing
	}
	words := len(strings.Fields(text))
	d := Millis(float64(words) * 60000 / wpm)
	return max(d, 1)
}

// ceilSecond rounds t up to a whole second: replies land on whole seconds,
// so that two lines of one speaker never share one.
func ceilSecond(t Millis) Millis {
	return (t + 999) / 1000 * 1000
}

// Reply is a line of the cast queued to be said when its speaker has
// reacted and spoken it (timer reply:N).
type Reply struct {
	From    string `json:"from"`
	Channel string `json:"channel"`
	Text    string `json:"text"`
	ID      string `json:"id"`              // the reaction or answer:INTENT that produced it
	Guard   int    `json:"guard,omitempty"` // 1 + the index of its say step in the reaction's do, when that step has a when guard
	Queued  Millis `json:"queued"`
	Due     Millis `json:"due"`
	Outcome string `json:"outcome,omitempty"` // "" pending, said or skip
}

// queueReply queues a line by from, to be said after the speaker's pace:
// it starts a reaction time after now, or when the speaker's last line or
// queued reply is over, and lands, rounded up to the next whole second,
// when its words have been said. It returns false when nothing is queued
// (the speaker is taken over, or the text is empty). guard is 1 + the index
// of the say step in reaction id's do when that step has a when guard,
// checked when the reply falls due; else 0.
func (e *Engine) queueReply(from string, t scenarios.Text, id string, guard int) bool {
	s := &e.f.s
	if s.TakenOver[from] {
		return false
	}
	text := e.text(t, id, "")
	if text == "" {
		return false
	}
	ch := e.channel(from)
	start := e.now + e.p.pace.react
	if last, ok := s.Spoke[from]; ok && last > start {
		start = last
	}
	for _, r := range s.Replies {
		if r.From == from && r.Outcome == "" && r.Due > start {
			start = r.Due
		}
	}
	due := ceilSecond(start + e.p.pace.speak(ch, text))
	ev := Event{Type: EvReply, From: from, Channel: ch, Text: text, ID: id, ETA: due}
	if guard > 0 {
		ev.Value = guard
	}
	e.emit(ev)
	return true
}

// pendingReply reports whether from has a reply queued and not yet said.
func (s *Snapshot) pendingReply(from string) bool {
	for _, r := range s.Replies {
		if r.From == from && r.Outcome == "" {
			return true
		}
	}
	return false
}

// fireReply says reply n when it still fits: not while its speaker is
// taken over, and an answer not while the customer is on hold. A reply
// that falls in the same second as another line of its speaker (a
// timeline line keeps its authored time) waits for the next one.
func (e *Engine) fireReply(key string, n int) {
	s := &e.f.s
	if n < 0 || n >= len(s.Replies) {
		e.emit(Event{Type: EvTimer, ID: key, Reason: "skip"})
		return
	}
	r := s.Replies[n]
	if last, ok := s.Spoke[r.From]; ok && last/1000 >= e.now/1000 {
		e.emit(Event{Type: EvTimer, ID: key, Reason: "wait"})
		return
	}
	if s.TakenOver[r.From] || strings.HasPrefix(r.ID, "answer:") && s.OnHold || !e.replyGuard(r) {
		e.emit(Event{Type: EvTimer, ID: key, Reason: "skip"})
		return
	}
	e.emit(Event{Type: EvTimer, ID: key})
	e.emit(Event{Type: EvLine, From: r.From, Channel: r.Channel, Text: r.Text, ID: r.ID})
}

// replyGuard reports whether the when guard of reply r's say step (if it
// has one) holds now. A failed guard is an error event and counts as false.
func (e *Engine) replyGuard(r Reply) bool {
	if r.Guard <= 0 {
		return true
	}
	i, ok := e.p.reactIdx[r.ID]
	if !ok {
		return true
	}
	steps := e.sc.Reactions[i].Do
	if r.Guard > len(steps) || !steps[r.Guard-1].When.IsSet() {
		return true // a log of another version of the drill
	}
	return e.stepWhen(&steps[r.Guard-1], fmt.Sprintf("reactions.%s.do[%d].when", r.ID, r.Guard-1))
}

// stepWhen evaluates a say step's when guard (true when it has none).
func (e *Engine) stepWhen(st *scenarios.Step, where string) bool {
	if !st.When.IsSet() {
		return true
	}
	ok, err := st.When.Bool(e.env(nil))
	if err != nil {
		e.exprError(where, err)
		return false
	}
	return ok
}

// reply folds a queued reply: it is due at the time the event says.
func (f *fold) reply(ev *Event) error {
	s := &f.s
	if ev.ETA < s.T {
		return fmt.Errorf("event seq %d: reply due at %d, before %d", ev.Seq, ev.ETA, s.T)
	}
	n := len(s.Replies)
	guard := 0
	switch g := ev.Value.(type) {
	case int:
		guard = g
	case float64: // read back from JSON
		guard = int(g)
	}
	s.Replies = append(s.Replies, Reply{From: ev.From, Channel: ev.Channel, Text: ev.Text, ID: ev.ID, Guard: guard, Queued: s.T, Due: ev.ETA})
	s.schedule(Timer{Key: keyReply + strconv.Itoa(n), Due: ev.ETA, Order: castOrder})
	return nil
}

// replyDue folds the firing of reply n: said or skipped, it is done; when
// it waits, it and the speaker's later replies move on, each to land a
// whole second after the line before it, as long as it takes to say.
func (f *fold) replyDue(ev *Event, n int) {
	s := &f.s
	if n < 0 || n >= len(s.Replies) {
		return
	}
	if ev.Reason != "wait" {
		s.Replies[n].Outcome = "said"
		if ev.Reason != "" {
			s.Replies[n].Outcome = ev.Reason
		}
		return
	}
	from := s.Replies[n].From
	prev := s.Spoke[from]
	for i := n; i < len(s.Replies); i++ {
		r := &s.Replies[i]
		if r.From != from || r.Outcome != "" {
			continue
		}
		due := ceilSecond(prev + f.p.pace.speak(r.Channel, r.Text))
		if i == n || due > r.Due {
			r.Due = due
			s.schedule(Timer{Key: keyReply + strconv.Itoa(i), Due: due, Order: castOrder})
		}
		prev = r.Due
	}
}
