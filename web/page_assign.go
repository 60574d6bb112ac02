package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The assignment pages: a trainer assigns a drill to one of their cohorts
// or to a trainee, and sees each assignment's completion per trainee.
// training.Assigning decides who may assign what to whom.

func init() {
	notices["assigned"] = "The drill is assigned."
	notices["withdrawn"] = "The assignment is withdrawn. The sessions played for it are kept."
}

type assignForm struct {
	Drill, Version, Target, Mode, Due, Attempts string
}

type assignmentRow struct {
	training.AssignmentProgress
	Title    string
	To       string
	Due      string
	Assigner string
}

type assignPage struct {
	Drills      []drillroom.ScenarioVersion
	Cohorts     []drillroom.Cohort
	Trainees    []drillroom.User
	Form        assignForm
	Assignments []assignmentRow
}

// assignments lists the assignments the trainer sees, with the form to
// make one.
func (u *ui) assignments(w http.ResponseWriter, r *http.Request) {
	u.renderAssignments(w, r, assignForm{Mode: string(drillroom.ModeAssessment)}, nil)
}

func (u *ui) renderAssignments(w http.ResponseWriter, r *http.Request, form assignForm, problem error) {
	ctx, a := r.Context(), actorOf(r)
	page := assignPage{Form: form}
	var err error
	if page.Drills, err = u.authoring.Catalogue(ctx, a); err != nil {
		u.fail(w, r, err)
		return
	}
	if page.Cohorts, err = u.accounts.Cohorts(ctx, a); err != nil {
		u.fail(w, r, err)
		return
	}
	if page.Trainees, err = u.svc.Trainees(ctx, a.User); err != nil {
		u.fail(w, r, err)
		return
	}
	ps, err := u.assigning.List(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	titles := map[string]string{}
	for _, d := range page.Drills {
		titles[d.ScenarioID] = d.Title
	}
	for _, p := range ps {
		page.Assignments = append(page.Assignments, u.assignmentRow(r, p, titles))
	}
	status, flash := http.StatusOK, ""
	if problem != nil {
		status, flash = statusFor(problem)
	}
	render(w, r, u.log, status, "assign", view{Title: "Assignments", Flash: flash, Notice: noticeFor(r), Data: page})
}

func (u *ui) assignmentRow(r *http.Request, p training.AssignmentProgress, titles map[string]string) assignmentRow {
	row := assignmentRow{AssignmentProgress: p, Title: titles[p.ScenarioID], Assigner: u.displayName(r.Context(), p.AssignedBy)}
	if row.Title == "" {
		row.Title = p.ScenarioID
	}
	if p.CohortID != 0 {
		row.To = "cohort " + p.CohortName
	} else if len(p.Trainees) == 1 {
		row.To = p.Trainees[0].DisplayName
	}
	if !p.DueAt.IsZero() {
		row.Due = formatTime(p.DueAt)
	}
	return row
}

// parseAssignForm reads the assignment form into an assignment.
func parseAssignForm(r *http.Request) (assignForm, drillroom.Assignment, error) {
	f := assignForm{Drill: r.PostForm.Get("drill"), Version: strings.TrimSpace(r.PostForm.Get("version")), Target: r.PostForm.Get("target"),
		Mode: r.PostForm.Get("mode"), Due: strings.TrimSpace(r.PostForm.Get("due")), Attempts: strings.TrimSpace(r.PostForm.Get("attempts"))}
	a := drillroom.Assignment{ScenarioID: f.Drill, Mode: drillroom.Mode(f.Mode)}
	if f.Drill == "" {
		return f, a, invalid("Choose a drill.")
	}
	if f.Version != "" && f.Version != "latest" {
		v, err := strconv.Atoi(f.Version)
		if err != nil || v <= 0 {
			return f, a, invalid("The version is a number, or empty for the latest.")
		}
		a.Version = v
	}
	kind, id, _ := strings.Cut(f.Target, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	switch {
	case err != nil:
		return f, a, invalid("Choose a cohort or a trainee.")
	case kind == "cohort":
		a.CohortID = n
	case kind == "user":
		a.UserID = n
	default:
		return f, a, invalid("Choose a cohort or a trainee.")
	}
	if f.Due != "" {
		d, err := time.Parse("2006-01-02", f.Due)
		if err != nil {
			return f, a, invalid("The due date is a date such as 2026-03-31.")
		}
		a.DueAt = d.Add(24*time.Hour - time.Minute) // the end of that day, UTC
	}
	if f.Attempts != "" {
		n, err := strconv.Atoi(f.Attempts)
		if err != nil || n <= 0 {
			return f, a, invalid("The number of attempts is a whole number, or empty for any number.")
		}
		a.Attempts = n
	}
	return f, a, nil
}

// assign makes an assignment.
func (u *ui) assign(w http.ResponseWriter, r *http.Request) {
	f, a, err := parseAssignForm(r)
	if err == nil {
		_, err = u.assigning.Assign(r.Context(), actorOf(r), a)
	}
	if err != nil {
		switch drillroom.ErrorCode(err) {
		case drillroom.CodeInvalid, drillroom.CodeConflict:
			u.renderAssignments(w, r, f, err)
		default:
			u.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/assignments?done=assigned", http.StatusSeeOther)
}

// assignment shows one assignment's completion, trainee by trainee.
func (u *ui) assignment(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	p, err := u.assigning.Progress(ctx, a, pathID(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	titles := map[string]string{}
	if v, err := u.store.LatestScenarioVersion(ctx, p.ScenarioID); err == nil {
		titles[p.ScenarioID] = v.Title
	}
	row := u.assignmentRow(r, p, titles)
	render(w, r, u.log, http.StatusOK, "assignment", view{Title: fmt.Sprintf("Assignment: %s", row.Title), Data: row})
}

// withdrawAssignment deletes an assignment.
func (u *ui) withdrawAssignment(w http.ResponseWriter, r *http.Request) {
	if err := u.assigning.Withdraw(r.Context(), actorOf(r), pathID(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/assignments?done=withdrawn", http.StatusSeeOther)
}

// dueRow is one of the user's assignments on their home page.
type dueRow struct {
	Title, ScenarioID string
	Mode              drillroom.Mode
	Due               string
	State             string
	Attempts          int
	AttemptsUsed      int
}

// due lists the assignments trainers gave user, for their home page.
func (u *ui) due(ctx context.Context, user drillroom.User) ([]dueRow, error) {
	ds, err := u.svc.Due(ctx, user)
	if err != nil {
		return nil, err
	}
	var rows []dueRow
	for _, d := range ds {
		rows = append(rows, dueRow{Title: d.Title, ScenarioID: d.ScenarioID, Mode: d.Mode, Due: formatTime(d.DueAt), State: d.State,
			Attempts: d.Attempts, AttemptsUsed: d.AttemptsUsed})
	}
	return rows, nil
}
