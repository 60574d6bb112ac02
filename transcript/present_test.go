package transcript

import (
	"sort"
	"strings"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

func f(v float64) *float64 { return &v }

var testCast = scenarios.Cast{
	Services: map[string]scenarios.Service{"gas": {Name: "Gas Emergency Service"}},
	Teams:    map[string]scenarios.Team{"duty": {Name: "Duty Manager"}},
}

// testScenario has the cast and labels: the drill's, its policy's, a
// category's and a priority's titles, and ids nobody labelled (hazards,
// refund) that read as their words.
var testScenario = &scenarios.Scenario{
	Cast:   testCast,
	Labels: map[string]string{"goodwill": "Goodwill payment", "access": "Access to the building"},
	Truth:  scenarios.Truth{Record: []scenarios.RecordField{{Field: "location"}}, Decisions: []string{"refund"}, Required: []scenarios.Requirement{{Dispatch: "gas", Handover: []string{"hazards"}}}},
	Resolved: &scenarios.Policy{
		Taxonomy:   []scenarios.Category{{ID: "gas-emergency", Title: "Gas emergency"}},
		Priorities: []scenarios.Priority{{ID: "P1", Title: "Critical"}},
		Labels:     map[string]string{"greet": "Greeting", "ask_location": "Asking for the location", "reassure": "Reassurance", "evacuate": "Evacuation", "safety_advice": "Safety advice", "location": "Location"},
	},
}

// presented lists one event of every type, as the debrief shows it and as
// the plain-text transcript writes it ("-": not shown).
var presented = []struct {
	name        string
	ev          simulator.Event
	who, text   string
	class, pane string
	by          drillroom.Actor
	log         string
}{
	{"start", simulator.Event{Type: simulator.EvStart, Scenario: "gas", Version: 2, Seed: 7, Mode: "practice"},
		"Call", "The call started (practice)", "system", "call", "", "[start gas v2 seed 7, practice]"},
	{"customer line", simulator.Event{Type: simulator.EvLine, From: "customer", Channel: "call", Text: "I smell gas"},
		"Customer", "I smell gas", "customer", "call", "", "customer: I smell gas"},
	{"service line", simulator.Event{Type: simulator.EvLine, From: "gas", Channel: "radio", Text: "On our way"},
		"Gas Emergency Service", "On our way", "radio", "radio", "", "gas: On our way"},
	{"injected line", simulator.Event{Type: simulator.EvLine, From: "customer", Channel: "call", Text: "Hurry!", Reason: "inject",
		Action: &simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "Hurry!", By: drillroom.ActorTrainer}},
		"Customer", "Hurry!", "customer", "call", drillroom.ActorTrainer, "customer: Hurry! [injected]"},
	{"say", simulator.Event{Type: simulator.EvAction, Intents: []string{"greet", "ask_location"},
		Action: &simulator.Action{Kind: simulator.ActSay, Text: "Hello, where are you?"}},
		"You", "Hello, where are you? [Greeting, Asking for the location]", "trainee", "call", drillroom.ActorTrainee, "trainee: say Hello, where are you? {greet, ask_location}"},
	{"say with a promise", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActSay, Text: "I'll call back.", Promise: 205_000, By: drillroom.ActorTrainee}},
		"You", "I'll call back. (promised an update by 3:25)", "trainee", "call", drillroom.ActorTrainee, "trainee: say I'll call back. (promise update by 03:25)"},
	{"say intents only", simulator.Event{Type: simulator.EvAction, Intents: []string{"reassure"},
		Action: &simulator.Action{Kind: simulator.ActSay, Intents: []string{"reassure"}}},
		"You", "[Reassurance]", "trainee", "call", drillroom.ActorTrainee, "trainee: say [reassure] {reassure}"},
	{"correct", simulator.Event{Type: simulator.EvAction, Intents: []string{"evacuate"}, Removed: []string{"hold"},
		Action: &simulator.Action{Kind: simulator.ActCorrect, Of: 5, Intents: []string{"evacuate", "safety_advice"}}},
		"You", "Corrected a line's intents to Evacuation, Safety advice", "trainee", "call", drillroom.ActorTrainee, "trainee: correct #5 [evacuate, safety_advice] {+evacuate -hold}"},
	{"hint", simulator.Event{Type: simulator.EvAction, Text: "Classify once you know enough.",
		Action: &simulator.Action{Kind: simulator.ActHint}},
		"You", "Took a hint: Classify once you know enough.", "trainee", "radio", drillroom.ActorTrainee, "trainee: hint Classify once you know enough."},
	{"consult", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActConsult, Target: "duty", Text: "Can I offer a refund?"}},
		"You", "Consulted Duty Manager, keeping the caller: Can I offer a refund?", "trainee", "radio", drillroom.ActorTrainee, "trainee: consult duty Can I offer a refund?"},
	{"end consult", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActEndConsult}},
		"You", "Back to the caller", "trainee", "call", drillroom.ActorTrainee, "trainee: end_consult"},
	{"wrap-up", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActWrapUp, Code: "goodwill", Text: "Offered and approved."}},
		"You", "Finished wrap-up: Goodwill payment (notes: Offered and approved.)", "trainee", "call", drillroom.ActorTrainee, "trainee: wrap_up [goodwill] Offered and approved."},
	{"wrap-up without code or notes", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActWrapUp}},
		"You", "Finished wrap-up", "trainee", "call", drillroom.ActorTrainee, "trainee: wrap_up"},
	{"away, the budget spent", simulator.Event{Type: simulator.EvAway, Reason: "disconnect", Away: 120000, Budget: 120000,
		Action: &simulator.Action{Kind: simulator.ActAway, Text: "disconnect", By: drillroom.ActorSystem}},
		"Clock", "You left the call; the clock runs on (the 2:00 an assessment may stand still while you are away is used up)", "system", "call", drillroom.ActorSystem, "[trainee away: disconnect; the clock runs]"},
	{"away where the clock never stops for an absence", simulator.Event{Type: simulator.EvAway, Reason: "disconnect",
		Action: &simulator.Action{Kind: simulator.ActAway, Text: "disconnect", By: drillroom.ActorSystem}},
		"Clock", "You left the call; the clock runs on while you are away", "system", "call", drillroom.ActorSystem, "[trainee away: disconnect; the clock runs]"},
	{"still away when the budget ran out", simulator.Event{Type: simulator.EvAway, Reason: "budget_spent", Away: 120000, Budget: 120000},
		"Clock", "You are still away; the clock runs on", "system", "call", drillroom.ActorSystem, "[trainee away: budget_spent; the clock runs]"},
	{"back", simulator.Event{Type: simulator.EvBack, Reason: "reconnect", Away: 120000, Budget: 120000},
		"Clock", "You are back; the clock ran on while you were away", "system", "call", drillroom.ActorSystem, "[trainee back: reconnect; the clock runs]"},
	{"correct to none", simulator.Event{Type: simulator.EvAction, Removed: []string{"hold"},
		Action: &simulator.Action{Kind: simulator.ActCorrect, Of: 5}},
		"You", "Corrected a line's intents to none", "trainee", "call", drillroom.ActorTrainee, "trainee: correct #5 [] {-hold}"},
	{"trainer's say", simulator.Event{Type: simulator.EvAction,
		Action: &simulator.Action{Kind: simulator.ActSay, Text: "Stay calm.", By: drillroom.ActorTrainer}},
		"Trainer", "Stay calm.", "system", "call", drillroom.ActorTrainer, "trainer: say Stay calm."},
	{"hold", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActHold, Text: "One moment"}},
		"You", "Put the customer on hold: One moment", "trainee", "call", drillroom.ActorTrainee, "trainee: hold One moment"},
	{"resume", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActResume}},
		"You", "Took the customer off hold", "trainee", "call", drillroom.ActorTrainee, "trainee: resume"},
	{"classify", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"}},
		"You", "Classified as Gas emergency, priority P1 Critical", "trainee", "radio", drillroom.ActorTrainee, "trainee: classify gas-emergency P1"},
	{"classify without priority", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency"}},
		"You", "Classified as Gas emergency", "trainee", "radio", drillroom.ActorTrainee, "trainee: classify gas-emergency"},
	{"record", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 4,  Station Parade"}},
		"You", "Recorded Location: Flat 4,  Station Parade", "trainee", "radio", drillroom.ActorTrainee, "trainee: record location Flat 4,  Station Parade"},
	{"dispatch", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}}},
		"You", "Dispatched Gas Emergency Service (handover: Location, Hazards)", "trainee", "radio", drillroom.ActorTrainee, "trainee: dispatch gas (location, hazards)"},
	{"escalate", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActEscalate, Target: "duty", Text: "Need approval"}},
		"You", "Escalated to Duty Manager: Need approval", "trainee", "radio", drillroom.ActorTrainee, "trainee: escalate duty"},
	{"contact", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActContact, Target: "gas", Text: "Any news?"}},
		"You", "Messaged Gas Emergency Service: Any news?", "trainee", "radio", drillroom.ActorTrainee, "trainee: contact gas Any news?"},
	{"request", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActRequest, Target: "duty", Decision: "goodwill", Amount: 50}},
		"You", "Asked Duty Manager to approve: Goodwill payment (50)", "trainee", "radio", drillroom.ActorTrainee, "trainee: request duty goodwill 50"},
	{"decide", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActDecide, Decision: "refund"}},
		"You", "Decided: Refund", "trainee", "radio", drillroom.ActorTrainee, "trainee: decide refund 0"},
	{"transfer", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActTransfer, Target: "duty"}},
		"You", "Transferred the call to Duty Manager", "trainee", "call", drillroom.ActorTrainee, "trainee: transfer duty"},
	{"close", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}},
		"You", "Closed the call: Handed over to the emergency service", "trainee", "call", drillroom.ActorTrainee, "trainee: close handed_over"},
	{"review action", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActReview, Text: "Lessons"}},
		"You", "Submitted the post-incident review", "trainee", "call", drillroom.ActorTrainee, "trainee: review Lessons"},
	{"coach's action", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActPause, By: drillroom.ActorCoach}},
		"Coach", "pause", "system", "radio", drillroom.ActorCoach, "coach: pause"},
	{"system's action", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActPause, By: drillroom.ActorSystem}},
		"System", "pause", "system", "radio", drillroom.ActorSystem, "system: pause"},
	{"rejected", simulator.Event{Type: simulator.EvRejected, Reason: "the call has ended", Action: &simulator.Action{Kind: simulator.ActSay, Text: "Hello?"}},
		"Refused", "Hello?: the call has ended", "rejected", "call", drillroom.ActorTrainee, "rejected: say Hello? (the call has ended)"},
	{"ack", simulator.Event{Type: simulator.EvAck, From: "gas", Channel: "radio"},
		"Gas Emergency Service", "Acknowledged", "radio", "radio", "", "gas: (ack)"},
	{"ack with words", simulator.Event{Type: simulator.EvAck, From: "gas", Channel: "radio", Text: "Request received."},
		"Gas Emergency Service", "Request received.", "radio", "radio", "", "gas: Request received."},
	{"eta", simulator.Event{Type: simulator.EvETA, T: 109_000, From: "gas", ETA: 1_609_000},
		"Gas Emergency Service", "ETA 26:49 (in 25 min)", "radio", "radio", "", "gas: ETA 26:49"},
	{"eta revised", simulator.Event{Type: simulator.EvETA, T: 600_000, From: "gas", ETA: 1_800_000, Text: "Traffic."},
		"Gas Emergency Service", "ETA 30:00 (in 20 min): Traffic.", "radio", "radio", "", "gas: ETA 30:00 - Traffic."},
	{"ask", simulator.Event{Type: simulator.EvAsk, From: "gas", ID: "access", Text: "How do we get in?"},
		"Gas Emergency Service", "How do we get in?", "radio ask", "radio", "", "gas asks for access: How do we get in?"},
	{"ask without words", simulator.Event{Type: simulator.EvAsk, From: "gas", ID: "access"},
		"Gas Emergency Service", "Asks for: Access to the building", "radio ask", "radio", "", "gas asks for access: "},
	{"close, a resolution nobody knows", simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClose, Resolution: "gone fishing"}},
		"You", "Closed the call: gone fishing", "trainee", "call", drillroom.ActorTrainee, "trainee: close gone fishing"},
	{"arrive", simulator.Event{Type: simulator.EvArrive, From: "gas"},
		"Gas Emergency Service", "Arrived on scene", "radio", "radio", "", "gas: (arrive)"},
	{"resolve", simulator.Event{Type: simulator.EvResolve, From: "gas", Text: "Leak capped."},
		"Gas Emergency Service", "Leak capped.", "radio", "radio", "", "gas: Leak capped."},
	{"resolve without words", simulator.Event{Type: simulator.EvResolve, From: "gas"},
		"Gas Emergency Service", "Resolved", "radio", "radio", "", "gas: (resolve)"},
	{"approve", simulator.Event{Type: simulator.EvApprove, From: "duty", ID: "goodwill", Amount: 50, Text: "Fine by me."},
		"Duty Manager", "Approved: Goodwill payment (50): Fine by me.", "radio", "radio", "", "duty: approve goodwill - Fine by me."},
	{"decline", simulator.Event{Type: simulator.EvDecline, From: "duty", ID: "goodwill"},
		"Duty Manager", "Declined: Goodwill payment", "radio", "radio", "", "duty: decline goodwill - "},
	{"pause by the trainer", simulator.Event{Type: simulator.EvPause, Reason: "trainer"},
		"Clock", "The trainer paused the clock", "system", "call", drillroom.ActorTrainer, "[clock pause: trainer]"},
	{"pause on disconnect", simulator.Event{Type: simulator.EvPause, Reason: "disconnect"},
		"Clock", "The clock stopped: you were disconnected", "system", "call", drillroom.ActorSystem, "[clock pause: disconnect]"},
	{"assessment pause on disconnect", simulator.Event{Type: simulator.EvPause, Reason: "disconnect", Away: 5000, Budget: 120000},
		"Clock", "The clock stopped: you were disconnected (0:05 of the 2:00 allowed away used)", "system", "call", drillroom.ActorSystem, "[clock pause: disconnect]"},
	{"pause on restart", simulator.Event{Type: simulator.EvPause, Reason: "restart"},
		"Clock", "The clock stopped: the server restarted", "system", "call", drillroom.ActorSystem, "[clock pause: restart]"},
	{"pause, unknown reason", simulator.Event{Type: simulator.EvPause, Reason: "fire_drill"},
		"Clock", "The clock stopped (fire_drill)", "system", "call", drillroom.ActorSystem, "[clock pause: fire_drill]"},
	{"resume clock", simulator.Event{Type: simulator.EvResume, Reason: "trainee"},
		"Clock", "The clock runs again", "system", "call", drillroom.ActorSystem, "[clock resume: trainee]"},
	{"resume by the trainer", simulator.Event{Type: simulator.EvResume, Reason: "trainer"},
		"Clock", "The trainer restarted the clock", "system", "call", drillroom.ActorTrainer, "[clock resume: trainer]"},
	{"resume on reconnect", simulator.Event{Type: simulator.EvResume, Reason: "reconnect", Away: 65000, Budget: 120000},
		"Clock", "The clock runs again: you are back (1:05 of the 2:00 allowed away used)", "system", "call", drillroom.ActorSystem, "[clock resume: reconnect]"},
	{"disconnect budget spent", simulator.Event{Type: simulator.EvResume, Reason: "budget_spent", Away: 120000, Budget: 120000},
		"Clock", "The clock runs on without you: the 2:00 an assessment may stand still while you are away is used up", "system", "call", drillroom.ActorSystem, "[clock resume: budget_spent]"},
	{"scale", simulator.Event{Type: simulator.EvScale, Scale: 2}, "-", "", "", "", "", "[time scale 2x]"},
	{"end", simulator.Event{Type: simulator.EvEnd, ID: "safe", Reason: "closed"},
		"Call", "The call ended: closed by you", "system", "call", "", "[call ended: safe (closed)]"},
	{"end, unknown reason", simulator.Event{Type: simulator.EvEnd, Reason: "fire_drill"},
		"Call", "The call ended: fire_drill", "system", "call", "", "[call ended:  (fire_drill)]"},
	{"review", simulator.Event{Type: simulator.EvReview, Text: "Update sooner."},
		"You", "Submitted the post-incident review", "trainee", "call", drillroom.ActorTrainee, "review: Update sooner."},
	{"beat", simulator.Event{Type: simulator.EvBeat, ID: "opening"}, "-", "", "", "", "", "[beat opening]"},
	{"reaction", simulator.Event{Type: simulator.EvReaction, ID: "dispatched"}, "-", "", "", "", "", "[reaction dispatched]"},
	{"set", simulator.Event{Type: simulator.EvSet, ID: "evacuated", Value: true}, "-", "", "", "", "", "[set evacuated = true]"},
	{"phase", simulator.Event{Type: simulator.EvPhase, ID: "waiting"}, "-", "", "", "", "", "[phase waiting]"},
	{"mood", simulator.Event{Type: simulator.EvMood, Mood: f(35), Patience: f(80), Reason: "missing_safety"}, "-", "", "", "", "", "[mood 35 patience 80: missing_safety]"},
	{"takeover", simulator.Event{Type: simulator.EvTakeover, ID: "customer"}, "-", "", "", "", "", "[takeover customer]"},
	{"handback", simulator.Event{Type: simulator.EvHandback, ID: "customer"}, "-", "", "", "", "", "[handback customer]"},
	{"error", simulator.Event{Type: simulator.EvError, ID: "reactions[2].when", Reason: "division by zero"}, "-", "", "", "", "", "[error reactions[2].when: division by zero]"},
	{"timer", simulator.Event{Type: simulator.EvTimer, ID: "chase"}, "-", "", "", "", "", ""},
	{"reply queued", simulator.Event{Type: simulator.EvReply, From: "customer", Text: "Flat 4.", ETA: 9000}, "-", "", "", "", "", ""},
}

