package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/runner"
	"github.com/drillroom/drillroom/simulator"
)

func init() {
	notices["class-started"] = "The class drill is started: every trainee of the cohort has their session, on the board below."
	notices["paused-all"] = "Every live session on the board is paused."
}

// startClass starts a drill for every trainee of a cohort (a class drill).
func (u *ui) startClass(w http.ResponseWriter, r *http.Request) {
	user, _ := userFrom(r.Context())
	id, err := strconv.ParseInt(r.PostForm.Get("cohort"), 10, 64)
	if err != nil {
		u.fail(w, r, invalid("Choose a cohort."))
		return
	}
	var seed int64
	if s := r.PostForm.Get("seed"); s != "" {
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil || seed <= 0 {
			u.fail(w, r, invalid("The seed is a whole number above 0, or empty for one each."))
			return
		}
	}
	_, members, err := u.accounts.Cohort(r.Context(), actorOf(r), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var trainees []drillroom.User
	for _, m := range members {
		if m.Role == drillroom.RoleTrainee && !m.Disabled {
			trainees = append(trainees, m)
		}
	}
	if _, err := u.svc.StartClass(r.Context(), user, trainees, r.PostForm.Get("drill"), drillroom.Mode(r.PostForm.Get("mode")), seed); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/monitor?done=class-started", http.StatusSeeOther)
}

// pauseAll pauses every live session on the user's board, each recorded
// as the trainer's pause.
func (u *ui) pauseAll(w http.ResponseWriter, r *http.Request) {
	rows, user, err := u.liveSessions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var b [6]byte
	rand.Read(b[:])
	batch := "pause-all-" + hex.EncodeToString(b[:])
	var elsewhere []string
	for _, row := range rows {
		x, err := u.svc.Session(r.Context(), user, row.ID)
		if err != nil {
			continue // ended or gone meanwhile
		}
		_, err = u.svc.Act(r.Context(), user, x, batch, simulator.Action{Kind: simulator.ActPause})
		if errors.Is(err, runner.ErrElsewhere) {
			elsewhere = append(elsewhere, x.ID)
			continue
		}
		if err != nil {
			u.log.Warn("pause all: session not paused", "session", x.ID, "err", err)
		}
	}
	// With several nodes, each node that hosts some of the board's sessions
	// pauses them itself, as this trainer.
	if len(elsewhere) > 0 {
		if failed := u.relayEach(r, elsewhere); failed > 0 {
			u.log.Warn("pause all: nodes not reached", "nodes", failed)
		}
	}
	http.Redirect(w, r, "/monitor?done=paused-all", http.StatusSeeOther)
}

// consoleForStaff sends a trainer who opens a trainee's console to the
// observer page: they never get the trainee's controls (issue 16).
func consoleForStaff(w http.ResponseWriter, r *http.Request, user drillroom.User, x drillroom.Session) bool {
	if user.Role == drillroom.RoleTrainer && user.ID != x.UserID {
		http.Redirect(w, r, fmt.Sprintf("/monitor/sessions/%s", x.ID), http.StatusSeeOther)
		return true
	}
	return false
}
