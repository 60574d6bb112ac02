// Package records is the store written once for the SQLite and PostgreSQL
// backends: Common holds every method whose SQL both databases take (each
// backend's Store embeds one over the DB and Tx it adapts), and this file
// the column lists of the tables both have and the reading of their rows
// into the root package's records. Both database/sql's rows and pgx's rows
// are a Scanner, so one function per record serves both backends.
//
// Times are stored as Unix milliseconds (UTC) in both databases; a
// nullable column is read into a pointer, which both drivers set to nil
// for NULL.
package records

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/password"
)

// Scanner is a row of either backend: database/sql's *Row and *Rows,
// pgx's Row and Rows.
type Scanner interface{ Scan(dest ...any) error }

// Millis is how both databases store a time.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis reads a stored time, in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// dueMillis rounds a due date to the stored precision and returns it
// with its stored value; no due date (the zero time) is stored as 0.
func dueMillis(t time.Time) (time.Time, int64) {
	if t.IsZero() {
		return t, 0
	}
	t = FromMillis(Millis(t))
	return t, Millis(t)
}

// fromNullMillis reads a nullable time: nil is the zero time.
func fromNullMillis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return FromMillis(*ms)
}

// orZero reads a nullable id: nil is 0.
func orZero(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// UserColumns are the columns ScanUser reads, in its order.
const UserColumns = "id, username, display_name, role, admin, disabled, must_change, created_at"

// ScanUser reads UserColumns, then extra destinations (the password hash).
func ScanUser(row Scanner, extra ...any) (drillroom.User, error) {
	var u drillroom.User
	var created int64
	var role string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.Admin, &u.Disabled, &u.MustChangePassword, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return drillroom.User{}, err
	}
	u.Role, u.CreatedAt = drillroom.Role(role), FromMillis(created)
	return u, nil
}

// ScanUserRow reads UserColumns alone.
func ScanUserRow(row Scanner) (drillroom.User, error) { return ScanUser(row) }

// CohortColumns are the columns ScanCohort reads, from cohorts c, with
// the counts of its trainees and of its staff.
const CohortColumns = `c.id, c.name, c.description, c.created_at,
	(SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = c.id AND u.role = 'trainee'),
	(SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = c.id AND u.role <> 'trainee')`

// ScanCohort reads CohortColumns.
func ScanCohort(row Scanner) (drillroom.Cohort, error) {
	var c drillroom.Cohort
	var created, trainees, staff int64
	if err := row.Scan(&c.ID, &c.Name, &c.Description, &created, &trainees, &staff); err != nil {
		return drillroom.Cohort{}, err
	}
	c.CreatedAt = FromMillis(created)
	c.Trainees, c.Staff = int(trainees), int(staff)
	return c, nil
}

// SessionColumns are the columns ScanSession reads, in its order.
const SessionColumns = "id, user_id, scenario_id, version, hash, seed, mode, scale, state, ending, created_at, updated_at, last_seq"

// ScanSession reads SessionColumns.
func ScanSession(row Scanner) (drillroom.Session, error) {
	var x drillroom.Session
	var created, updated int64
	var mode, state string
	if err := row.Scan(&x.ID, &x.UserID, &x.ScenarioID, &x.Version, &x.Hash, &x.Seed, &mode, &x.Scale,
		&state, &x.Ending, &created, &updated, &x.LastSeq); err != nil {
		return drillroom.Session{}, err
	}
	x.Mode, x.State = drillroom.Mode(mode), drillroom.SessionState(state)
	x.CreatedAt, x.UpdatedAt = FromMillis(created), FromMillis(updated)
	return x, nil
}

// ScenarioColumns are the columns a scenario version is written with.
const ScenarioColumns = "scenario_id, version, hash, title, summary, briefing, difficulty, duration_ms, tags, source, policy_source, created_at"

// ScenarioRead are the columns ScanScenario reads: ScenarioColumns and
// when the version was retired.
const ScenarioRead = ScenarioColumns + ", retired_at"

