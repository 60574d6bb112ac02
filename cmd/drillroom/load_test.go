package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store"
	"github.com/drillroom/drillroom/store/postgres"
)

// TestLoad is the load test of one node (issue 21): it starts the real
// binary on a real database, signs trainers in, has them start class drills
// of the shipped library for N trainees, and drives N live sessions over
// drillroom.v1: one trainee socket per session playing a library drill's
// good play at 0.1 commands a second, and a trainer's observer socket on
// every fifth session. In the same run it measures the floor (a bare
// websocket echo committing one SQLite row per message) with as many
// connections at the same rate. It reports the lateness of timed events,
// ack latency, the server's memory per live drill and the floor's, and
// fails on any lost event, gap in a prev chain, unanswered command or
// dropped socket. It asserts nothing about time: the figures are printed.
//
// It runs only when DRILLROOM_LOAD is set (the number of live drills):
//
//	DRILLROOM_LOAD=1000 go test -run '^TestLoad$' -v -timeout 30m ./cmd/drillroom/
//
// Other settings (environment):
//
//	DRILLROOM_LOAD_SECONDS  the measured window (default 60)
//	DRILLROOM_LOAD_RATE     commands per second per session (default 0.1)
//	DRILLROOM_LOAD_FLOOR    0: skip the floor
//	DRILLROOM_LOAD_DB       the database: a postgres:// URL, or a data directory for SQLite
//	                        (default: a new SQLite database in a temp directory)
//	DRILLROOM_LOAD_URL      drive a server already running there (on DRILLROOM_LOAD_DB)
//	                        instead of starting the binary; several, comma-separated, are used
//	                        round-robin (nodes of one deployment)
//	DRILLROOM_LOAD_PID      with DRILLROOM_LOAD_URL: the server's process, for its memory
//	DRILLROOM_LOAD_SERVE    extra flags for serve, space-separated
//	DRILLROOM_LOAD_NODES    start this many nodes (serve --node) on the PostgreSQL database
//	                        DRILLROOM_LOAD_DB and drive them all in turn (load_nodes_test.go)
//	DRILLROOM_LOAD_PROFILE  a directory: take the server's CPU, heap, allocation, goroutine,
//	                        block and mutex profiles and a runtime trace during the window
//
// Accounts are written to the database directly (the trainees with logins
// minted in the store, so that 10,000 argon2id hashes of 25 ms each do not
// dominate the run; sign-ins under load are measured by the web package's
// TestLoginMemoryUnderLoad); the trainers sign in through the login form.
func TestLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DRILLROOM_LOAD"))
	if n <= 0 {
		t.Skip("set DRILLROOM_LOAD to the number of live drills to run the load test")
	}
	cfg := loadConfig{Drills: n, Window: 60 * time.Second, Rate: 0.1, Floor: os.Getenv("DRILLROOM_LOAD_FLOOR") != "0",
		DB: os.Getenv("DRILLROOM_LOAD_DB"), Profile: os.Getenv("DRILLROOM_LOAD_PROFILE")}
	if s := os.Getenv("DRILLROOM_LOAD_SECONDS"); s != "" {
		sec, err := strconv.ParseFloat(s, 64)
		if err != nil || sec <= 0 {
			t.Fatalf("DRILLROOM_LOAD_SECONDS=%q: want a positive number", s)
		}
		cfg.Window = time.Duration(sec * float64(time.Second))
	}
	if s := os.Getenv("DRILLROOM_LOAD_RATE"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 || r > 5 {
			t.Fatalf("DRILLROOM_LOAD_RATE=%q: want a number of commands per second above 0, at most 5", s)
		}
		cfg.Rate = r
	}
	if s := os.Getenv("DRILLROOM_LOAD_URL"); s != "" {
		cfg.URLs = strings.Split(s, ",")
		if cfg.DB == "" {
			t.Fatal("DRILLROOM_LOAD_URL needs DRILLROOM_LOAD_DB: the database that server uses, to write the accounts and read the logs")
		}
		cfg.PID, _ = strconv.Atoi(os.Getenv("DRILLROOM_LOAD_PID"))
	}
	cfg.Serve = strings.Fields(os.Getenv("DRILLROOM_LOAD_SERVE"))
	if s := os.Getenv("DRILLROOM_LOAD_NODES"); s != "" {
		startLoadNodes(t, s, &cfg)
	}
	rep := runLoad(t, cfg)
	t.Log("\n" + rep.String())
	if rep.Lost > 0 || rep.Gaps > 0 || rep.Unanswered > 0 || rep.Dropped > 0 || rep.FloorUnanswered > 0 {
		t.Errorf("lost events %d, prev-chain gaps %d, unanswered commands %d, dropped sockets %d, unanswered floor messages %d: want 0 of each",
			rep.Lost, rep.Gaps, rep.Unanswered, rep.Dropped, rep.FloorUnanswered)
	}
	if rep.Commands == 0 || rep.Timed == 0 {
		t.Errorf("%d commands answered and %d timed events measured: the load did not happen", rep.Commands, rep.Timed)
	}
}

