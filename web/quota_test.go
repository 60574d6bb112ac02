package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

// TestSocketQuotas: the sockets one session and one user may hold open are
// bounded; the handshake beyond them is refused with 429. Any number used
// to be accepted.
func TestSocketQuotas(t *testing.T) {
	a, id := annSession(t)
	var open []*websocket.Conn
	defer func() {
		for _, c := range open {
			c.Close()
		}
	}()
	// fill opens quota sockets with dial, and checks that one more is
	// refused with 429.
	fill := func(what string, quota int, dial func() (*websocket.Conn, *http.Response, error)) {
		t.Helper()
		for i := range quota + 1 {
			c, res, err := dial()
			if i < quota {
				if err != nil {
					t.Fatalf("%s %d: %v", what, i+1, err)
				}
				open = append(open, c)
				continue
			}
			if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("%s %d (quota %d): %v, want 429", what, i+1, quota, err)
			}
		}
	}
	fill("socket on one session", DefaultMaxSocketsPerSession, func() (*websocket.Conn, *http.Response, error) {
		return a.dial("tom", id, nil)
	})

	u := newLiveAppWith(t, runner.Config{}, Config{MaxSocketsPerUser: 3})
	fill("ann's socket", 3, func() (*websocket.Conn, *http.Response, error) {
		return u.dial("ann", u.session("ann", 1), nil)
	})
	// Closing one frees its place.
	open[len(open)-1].Close()
	open = open[:len(open)-1]
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _, err := u.dial("ann", u.session("ann", 1), nil)
		if err == nil {
			open = append(open, c)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing a socket: %v, want a place free", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSessionEventQuotas: a session writes at most MaxEventsPerMinute
// events in a minute (then rate_limited, retry the same id) and at most
// MaxEvents in all (then quota_exceeded), with the defaults. A trainee
// could write about 5 GB of events an hour.
func TestSessionEventQuotas(t *testing.T) {
	a := newLiveAppWith(t, runner.Config{}, Config{CommandRate: 1e6, CommandBurst: 1e6})
	id := a.session("ann", 1)
	cl := a.connect("ann", id)
	cl.resume(0)
	codes := map[string]int{}
	var limited string
	for i := 0; i < runner.DefaultMaxEventsPerMinute && limited == ""; i++ {
		cid := fmt.Sprintf("q%d", i)
		cl.command(cid, simulator.Action{Kind: simulator.ActSay, Text: "Are you still there?"})
		m := cl.answer(cid)
		if m.Type == msgAck {
			codes["ack"]++
			continue
		}
		codes[m.Code]++
		if m.Code == codeRateLimited {
			limited = cid
		}
	}
	if limited == "" {
		t.Fatalf("answers %v: no rate_limited within %d commands", codes, runner.DefaultMaxEventsPerMinute)
	}
	evs, _ := a.store.Events(context.Background(), id, 0)
	if n := len(evs); n > runner.DefaultMaxEventsPerMinute+20 {
		t.Errorf("%d events written within a minute, want about %d at most", n, runner.DefaultMaxEventsPerMinute)
	}
	t.Logf("per minute: %v; %d events stored", codes, len(evs))

	q := newLiveAppWith(t, runner.Config{MaxEvents: 40}, Config{CommandRate: 1e6, CommandBurst: 1e6})
	id = q.session("ann", 1)
	cl = q.connect("ann", id)
	cl.resume(0)
	var got string
	for i := 0; i < 100 && got == ""; i++ {
		cid := fmt.Sprintf("t%d", i)
		cl.command(cid, simulator.Action{Kind: simulator.ActSay, Text: "Still there?"})
		if m := cl.answer(cid); m.Type == msgReject {
			got = m.Code
		}
	}
	if got != codeQuota {
		t.Fatalf("past MaxEvents: %q, want %s", got, codeQuota)
	}
}

// TestDebriefIsBounded: a debrief of a session with thousands of long
// lines stays small: a coach opening such a debrief received 44 MB.
func TestDebriefIsBounded(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	ctx := context.Background()
	id := a.session("ann", 1)
	if _, err := a.runner.Status(ctx, id); err != nil { // writes the opening events
		t.Fatal(err)
	}
	x, err := a.store.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Are you still there? ", 95) // about 2,000 characters
	var evs []simulator.Event
	seq := x.LastSeq
	for i := range 3000 {
		seq++
		evs = append(evs, simulator.Event{Seq: seq, T: int64(1000 + i*10), Type: simulator.EvAction,
			Action: &simulator.Action{Kind: simulator.ActSay, Text: long, By: drillroom.ActorTrainee, Cmd: fmt.Sprintf("c%d", i)}})
	}
	seq++
	evs = append(evs, simulator.Event{Seq: seq, T: 40000, Type: simulator.EvEnd, ID: "closed", Reason: "closed"})
	if err := a.store.AppendEvents(ctx, id, drillroom.Command{}, evs); err != nil {
		t.Fatal(err)
	}
	if err := a.store.EndSession(ctx, id, "closed"); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", a.http.URL+"/sessions/"+id+"/debrief", nil)
	a.user("cat")
	req.Header.Set("Cookie", sessionCookie+"="+a.tokens["cat"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	size, _ := io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("debrief: status %d", res.StatusCode)
	}
	const limit = 1 << 20
	t.Logf("debrief of 3,000 lines of 2,000 characters: %d bytes", size)
	if size > limit {
		t.Errorf("debrief is %d bytes, want at most %d", size, limit)
	}
}