// ScanScenario reads ScenarioRead. Tags are stored as a JSON array.
func ScanScenario(row Scanner) (drillroom.ScenarioVersion, error) {
	var v drillroom.ScenarioVersion
	var tags string
	var created int64
	var retired *int64
	if err := row.Scan(&v.ScenarioID, &v.Version, &v.Hash, &v.Title, &v.Summary, &v.Briefing, &v.Difficulty, &v.DurationMs,
		&tags, &v.Source, &v.PolicySource, &created, &retired); err != nil {
		return drillroom.ScenarioVersion{}, err
	}
	if err := json.Unmarshal([]byte(tags), &v.Tags); err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("scenario %s v%d: tags: %w", v.ScenarioID, v.Version, err)
	}
	if v.PolicySource == nil {
		v.PolicySource = []byte{}
	}
	v.CreatedAt, v.RetiredAt = FromMillis(created), fromNullMillis(retired)
	return v, nil
}

// DraftColumns are the columns ScanDraft reads, in its order.
const DraftColumns = "id, author_id, name, source, created_at, updated_at"

// ScanDraft reads DraftColumns.
func ScanDraft(row Scanner) (drillroom.Draft, error) {
	var d drillroom.Draft
	var created, updated int64
	err := row.Scan(&d.ID, &d.AuthorID, &d.Name, &d.Source, &created, &updated)
	d.CreatedAt, d.UpdatedAt = FromMillis(created), FromMillis(updated)
	return d, err
}

// PublicationColumns are the columns ScanPublication reads, in its order.
const PublicationColumns = "id, scenario_id, version, hash, title, source, author_id, approver_id, state, requested_at, decided_at, policy_source"

// ScanPublication reads PublicationColumns.
func ScanPublication(row Scanner) (drillroom.Publication, error) {
	var p drillroom.Publication
	var approver, decided *int64
	var requested int64
	var state string
	err := row.Scan(&p.ID, &p.ScenarioID, &p.Version, &p.Hash, &p.Title, &p.Source, &p.AuthorID, &approver, &state, &requested, &decided, &p.PolicySource)
	p.State, p.ApproverID = drillroom.PublicationState(state), orZero(approver)
	p.RequestedAt, p.DecidedAt = FromMillis(requested), fromNullMillis(decided)
	return p, err
}

// AssignmentColumns are the columns ScanAssignment reads, in its order.
const AssignmentColumns = "id, scenario_id, version, mode, assigned_at, due_at, attempts, cohort_id, user_id, assigned_by"

// ScanAssignment reads AssignmentColumns.
func ScanAssignment(row Scanner) (drillroom.Assignment, error) {
	var a drillroom.Assignment
	var at int64
	var mode string
	var due, cohort, user *int64
	err := row.Scan(&a.ID, &a.ScenarioID, &a.Version, &mode, &at, &due, &a.Attempts, &cohort, &user, &a.AssignedBy)
	a.Mode, a.AssignedAt, a.DueAt = drillroom.Mode(mode), FromMillis(at), fromNullMillis(due)
	a.CohortID, a.UserID = orZero(cohort), orZero(user)
	return a, err
}

// Prefixed qualifies each column of a comma-separated list with p ("u.").
func Prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}

// NewUsers checks accounts to create (drillroom.NewUser.Normalized, then
// the password rules), normalizes them in place, and returns their
// passwords in order, for the hasher. The error names the first offending
// user.
func NewUsers(us []drillroom.NewUser) ([]string, error) {
	pws := make([]string, len(us))
	for i := range us {
		u, err := us[i].Normalized()
		if err == nil {
			err = password.Check(u.Password)
		}
		if err != nil {
			return nil, fmt.Errorf("create user %q: %w", us[i].Username, err)
		}
		us[i], pws[i] = u, u.Password
	}
	return pws, nil
}

// RandomID returns n random bytes, base64url-encoded without padding: the
// ids of sessions and the tokens of logins. An id never begins with '-' or
// '_': a spreadsheet reads a cell that begins with '-' as a formula, so a
// CSV export would have to quote such an id with an apostrophe and it would
// no longer match the id in a link (one draw in 32 would).
func RandomID(n int) string {
	b := make([]byte, n)
	for {
		rand.Read(b) // crypto/rand.Read never fails (Go 1.24+); it panics rather than return weak bytes.
		if s := base64.RawURLEncoding.EncodeToString(b); s[0] != '-' && s[0] != '_' {
			return s
		}
	}
}
