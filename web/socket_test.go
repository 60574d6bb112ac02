package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
)

var (
	sayHello  = simulator.Action{Kind: simulator.ActSay, Text: "Hello, incident line.", Intents: []string{"greet"}}
	sayAdvice = simulator.Action{Kind: simulator.ActSay, Text: "Please leave the flat now and don't touch any switches.", Intents: []string{"safety_advice"}}
)

// script plays the example drill well (times are virtual).
var script = []struct {
	at time.Duration
	a  simulator.Action
}{
	{5 * time.Second, sayAdvice},
	{20 * time.Second, simulator.Action{Kind: simulator.ActClassify, Category: "gas-emergency", Priority: "P1"}},
	{30 * time.Second, simulator.Action{Kind: simulator.ActSay, Text: "What's the address?", Intents: []string{"ask_location"}}},
	{45 * time.Second, simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 3, Alder Road"}},
	{50 * time.Second, simulator.Action{Kind: simulator.ActRecord, Field: "hazard", Value: "gas smell"}},
	{70 * time.Second, simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}}},
	{3 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "The engineer is on the way.", Intents: []string{"update"}}},
	{5 * time.Minute, simulator.Action{Kind: simulator.ActRecord, Field: "callback", Value: "07700 900123"}},
	{6 * time.Minute, simulator.Action{Kind: simulator.ActSay, Text: "Still on the way.", Intents: []string{"update"}}},
	{8 * time.Minute, simulator.Action{Kind: simulator.ActClose, Resolution: "handed_over"}},
}

// TestSocketTraineeSeesNoGroundTruth plays a whole drill over the trainee's
// socket (at scale 600) while a trainer watches, then resyncs. Nothing the
// trainee receives may reveal the truth, the rubric, variables, the seed or
// the script; the trainer's socket does carry them, so the check has teeth.
func TestSocketTraineeSeesNoGroundTruth(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	id := a.session("ann", 600)
	obs := a.join("tom", id)
	tr := a.join("ann", id) // the clock starts: 10 virtual minutes per real second

	start := time.Now()
	for i, s := range script {
		time.Sleep(time.Until(start.Add(s.at / 600)))
		tr.ack(fmt.Sprintf("c%d", i), s.a)
	}
	tr.until(func(m serverMessage) bool { return m.Type == msgEnded })
	tr.ack("review", simulator.Action{Kind: simulator.ActReview, Text: "Advice early; updates could be more frequent."})
	tr.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvReview })
	obs.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvReview })

	// A fresh trainee connection asking for a snapshot.
	rs := a.connect("ann", id)
	rs.send(map[string]any{"type": "resume", "resync": true})
	if m := rs.read(); m.Type != msgResync || m.Reason != runner.ResyncRequested || len(m.Snapshot) == 0 {
		t.Fatalf("resync: %+v", m)
	}

	forbidden := []string{`"seed"`, `"hash"`, `"truth"`, `"rubric"`, `"vars"`, `"vary"`, `"mood"`, `"patience"`, `"timers"`, `"first_contact"`}
	for _, sec := range a.sc.Rubric.Sections {
		for _, r := range sec.Rules {
			forbidden = append(forbidden, r.ID)
		}
	}
	for _, b := range a.sc.Timeline {
		forbidden = append(forbidden, `"id":"`+b.ID+`"`)
	}
	for _, r := range a.sc.Reactions {
		forbidden = append(forbidden, `"id":"`+r.ID+`"`)
	}
	check := func(name string, raw []string) {
		for _, msg := range raw {
			var m serverMessage
			json.Unmarshal([]byte(msg), &m)
			if m.Type == msgEvent && simulator.Hidden(m.Event.Type) {
				t.Errorf("%s: hidden event type %s sent to the trainee: %s", name, m.Event.Type, msg)
			}
			for _, f := range forbidden {
				if strings.Contains(msg, f) {
					t.Errorf("%s: trainee message contains %s: %s", name, f, msg)
				}
			}
		}
	}
	check("live", tr.raw)
	check("resync", rs.raw)

	var hidden int
	for _, msg := range obs.raw {
		var m serverMessage
		json.Unmarshal([]byte(msg), &m)
		if m.Type == msgEvent && simulator.Hidden(m.Event.Type) {
			hidden++
		}
	}
	if hidden == 0 {
		t.Errorf("the trainer saw no hidden events; the filter check proves nothing")
	}
	if _, err := a.store.Scorecard(context.Background(), id); err != nil {
		t.Errorf("no scorecard after the drill: %v", err)
	}
}

