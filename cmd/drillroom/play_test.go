package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

const gasExample = "../../scenarios/examples/gas-smell-basic.drill.yaml"

func TestPlayScript(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "session.jsonl")
	code, out, errs := runMainInput("", "play", "--script", "testdata/gas-basic.play", "--log", logFile, gasExample)
	wantExit0(t, code, errs)
	// The script plays with the default seed, 1: the address and the gas
	// engineer's acknowledgement (dispatch at 1m plus vary.gas_ack) are
	// what that seed draws.
	sc := scenariotest.GasExample(t)
	vary := simulator.Variation(sc, 1)
	ackAt := transcript.Stamp(60_000 + sc.Cast.Services["gas"].Ack.Resolve(vary).Millis())
	wantContains(t, out,
		"== Transcript ==",
		// The answer comes at the customer's pace: a second to react and
		// seven words at 170 a minute after the question at 0:05.
		fmt.Sprintf("00:09 customer: It's Flat %v, %v. Ground floor.", vary["flat"], vary["street"]),
		ackAt+" gas: Gas Emergency Service: request received, with you in about 25 minutes.",
		"03:00 [call ended: closed (closed)]",
		"03:00 review: Advice early, dispatch at one minute.",
		"== Scorecard ==",
		"FAIL    longest-silence",
		"PASS    gas-dispatched",
	)
	if strings.Contains(out, "[reaction") {
		t.Error("hidden events shown without --debug")
	}
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, err := simulator.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Type != simulator.EvReview {
		t.Errorf("last logged event %s, want review", last.Type)
	}
}

func TestPlayScriptErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ script, want string }{
		{"wait 5s\nfly away\n", "bad.play:2: unknown command \"fly\""},
		{"wait soon\n", "bad.play:1: invalid duration"},
		{"at 1m\nat 30s\n", "bad.play:2: at 30s is before the clock (01:00)"},
		{"classify\n", "bad.play:1: classify needs a category"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, "bad.play")
		os.WriteFile(path, []byte(c.script), 0o644)
		code, _, errs := runMainInput("", "play", "--script", path, gasExample)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("script %q: exit %d, stderr %q; want 1 and %q", c.script, code, errs, c.want)
		}
	}
}

func TestPlayInteractive(t *testing.T) {
	in := "help\nsay Hello, where are you?\nclassify nonsense P1\nwait 10s\nclose All sorted.\nreview Went fine.\n"
	code, out, errs := runMainInput(in, "play", "--speed", "50", gasExample)
	wantExit0(t, code, errs)
	wantContains(t, out,
		"Type help for the commands.",
		"Commands (one per line):",
		"customer: It's Flat",
		`rejected: classify nonsense P1 (category "nonsense" is not in the taxonomy`,
		"[call ended: closed (closed)]",
		"== Scorecard ==",
	)
}

func TestParseAction(t *testing.T) {
	cases := []struct {
		line string
		want simulator.Action
	}{
		{"say [reassure, update] All fine", simulator.Action{Kind: simulator.ActSay, Text: "All fine", Intents: []string{"reassure", "update"}}},
		{"promise 2m I'll call back", simulator.Action{Kind: simulator.ActSay, Text: "I'll call back", Promise: 10000 + 120000}},
		{"dispatch gas [location,hazards] Gas escape", simulator.Action{Kind: simulator.ActDispatch, Target: "gas", Info: []string{"location", "hazards"}, Text: "Gas escape"}},
		{"request supervisor goodwill 50", simulator.Action{Kind: simulator.ActRequest, Target: "supervisor", Decision: "goodwill", Amount: 50}},
		{"record location Flat 3, Mill Lane", simulator.Action{Kind: simulator.ActRecord, Field: "location", Value: "Flat 3, Mill Lane"}},
		{"inject customer I'm scared", simulator.Action{Kind: simulator.ActInject, As: "customer", Text: "I'm scared", By: "trainer"}},
		{"set evacuated true", simulator.Action{Kind: simulator.ActSetVar, Field: "evacuated", Value: "true", By: "trainer"}},
	}
	for _, c := range cases {
		verb, rest, _ := strings.Cut(c.line, " ")
		got, err := parseAction(verb, rest, 10000)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q: got %+v, %v; want %+v", c.line, got, err, c.want)
		}
	}
}

// Interactive play follows the wall clock: under synctest the clock is
// fake, so a 50-second drill runs at once and its times are exact.
func TestPlayLiveFollowsTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in, w := io.Pipe()
		var out, errb bytes.Buffer
		done := make(chan int)
		go func() {
			done <- Main(context.Background(), []string{"play", "--speed", "2", gasExample}, IO{Stdin: in, Stdout: &out, Stderr: &errb})
		}()
		// At speed 2, 10 s of wall time is 20 s of drill time.
		time.Sleep(10 * time.Second)
		io.WriteString(w, "say Hello, what's the address?\n")
		time.Sleep(40 * time.Second) // the chase comes 65 s of drill time after the line
		io.WriteString(w, "close Advised.\nreview Fine.\n")
		code := <-done
		w.Close()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		wantContains(t, out.String(),
			"Drawn by seed 1: ", "flat=", // the seed's variation, for whoever plays it
			"00:00 customer: Hello? I think I can smell gas",
			"00:20 trainee: say Hello, what's the address?",
			"00:24 customer: It's Flat", // at the customer's pace
			"01:25 customer: Hello? Are you still there?",
			"01:40 [call ended: closed (closed)]",
		)
	})
}

// A played session recorded with --record is a test that the drill passes:
// appended to the drill's tests, drillroom test replays it and finds the
// same outcome.
func TestPlayRecordWritesATest(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "recorded.yaml")
	code, _, errs := runMain("play", "--script", "testdata/gas-basic.play", "--seed", "1", "--record", rec, gasExample)
	if code != 0 {
		t.Fatalf("play: exit %d: %s", code, errs)
	}
	yml, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, string(yml),
		"  - name: \"recorded play (seed 1)\"\n    seed: 1\n",
		`{at: 30s, record: {field: "location", value: "Flat 4, Station Parade"}}`,
		`{at: 1m, say: "The engineer is on the way, I'll update you within two minutes.", promise: 2m}`,
		"      ending: \"closed\"\n", "longest-silence: fail", "      passed: true\n")
	drill, err := os.ReadFile(gasExample)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "gas.drill.yaml")
	if err := os.WriteFile(file, append(drill, yml...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runMain("test", "--run", "recorded", "../../scenarios/policies", file)
	if code != 0 || !strings.Contains(out, "ok   "+file+" recorded play (seed 1)") {
		t.Fatalf("the recorded test: exit %d\n%s%s", code, out, errs)
	}
}