func TestLine(t *testing.T) {
	p := New(testScenario)
	for _, tc := range presented {
		t.Run(tc.name, func(t *testing.T) {
			tc.ev.Seq, tc.ev.T = 9, max(tc.ev.T, 65_000)
			got, ok := p.Line(tc.ev)
			if tc.who == "-" {
				if ok {
					t.Fatalf("shown as %+v, want not shown", got)
				}
				return
			}
			if !ok {
				t.Fatal("not shown, want a line")
			}
			if got.Who != tc.who || got.Text != tc.text || got.Class != tc.class || got.Pane != tc.pane || got.By != tc.by {
				t.Errorf("got who %q text %q class %q pane %q by %q,\nwant who %q text %q class %q pane %q by %q",
					got.Who, got.Text, got.Class, got.Pane, got.By, tc.who, tc.text, tc.class, tc.pane, tc.by)
			}
			if got.Seq != 9 || got.T != tc.ev.T || got.Clock != Clock(tc.ev.T) {
				t.Errorf("got seq %d t %d clock %q, want 9, %d, %q", got.Seq, got.T, got.Clock, tc.ev.T, Clock(tc.ev.T))
			}
		})
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range presented {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.ev); got != tc.log {
				t.Errorf("got %q, want %q", got, tc.log)
			}
		})
	}
}

