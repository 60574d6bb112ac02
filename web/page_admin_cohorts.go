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
	status, flash := http.StatusOK, ""
	if problem != nil {
		status, flash = statusFor(problem)
	}
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
	id, err := parseID(r, "id")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	c, members, err := u.accounts.Cohort(r.Context(), actorOf(r), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := cohortPage{Cohort: c, Admin: true, Username: username}
	page.Trainees, page.Staff = splitMembers(members)
	csrf := csrfFrom(r.Context())
	page.Groups = []memberGroup{{"trainees-h", "Trainees", page.Trainees, csrf, c.ID}, {"staff-h", "Trainers and coaches", page.Staff, csrf, c.ID}}
	status, flash := http.StatusOK, ""
	if problem != nil {
		status, flash = statusFor(problem)
	}
	render(w, r, u.log, status, "admin_cohort", view{Title: "Cohort " + c.Name, Flash: flash, Notice: noticeFor(r), Data: page})
}

// updateCohort renames a cohort or changes its description.
func (u *ui) updateCohort(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(r, "id")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	name, descr, err := checkCohortForm(r)
	if err == nil {
		_, err = u.accounts.UpdateCohort(r.Context(), actorOf(r), id, name, descr)
	}
	if err != nil {
		if refusedInput(err) {
			u.renderCohort(w, r, "", err)
			return
		}
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=cohort-saved", id), http.StatusSeeOther)
}

// addMember puts the user with the given username in the cohort.
func (u *ui) addMember(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(r, "id")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	switch {
	case username == "":
		err = invalid("Type the username of the person to add.")
	case len(username) > maxUsernameBytes:
		err = invalid("A username has at most %d bytes.", maxUsernameBytes)
	default:
		err = u.accounts.AddMember(r.Context(), actorOf(r), id, username)
	}
	if err != nil {
		if refusedInput(err) {
			u.renderCohort(w, r, username, err)
			return
		}
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cohorts/%d?done=member-added", id), http.StatusSeeOther)
}

// removeMember takes a user out of the cohort.
func (u *ui) removeMember(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(r, "id")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	userID, err := parseID(r, "user")
	if err != nil {
		u.fail(w, r, err)
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
	id, err := parseID(r, "id")
	if err != nil {
		u.fail(w, r, err)
		return
	}
	a := actorOf(r)
	c, members, err := u.accounts.Cohort(r.Context(), a, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := cohortPage{Cohort: c, Admin: a.Admin}
	page.Trainees, page.Staff = splitMembers(members)
	render(w, r, u.log, http.StatusOK, "cohort", view{Title: "Cohort " + c.Name, Data: page})
}