// TestSocketIdempotentCommand: the same command id twice is applied once
// and answered twice with the same ack.
func TestSocketIdempotentCommand(t *testing.T) {
	a, id, cl := annJoined(t)
	first := cl.do("k1", sayHello)
	second := cl.do("k1", sayHello)
	if first.Type != msgAck || jsonOf(first) != jsonOf(second) {
		t.Fatalf("answers %+v and %+v, want the same ack", first, second)
	}
	// And again on a new connection.
	cl2 := a.connect("ann", id)
	cl2.resume(first.LastSeq)
	if third := cl2.do("k1", sayHello); jsonOf(third) != jsonOf(first) {
		t.Fatalf("answer on a new connection %+v, want %+v", third, first)
	}
	if n := a.applied(id, "k1"); n != 1 {
		t.Fatalf("command k1 applied %d times, want 1", n)
	}
}

// TestSocketResumeAfterDrop: a trainee whose connection drops reconnects
// with the last seq it saw and receives exactly what it missed.
func TestSocketResumeAfterDrop(t *testing.T) {
	// The pause is written at once, so that the missed events include it
	// (a reconnect within the grace writes nothing: TestSocketReloadWritesNothing).
	a := newLiveApp(t, runner.Config{DisconnectGrace: -1})
	id := a.session("ann", 1)
	cl := a.join("ann", id)
	cl.do("a1", sayHello)
	last := cl.last
	cl.c.NetConn().Close() // the network goes away, no close frame

	// Meanwhile the trainer speaks as the customer and a line is injected.
	tom := a.join("tom", id)
	for i := range 3 {
		tom.ack(fmt.Sprintf("inj%d", i), simulator.Action{Kind: simulator.ActInject, As: "customer", Text: fmt.Sprintf("Are you there? (%d)", i)})
	}
	log, err := a.store.Events(context.Background(), id, last)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, e := range log {
		if simulator.Visible(e) {
			want = append(want, e.Seq)
		}
	}
	if len(want) < 3 {
		t.Fatalf("only %d visible events after seq %d", len(want), last)
	}

	back := a.connect("ann", id)
	back.resume(last)
	var got []int64
	for len(got) < len(want) {
		if m := back.read(); m.Type == msgEvent {
			got = append(got, m.Seq)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want[:len(got)]) {
		t.Fatalf("after reconnecting got seqs %v, want %v", got, want)
	}
	// The pause for the disconnect is among what was missed, and the
	// trainee's return resumes the clock.
	m := back.until(func(m serverMessage) bool { return m.Type == msgEvent && m.Event.Type == simulator.EvResume })
	if m.Event.Reason != runner.ReasonReconnect {
		t.Errorf("resume reason %q, want %q", m.Event.Reason, runner.ReasonReconnect)
	}
}

// TestSocketResync: a client claiming events the server does not have, or
// asking for it, gets a snapshot and continues from its last seq.
func TestSocketResync(t *testing.T) {
	a, id := annSession(t)
	cl := a.connect("ann", id)
	cl.resume(1_000_000)
	m := cl.read()
	if m.Type != msgResync || m.Reason != runner.ResyncAhead {
		t.Fatalf("got %+v, want resync (ahead)", m)
	}
	var view simulator.TraineeView
	if err := json.Unmarshal(m.Snapshot, &view); err != nil || view.Seq != m.LastSeq || len(view.Events) == 0 {
		t.Fatalf("snapshot %s (%v), want the trainee view at seq %d", m.Snapshot, err, m.LastSeq)
	}
	ack := cl.do("s1", sayHello)
	if ack.Type != msgAck {
		t.Fatalf("command after resync: %+v", ack)
	}
	ev := cl.until(func(m serverMessage) bool { return m.Type == msgEvent })
	if ev.Prev != m.LastSeq {
		t.Errorf("first event after resync has prev %d, want %d", ev.Prev, m.LastSeq)
	}
}

// TestSocketSlowConsumer: a connection whose subscription falls behind is
// closed with 4008 and resumes from its last seq without a gap.
func TestSocketSlowConsumer(t *testing.T) {
	// One event of room: any multi-event batch overflows it.
	a := newLiveApp(t, runner.Config{Buffer: 1})
	id := a.session("ann", 1)
	cl := a.join("ann", id)
	cl.command("adv", sayAdvice) // action, mood, reaction, set, line, ...
	if code := cl.closeCode(); code != closeSlow {
		t.Fatalf("close code %d, want %d", code, closeSlow)
	}
	back := a.connect("ann", id)
	back.prev, back.last = cl.last, cl.last
	back.resume(cl.last)
	back.command("adv", sayAdvice) // the retry of the unanswered command
	ack := back.answer("adv")
	if ack.Type != msgAck {
		t.Fatalf("retry: %+v", ack)
	}
	// The batch's visible event is the action itself: the rest is hidden
	// (mood, reaction, set, and the customer's reply, queued to be said
	// at her pace).
	for back.last < ack.FirstSeq {
		back.read()
	}
	if n := a.applied(id, "adv"); n != 1 {
		t.Errorf("command applied %d times, want 1", n)
	}
}

// TestSocketOversizedMessage: more than 16 KiB closes with 1009.
func TestSocketOversizedMessage(t *testing.T) {
	_, _, cl := annJoined(t)
	big := simulator.Action{Kind: simulator.ActSay, Text: strings.Repeat("x", socketReadLimit+1)}
	cl.command("big", big)
	if code := cl.closeCode(); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
}

// TestSocketHandshakeRefusals: foreign origins, strangers and other
// trainees never get a websocket.
func TestSocketHandshakeRefusals(t *testing.T) {
	a, id := annSession(t)
	for _, tc := range []struct {
		name   string
		user   string
		origin string
		id     string
		want   int
	}{
		{"foreign origin", "ann", "https://evil.example", id, http.StatusForbidden},
		{"foreign origin, same host other port", "ann", "http://127.0.0.1:1", id, http.StatusForbidden},
		{"not signed in", "", "", id, http.StatusUnauthorized},
		{"another trainee's session", "ben", "", id, http.StatusNotFound},
		{"no such session", "ann", "", "nope", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.origin != "" {
				hdr.Set("Origin", tc.origin)
			}
			c, resp, err := a.dial(tc.user, tc.id, hdr)
			if err == nil {
				c.Close()
				t.Fatal("handshake succeeded")
			}
			if resp == nil || resp.StatusCode != tc.want {
				t.Fatalf("response %v (%v), want status %d", resp, err, tc.want)
			}
		})
	}
	for _, user := range []string{"ann", "tom", "cat"} {
		c, _, err := a.dial(user, id, nil)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		c.Close()
	}
}