// TestEveryEventType keeps the table above complete: a new event type
// must say how it is presented.
func TestEveryEventType(t *testing.T) {
	seen := map[simulator.EventType]bool{}
	for _, tc := range presented {
		seen[tc.ev.Type] = true
	}
	for _, typ := range []simulator.EventType{
		simulator.EvStart, simulator.EvAction, simulator.EvRejected, simulator.EvLine, simulator.EvBeat,
		simulator.EvReaction, simulator.EvSet, simulator.EvPhase, simulator.EvMood, simulator.EvAck,
		simulator.EvETA, simulator.EvAsk, simulator.EvArrive, simulator.EvResolve, simulator.EvApprove,
		simulator.EvDecline, simulator.EvPause, simulator.EvResume, simulator.EvScale, simulator.EvTakeover,
		simulator.EvHandback, simulator.EvEnd, simulator.EvReview, simulator.EvError, simulator.EvTimer,
		simulator.EvReply,
	} {
		if !seen[typ] {
			t.Errorf("no case for event type %q", typ)
		}
	}
}

// TestTrainerNeverYou: whatever a trainer or coach did is never presented
// as the trainee's.
func TestTrainerNeverYou(t *testing.T) {
	p := New(testScenario)
	for _, by := range []drillroom.Actor{drillroom.ActorTrainer, drillroom.ActorCoach, drillroom.ActorSystem, "auditor"} {
		for _, kind := range []simulator.ActionKind{simulator.ActSay, simulator.ActHold, simulator.ActDispatch, simulator.ActClose} {
			l, ok := p.Line(simulator.Event{Type: simulator.EvAction, Action: &simulator.Action{Kind: kind, Text: "x", Target: "gas", By: by}})
			if !ok || l.Who == Texts["who.you"] || l.Who == "" || l.Class == "trainee" || l.By != by {
				t.Errorf("%s by %s: got who %q class %q by %q, want neither You nor trainee, by %s", kind, by, l.Who, l.Class, l.By, by)
			}
		}
	}
}

