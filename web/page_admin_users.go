package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/training"
)

// The administrator's pages for accounts: the list with its filters and the
// form to create one, and one account's page (edit, disable or enable,
// reset the password). Every action is a use case of training.Accounts,
// which refuses non-administrators and writes the audit log; adminOnly
// refuses them before a page is even built.

// adminOnly lets administrators through; everyone else gets the 403 page of
// training's refusal.
func (u *ui) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, ok := userFrom(r.Context()); !ok || !user.Admin {
			u.fail(w, r, fmt.Errorf("%s %s by %s: %w", r.Method, r.URL.Path, user.Username,
				drillroom.Errorf(drillroom.CodeForbidden, "Only an administrator may do this.")))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Input limits of the account forms (the store checks them again).
const (
	maxUsernameBytes  = 64
	maxDisplayName    = 100
	maxCohortName     = 80
	maxCohortDesc     = 500
	maxCohortsPerUser = 50
	maxFilterText     = 100
	maxUsersListed    = 500 // rows of the account list; narrow the filter for more
)

var roles = []drillroom.Role{drillroom.RoleTrainee, drillroom.RoleTrainer, drillroom.RoleCoach}

// cohortLink names a cohort on a page.
type cohortLink struct {
	ID   int64
	Name string
}

type userRow struct {
	drillroom.User
	Cohorts []cohortLink
}

// userFilter is the account list's filter, from the query string.
type userFilter struct {
	Role   drillroom.Role
	Cohort int64
	Text   string
}

// newUserForm is the create form's values, shown again after a refusal.
type newUserForm struct {
	Username, Name string
	Role           drillroom.Role
	Admin          bool
	Cohorts        map[string]bool // chosen existing cohorts, by name
	NewCohorts     string          // other cohorts, separated by ";"
}

type usersPage struct {
	Rows    []userRow
	Matched int // rows that match the filter; at most maxUsersListed are shown
	Limit   int
	Filter  userFilter
	Cohorts []drillroom.Cohort
	Roles   []drillroom.Role
	Form    newUserForm
}

// parseID reads a numeric id from the path; anything else is not found.
func parseID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, chi.URLParam(r, name), drillroom.ErrNotFound)
	}
	return id, nil
}

// pageID is parseID for a page: when the id is malformed it answers with
// the not-found page and returns ok false.
func (u *ui) pageID(w http.ResponseWriter, r *http.Request, name string) (id int64, ok bool) {
	id, err := parseID(r, name)
	if err != nil {
		u.fail(w, r, err)
		return 0, false
	}
	return id, true
}

func invalid(format string, args ...any) error {
	return drillroom.Errorf(drillroom.CodeInvalid, format, args...)
}

// parseUserFilter reads the account list's filter.
func parseUserFilter(r *http.Request) (userFilter, error) {
	q := r.URL.Query()
	f := userFilter{Role: drillroom.Role(q.Get("role")), Text: strings.TrimSpace(q.Get("q"))}
	if f.Role != "" && !f.Role.Valid() {
		return userFilter{}, invalid("Role %q: choose trainee, trainer or coach.", q.Get("role"))
	}
	if c := q.Get("cohort"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			return userFilter{}, invalid("Cohort %q: choose a cohort from the list.", c)
		}
		f.Cohort = id
	}
	if utf8.RuneCountInString(f.Text) > maxFilterText {
		return userFilter{}, invalid("The search text has more than %d characters.", maxFilterText)
	}
	return f, nil
}