// TestSocketRoles: coaches watch only; trainees cannot use trainer
// controls; commands need a resume first and a valid id.
func TestSocketRoles(t *testing.T) {
	a, id := annSession(t)
	ann := a.connect("ann", id)
	if m := ann.do("early", sayHello); m.Type != msgReject || m.Code != codeBadMessage {
		t.Errorf("command before resume: %+v", m)
	}
	ann.resume(0)
	if m := ann.do("p", simulator.Action{Kind: simulator.ActPause}); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("trainee pause: %+v", m)
	}
	if m := ann.do("k", simulator.Action{Kind: "teleport"}); m.Type != msgReject || m.Code != codeBadAction {
		t.Errorf("unknown kind: %+v", m)
	}
	ann.send(map[string]any{"type": "command", "id": "white space", "action": sayHello})
	if m := ann.until(func(m serverMessage) bool { return m.Type == msgError }); m.Code != codeBadMessage {
		t.Errorf("bad id: %+v", m)
	}
	ann.send(map[string]any{"type": "ping"})
	ann.until(func(m serverMessage) bool { return m.Type == msgPong })

	cat := a.join("cat", id)
	if m := cat.do("c", sayHello); m.Type != msgReject || m.Code != codeForbidden {
		t.Errorf("coach command: %+v", m)
	}
	tom := a.join("tom", id)
	if m := tom.do("t", simulator.Action{Kind: simulator.ActPause}); m.Type != msgAck {
		t.Errorf("trainer pause: %+v", m)
	}
	if m := ann.do("late", sayHello); m.Type != msgReject || m.Code != codeRefused || m.Seq == 0 {
		t.Errorf("trainee action while paused: %+v, want refused with a seq", m)
	}
}

// TestSocketRateLimit: a burst beyond the bucket is rejected, not applied.
func TestSocketRateLimit(t *testing.T) {
	_, _, cl := annJoined(t)
	n := int(defaultCommandBurst) + 10
	for i := range n {
		cl.command(fmt.Sprintf("r%d", i), simulator.Action{Kind: simulator.ActRecord, Field: "note", Value: fmt.Sprint(i)})
	}
	limited := 0
	for i := range n {
		if m := cl.answer(fmt.Sprintf("r%d", i)); m.Type == msgReject && m.Code == codeRateLimited {
			limited++
		}
	}
	if limited == 0 {
		t.Fatalf("%d commands at once: none rate limited", n)
	}
}

// TestSocketNoCompression: permessage-deflate is never negotiated.
func TestSocketNoCompression(t *testing.T) {
	a, id := annSession(t)
	a.user("ann")
	hdr := http.Header{"Origin": {a.http.URL}, "Cookie": {sessionCookie + "=" + a.tokens["ann"]}}
	d := websocket.Dialer{EnableCompression: true}
	c, resp, err := d.Dial(a.wsURL(id), hdr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Fatalf("server negotiated %q", ext)
	}
	if a.server.upgrader.EnableCompression {
		t.Fatal("upgrader has compression on")
	}
}

