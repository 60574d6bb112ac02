package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

const playHelp = `Commands (one per line):
  say TEXT                  speak to the customer; intents are matched from the text
  say [INTENT,...] TEXT     ... with intents given explicitly (TEXT may be empty)
  promise DURATION TEXT     speak and promise an update within DURATION (2m)
  hold [TEXT] | resume [TEXT]
  classify CATEGORY [PRIORITY]
  record FIELD VALUE
  dispatch SERVICE [INFO,...] [MESSAGE]
  escalate TEAM [INFO,...] [MESSAGE]
  contact ID MESSAGE
  request TEAM DECISION [AMOUNT]
  decide DECISION [AMOUNT]
  transfer TARGET
  close RESOLUTION
  review TEXT               after the call: the post-incident review
  wait DURATION | at TIME   move the clock (30s, 2m, 1m30s)
Trainer: pause, continue, inject AS TEXT, inject-line ID, set VAR VALUE,
  takeover AS, handback AS, scale N
Other: status, help, quit`

// runPlay plays a drill. Interactively, virtual time follows the wall
// clock (times --speed and the drill's time scale); with --script the
// actions are read from a file and the clock only moves by wait and at.
func runPlay(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("play", stdio.Stderr,
		"usage: drillroom play [--speed N] [--seed N] [--script FILE] [--debug] [--log FILE] [--record FILE] FILE",
		"\n"+playHelp+"\n")
	speed := fs.Float64("speed", 1, "run virtual time this many times faster than real time")
	seed := fs.Int64("seed", 1, "session seed (draws the drill's variation)")
	record := fs.String("record", "", "write the session to FILE as a scenario test (YAML to paste under tests:)")
	mode := fs.String("mode", "practice", "practice or assessment")
	script := fs.String("script", "", "read actions from this file and play them without waiting")
	debug := fs.Bool("debug", false, "also show hidden events (beats, reactions, variables, mood)")
	logFile := fs.String("log", "", "write the event log (JSON Lines) to this file")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) != 1 || *speed <= 0 {
		fs.Usage()
		return 2
	}
	sc, ok := loadScenarioFile(args[0], stdio.Stderr)
	if !ok {
		return 1
	}
	e, first, err := simulator.New(sc, simulator.Config{Seed: *seed, Mode: *mode})
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom play: %v\n", err)
		return 1
	}
	p := &player{e: e, out: stdio.Stdout, debug: *debug}
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom play: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := p.script(ctx, f, *script); err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom play: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintf(stdio.Stdout, "%s (%s). Type help for the commands.\n", sc.Title, sc.ID)
		if v := varyLine(e); v != "" {
			fmt.Fprintf(stdio.Stdout, "Drawn by seed %d: %s\n", *seed, v)
		}
		p.show(first)
		p.live(ctx, stdio.Stdin, *speed)
		p.stopped()
	}
	return p.finish(sc, *logFile, *record, stdio)
}

type player struct {
	e     *simulator.Engine
	out   io.Writer
	debug bool
	quiet bool // script mode: no live output
}

// show prints events as they happen.
func (p *player) show(evs []simulator.Event) {
	if p.quiet {
		return
	}
	for _, ev := range evs {
		if !p.debug {
			var ok bool
			if ev, ok = ev.ForTrainee(); !ok {
				continue
			}
		}
		if s := transcript.Format(ev); s != "" {
			fmt.Fprintf(p.out, "%s %s\n", transcript.Stamp(ev.T), s)
		}
	}
}

// errQuit ends the session early.
var errQuit = errors.New("quit")

// do runs one command line at virtual time now.
func (p *player) do(line string, now simulator.Millis) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "help":
		fmt.Fprintln(p.out, playHelp)
		return nil
	case "quit", "exit":
		return errQuit
	case "status":
		v := p.e.TraineeView()
		fmt.Fprintf(p.out, "%s  category %q priority %q  on hold %v  paused %v  scale %gx\n",
			transcript.Stamp(p.e.Now()), v.Category, v.Priority, v.OnHold, v.Paused, v.Scale)
		for _, c := range append(v.Services, v.Teams...) {
			fmt.Fprintf(p.out, "  %s (%s): engaged %s acked %s eta %s arrived %s\n", c.ID, c.Name,
				clock(c.Engaged), clock(c.Acked), clock(c.ETA), clock(c.Arrived))
		}
		if vary := varyLine(p.e); vary != "" {
			fmt.Fprintf(p.out, "  drawn: %s\n", vary)
		}
		return nil
	case "wait", "at":
		d, err := scenarios.ParseDuration(rest)
		if err != nil {
			return err
		}
		to := now + simulator.Millis(d)
		if verb == "at" {
			to = simulator.Millis(d)
		}
		if to < p.e.Now() {
			return fmt.Errorf("at %s is before the clock (%s)", rest, transcript.Stamp(p.e.Now()))
		}
		p.show(p.e.Advance(to))
		return nil
	}
	a, err := parseAction(verb, rest, now)
	if err != nil {
		return err
	}
	evs, err := p.e.Apply(now, a)
	if err != nil {
		return err
	}
	p.show(evs)
	return nil
}