// memberships maps each user to their cohorts, with one query per cohort.
func (u *ui) memberships(ctx context.Context, a training.Actor) ([]drillroom.Cohort, map[int64][]cohortLink, error) {
	cohorts, err := u.accounts.Cohorts(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	of := map[int64][]cohortLink{}
	for _, c := range cohorts {
		_, members, err := u.accounts.Cohort(ctx, a, c.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range members {
			of[m.ID] = append(of[m.ID], cohortLink{c.ID, c.Name})
		}
	}
	return cohorts, of, nil
}

// adminUsers lists the accounts that match the filter, with the create form.
func (u *ui) adminUsers(w http.ResponseWriter, r *http.Request) {
	f, err := parseUserFilter(r)
	if err != nil {
		u.renderUsers(w, r, userFilter{}, newUserForm{Role: drillroom.RoleTrainee}, err)
		return
	}
	u.renderUsers(w, r, f, newUserForm{Role: drillroom.RoleTrainee}, nil)
}

// renderUsers shows the account list; a refusal (problem) is shown above it
// with its status.
func (u *ui) renderUsers(w http.ResponseWriter, r *http.Request, f userFilter, form newUserForm, problem error) {
	ctx, a := r.Context(), actorOf(r)
	users, err := u.accounts.Users(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cohorts, of, err := u.memberships(ctx, a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	page := usersPage{Limit: maxUsersListed, Filter: f, Cohorts: cohorts, Roles: roles, Form: form}
	text := strings.ToLower(f.Text)
	for _, usr := range users {
		if f.Role != "" && usr.Role != f.Role {
			continue
		}
		if f.Cohort != 0 && !inCohort(of[usr.ID], f.Cohort) {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(usr.Username), text) && !strings.Contains(strings.ToLower(usr.DisplayName), text) {
			continue
		}
		page.Matched++
		if len(page.Rows) < maxUsersListed {
			page.Rows = append(page.Rows, userRow{User: usr, Cohorts: of[usr.ID]})
		}
	}
	status, flash := refusalFor(problem)
	render(w, r, u.log, status, "admin_users", view{Title: "Accounts", Flash: flash, Notice: noticeFor(r), Data: page})
}

func inCohort(cs []cohortLink, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// passwordShown is what the page that shows a generated password, once,
// receives.
type passwordShown struct {
	User     drillroom.User
	Password string
	Created  bool // a new account, else a reset
}

// createUser creates an account with a generated password that it shows
// once; the user must change it at their first sign-in.
func (u *ui) createUser(w http.ResponseWriter, r *http.Request) {
	pf := r.PostForm
	form := newUserForm{Username: strings.TrimSpace(pf.Get("username")), Name: strings.TrimSpace(pf.Get("name")),
		Role: drillroom.Role(pf.Get("role")), Admin: pf.Get("admin") == "1", Cohorts: map[string]bool{},
		NewCohorts: strings.TrimSpace(pf.Get("newcohorts"))}
	var cohorts []string
	seen := map[string]bool{}
	add := func(name string) {
		if name = strings.TrimSpace(name); name != "" && !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			cohorts = append(cohorts, name)
		}
	}
	for _, c := range pf["cohort"] {
		form.Cohorts[c] = true
		add(c)
	}
	for _, c := range strings.Split(form.NewCohorts, ";") {
		add(c)
	}
	var problem error
	switch {
	case form.Username == "":
		problem = invalid("Give the account a username.")
	case len(form.Username) > maxUsernameBytes:
		problem = invalid("A username has at most %d bytes.", maxUsernameBytes)
	case !form.Role.Valid():
		problem = invalid("Choose a role: trainee, trainer or coach.")
	case utf8.RuneCountInString(form.Name) > maxDisplayName:
		problem = invalid("A name has at most %d characters.", maxDisplayName)
	case len(cohorts) > maxCohortsPerUser:
		problem = invalid("Choose at most %d cohorts.", maxCohortsPerUser)
	}
	for _, c := range cohorts {
		if problem == nil && utf8.RuneCountInString(c) > maxCohortName {
			problem = invalid("Cohort %q: a cohort name has at most %d characters.", c, maxCohortName)
		}
	}
	if problem != nil {
		u.renderUsers(w, r, userFilter{}, form, problem)
		return
	}
	made, password, err := u.accounts.CreateUser(r.Context(), actorOf(r), drillroom.NewUser{Username: form.Username,
		DisplayName: form.Name, Role: form.Role, Admin: form.Admin, MustChangePassword: true, Cohorts: cohorts})
	if err != nil {
		if refusedInput(err) {
			u.renderUsers(w, r, userFilter{}, form, err)
			return
		}
		u.fail(w, r, err)
		return
	}
	render(w, r, u.log, http.StatusOK, "admin_password", view{Title: "Account created",
		Data: passwordShown{User: made, Password: password, Created: true}})
}

// refusalFor is the status and message of a page shown again with a
// refusal (problem) above its form: 200 and none when there is no problem.
func refusalFor(problem error) (int, string) {
	if problem == nil {
		return http.StatusOK, ""
	}
	return statusFor(problem)
}

// refusedInput reports whether err is about what the form said (shown on
// the form again) rather than about access or the server.
func refusedInput(err error) bool {
	switch drillroom.ErrorCode(err) {
	case drillroom.CodeInvalid, drillroom.CodeConflict:
		return true
	}
	return false
}

type userPage struct {
	User    drillroom.User
	Cohorts []drillroom.Cohort
	Roles   []drillroom.Role
	Self    bool // the administrator's own account
}

// adminUser shows one account: its details form, its status, the password
// reset and its cohorts.
func (u *ui) adminUser(w http.ResponseWriter, r *http.Request) {
	u.renderUser(w, r, nil)
}

func (u *ui) renderUser(w http.ResponseWriter, r *http.Request, problem error) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	a := actorOf(r)
	usr, cohorts, err := u.accounts.User(r.Context(), a, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	status, flash := refusalFor(problem)
	render(w, r, u.log, status, "admin_user", view{Title: "Account " + usr.Username, Flash: flash, Notice: noticeFor(r),
		Data: userPage{User: usr, Cohorts: cohorts, Roles: roles, Self: usr.ID == a.ID}})
}

// updateUser changes an account's name, role and administrator flag.
func (u *ui) updateUser(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	role := drillroom.Role(r.PostForm.Get("role"))
	switch {
	case name == "":
		u.renderUser(w, r, invalid("Give the account a name."))
		return
	case utf8.RuneCountInString(name) > maxDisplayName:
		u.renderUser(w, r, invalid("A name has at most %d characters.", maxDisplayName))
		return
	case !role.Valid():
		u.renderUser(w, r, invalid("Choose a role: trainee, trainer or coach."))
		return
	}
	if _, err := u.accounts.UpdateUser(r.Context(), actorOf(r), id, name, role, r.PostForm.Get("admin") == "1"); err != nil {
		u.userRefused(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=saved", id), http.StatusSeeOther)
}

// userRefused shows a refused change on the account's page, or the error
// page when it is not about the input.
func (u *ui) userRefused(w http.ResponseWriter, r *http.Request, err error) {
	if refusedInput(err) {
		u.renderUser(w, r, err)
		return
	}
	u.fail(w, r, err)
}

// setDisabled returns the handler that disables (true) or enables an
// account.
func (u *ui) setDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := u.pageID(w, r, "id")
		if !ok {
			return
		}
		if _, err := u.accounts.SetDisabled(r.Context(), actorOf(r), id, disabled); err != nil {
			u.userRefused(w, r, err)
			return
		}
		if disabled && u.onUserLocked != nil {
			u.onUserLocked(id) // their open consoles close now, not at the next heartbeat
		}
		done := "enabled"
		if disabled {
			done = "disabled"
		}
		http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=%s", id, done), http.StatusSeeOther)
	}
}

// resetPassword gives an account a generated password, shown once; the
// user must change it at their next sign-in, and their logins end.
func (u *ui) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r, "id")
	if !ok {
		return
	}
	usr, password, err := u.accounts.ResetPassword(r.Context(), actorOf(r), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if u.onUserLocked != nil {
		u.onUserLocked(id) // their logins ended: so do their sockets
	}
	render(w, r, u.log, http.StatusOK, "admin_password", view{Title: "Password reset",
		Data: passwordShown{User: usr, Password: password}})
}
