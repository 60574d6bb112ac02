package simulator

import (
	"bytes"
	"testing"
)

// An engine that forgot its log (the runner's: the store keeps the log)
// plays exactly as one that keeps it: the same events, step by step, and
// the same state, corrections of lines said before it forgot included.
func TestForgetLogPlaysTheSame(t *testing.T) {
	type step struct {
		at Millis
		a  Action
		// of: the action corrects the line said in step of (by index).
		of int
	}
	flats := []step{
		{5000, Action{Kind: ActSay, Text: "Off you go, all of you, quick as you can."}, -1},
		{8000, Action{Kind: ActCorrect, Intents: []string{"evacuate", "safety_advice"}}, 0},
		{12000, Action{Kind: ActSay, Text: "I'm so sorry about this"}, -1},
		{13000, Action{Kind: ActCorrect, Intents: []string{}}, 2},
		{30000, Action{Kind: ActClassify, Category: "gas-emergency", Priority: "P1"}, -1},
		{90000, Action{Kind: ActCorrect, Intents: []string{"apologise", "reassure"}}, 2},
		{95000, Action{Kind: ActCorrect, Intents: []string{"apologise", "reassure"}}, 2}, // refused: no change
		{400000, Action{Kind: ActSay, Text: "Help is on the way, stay outside."}, -1},
	}
	for _, forgetAt := range []int{0, 3, 6} {
		d := libraryDrill(t, "gas-smell-flats")
		kept, opening, err := d.Start(Config{Seed: 1, Mode: "practice"})
		if err != nil {
			t.Fatal(err)
		}
		var forgot *Engine
		var evs []Event // what the forgetting engine's steps returned
		seqs := map[int]int64{}
		for i, st := range flats {
			if i == forgetAt {
				// Hosted again from its log, as the runner does after a
				// restart, and forgetting from then on.
				if forgot, err = d.Replay(kept.Log()); err != nil {
					t.Fatal(err)
				}
				forgot.ForgetLog()
				evs = append([]Event(nil), kept.Log()...)
				if len(forgot.Log()) != 0 {
					t.Fatalf("Log after ForgetLog: %d events, want none", len(forgot.Log()))
				}
			}
			a := st.a
			if st.of >= 0 {
				a.Of = seqs[st.of]
			}
			got := apply(t, kept, st.at, a)
			if forgot != nil {
				step := apply(t, forgot, st.at, a)
				if !bytes.Equal(logBytes(t, step), logBytes(t, got)) {
					t.Fatalf("forgot at %d, step %d:\n%s\nwant\n%s", forgetAt, i, transcript(step), transcript(got))
				}
				evs = append(evs, step...)
			}
			if acts := find(got, EvAction, "", ""); len(acts) > 0 {
				seqs[i] = acts[0].Seq
			}
		}
		if n := len(find(kept.Log(), EvRejected, "", "")); n != 1 {
			t.Errorf("%d refusals, want the one correction that changed nothing", n)
		}
		if got, want := logBytes(t, forgot.Advance(900000)), logBytes(t, kept.Advance(900000)); !bytes.Equal(got, want) {
			t.Errorf("forgot at %d: advancing to 15:00 gave\n%s\nwant\n%s", forgetAt, got, want)
		}
		if got, want := snapJSON(t, forgot.Snapshot()), snapJSON(t, kept.Snapshot()); got != want {
			t.Errorf("forgot at %d: state\n%s\nwant\n%s", forgetAt, got, want)
		}
		if len(opening) == 0 || len(evs) <= len(opening) {
			t.Fatalf("forgot at %d: %d events", forgetAt, len(evs))
		}
		if id, kind := forgot.Ending(); id != kept.Snapshot().Ending || kind != kept.Snapshot().EndKind {
			t.Errorf("Ending %q %q, want the kept engine's", id, kind)
		}
		v := forgot.TraineeView()
		if len(v.Events) != 0 {
			t.Errorf("TraineeView of a forgetting engine has %d events, want none", len(v.Events))
		}
		kv := kept.TraineeView()
		if got, want := logBytes(t, TraineeEvents(kept.Log())), logBytes(t, kv.Events); !bytes.Equal(got, want) {
			t.Errorf("TraineeEvents of the log differ from the view's events")
		}
	}
}
