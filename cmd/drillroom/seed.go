package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/scoring"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/training"
)

// seedOptions say what seed makes.
type seedOptions struct {
	Sessions   int    // scored sessions to make
	Trainees   int    // trainees to make them with
	CohortSize int    // trainees per new cohort
	Cohort     string // when set: put every trainee in this cohort (created if missing) instead
	Prefix     string // of the usernames: PREFIX-0001
	Days       int    // spread the sessions over this many days, ending now
	Seed       uint64 // of the choices (which drill, which play, which variation)
	Now        time.Time
}

// seedClock is the store's clock while seeding: each session is stored at
// the moment it was "played", so the data has a history to chart.
type seedClock struct{ t time.Time }

func (c *seedClock) now() time.Time { return c.t }

// runSeed: drillroom seed --data DIR [--sessions N] [--trainees N] ...
func runSeed(ctx context.Context, args []string, stdio IO) int {
	fs := newFlagSet("seed", stdio.Stderr,
		"usage: drillroom seed [--data DIR] [--sessions N] [--trainees N] [--cohort-size N | --cohort NAME] [--days N] [--seed N]",
		"",
		"Plays the shipped library's drills with scripted trainees (the drills' own test plays, with",
		"random variations; trainees improve with practice) and stores every session scored, as the",
		"server would. Creates the database if there is none. For demos and for benchmarks of the",
		"cohort dashboard; never run it on a database people use.",
		"")
	data := fs.String("data", "data", "the data directory of the server (serve --data); seed writes SQLite only")
	var o seedOptions
	fs.IntVar(&o.Sessions, "sessions", 10000, "scored sessions to make")
	fs.IntVar(&o.Trainees, "trainees", 200, "trainees to make them with")
	fs.IntVar(&o.CohortSize, "cohort-size", 200, "trainees per cohort (cohorts Seed cohort 1, 2, ...)")
	fs.StringVar(&o.Cohort, "cohort", "", "put every trainee in this cohort instead (created if missing)")
	fs.StringVar(&o.Prefix, "prefix", "seed", "username prefix of the trainees (PREFIX-0001...)")
	fs.IntVar(&o.Days, "days", 90, "spread the sessions over this many days, ending now")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the random choices")
	args, err := parseFlags(fs, args)
	if err != nil {
		return usageCode(err)
	}
	if len(args) != 0 || o.Sessions < 1 || o.Trainees < 1 || o.CohortSize < 1 || o.Days < 1 {
		fs.Usage()
		return 2
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom seed: %v\n", err)
		return 1
	}
	o.Now = time.Now().UTC()
	clock := &seedClock{t: o.Now}
	log := slog.New(slog.NewTextHandler(stdio.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The trainees' passwords are random and never printed: nobody signs
	// in as them, so the cheapest hash will do and saves minutes.
	st, err := store.Open(ctx, filepath.Join(*data, databaseFile), log, store.WithClock(clock.now), store.WithPasswordCost(8, 1))
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom seed: %v\n", err)
		return 1
	}
	defer st.Close()
	start := time.Now()
	n, err := seed(ctx, st, clock, o, stdio.Stderr)
	if err != nil {
		fmt.Fprintf(stdio.Stderr, "drillroom seed: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdio.Stdout, "seeded %d scored sessions of %d trainees in %s\n", n, o.Trainees, time.Since(start).Round(time.Millisecond))
	return 0
}

// seedDrill is a library drill with the plays its scripted trainees choose from.
type seedDrill struct {
	sc       *scenarios.Scenario
	d        *simulator.Drill
	good     []*scenarios.Test // plays of good handling
	mistakes []*scenarios.Test // plays that make a classic mistake, or other plays
}

// seed publishes the library and stores o.Sessions scored sessions. It
// returns how many it stored.
func seed(ctx context.Context, st *store.Store, clock *seedClock, o seedOptions, progress io.Writer) (int, error) {
	set, ds := scenarios.LoadFS(scenarios.Library())
	if ds.HasErrors() {
		return 0, fmt.Errorf("the shipped library: %v", ds.Errors()[0])
	}
	var drills []seedDrill
	for _, sc := range set.Scenarios {
		if _, err := training.Publish(ctx, st, sc); err != nil {
			return 0, err
		}
		d, err := simulator.Prepare(sc)
		if err != nil {
			return 0, fmt.Errorf("prepare %s: %w", sc.ID, err)
		}
		sd := seedDrill{sc: sc, d: d}
		for i := range sc.Tests {
			t := &sc.Tests[i]
			switch {
			case t.Walk != nil || len(t.Steps) == 0:
			case t.Good:
				sd.good = append(sd.good, t)
			default:
				sd.mistakes = append(sd.mistakes, t)
			}
		}
		if len(sd.good)+len(sd.mistakes) > 0 {
			drills = append(drills, sd)
		}
	}
	if len(drills) == 0 {
		return 0, fmt.Errorf("the library has no scripted plays")
	}

	users := make([]drillroom.NewUser, o.Trainees)
	for i := range users {
		cohort := o.Cohort
		if cohort == "" {
			cohort = fmt.Sprintf("Seed cohort %d", i/o.CohortSize+1)
		}
		users[i] = drillroom.NewUser{Username: fmt.Sprintf("%s-%04d", o.Prefix, i+1), DisplayName: fmt.Sprintf("Trainee %04d", i+1),
			Role: drillroom.RoleTrainee, Password: newPassword() + newPassword(), Cohorts: []string{cohort}}
	}
	made, err := st.CreateUsers(ctx, users)
	if err != nil {
		return 0, fmt.Errorf("trainees: %w", err)
	}

	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	skill := make([]float64, len(made)) // the chance of a good play, growing with practice
	for i := range skill {
		skill[i] = 0.15 + 0.5*r.Float64()
	}
	span := time.Duration(o.Days) * 24 * time.Hour
	first := o.Now.Add(-span)
	step := span / time.Duration(o.Sessions)
	for k := range o.Sessions {
		if err := ctx.Err(); err != nil {
			return k, err
		}
		ui := r.IntN(len(made))
		sd := drills[r.IntN(len(drills))]
		good := r.Float64() < skill[ui]
		skill[ui] = min(0.95, skill[ui]+0.01)
		pool := sd.mistakes
		if (good && len(sd.good) > 0) || len(pool) == 0 {
			pool = sd.good
		}
		t := pool[r.IntN(len(pool))]
		mode := drillroom.ModePractice
		if r.IntN(5) == 0 {
			mode = drillroom.ModeAssessment
		}
		clock.t = first.Add(time.Duration(k)*step + time.Duration(r.Int64N(int64(step)+1)))
		if err := seedSession(ctx, st, clock, sd, t, made[ui].ID, mode, r.Int64N(1<<40)+1); err != nil {
			return k, fmt.Errorf("session %d (%s / %s): %w", k+1, sd.sc.ID, t.Name, err)
		}
		if progress != nil && (k+1)%1000 == 0 {
			fmt.Fprintf(progress, "seed: %d of %d sessions\n", k+1, o.Sessions)
		}
	}
	return o.Sessions, nil
}

// seedSession plays t for one trainee and stores it as the runner would:
// the session, its event log, its end and its scorecard with the rule
// outcomes.
func seedSession(ctx context.Context, st *store.Store, clock *seedClock, sd seedDrill, t *scenarios.Test, userID int64, mode drillroom.Mode, seed int64) error {
	events, err := drilltest.Play(sd.d, t, seed, string(mode))
	if err != nil {
		return err
	}
	x, err := st.CreateSession(ctx, drillroom.Session{UserID: userID, ScenarioID: sd.sc.ID, Version: sd.sc.Version, Seed: seed, Mode: mode, Scale: 1})
	if err != nil {
		return err
	}
	if err := st.AppendEvents(ctx, x.ID, drillroom.Command{}, events); err != nil {
		return err
	}
	ending := ""
	for _, ev := range events {
		if ev.Type == simulator.EvEnd {
			ending = ev.Reason
		}
	}
	// The call lasted what its virtual clock says.
	clock.t = clock.t.Add(time.Duration(events[len(events)-1].T) * time.Millisecond)
	if err := st.EndSession(ctx, x.ID, ending); err != nil {
		return err
	}
	card, err := scoring.Score(sd.sc, events)
	if err != nil {
		return err
	}
	body, err := json.Marshal(card)
	if err != nil {
		return err
	}
	return st.PutScorecard(ctx, x.ID, card.RubricHash, body, card.RuleOutcomes())
}