// TestSocketServerClose: closing the server ends sockets with 1001.
func TestSocketServerClose(t *testing.T) {
	a, _, cl := annJoined(t)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.server.Close(ctx)
	}()
	if code := cl.closeCode(); code != websocket.CloseGoingAway {
		t.Fatalf("close code %d, want 1001", code)
	}
}

// TestSocketSignedOut: signing out ends the websockets of the login at
// the next heartbeat, with 4001.
func TestSocketSignedOut(t *testing.T) {
	a := newLiveApp(t, runner.Config{})
	a.server.heartbeat = 20 * time.Millisecond
	id := a.session("ann", 1)
	cl := a.join("ann", id)
	cl.send(map[string]any{"type": "ping"})
	cl.until(func(m serverMessage) bool { return m.Type == msgPong })
	if err := a.store.DeleteLogin(context.Background(), a.tokens["ann"]); err != nil {
		t.Fatal(err)
	}
	if code := cl.closeCode(); code != closeUnauthorized {
		t.Fatalf("close code %d, want %d", code, closeUnauthorized)
	}
}

// TestMetricsAndHealth: /healthz answers while the database does, and
// /metrics counts sockets, events and acks.
func TestMetricsAndHealth(t *testing.T) {
	var st *store.Store // the app's, once it exists
	a := newLiveAppWith(t, runner.Config{}, Config{MetricsToken: "scrape-secret", StoreMetrics: func(ctx context.Context) (StoreMetrics, error) {
		v, err := st.SchemaVersion(ctx)
		stats := st.Stats()
		return StoreMetrics{Commits: stats.Commits, Writes: stats.Writes, QueuedWrites: stats.Queued, SchemaVersion: v,
			Latencies: []Histogram{{Name: "drillroom_store_command_wait_seconds", Help: "h", Bounds: store.LatencyBounds(),
				Counts: stats.CommandWait.Counts, Sum: stats.CommandWait.Sum.Seconds()}}}, err
	}})
	st = a.store
	id := a.session("ann", 1)
	cl := a.join("ann", id)
	cl.do("m1", sayHello)

	// Who may read /metrics: the scraper's token, a trainer or a coach.
	for _, c := range []struct {
		name   string
		bearer string
		user   string
		want   int
	}{
		{"anonymous", "", "", http.StatusUnauthorized},
		{"wrong token", "guess", "", http.StatusUnauthorized},
		{"trainee", "", "ann", http.StatusUnauthorized},
		{"trainer", "", "tom", http.StatusOK},
		{"coach", "", "cat", http.StatusOK},
		{"scraper", "scrape-secret", "", http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/metrics", nil)
		if c.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+c.bearer)
		}
		if c.user != "" {
			a.user(c.user)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: a.tokens[c.user]})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("/metrics as %s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer scrape-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(raw)
	for _, want := range []string{
		"drillroom_live_sessions 1\n",
		"drillroom_sockets_connected 1\n",
		`drillroom_commands_total{outcome="ack"} 1`,
		"drillroom_command_ack_seconds_count 1\n",
		`drillroom_command_ack_seconds_bucket{le="+Inf"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "drillroom_events_written_total 0\n") {
		t.Errorf("no events counted:\n%s", body)
	}
	version, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("drillroom_store_schema_version %d\n", version); !strings.Contains(body, want) {
		t.Errorf("metrics lack %q:\n%s", want, body)
	}
	for _, name := range []string{"drillroom_store_commits_total", "drillroom_store_writes_total"} {
		var n int64
		if i := strings.Index(body, "\n"+name+" "); i < 0 {
			t.Errorf("metrics lack %s:\n%s", name, body)
		} else if fmt.Sscanf(body[i+len(name)+2:], "%d", &n); n < 1 {
			t.Errorf("%s %d, want at least one (users, sessions and events were written)", name, n)
		}
	}
	// The one command's append, in the store's histogram as /metrics
	// writes one: cumulative buckets ending at +Inf, and the count.
	for _, want := range []string{
		"# TYPE drillroom_store_command_wait_seconds histogram\n",
		`drillroom_store_command_wait_seconds_bucket{le="1"} 1` + "\n",
		`drillroom_store_command_wait_seconds_bucket{le="+Inf"} 1` + "\n",
		"drillroom_store_command_wait_seconds_count 1\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if !strings.Contains(body, "drillroom_store_queued_writes ") {
		t.Errorf("metrics lack drillroom_store_queued_writes:\n%s", body)
	}
	get(t, a.http.URL+"/healthz", http.StatusOK)
	a.store.Close()
	get(t, a.http.URL+"/healthz", http.StatusServiceUnavailable)
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func get(t *testing.T, url string, want int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, want)
	}
	return b.String()
}