func TestWrite(t *testing.T) {
	evs := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Scenario: "gas", Version: 1, Seed: 3, Mode: "practice"},
		{Seq: 2, T: 0, Type: simulator.EvPhase, ID: "intake"},
		{Seq: 3, T: 5000, Type: simulator.EvLine, From: "customer", Channel: "call", Text: "Hello?", ID: "opening"},
		{Seq: 4, T: 6000, Type: simulator.EvTimer, ID: "chase"},
	}
	for _, tc := range []struct {
		hidden bool
		want   string
	}{
		{true, "00:00 [start gas v1 seed 3, practice]\n00:00 [phase intake]\n00:05 customer: Hello?\n"},
		{false, "00:00 [start gas v1, practice]\n00:05 customer: Hello?\n"},
	} {
		var b strings.Builder
		if err := Write(&b, evs, tc.hidden); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("hidden %v: got %q, want %q", tc.hidden, b.String(), tc.want)
		}
	}
}

// TestTextsUsed: every text of the table is reachable, so the table the
// console's script receives holds no dead wording.
func TestTextsUsed(t *testing.T) {
	var keys []string
	for k := range Texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var all strings.Builder
	p := New(testScenario)
	for _, tc := range presented {
		if l, ok := p.Line(tc.ev); ok {
			all.WriteString(l.Who + "\x00" + l.Text + "\x00")
		}
	}
	for _, k := range keys {
		head := Texts[k]
		if i := strings.IndexByte(head, '{'); i >= 0 {
			head = head[:i]
		}
		if strings.HasPrefix(k, "ending.") || strings.HasPrefix(k, "resolution.") || strings.HasPrefix(k, "mood.") {
			continue // TestEnding; resolutions are labels (TestLabels); TestMoodReason
		}
		if head = strings.TrimSpace(head); head != "" && !strings.Contains(all.String(), head) {
			t.Errorf("text %s (%q) is never presented by the cases", k, Texts[k])
		}
	}
}

