package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

func testAppendContiguity(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c0", Result: []byte(`{"ok":true}`)}, Events(1, 3)); err != nil {
		t.Fatal(err)
	}
	nonConsecutive := Events(4, 3)
	nonConsecutive[2].Seq = 7
	tests := []struct {
		name    string
		session string
		cmd     string
		events  []simulator.Event
		want    error
	}{
		{"gap", id, "c1", Events(5, 2), drillroom.ErrConflict},
		{"duplicate of the last", id, "c2", Events(3, 2), drillroom.ErrConflict},
		{"restart from 1", id, "c3", Events(1, 1), drillroom.ErrConflict},
		{"gap inside the batch", id, "c4", nonConsecutive, drillroom.ErrConflict},
		{"seq 0", id, "c5", Events(0, 1), drillroom.ErrConflict},
		{"unknown session", "nope", "c6", Events(1, 1), drillroom.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AppendEvents(ctx, tc.session, drillroom.Command{ID: tc.cmd, Result: []byte(`{}`)}, tc.events)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			// Nothing partially written: the log is unchanged and the
			// command id was not recorded, so the client may retry it.
			AssertLog(t, s, id, 3)
			if _, err := s.CommandResult(ctx, tc.session, tc.cmd); !errors.Is(err, drillroom.ErrNotFound) {
				t.Errorf("CommandResult(%s) after a rejected append: got %v, want drillroom.ErrNotFound", tc.cmd, err)
			}
		})
	}
	// The rejected command ids are free for a corrected retry.
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1"}, Events(4, 2)); err != nil {
		t.Fatalf("append after rejections: %v", err)
	}
	AssertLog(t, s, id, 5)

	after, err := s.Events(ctx, id, 3)
	if err != nil || len(after) != 2 || after[0].Seq != 4 || after[1].Seq != 5 {
		t.Errorf("Events(after 3): got %v, %v; want seqs 4, 5", after, err)
	}
	none, err := s.Events(ctx, id, 5)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Events(after last): got %#v, %v; want an empty, non-nil slice", none, err)
	}
	if err := s.AppendEvents(ctx, id, drillroom.Command{}, nil); err != nil {
		t.Errorf("AppendEvents of nothing: %v, want nil", err)
	}
	AssertLog(t, s, id, 5)
}

func testEventRoundTrip(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	mood := 0.25
	in := []simulator.Event{
		{Seq: 1, T: 0, Type: simulator.EvStart, Scenario: "gas-leak", Version: 1, Hash: "sha256:aaaa", Seed: 42, Mode: "practice"},
		{Seq: 2, T: 1500, Type: simulator.EvAction, Action: &simulator.Action{Kind: simulator.ActClassify, Category: "gas", Priority: "P1", Cmd: "c1"}, Intents: []string{"classify"}},
		{Seq: 3, T: 2000, Type: simulator.EvMood, Mood: &mood, Reason: "reassured"},
		{Seq: 4, T: 2500, Type: simulator.EvSet, ID: "calm", Value: true},
	}
	if err := s.AppendEvents(ctx, f.Session.ID, drillroom.Command{ID: "c1"}, in); err != nil {
		t.Fatal(err)
	}
	out, err := s.Events(ctx, f.Session.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Fatalf("got %d events, want 4", len(out))
	}
	for i := range out {
		if out[i].Seq != in[i].Seq || out[i].T != in[i].T || out[i].Type != in[i].Type {
			t.Errorf("event %d: got seq %d t %d type %s; want %d, %d, %s", i, out[i].Seq, out[i].T, out[i].Type, in[i].Seq, in[i].T, in[i].Type)
		}
	}
	if out[0].Scenario != "gas-leak" || out[0].Seed != 42 || out[0].Hash != "sha256:aaaa" {
		t.Errorf("start event: got %+v", out[0])
	}
	if out[1].Action == nil || out[1].Action.Kind != simulator.ActClassify || out[1].Action.Priority != "P1" || len(out[1].Intents) != 1 || out[1].Intents[0] != "classify" {
		t.Errorf("action event: got %+v", out[1])
	}
	if out[2].Mood == nil || *out[2].Mood != 0.25 || out[2].Reason != "reassured" {
		t.Errorf("mood event: got %+v", out[2])
	}
	if out[3].Value != true {
		t.Errorf("set event value: got %#v, want true", out[3].Value)
	}
}

