package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/drillroom/drillroom"
)

// The administrator's pages for cohorts: the list with the form to create
// one, and one cohort's page (rename and describe it, add members by
// username, remove them); and the read-only page of a cohort at
// /cohorts/{id} for its members.

type cohortsPage struct {
	Cohorts     []drillroom.Cohort
	Name, Descr string // the create form, shown again after a refusal
}

// adminCohorts lists every cohort with its trainee and staff counts.
func (u *ui) adminCohorts(w http.ResponseWriter, r *http.Request) {
	u.renderCohorts(w, r, cohortsPage{}, nil)
}

func (u *ui) renderCohorts(w http.ResponseWriter, r *http.Request, page cohortsPage, problem error) {
	cohorts, err := u.accounts.Cohorts(r.Context(), actorOf(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page.Cohorts = cohorts
	status, flash := refusalFor(problem)
	render(w, r, u.log, status, "admin_cohorts", view{Title: "Cohorts", Flash: flash, Notice: noticeFor(r), Data: page})
}

// checkCohortForm reads and checks a cohort's name and description.
func checkCohortForm(r *http.Request) (name, descr string, err error) {
	name = strings.TrimSpace(r.PostForm.Get("name"))
	descr = strings.TrimSpace(r.PostForm.Get("description"))
	switch {
	case name == "":
		err = invalid("Give the cohort a name.")
	case utf8.RuneCountInString(name) > maxCohortName:
		err = invalid("A cohort name has at most %d characters.", maxCohortName)
	case utf8.RuneCountInString(descr) > maxCohortDesc:
		err = invalid("A description has at most %d characters.", maxCohortDesc)
	}
	return name, descr, err
}

// createCohort creates a cohort and opens its page.
func (u *ui) createCohort(w http.ResponseWriter, r *http.Request) {
	name, descr, err := checkCohortForm(r)
	if err == nil {
		var c drillroom.Cohort
		if c, err = u.accounts.CreateCohort(r.Context(), actorOf(r), name, descr); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=cohort-created", c.ID), http.StatusSeeOther)
			return
		}
	}
	if !refusedInput(err) {
		u.fail(w, r, err)
		return
	}
	u.renderCohorts(w, r, cohortsPage{Name: name, Descr: descr}, err)
}

type cohortPage struct {
	Cohort   drillroom.Cohort
	Trainees []drillroom.User
	Staff    []drillroom.User
	Admin    bool // the reader may change the cohort
	Username string
	Groups   []memberGroup // the administrator's page: the members with their remove buttons
}

// memberGroup is one table of a cohort's members on the administrator's
// page.
type memberGroup struct {
	ID, Title string
	Users     []drillroom.User
	CSRF      string
	Cohort    int64
}

func splitMembers(ms []drillroom.User) (trainees, staff []drillroom.User) {
	for _, m := range ms {
		if m.Role == drillroom.RoleTrainee {
			trainees = append(trainees, m)
		} else {
			staff = append(staff, m)
		}
	}
	return trainees, staff
}

// adminCohort shows one cohort with its forms.
func (u *ui) adminCohort(w http.ResponseWriter, r *http.Request) {
	u.renderCohort(w, r, "", nil)
}

func (u *ui) renderCohort(w http.ResponseWriter, r *http.Request, username string, problem error) {
	page, ok := u.pageCohort(w, r)
	if !ok {
		return
	}
	c := page.Cohort
	page.Admin, page.Username = true, username
	csrf := csrfFrom(r.Context())
	page.Groups = []memberGroup{{"trainees-h", "Trainees", page.Trainees, csrf, c.ID}, {"staff-h", "Trainers and coaches", page.Staff, csrf, c.ID}}
	status, flash := refusalFor(problem)
	render(w, r, u.log, status, "admin_cohort", view{Title: "Cohort " + c.Name, Flash: flash, Notice: noticeFor(r), Data: page})
}

// updateCohort renames a cohort or changes its description.
func (u *ui) updateCohort(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	name, descr, err := checkCohortForm(r)
	if err == nil {
		_, err = u.accounts.UpdateCohort(r.Context(), actorOf(r), id, name, descr)
	}
	if err != nil {
		u.cohortRefused(w, r, "", err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=cohort-saved", id), http.StatusSeeOther)
}

// cohortRefused shows a refused change on the cohort's page (with the
// username typed, if any), or the error page when it is not about the
// input.
func (u *ui) cohortRefused(w http.ResponseWriter, r *http.Request, username string, err error) {
	if refusedInput(err) {
		u.renderCohort(w, r, username, err)
		return
	}
	u.fail(w, r, err)
}

// addMember puts the user with the given username in the cohort.
func (u *ui) addMember(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	var err error
	switch {
	case username == "":
		err = invalid("Type the username of the person to add.")
	case len(username) > maxUsernameBytes:
		err = invalid("A username has at most %d bytes.", maxUsernameBytes)
	default:
		err = u.accounts.AddMember(r.Context(), actorOf(r), id, username)
	}
	if err != nil {
		u.cohortRefused(w, r, username, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=member-added", id), http.StatusSeeOther)
}

// removeMember takes a user out of the cohort.
func (u *ui) removeMember(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	userID, ok := u.pageID(w, r, "user")
	if !ok {
		return
	}
	if err := u.accounts.RemoveMember(r.Context(), actorOf(r), id, userID); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=member-removed", id), http.StatusSeeOther)
}

// cohort is the read-only page of a cohort, for its trainers and coaches and
// for administrators (training.Accounts.Cohort's rule: anyone else, trainees
// included, gets 404).
func (u *ui) cohort(w http.ResponseWriter, r *http.Request) {
	page, ok := u.pageCohort(w, r)
	if !ok {
		return
	}
	page.Admin = actorOf(r).Admin
	render(w, r, u.log, http.StatusOK, "cohort", view{Title: "Cohort " + page.Cohort.Name, Data: page})
}

// pageCohort loads the cohort of the URL ({id}) with its members, for its
// pages; when it cannot be shown it answers with the failure page and
// returns ok false.
func (u *ui) pageCohort(w http.ResponseWriter, r *http.Request) (page cohortPage, ok bool) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return page, false
	}
	c, members, err := u.accounts.Cohort(r.Context(), actorOf(r), id)
	if err != nil {
		u.fail(w, r, err)
		return page, false
	}
	page = cohortPage{Cohort: c}
	page.Trainees, page.Staff = splitMembers(members)
	return page, true
}
