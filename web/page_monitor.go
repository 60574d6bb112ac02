package web

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/transcript"
)

// The live monitor: a board of the live sessions in the trainer's cohorts
// (every cohort for an administrator), each followed over its own socket
// (static/monitor.js), and the observer page of one session with the
// trainer controls. The socket's rules (training.ActorFor) make a trainer
// an observer of a trainee's call: trainer controls only, recorded as the
// trainer.

// monitorLimit caps the live sessions on the board. The board follows
// each on its own socket, so a trainer may hold that many sockets beyond
// the per-user quota (socket.go, track); it stays under the per-address
// cap of connections (DefaultMaxConnsPerAddr).
const monitorLimit = 200

// liveRow is one live session on the board.
type liveRow struct {
	ID      string         `json:"id"`
	Trainee string         `json:"trainee"`
	Title   string         `json:"title"`
	Mode    drillroom.Mode `json:"mode"`
	Started string         `json:"started"`
}

// liveSessions lists the live sessions of the trainees the signed-in user
// sees; it returns the user too.
func (u *ui) liveSessions(r *http.Request) ([]liveRow, drillroom.User, error) {
	ctx := r.Context()
	user, _ := userFrom(ctx)
	xs, names, err := u.svc.TraineeSessions(ctx, user, monitorLimit)
	if err != nil {
		return nil, user, err
	}
	titles := map[string]string{}
	rows := []liveRow{}
	for _, x := range xs {
		if x.State != drillroom.StateLive {
			continue
		}
		key := fmt.Sprintf("%s@%d", x.ScenarioID, x.Version)
		if _, ok := titles[key]; !ok {
			titles[key] = x.ScenarioID
			if v, err := u.store.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
				titles[key] = v.Title
			}
		}
		rows = append(rows, liveRow{ID: x.ID, Trainee: names[x.UserID], Title: titles[key], Mode: x.Mode, Started: formatTime(x.CreatedAt)})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Trainee < rows[j].Trainee })
	return rows, user, nil
}

type monitorPage struct {
	Sessions []liveRow
	Cohorts  []drillroom.Cohort
	Drills   []drillroom.ScenarioVersion
}

// monitor is the board of live sessions.
func (u *ui) monitor(w http.ResponseWriter, r *http.Request) {
	rows, _, err := u.liveSessions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := monitorPage{Sessions: rows}
	if page.Cohorts, err = u.accounts.Cohorts(r.Context(), actorOf(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	if page.Drills, err = u.authoring.Catalogue(r.Context(), actorOf(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	render(w, r, u.log, http.StatusOK, "monitor", view{Title: "Live monitor", BodyClass: "monitor-page", Notice: noticeFor(r), Data: page})
}

// monitorSessions is the board's list as JSON, which the board reloads to
// find sessions that started or ended since.
func (u *ui) monitorSessions(w http.ResponseWriter, r *http.Request) {
	rows, _, err := u.liveSessions(r)
	if err != nil {
		u.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": rows})
}

// observerConfig is what the observer page's script reads: the trainer's
// view of the session (the cast, the variables and the script's ids for
// the controls) and the presenter's texts.
type observerConfig struct {
	Session string            `json:"session"`
	Trainee string            `json:"trainee"`
	Title   string            `json:"title"`
	Mode    drillroom.Mode    `json:"mode"`
	Ended   bool              `json:"ended"`
	Cast    []castItem        `json:"cast"`
	Vars    []string          `json:"vars"`
	Lines   []string          `json:"lines"` // beat and reaction ids, for a scripted injection
	Texts   map[string]string `json:"texts"`
	Labels  map[string]string `json:"labels"` // transcript.Labels
}

type observerPage struct {
	Config   observerConfig
	Controls bool // the user may steer (a trainer or an administrator)
}

// observe is the observer page of one session: its whole history, live,
// and the trainer controls.
func (u *ui) observe(w http.ResponseWriter, r *http.Request) {
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	sc, err := u.svc.Scenario(r.Context(), x)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cfg := observerConfig{Session: x.ID, Trainee: u.displayName(r.Context(), x.UserID), Title: sc.Title, Mode: x.Mode,
		Ended: x.State == drillroom.StateEnded, Texts: transcript.Texts, Labels: transcript.Labels(sc), Vars: []string{}, Lines: []string{}}
	cfg.Cast = append(cfg.Cast, castItem{ID: "customer", Name: "Customer", Kind: "customer"})
	for _, id := range sortedKeysOf(sc.Cast.Services) {
		cfg.Cast = append(cfg.Cast, castItem{ID: id, Name: sc.Cast.Services[id].Name, Kind: sc.Cast.Services[id].Kind})
	}
	for _, id := range sortedKeysOf(sc.Cast.Teams) {
		cfg.Cast = append(cfg.Cast, castItem{ID: id, Name: sc.Cast.Teams[id].Name, Kind: sc.Cast.Teams[id].Kind})
	}
	cfg.Vars = append(cfg.Vars, sortedKeysOf(sc.Vars)...)
	for _, b := range sc.Timeline {
		cfg.Lines = append(cfg.Lines, b.ID)
	}
	for _, re := range sc.Reactions {
		cfg.Lines = append(cfg.Lines, re.ID)
	}
	render(w, r, u.log, http.StatusOK, "observe", view{Title: "Observing " + cfg.Trainee, BodyClass: "observe-page",
		Data: observerPage{Config: cfg, Controls: user.Role == drillroom.RoleTrainer}})
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