func testCommandsAtMostOnce(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	g := NewFixture(t, s, "bob")
	id := f.Session.ID
	ack := []byte(`{"type":"ack","cmd":"c1","seq":2}`)
	buf := append([]byte(nil), ack...)
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: buf}, Events(1, 2)); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X' // the store must have copied the result
	// A retry with the next seqs and another answer: the duplicate id wins
	// over everything else, and nothing of the retry is written.
	err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: []byte(`{"second":true}`)}, Events(3, 2))
	if !errors.Is(err, drillroom.ErrDuplicateCommand) || !errors.Is(err, drillroom.ErrConflict) {
		t.Fatalf("retried command: got %v, want drillroom.ErrDuplicateCommand (an ErrConflict)", err)
	}
	AssertLog(t, s, id, 2)
	got, err := s.CommandResult(ctx, id, "c1")
	if err != nil || string(got) != string(ack) {
		t.Errorf("CommandResult: got %s, %v; want the first answer %s", got, err, ack)
	}
	// A retry that carries no events is a duplicate too.
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c1", Result: []byte(`{}`)}, nil); !errors.Is(err, drillroom.ErrDuplicateCommand) {
		t.Errorf("retried command without events: got %v, want drillroom.ErrDuplicateCommand", err)
	}
	// Command ids are per session: another session may use c1.
	if err := s.AppendEvents(ctx, g.Session.ID, drillroom.Command{ID: "c1", Result: []byte(`{"b":1}`)}, Events(1, 1)); err != nil {
		t.Errorf("c1 in another session: %v", err)
	}
	if got, err := s.CommandResult(ctx, g.Session.ID, "c1"); err != nil || string(got) != `{"b":1}` {
		t.Errorf("CommandResult in the other session: got %s, %v; want its own answer", got, err)
	}
	// A rejected command produces no events but its answer is kept.
	rej := []byte(`{"type":"reject","cmd":"c2","reason":"on hold"}`)
	if err := s.AppendEvents(ctx, id, drillroom.Command{ID: "c2", Result: rej}, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CommandResult(ctx, id, "c2"); err != nil || string(got) != string(rej) {
		t.Errorf("CommandResult(c2): got %s, %v; want %s", got, err, rej)
	}
	AssertLog(t, s, id, 2)
	// Events the clock produced carry no command id and record none.
	if err := s.AppendEvents(ctx, id, drillroom.Command{}, Events(3, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommandResult(ctx, id, ""); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("CommandResult of the empty id: got %v, want drillroom.ErrNotFound", err)
	}

	// The same command sent concurrently from several connections: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.AppendEvents(ctx, id, drillroom.Command{ID: "c3", Result: fmt.Appendf(nil, `{"from":%d}`, i)}, Events(4, 1))
		})
	}
	wg.Wait()
	wins, winner := 0, -1
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
			winner = i
		case errors.Is(err, drillroom.ErrConflict):
		default:
			t.Errorf("concurrent retry: unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("concurrent duplicates: %d succeeded, want exactly 1", wins)
	}
	AssertLog(t, s, id, 4)
	if got, err := s.CommandResult(ctx, id, "c3"); err != nil || string(got) != fmt.Sprintf(`{"from":%d}`, winner) {
		t.Errorf("CommandResult(c3): got %s, %v; want the winner's answer from %d", got, err, winner)
	}
}

