package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// replayConfig is the JSON the replay's script reads: the events the
// trainee saw (in their trainee form), every event's seq and time (to find
// the frame of a moment), the cast's names and the presenter's texts.
type replayConfig struct {
	Session  string            `json:"session"`
	EndMs    int64             `json:"end_ms"`
	StartSeq int64             `json:"start_seq"` // the moment to open at (?at=SEQ), 0 for the start
	Visible  []simulator.Event `json:"visible"`
	Times    [][2]int64        `json:"times"` // [seq, t] of every event
	Services []castItem        `json:"services"`
	Teams    []castItem        `json:"teams"`
	Texts    map[string]string `json:"texts"`
	Labels   map[string]string `json:"labels"` // transcript.Labels
	// Notes are the coaches' annotations, each at the moment (event) it
	// is pinned to; the replay shows them when it reaches that moment.
	Notes []replayNote `json:"notes"`
}

// replayNote is an annotation as the replay shows it.
type replayNote struct {
	Seq   int64  `json:"seq"`
	T     int64  `json:"t"` // its event's virtual time
	Label string `json:"label"`
	Text  string `json:"text"`
	By    string `json:"by"`
}

type replayPage struct {
	SessionID string
	Title     string
	Trainee   string
	Mode      drillroom.Mode
	Live      bool
	Config    replayConfig
}

// replay plays a session back for a coach (training.Service.Replay): the
// three panes as the trainee saw them, the hidden state beside them, at
// 1x to 16x or at any moment (?at=SEQ opens at an event, as the
// scorecard's evidence links do).
func (u *ui) replay(w http.ResponseWriter, r *http.Request) {
	x, user, ok := u.pageSession(w, r)
	if !ok {
		return
	}
	sc, events, err := u.svc.Replay(r.Context(), user, x)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := replayPage{SessionID: x.ID, Title: sc.Title, Trainee: u.displayName(r.Context(), x.UserID), Mode: x.Mode, Live: x.State == drillroom.StateLive}
	cfg := replayConfig{Session: x.ID, Texts: transcript.Texts, Labels: transcript.Labels(sc), Visible: []simulator.Event{}, Notes: []replayNote{}}
	cfg.Services, cfg.Teams = castItems(sc)
	for _, ev := range events {
		cfg.Times = append(cfg.Times, [2]int64{ev.Seq, ev.T})
		cfg.EndMs = max(cfg.EndMs, ev.T)
		if v, ok := ev.ForTrainee(); ok {
			cfg.Visible = append(cfg.Visible, v)
		}
	}
	c, err := u.svc.Coaching(r.Context(), x, nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	at := map[int64]int64{}
	for _, t := range cfg.Times {
		at[t[0]] = t[1]
	}
	for _, n := range c.Notes {
		if t, ok := at[n.Seq]; ok && n.Seq > 0 {
			cfg.Notes = append(cfg.Notes, replayNote{Seq: n.Seq, T: t, Label: noteLabels[n.Kind], Text: n.Text, By: n.By})
		}
	}
	if at, err := strconv.ParseInt(r.URL.Query().Get("at"), 10, 64); err == nil && at > 0 {
		cfg.StartSeq = at
	}
	p.Config = cfg
	render(w, r, u.log, http.StatusOK, "replay", view{Title: "Replay: " + sc.Title, BodyClass: "replay-page", Data: p})
}

// replayFrame answers the replay's script with the session at one event
// (training.Service.ReplayFrame), as JSON.
func (u *ui) replayFrame(w http.ResponseWriter, r *http.Request) {
	writeErr := func(err error) {
		status, msg := statusFor(err)
		if status >= 500 {
			u.log.Error("replay frame", "path", r.URL.Path, "err", err)
		}
		if msg == "" {
			msg = http.StatusText(status)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	user, ok := userFrom(r.Context())
	if !ok {
		writeErr(drillroom.ErrUnauthorized)
		return
	}
	x, err := u.svc.Session(r.Context(), user, chi.URLParam(r, "id"))
	if err != nil {
		writeErr(err)
		return
	}
	seq, err := strconv.ParseInt(r.URL.Query().Get("seq"), 10, 64)
	if err != nil {
		writeErr(drillroom.Errorf(drillroom.CodeInvalid, "seq must be an event number"))
		return
	}
	f, err := u.svc.ReplayFrame(r.Context(), user, x, seq)
	if err != nil {
		writeErr(err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(f)
}