func clock(t simulator.Millis) string {
	if t < 0 {
		return "-"
	}
	return transcript.Stamp(t)
}

// parseAction reads a command of the play language into an action.
func parseAction(verb, rest string, now simulator.Millis) (simulator.Action, error) {
	word := func(s string) (string, string) {
		w, r, _ := strings.Cut(strings.TrimSpace(s), " ")
		return w, strings.TrimSpace(r)
	}
	list := func(s string) ([]string, string) {
		if !strings.HasPrefix(s, "[") {
			return nil, s
		}
		end := strings.Index(s, "]")
		if end < 0 {
			return nil, s
		}
		var out []string
		for _, x := range strings.Split(s[1:end], ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		return out, strings.TrimSpace(s[end+1:])
	}
	amount := func(s string) (float64, error) {
		if s == "" {
			return 0, nil
		}
		return strconv.ParseFloat(s, 64)
	}
	need := func(what string, v string) error {
		if v == "" {
			return fmt.Errorf("%s needs %s (type help)", verb, what)
		}
		return nil
	}
	switch verb {
	case "say":
		intents, text := list(rest)
		return simulator.Action{Kind: simulator.ActSay, Text: text, Intents: intents}, nil
	case "promise":
		ds, text := word(rest)
		d, err := scenarios.ParseDuration(ds)
		if err != nil {
			return simulator.Action{}, err
		}
		intents, text := list(text)
		return simulator.Action{Kind: simulator.ActSay, Text: text, Intents: intents, Promise: now + simulator.Millis(d)}, nil
	case "hold":
		return simulator.Action{Kind: simulator.ActHold, Text: rest}, nil
	case "resume":
		return simulator.Action{Kind: simulator.ActResume, Text: rest}, nil
	case "classify":
		cat, prio := word(rest)
		return simulator.Action{Kind: simulator.ActClassify, Category: cat, Priority: prio}, need("a category", cat)
	case "record":
		f, v := word(rest)
		return simulator.Action{Kind: simulator.ActRecord, Field: f, Value: v}, need("a field and a value", f)
	case "dispatch", "escalate":
		id, more := word(rest)
		info, msg := list(more)
		kind := simulator.ActDispatch
		if verb == "escalate" {
			kind = simulator.ActEscalate
		}
		return simulator.Action{Kind: kind, Target: id, Info: info, Text: msg}, need("a target", id)
	case "contact":
		id, more := word(rest)
		info, msg := list(more)
		return simulator.Action{Kind: simulator.ActContact, Target: id, Info: info, Text: msg}, need("a target", id)
	case "request":
		team, more := word(rest)
		dec, am := word(more)
		n, err := amount(am)
		if err != nil {
			return simulator.Action{}, fmt.Errorf("amount: %w", err)
		}
		return simulator.Action{Kind: simulator.ActRequest, Target: team, Decision: dec, Amount: n}, need("a team and a decision", dec)
	case "decide":
		dec, am := word(rest)
		n, err := amount(am)
		if err != nil {
			return simulator.Action{}, fmt.Errorf("amount: %w", err)
		}
		return simulator.Action{Kind: simulator.ActDecide, Decision: dec, Amount: n}, need("a decision", dec)
	case "transfer":
		return simulator.Action{Kind: simulator.ActTransfer, Target: rest}, need("a target", rest)
	case "close":
		return simulator.Action{Kind: simulator.ActClose, Resolution: rest}, nil
	case "review":
		return simulator.Action{Kind: simulator.ActReview, Text: rest}, nil
	case "pause":
		return simulator.Action{Kind: simulator.ActPause, By: drillroom.ActorTrainer}, nil
	case "continue":
		return simulator.Action{Kind: simulator.ActResumeClock, By: drillroom.ActorTrainer}, nil
	case "inject":
		as, text := word(rest)
		return simulator.Action{Kind: simulator.ActInject, As: as, Text: text, By: drillroom.ActorTrainer}, need("a speaker and text", text)
	case "inject-line":
		return simulator.Action{Kind: simulator.ActInject, Line: rest, By: drillroom.ActorTrainer}, need("a beat or reaction id", rest)
	case "set":
		name, v := word(rest)
		return simulator.Action{Kind: simulator.ActSetVar, Field: name, Value: v, By: drillroom.ActorTrainer}, need("a variable and a value", v)
	case "takeover", "handback":
		kind := simulator.ActTakeover
		if verb == "handback" {
			kind = simulator.ActHandback
		}
		return simulator.Action{Kind: kind, As: rest, By: drillroom.ActorTrainer}, need("a cast member", rest)
	case "scale":
		n, err := amount(rest)
		if err != nil {
			return simulator.Action{}, err
		}
		return simulator.Action{Kind: simulator.ActSetScale, Amount: n, By: drillroom.ActorTrainer}, nil
	}
	return simulator.Action{}, fmt.Errorf("unknown command %q (type help)", verb)
}

// script plays a command file: the clock moves only by wait and at; at the
// end it runs until the call ends.
func (p *player) script(ctx context.Context, r io.Reader, name string) error {
	p.quiet = true
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := p.do(sc.Text(), p.e.Now()); err != nil {
			if err == errQuit {
				return nil
			}
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !p.e.Ended() {
		p.e.Advance(1 << 50)
	}
	return nil
}

// live plays interactively: a reader goroutine feeds lines; the loop fires
// timers when they fall due in real time.
func (p *player) live(ctx context.Context, in io.Reader, speed float64) {
	lines := make(chan string)
	go func() {
		defer close(lines)
		s := bufio.NewScanner(in)
		for s.Scan() {
			select {
			case lines <- s.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	anchorReal, anchorVirt := time.Now(), p.e.Now()
	virtual := func() simulator.Millis {
		if p.e.Paused() {
			return p.e.Now()
		}
		elapsed := float64(time.Since(anchorReal).Milliseconds()) * speed * p.e.Scale()
		return anchorVirt + simulator.Millis(elapsed)
	}
	reanchor := func() { anchorReal, anchorVirt = time.Now(), p.e.Now() }
	for {
		var due <-chan time.Time
		var timer *time.Timer
		if next, ok := p.e.NextDue(); ok {
			wait := time.Duration(float64(next-virtual())/(speed*p.e.Scale())) * time.Millisecond
			timer = time.NewTimer(max(wait, 0))
			due = timer.C
		}
		stop := func() {
			if timer != nil {
				timer.Stop()
			}
		}
		select {
		case <-ctx.Done():
			stop()
			return
		case <-due:
			p.show(p.e.Advance(virtual()))
		case line, ok := <-lines:
			stop()
			if !ok {
				return
			}
			now := virtual()
			err := p.do(line, now)
			if err == errQuit {
				return
			}
			if err != nil {
				fmt.Fprintf(p.out, "! %v\n", err)
			}
			reanchor()
			if p.e.Ended() && p.reviewed() {
				return
			}
		}
		if p.e.Ended() && p.reviewed() {
			return
		}
	}
}

func (p *player) reviewed() bool { return p.e.TraineeView().Reviewed }

// stopped notes a session left before the call ended.
func (p *player) stopped() {
	if !p.e.Ended() {
		fmt.Fprintf(p.out, "-- stopped at %s, before the call ended\n", transcript.Stamp(p.e.Now()))
	}
}

// finish prints the transcript and the scorecard and writes the log.
func (p *player) finish(sc *scenarios.Scenario, logFile, record string, stdio IO) int {
	log := p.e.Log()
	fmt.Fprintln(stdio.Stdout, "\n== Transcript ==")
	transcript.Write(stdio.Stdout, log, p.debug)
	if logFile != "" {
		f, err := os.Create(logFile)
		if err == nil {
			err = simulator.WriteLog(f, log)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom play: %v\n", err)
			return 1
		}
	}
	card, err := scoring.Score(sc, log)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom play: scoring: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdio.Stdout, "\n== Scorecard ==")
	if err := scoring.WriteText(stdio.Stdout, card); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom play: %v\n", err)
		return 1
	}
	if record != "" {
		yml, err := drilltest.Record(log, card, fmt.Sprintf("recorded play (seed %d)", log[0].Seed))
		if err == nil {
			err = os.WriteFile(record, yml, 0o644)
		}
		if err != nil {
			fmt.Fprintf(stdio.Stderr, "drillroom play: --record: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdio.Stdout, "\nThe session is written to %s as a test; paste it under tests: in the drill.\n", record)
	}
	return 0
}

// varyLine is the session's drawn variation, name=value in name order
// (timings as durations), so that whoever plays a drill in the terminal
// knows which address, name or delay the seed chose.
func varyLine(e *simulator.Engine) string {
	vary := e.Snapshot().Vary
	between := map[string]bool{}
	for name, v := range e.Scenario().Variation {
		between[name] = len(v.Between) > 0
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(vary)) {
		v := vary[name]
		if f, ok := v.(float64); ok && between[name] {
			v = scenarios.FormatSeconds(f)
		} else if n, ok := v.(int); ok && between[name] {
			v = scenarios.FormatSeconds(float64(n))
		}
		parts = append(parts, fmt.Sprintf("%s=%v", name, v))
	}
	return strings.Join(parts, ", ")
}