// testConcurrentWritersOneSession races writers on one session. Each reads
// LastSeq and appends the next event, so most attempts collide; every
// fourth attempt is deliberately wrong (a seq already taken, or far ahead).
// Exactly one attempt per seq may win, no wrong one ever, and the log ends
// gap-free with exactly the winners' events and commands.
func testConcurrentWritersOneSession(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	id := NewFixture(t, s, "ann").Session.ID
	const writers, target = 8, 60
	var mu sync.Mutex
	won := map[int64]string{} // seq -> the winning attempt's text
	var lost []string
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for k := 0; ; k++ {
				x, err := s.Session(ctx, id)
				if err != nil {
					t.Errorf("Session: %v", err)
					return
				}
				if x.LastSeq >= target {
					return
				}
				text := fmt.Sprintf("w%d-%d", w, k)
				seq, wrong := x.LastSeq+1, k%4 == 3
				if wrong {
					seq = x.LastSeq // taken already (or 0 before the first event)
					if k%8 == 7 {
						seq = x.LastSeq + 1000 // a gap whatever the others do
					}
				}
				e := simulator.Event{Seq: seq, T: seq, Type: simulator.EvLine, From: "customer", Text: text}
				err = s.AppendEvents(ctx, id, drillroom.Command{ID: text, Result: []byte(text)}, []simulator.Event{e})
				mu.Lock()
				switch {
				case err == nil && wrong:
					t.Errorf("attempt %s with wrong seq %d (last was %d) was accepted", text, seq, x.LastSeq)
				case err == nil:
					if prev, ok := won[seq]; ok {
						t.Errorf("seq %d won twice: by %s and %s", seq, prev, text)
					}
					won[seq] = text
				case errors.Is(err, drillroom.ErrConflict) && !errors.Is(err, drillroom.ErrDuplicateCommand):
					lost = append(lost, text)
				default:
					t.Errorf("attempt %s: got %v, want nil or a sequence conflict", text, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	AssertLog(t, s, id, target)
	if len(won) != target {
		t.Errorf("%d appends won, want %d", len(won), target)
	}
	if len(lost) == 0 {
		t.Errorf("no attempt lost: the test did not exercise a collision")
	}
	got, err := s.Events(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.Text != won[e.Seq] {
			t.Errorf("seq %d holds %q, want the winner %q", e.Seq, e.Text, won[e.Seq])
		}
	}
	for seq, text := range won {
		if r, err := s.CommandResult(ctx, id, text); err != nil || string(r) != text {
			t.Errorf("winner of seq %d: CommandResult(%s) = %q, %v", seq, text, r, err)
		}
	}
	for _, text := range lost {
		if _, err := s.CommandResult(ctx, id, text); !errors.Is(err, drillroom.ErrNotFound) {
			t.Errorf("losing attempt %s: CommandResult got %v, want drillroom.ErrNotFound (nothing written)", text, err)
		}
	}
}

// testConcurrentSessions appends to many sessions at once, one writer per
// session as the runner does, while readers follow some logs as they grow.
func testConcurrentSessions(t *testing.T, s Store, _ *Clock) {
	ctx := context.Background()
	const sessions, perSession, eventsPer = 16, 30, 2
	ids := FixtureSessions(t, s, sessions)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			for k := 0; k < perSession; k++ {
				first := int64(k*eventsPer + 1)
				cmd := drillroom.Command{ID: fmt.Sprintf("c%d", k), Result: fmt.Appendf(nil, `{"seq":%d}`, first)}
				if err := s.AppendEvents(ctx, id, cmd, Events(first, eventsPer)); err != nil {
					t.Errorf("session %s command %d: %v", id, k, err)
					return
				}
			}
		})
		if i%4 != 0 {
			continue
		}
		wg.Go(func() {
			var last int64
			for last < perSession*eventsPer {
				got, err := s.Events(ctx, id, last)
				if err != nil {
					t.Errorf("Events: %v", err)
					return
				}
				for _, e := range got {
					if e.Seq != last+1 {
						t.Errorf("session %s: reader saw seq %d after %d", id, e.Seq, last)
						return
					}
					last = e.Seq
				}
				if len(got) == 0 {
					time.Sleep(5 * time.Millisecond) // poll gently: under -race each read is costly
				}
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		AssertLog(t, s, id, perSession*eventsPer)
		for _, k := range []int{0, perSession - 1} {
			r, err := s.CommandResult(ctx, id, fmt.Sprintf("c%d", k))
			if want := fmt.Sprintf(`{"seq":%d}`, k*eventsPer+1); err != nil || string(r) != want {
				t.Errorf("session %s c%d: got %s, %v; want %s", id, k, r, err, want)
			}
		}
	}
}