// loadConfig says what one load run does.
type loadConfig struct {
	Drills  int           // live sessions
	Window  time.Duration // measured, once every socket is open
	Rate    float64       // commands per second per session
	Floor   bool          // measure the floor too
	DB      string        // postgres:// URL or SQLite data directory; "" a temp one
	URLs    []string      // servers to drive; none: start the binary
	PID     int           // the server's process with URLs, for its memory
	Serve   []string      // extra serve flags
	Profile string        // directory for the server's profiles during the window
}

// loadReport is what one run measured.
type loadReport struct {
	Drills, Sockets, Observers     int
	LoadBefore, LoadAfter          string // /proc/loadavg
	Window                         time.Duration
	Commands, Timed, Events        int
	Lateness, Ack                  quantiles
	ServerBase, ServerPeak         int64 // RSS in bytes
	ConnectTime                    time.Duration
	Lost, Gaps, Unanswered         int
	Dropped, Rejected              int
	Floor                          bool
	FloorAck                       quantiles
	FloorBase, FloorPeak           int64
	FloorConns, FloorUnanswered    int
	Backend                        string
	StartSpread, CommandsPerSecond float64
	// The store's commits and writes in the window (/metrics, from the
	// first server): commits are the WAL's fsyncs, writes/commits the
	// mean group commit. Zero when the server does not report them.
	Commits, Writes int64
	// The server's own view of the window, from its /metrics histograms
	// (to the bucket: "at most"), when the server keeps them.
	ServerSide []string
	// CPU time (user and system) used in the window by the server's
	// process and by this one (the load generator).
	ServerCPU, GeneratorCPU time.Duration
}

type quantiles struct {
	N             int
	P50, P99, Max time.Duration
}