func TestEnding(t *testing.T) {
	for reason, want := range map[string]string{
		"resolved": "resolved", "hangup": "the customer hung up", "timeout": "time ran out",
		"closed": "closed by you", "transferred": "transferred", "fire_drill": "fire_drill",
	} {
		if got := Ending(reason); got != want {
			t.Errorf("Ending(%q) = %q, want %q", reason, got, want)
		}
	}
}

// TestLabels: every id of the drill a line may name has its words: the
// drill's label over the policy's, titles, a priority with its id, and
// the words of an id nobody labelled.
func TestLabels(t *testing.T) {
	got := Labels(testScenario)
	for id, want := range map[string]string{
		"goodwill": "Goodwill payment", "access": "Access to the building", "greet": "Greeting",
		"gas-emergency": "Gas emergency", "P1": "P1 Critical", "hazards": "Hazards", "refund": "Refund",
		"location": "Location", "handed_over": "Handed over to the emergency service", "customer_ended": "Customer ended the call",
	} {
		if got[id] != want {
			t.Errorf("label of %s: got %q, want %q", id, got[id], want)
		}
	}
	for id, l := range got {
		if l == "" || l == id && id != "P1" {
			t.Errorf("label of %s is %q, want words", id, l)
		}
	}
}

func TestMoodReason(t *testing.T) {
	for reason, want := range map[string]string{"missing_safety": "no safety advice yet", "update": "an update", "smoke_seen": "smoke seen"} {
		if got := MoodReason(reason); got != want {
			t.Errorf("MoodReason(%q) = %q, want %q", reason, got, want)
		}
	}
}