func quantilesOf(ds []time.Duration) quantiles {
	if len(ds) == 0 {
		return quantiles{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return quantiles{N: len(ds), P50: at(0.50), P99: at(0.99), Max: ds[len(ds)-1]}
}

// boundString writes a bucket bound (seconds) in milliseconds.
func boundString(b float64) string {
	if math.IsInf(b, 1) {
		return "more than the largest bucket"
	}
	return fmt.Sprintf("%g ms", b*1000)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func (r loadReport) perDrill() int64 {
	return (r.ServerPeak - r.ServerBase) / int64(max(r.Drills, 1))
}

func (r loadReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "load test: %d live drills (%s), %d sockets (%d observers), window %s, load average %s before, %s after\n",
		r.Drills, r.Backend, r.Sockets, r.Observers, r.Window, r.LoadBefore, r.LoadAfter)
	fmt.Fprintf(&b, "  connected in %s; %d commands answered (%.0f/s), %d rejected; %d events received\n",
		r.ConnectTime.Round(time.Millisecond), r.Commands, r.CommandsPerSecond, r.Rejected, r.Events)
	fmt.Fprintf(&b, "  timed-event lateness (%d events): p50 %s, p99 %s, max %s\n", r.Timed, ms(r.Lateness.P50), ms(r.Lateness.P99), ms(r.Lateness.Max))
	fmt.Fprintf(&b, "  ack latency (%d commands): p50 %s, p99 %s, max %s\n", r.Ack.N, ms(r.Ack.P50), ms(r.Ack.P99), ms(r.Ack.Max))
	if r.ServerCPU > 0 {
		fmt.Fprintf(&b, "  CPU in the window: server %.1f s (%.0f%% of one core), load generator %.1f s (%.0f%%)\n",
			r.ServerCPU.Seconds(), 100*r.ServerCPU.Seconds()/r.Window.Seconds(), r.GeneratorCPU.Seconds(), 100*r.GeneratorCPU.Seconds()/r.Window.Seconds())
	}
	if r.Commits > 0 {
		fmt.Fprintf(&b, "  store: %d commits (%.0f/s), %d writes (%.2f writes/commit) in the window\n",
			r.Commits, float64(r.Commits)/r.Window.Seconds(), r.Writes, float64(r.Writes)/float64(r.Commits))
	}
	for _, l := range r.ServerSide {
		fmt.Fprintf(&b, "  server side, %s\n", l)
	}
	if r.ServerPeak > 0 {
		fmt.Fprintf(&b, "  server RSS: %d MB before the drills, %d MB at most in the window: %.1f KB per live drill (its sockets included)\n",
			r.ServerBase>>20, r.ServerPeak>>20, float64(r.perDrill())/1024)
	}
	fmt.Fprintf(&b, "  lost events %d, prev-chain gaps %d, unanswered commands %d, dropped sockets %d\n", r.Lost, r.Gaps, r.Unanswered, r.Dropped)
	if r.Floor {
		fmt.Fprintf(&b, "  floor (%d connections): ack p50 %s, p99 %s, max %s (%d messages); RSS %d MB before, %d MB at most: %.1f KB per connection; unanswered %d\n",
			r.FloorConns, ms(r.FloorAck.P50), ms(r.FloorAck.P99), ms(r.FloorAck.Max), r.FloorAck.N, r.FloorBase>>20, r.FloorPeak>>20,
			float64(r.FloorPeak-r.FloorBase)/float64(max(r.FloorConns, 1))/1024, r.FloorUnanswered)
		if r.FloorAck.P50 > 0 {
			fmt.Fprintf(&b, "  ack p50 / floor ack p50: %.2fx\n", float64(r.Ack.P50)/float64(r.FloorAck.P50))
		}
	}
	return b.String()
}

// raiseFileLimit lifts the soft limit of open files to the hard one:
// thousands of sockets need thousands of descriptors, in the client and in
// the servers it starts (which inherit the limit).
func raiseFileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// rss is a process's resident memory in bytes (0 if unknown).
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakRSS samples a process's RSS every 250 ms until stop is closed and
// returns the highest sample.
func peakRSS(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		peak := rss(pid)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				out <- max(peak, rss(pid))
				return
			case <-tick.C:
				peak = max(peak, rss(pid))
			}
		}
	}()
	return out
}

// loadDrill is a library drill and the trainee actions of its good play.
type loadDrill struct {
	id      string
	actions []simulator.Action
}

// libraryPlays returns the shipped drills that have a scripted good play,
// each with the trainee actions of that play in order, without the ones
// that end the call (close, transfer) or come after it (review): the load
// keeps the calls live.
func libraryPlays(t *testing.T) []loadDrill {
	set, ds := scenarios.LoadFS(scenarios.Library())
	if ds.HasErrors() {
		t.Fatalf("the shipped library: %v", ds.Errors()[0])
	}
	var out []loadDrill
	for _, sc := range set.Scenarios {
		d, err := simulator.Prepare(sc)
		if err != nil {
			t.Fatalf("prepare %s: %v", sc.ID, err)
		}
		for i := range sc.Tests {
			test := &sc.Tests[i]
			if !test.Good || test.Walk != nil || len(test.Steps) == 0 {
				continue
			}
			log, err := drilltest.Play(d, test, 1, string(drillroom.ModePractice))
			if err != nil {
				t.Fatalf("play %s / %s: %v", sc.ID, test.Name, err)
			}
			var acts []simulator.Action
			for _, e := range log {
				if e.Type != simulator.EvAction || e.Action == nil || (e.Action.By != "" && e.Action.By != drillroom.ActorTrainee) {
					continue
				}
				switch e.Action.Kind {
				case simulator.ActClose, simulator.ActTransfer, simulator.ActReview:
					continue
				}
				a := *e.Action
				a.By, a.Cmd = "", ""
				acts = append(acts, a)
			}
			if len(acts) > 0 {
				out = append(out, loadDrill{id: sc.ID, actions: acts})
				break
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no library drill has a scripted good play")
	}
	return out
}

// loadDB opens the run's database from the test process.
func loadDB(t *testing.T, where location, migrate bool) database {
	t.Helper()
	ctx := context.Background()
	if isPostgres(where.db) {
		opts := []postgres.Option{postgres.WithPasswordCost(8, 1)}
		if !migrate {
			opts = append(opts, postgres.WithoutMigrating())
		}
		st, err := postgres.Open(ctx, where.db, nil, opts...)
		if err != nil {
			t.Fatalf("open the load test's database: %v", err)
		}
		return st
	}
	opts := []store.Option{store.WithPasswordCost(8, 1)}
	if !migrate {
		opts = append(opts, store.WithoutMigrating())
	}
	if err := os.MkdirAll(where.data, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(where.data, databaseFile), nil, opts...)
	if err != nil {
		t.Fatalf("open the load test's database: %v", err)
	}
	return st
}

// loadCohort is one class: a trainer, the trainees, the drill they play.
type loadCohort struct {
	name     string
	drill    loadDrill
	trainer  string // username
	trainees []drillroom.User
	id       int64
	cookie   string // the trainer's, once signed in
}

// provision creates the run's accounts: cohorts of at most 1,000 trainees,
// each with a trainer, each playing one library drill (round-robin), and
// a login for every trainee.
func provision(t *testing.T, db database, prefix string, n int, plays []loadDrill, password string) ([]*loadCohort, map[int64]string) {
	ctx := context.Background()
	size := min(1000, (n+len(plays)-1)/len(plays))
	var cohorts []*loadCohort
	for k := 0; k*size < n; k++ {
		c := &loadCohort{name: fmt.Sprintf("%s cohort %d", prefix, k+1), drill: plays[k%len(plays)], trainer: fmt.Sprintf("%s-trainer-%03d", prefix, k+1)}
		users := []drillroom.NewUser{{Username: c.trainer, DisplayName: "Load trainer", Role: drillroom.RoleTrainer, Password: password, Cohorts: []string{c.name}}}
		for i := k * size; i < min(n, (k+1)*size); i++ {
			users = append(users, drillroom.NewUser{Username: fmt.Sprintf("%s-%05d", prefix, i+1), DisplayName: fmt.Sprintf("Load trainee %d", i+1),
				Role: drillroom.RoleTrainee, Password: password, Cohorts: []string{c.name}})
		}
		made, err := db.CreateUsers(ctx, users)
		if err != nil {
			t.Fatalf("create the load test's accounts: %v", err)
		}
		c.trainees = made[1:]
		cohorts = append(cohorts, c)
	}
	all, err := db.Cohorts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cohorts {
		for _, x := range all {
			if x.Name == c.name {
				c.id = x.ID
			}
		}
		if c.id == 0 {
			t.Fatalf("cohort %q was not created", c.name)
		}
	}
	logins := map[int64]string{}
	var mu sync.Mutex
	var users []drillroom.User
	for _, c := range cohorts {
		users = append(users, c.trainees...)
	}
	err = parallel(32, len(users), func(i int) error {
		token, err := db.CreateLogin(ctx, users[i].ID, 4*time.Hour)
		if err != nil {
			return err
		}
		mu.Lock()
		logins[users[i].ID] = "drillroom_session=" + token
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatalf("trainees' logins: %v", err)
	}
	return cohorts, logins
}

// parallel runs f(0..n-1) on at most workers goroutines and returns the
// first error.
func parallel(workers, n int, f func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// startClass signs the cohort's trainer in through the login form and
// starts the cohort's drill for all its trainees from the monitor's class
// form, as a trainer at 9:00 would.
func startClass(base string, c *loadCohort, password string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 5 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(base+"/login", url.Values{"username": {c.trainer}, "password": {password}})
	if err != nil {
		return fmt.Errorf("sign in %s: %w", c.trainer, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in %s: %s", c.trainer, resp.Status)
	}
	u, _ := url.Parse(base)
	for _, k := range jar.Cookies(u) {
		if k.Name == "drillroom_session" {
			c.cookie = k.Name + "=" + k.Value
		}
	}
	resp, err = hc.Get(base + "/monitor")
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if m == nil {
		return fmt.Errorf("the monitor of %s has no form (%s)", c.trainer, resp.Status)
	}
	resp, err = hc.PostForm(base+"/monitor/class", url.Values{"csrf": {string(m[1])}, "cohort": {strconv.FormatInt(c.id, 10)},
		"drill": {c.drill.id}, "mode": {string(drillroom.ModePractice)}})
	if err != nil {
		return fmt.Errorf("start the class of %s: %w", c.name, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("start the class of %s (drill %s): %s %.200s", c.name, c.drill.id, resp.Status, body)
	}
	return nil
}

// loadSession is one live drill under load.
type loadSession struct {
	id       string
	cohort   *loadCohort
	cookie   string
	trainee  *loadSocket
	observer *loadSocket
}

func runLoad(t *testing.T, cfg loadConfig) loadReport {
	limit := raiseFileLimit()
	sockets := cfg.Drills + cfg.Drills/5
	if need := uint64(sockets) + 200; limit < need {
		t.Fatalf("open-file limit %d: %d live drills need %d sockets in this process (and as many in the server)", limit, cfg.Drills, need)
	}
	rep := loadReport{Drills: cfg.Drills, Window: cfg.Window, Backend: "sqlite", LoadBefore: loadAverage()}
	if isPostgres(cfg.DB) {
		rep.Backend = "postgres"
	}
	src := &sources{perSource: 200}
	if cfg.Floor {
		runFloor(t, cfg, src, &rep)
	}

	plays := libraryPlays(t)
	where := location{db: cfg.DB}
	if !isPostgres(cfg.DB) {
		where = location{data: cfg.DB}
		if where.data == "" {
			where.data = t.TempDir()
		}
	}
	prefix := fmt.Sprintf("load%x", time.Now().UnixNano()%(1<<32))
	password := "load-" + prefix + "-password"
	db := loadDB(t, where, len(cfg.URLs) == 0)
	cohorts, logins := provision(t, db, prefix, cfg.Drills, plays, password)
	db.Close()

	// The server.
	urls, pid := cfg.URLs, cfg.PID
	var srv *server
	var debug string
	if len(urls) == 0 {
		bin := buildBinary(t)
		flags := []string{"--data", where.data}
		if where.db != "" {
			flags = []string{"--db", where.db}
		}
		if cfg.Profile != "" {
			flags = append(flags, "--debug-addr", "127.0.0.1:0")
		}
		srv = startServe(t, bin, 2*time.Minute, append(flags, cfg.Serve...)...)
		debug = srv.debug
		defer func() {
			if srv != nil {
				srv.cmd.Process.Kill()
				<-srv.done
			}
		}()
		urls, pid = []string{srv.base}, srv.cmd.Process.Pid
	}
	ctx := context.Background()
	// The server's memory before the drills: the library loaded, no
	// session hosted (the class starts host them).
	rep.ServerBase = rss(pid)
	err := parallel(len(cohorts), len(cohorts), func(i int) error { return startClass(urls[i%len(urls)], cohorts[i], password) })
	if err != nil {
		t.Fatal(err)
	}
	db = loadDB(t, where, false)
	defer db.Close()
	var sessions []*loadSession
	var smu sync.Mutex
	type member struct {
		c *loadCohort
		u drillroom.User
	}
	var members []member
	for _, c := range cohorts {
		for _, u := range c.trainees {
			members = append(members, member{c, u})
		}
	}
	err = parallel(16, len(members), func(i int) error {
		mine, err := db.SessionsForUser(ctx, members[i].u.ID)
		if err != nil {
			return err
		}
		for _, x := range mine {
			if x.ScenarioID == members[i].c.drill.id && x.State == drillroom.StateLive {
				smu.Lock()
				sessions = append(sessions, &loadSession{id: x.ID, cohort: members[i].c, cookie: logins[members[i].u.ID]})
				smu.Unlock()
				return nil
			}
		}
		return fmt.Errorf("trainee %s has no live session of %s", members[i].u.Username, members[i].c.drill.id)
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sessions, func(a, b *loadSession) int { return strings.Compare(a.id, b.id) })

	// Connect: every trainee, then an observer (the cohort's trainer) on
	// every fifth session.
	began := time.Now()
	err = parallel(32, len(sessions), func(i int) error {
		x := sessions[i]
		s, err := dialSession(ctx, src.dialer(), urls[i%len(urls)], x.id, x.cookie, true)
		x.trainee = s
		return err
	})
	if err == nil {
		err = parallel(32, len(sessions)/5, func(i int) error {
			x := sessions[i*5]
			s, err := dialSession(ctx, src.dialer(), urls[(i*5)%len(urls)], x.id, x.cohort.cookie, false)
			x.observer = s
			return err
		})
	}
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	rep.ConnectTime = time.Since(began)
	rep.Sockets = len(sessions) + len(sessions)/5
	rep.Observers = len(sessions) / 5

	// The window: every trainee sends a command every 1/rate seconds, at
	// a phase of its own.
	from := time.Now()
	to := from.Add(cfg.Window)
	stopRSS := make(chan struct{})
	peak := peakRSS(pid, stopRSS)
	var profiles sync.WaitGroup
	if debug != "" {
		profiles.Add(1)
		go func() { defer profiles.Done(); takeProfiles(t, debug, cfg.Profile, cfg.Window) }()
	}
	figs0, counted := readServerFigures(urls[0], cohorts[0].cookie)
	serverCPU0, selfCPU0 := processCPU(pid), cpuTime()
	period := time.Duration(float64(time.Second) / cfg.Rate)
	var sendErrs atomic.Int64
	pace(len(sessions), 21, from, to, period, func(i, k int) error {
		x := sessions[i]
		acts := x.cohort.drill.actions
		err := x.trainee.command(fmt.Sprintf("L%d", k), acts[k%len(acts)])
		if err != nil {
			sendErrs.Add(1)
		}
		return err
	})
	if pid > 0 {
		rep.ServerCPU = processCPU(pid) - serverCPU0
	}
	rep.GeneratorCPU = cpuTime() - selfCPU0
	if figs1, ok := readServerFigures(urls[0], cohorts[0].cookie); ok && counted {
		rep.Commits, rep.Writes = figs1.commits-figs0.commits, figs1.writes-figs0.writes
		for _, h := range windowHistograms {
			p50, n, ok := bucketQuantile(figs0.hist[h.name], figs1.hist[h.name], 0.5)
			if !ok {
				continue
			}
			p99, _, _ := bucketQuantile(figs0.hist[h.name], figs1.hist[h.name], 0.99)
			rep.ServerSide = append(rep.ServerSide, fmt.Sprintf("%s (%d): p50 at most %s, p99 at most %s", h.label, n, boundString(p50), boundString(p99)))
		}
	}
	// Every command gets its answer (or 15 s pass), then 2 s more of
	// events.
	awaitAnswers(func() int {
		left := 0
		for _, x := range sessions {
			left += x.trainee.unanswered()
		}
		return left
	})
	time.Sleep(2 * time.Second)
	close(stopRSS)
	rep.ServerPeak = <-peak
	profiles.Wait()
	closedAt := time.Now()
	rep.LoadAfter = loadAverage()

	var late, acks []time.Duration
	for _, x := range sessions {
		for _, s := range []*loadSocket{x.trainee, x.observer} {
			if s == nil {
				continue
			}
			if s.dropped() {
				rep.Dropped++
				t.Logf("socket of session %s (trainee %v) dropped: %v", x.id, s.trainee, s.readErr)
			}
		}
	}
	for _, x := range sessions {
		late = append(late, x.trainee.timed(from, closedAt)...)
		answered, _ := x.trainee.answerTimes(from, to)
		acks = append(acks, answered...)
	}
	parallel(64, len(sessions), func(i int) error {
		sessions[i].trainee.close()
		if o := sessions[i].observer; o != nil {
			o.close()
		}
		return nil
	})
	rep.Lateness, rep.Ack, rep.Timed, rep.Commands = quantilesOf(late), quantilesOf(acks), len(late), len(acks)
	rep.CommandsPerSecond = float64(len(acks)) / cfg.Window.Seconds()
	if n := sendErrs.Load(); n > 0 {
		t.Logf("%d sessions could not send a command", n)
	}
	if srv != nil {
		srv.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-srv.done; err != nil {
			t.Errorf("the server's shutdown: %v", err)
		}
		srv = nil
	}

	// What arrived against what the log holds.
	err = parallel(16, len(sessions), func(i int) error {
		x := sessions[i]
		log, err := db.Events(ctx, x.id, 0)
		if err != nil {
			return err
		}
		start := x.trainee.clockStart()
		lost, gaps, unanswered, rejected, events := checkArrivals(log, x.trainee, start, closedAt)
		if x.observer != nil {
			l, g, _, _, e := checkArrivals(log, x.observer, start, closedAt)
			lost, gaps, events = lost+l, gaps+g, events+e
		}
		smu.Lock()
		rep.Lost, rep.Gaps, rep.Unanswered, rep.Rejected, rep.Events = rep.Lost+lost, rep.Gaps+gaps, rep.Unanswered+unanswered, rep.Rejected+rejected, rep.Events+events
		if lost+gaps+unanswered > 0 && rep.Lost+rep.Gaps+rep.Unanswered-lost-gaps-unanswered == 0 {
			t.Logf("session %s: %d lost, %d gaps, %d unanswered (the first session with any)", x.id, lost, gaps, unanswered)
		}
		smu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatalf("read the logs: %v", err)
	}
	return rep
}

// processCPU is a process's CPU time so far, user and system (0 if
// unknown), from /proc/PID/stat.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces: the fields counted here follow
	// its closing parenthesis. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ, 100 on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// serverFigures are what a server's /metrics says of its store and its
// commands: counters, and histograms (cumulative bucket counts by upper
// bound, in seconds).
type serverFigures struct {
	commits, writes int64
	hist            map[string]map[float64]uint64
}

// windowHistograms are the histograms the report shows, from the server's
// side: the ack (arrival to answer) and the SQLite writer's waits.
var windowHistograms = []struct{ name, label string }{
	{"drillroom_command_ack_seconds", "command arrival to ack"},
	{"drillroom_store_command_wait_seconds", "a command's wait for its commit"},
	{"drillroom_store_clock_wait_seconds", "a clock write's wait for its commit"},
	{"drillroom_store_commit_seconds", "one transaction"},
}

// readServerFigures reads a server's /metrics, as a signed-in trainer may.
func readServerFigures(base, cookie string) (serverFigures, bool) {
	f := serverFigures{hist: map[string]map[float64]uint64{}}
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return f, false
	}
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return f, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return f, false
	}
	var found int
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		name, value, _ := strings.Cut(lines.Text(), " ")
		switch name {
		case "drillroom_store_commits_total":
			f.commits, _ = strconv.ParseInt(value, 10, 64)
			found++
		case "drillroom_store_writes_total":
			f.writes, _ = strconv.ParseInt(value, 10, 64)
			found++
		}
		family, le, ok := strings.Cut(name, `_bucket{le="`)
		if !ok {
			continue
		}
		bound := math.Inf(1)
		if b := strings.TrimSuffix(le, `"}`); b != "+Inf" {
			if bound, err = strconv.ParseFloat(b, 64); err != nil {
				continue
			}
		}
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			continue
		}
		if f.hist[family] == nil {
			f.hist[family] = map[float64]uint64{}
		}
		f.hist[family][bound] = n
	}
	return f, found == 2
}

// bucketQuantile is the upper bound of the bucket holding quantile q of
// what was observed between two readings of a histogram: "at most this".
// It reports false when nothing was observed.
// It reports false, too, when the two readings do not have the same
// buckets or a count went down (the server restarted between them).
func bucketQuantile(before, after map[float64]uint64, q float64) (float64, uint64, bool) {
	bounds := make([]float64, 0, len(after))
	for b, n := range after {
		was, ok := before[b]
		if !ok || n < was {
			return 0, 0, false
		}
		bounds = append(bounds, b)
	}
	slices.Sort(bounds)
	if len(bounds) == 0 || len(before) != len(after) {
		return 0, 0, false
	}
	total := after[bounds[len(bounds)-1]] - before[bounds[len(bounds)-1]]
	if total == 0 {
		return 0, 0, false
	}
	for _, b := range bounds {
		if float64(after[b]-before[b]) >= q*float64(total) {
			return b, total, true
		}
	}
	return bounds[len(bounds)-1], total, true
}

// checkArrivals compares what one socket received with the session's log:
// an event the socket's role may see is lost when the socket never got it
// although it got a later one, or although it was due more than a second
// before the socket was closed.
func checkArrivals(log []simulator.Event, s *loadSocket, start, closedAt time.Time) (lost, gaps, unanswered, rejected, events int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := map[int64]bool{}
	for _, e := range s.events {
		got[e.seq] = true
	}
	for _, e := range log {
		if s.trainee {
			if _, ok := e.ForTrainee(); !ok {
				continue
			}
		}
		if got[e.Seq] {
			continue
		}
		if e.Seq <= s.prev || start.Add(s.virtual(int64(e.T))).Before(closedAt.Add(-time.Second)) {
			lost++
		}
	}
	for id := range s.sent {
		if _, ok := s.answered[id]; !ok {
			unanswered++
		}
	}
	for _, code := range s.rejected {
		if code != "" {
			rejected++
		}
	}
	return lost, s.gaps, unanswered, rejected, len(s.events)
}

// takeProfiles fetches the server's profiles during the window: a CPU
// profile over most of it, then a runtime trace of 5 s, then the heap,
// allocation, goroutine, block and mutex profiles.
func takeProfiles(t *testing.T, debug, dir string, window time.Duration) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("profiles: %v", err)
		return
	}
	fetch := func(name, path string) {
		resp, err := http.Get(debug + path)
		if err != nil {
			t.Errorf("profile %s: %v", name, err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("profile %s: %v", name, err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, resp.Body); err != nil {
			t.Errorf("profile %s: %v", name, err)
		}
	}
	cpu := max(1, int((window-10*time.Second)/time.Second))
	time.Sleep(2 * time.Second)
	fetch("cpu.pprof", fmt.Sprintf("/debug/pprof/profile?seconds=%d", min(cpu, 30)))
	fetch("trace.out", "/debug/pprof/trace?seconds=3")
	for _, p := range []string{"heap", "allocs", "goroutine", "block", "mutex"} {
		fetch(p+".pprof", "/debug/pprof/"+p)
	}
	fetch("goroutine.txt", "/debug/pprof/goroutine?debug=1")
	fetch("memstats.txt", "/debug/pprof/heap?debug=1")
}

// runFloor measures the floor with as many connections as the run has
// sockets, each sending a command-sized message at the drills' rate.
func runFloor(t *testing.T, cfg loadConfig, src *sources, rep *loadReport) {
	ctx := context.Background()
	f := startFloor(t)
	defer f.stop()
	pid := f.cmd.Process.Pid
	rep.Floor = true
	rep.FloorBase = rss(pid)
	n := cfg.Drills + cfg.Drills/5
	conns := make([]*floorConn, n)
	err := parallel(32, n, func(i int) error {
		c, err := dialFloor(ctx, src.dialer(), f.base)
		conns[i] = c
		return err
	})
	if err != nil {
		t.Fatalf("floor: %v", err)
	}
	rep.FloorConns = n
	from := time.Now()
	to := from.Add(cfg.Window)
	stop := make(chan struct{})
	peak := peakRSS(pid, stop)
	period := time.Duration(float64(time.Second) / cfg.Rate)
	body := func(id string) []byte {
		return fmt.Appendf(nil, `{"type":"command","id":%q,"action":{"kind":"say","text":"Please leave the flat and don't touch any switches.","intents":["safety_advice"]}}`, id)
	}
	// The observers' share of the connections only listens, as in the
	// drills.
	pace(cfg.Drills, 20, from, to, period, func(i, k int) error {
		id := fmt.Sprintf("f%d", k)
		return conns[i].send(id, body(id))
	})
	awaitAnswers(func() int {
		left := 0
		for _, c := range conns {
			left += c.unanswered()
		}
		return left
	})
	close(stop)
	rep.FloorPeak = <-peak
	var lat []time.Duration
	for _, c := range conns {
		l, u := c.answerTimes(from, to)
		lat = append(lat, l...)
		rep.FloorUnanswered += u
	}
	rep.FloorAck = quantilesOf(lat)
	parallel(64, n, func(i int) error { conns[i].close(); return nil })
	if errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal("cancelled")
	}
}

// pace has n senders send from from until to, each in its own goroutine:
// sender i sends its k-th message with send(i, k), the first at a phase of
// its own drawn from seed, then one every period; a sender stops at its
// first error. pace returns when every sender has stopped.
func pace(n int, seed uint64, from, to time.Time, period time.Duration, send func(i, k int) error) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), seed))
			next := from.Add(time.Duration(rng.Int64N(int64(period))))
			for k := 0; next.Before(to); k++ {
				time.Sleep(time.Until(next))
				if send(i, k) != nil {
					return
				}
				next = next.Add(period)
			}
		})
	}
	wg.Wait()
}

// awaitAnswers waits until unanswered counts no command without its
// answer, or 15 s pass.
func awaitAnswers(unanswered func() int) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && unanswered() > 0 {
		time.Sleep(100 * time.Millisecond)
	}
}
