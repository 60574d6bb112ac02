package records

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// Drafts returns an author's drafts, the last changed first.
func (s Common) Drafts(ctx context.Context, authorID int64) ([]drillroom.Draft, error) {
	return All(ctx, s.DB, fmt.Sprintf("drafts of user %d", authorID), ScanDraft,
		"SELECT "+DraftColumns+" FROM drafts WHERE author_id = ? ORDER BY updated_at DESC, id DESC", authorID)
}

// Publications returns the publication records in one state (every state
// when state is empty), the newest request first.
func (s Common) Publications(ctx context.Context, state drillroom.PublicationState) ([]drillroom.Publication, error) {
	return All(ctx, s.DB, "publications", ScanPublication,
		"SELECT "+PublicationColumns+" FROM publications WHERE ? = '' OR state = ? ORDER BY requested_at DESC, id DESC", state, state)
}

// ListAssignments returns every trainer's assignment (AddAssignment), the
// newest first.
func (s Common) ListAssignments(ctx context.Context) ([]drillroom.Assignment, error) {
	return All(ctx, s.DB, "assignments", ScanAssignment, "SELECT "+AssignmentColumns+" FROM drill_assignments ORDER BY assigned_at DESC, id DESC")
}

// Assignments returns a user's assignments, oldest first: the per-user
// ones of Assign, then a trainer's (AddAssignment) given to the user or to
// one of their cohorts.
func (s Common) Assignments(ctx context.Context, userID int64) ([]drillroom.Assignment, error) {
	what := fmt.Sprintf("assignments of user %d", userID)
	legacy, err := All(ctx, s.DB, what, func(row Scanner) (drillroom.Assignment, error) {
		var a drillroom.Assignment
		var at int64
		var mode string
		err := row.Scan(&a.ScenarioID, &mode, &at)
		a.Mode, a.AssignedAt = drillroom.Mode(mode), FromMillis(at)
		return a, err
	}, "SELECT scenario_id, mode, assigned_at FROM assignments WHERE user_id = ? ORDER BY assigned_at, scenario_id, mode", userID)
	if err != nil {
		return nil, err
	}
	given, err := All(ctx, s.DB, what, ScanAssignment, "SELECT "+AssignmentColumns+` FROM drill_assignments
		WHERE user_id = ? OR cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id = ?)
		ORDER BY assigned_at, id`, userID, userID)
	if err != nil {
		return nil, err
	}
	return append(legacy, given...), nil
}

// CreateDraft stores a new draft and returns it with its id and times. A
// missing author is drillroom.ErrNotFound.
func (s Common) CreateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	if err := d.Check(); err != nil {
		return drillroom.Draft{}, fmt.Errorf("create draft %q: %w", d.Name, err)
	}
	src := d.Source
	if src == nil {
		src = []byte{}
	}
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		id, err := tx.Insert("INSERT INTO drafts (author_id, name, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
			d.AuthorID, d.Name, src, now, now)
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("user %d: %w", d.AuthorID, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		d.ID = id
		return nil
	})
	if err != nil {
		return drillroom.Draft{}, fmt.Errorf("create draft %q: %w", d.Name, err)
	}
	d.Source = bytes.Clone(src)
	d.CreatedAt, d.UpdatedAt = FromMillis(now), FromMillis(now)
	return d, nil
}

// UpdateDraft replaces a draft's name and source and returns it as stored.
// The author never changes; a missing draft is drillroom.ErrNotFound.
func (s Common) UpdateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	if d.Name == "" {
		return drillroom.Draft{}, fmt.Errorf("update draft %d: %w: a draft needs a name", d.ID, drillroom.ErrInvalid)
	}
	src := d.Source
	if src == nil {
		src = []byte{}
	}
	now := Millis(s.Now())
	var stored drillroom.Draft
	err := s.write(ctx, func(tx Tx) error {
		if _, err := tx.Exec("UPDATE drafts SET name = ?, source = ?, updated_at = ? WHERE id = ?", d.Name, src, now, d.ID); err != nil {
			return err
		}
		var err error
		if stored, err = ScanDraft(tx.QueryRow("SELECT "+DraftColumns+" FROM drafts WHERE id = ?", d.ID)); err != nil {
			return NotFound(err, fmt.Sprintf("draft %d", d.ID))
		}
		return nil
	})
	if err != nil {
		return drillroom.Draft{}, fmt.Errorf("update draft %d: %w", d.ID, err)
	}
	return stored, nil
}

// DeleteDraft deletes a draft; a missing one is drillroom.ErrNotFound.
func (s Common) DeleteDraft(ctx context.Context, id int64) error {
	return s.change(ctx, fmt.Sprintf("delete draft %d", id), "DELETE FROM drafts WHERE id = ?", id)
}

// AddPublication records a request to publish a scenario version (state
// pending) or a publication that needed no approval (state published, no
// approver). Another pending or published record for the same scenario
// and version is drillroom.ErrConflict; a missing author is ErrNotFound.
func (s Common) AddPublication(ctx context.Context, p drillroom.Publication) (drillroom.Publication, error) {
	if p.ScenarioID == "" || p.Version <= 0 || p.Hash == "" || len(p.Source) == 0 || p.AuthorID <= 0 ||
		(p.State != drillroom.PublicationPending && p.State != drillroom.PublicationPublished) || p.ApproverID != 0 {
		return drillroom.Publication{}, fmt.Errorf("add publication %s v%d: %w: id, version > 0, hash, source, author and state pending or published (no approver) are required",
			p.ScenarioID, p.Version, drillroom.ErrInvalid)
	}
	now := Millis(s.Now())
	var decided any
	if p.State == drillroom.PublicationPublished {
		decided = now
	}
	policy := p.PolicySource
	if policy == nil {
		policy = []byte{}
	}
	err := s.write(ctx, func(tx Tx) error {
		id, err := tx.Insert("INSERT INTO publications (scenario_id, version, hash, title, source, author_id, approver_id, state, requested_at, decided_at, policy_source) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
			p.ScenarioID, p.Version, p.Hash, p.Title, p.Source, p.AuthorID, string(p.State), now, decided, policy)
		switch {
		case errors.Is(err, ErrUnique):
			return fmt.Errorf("%w: version %d is already published or waiting for approval", drillroom.ErrConflict, p.Version)
		case errors.Is(err, ErrForeignKey):
			return fmt.Errorf("user %d: %w", p.AuthorID, drillroom.ErrNotFound)
		case err != nil:
			return err
		}
		p.ID = id
		return nil
	})
	if err != nil {
		return drillroom.Publication{}, fmt.Errorf("add publication %s v%d: %w", p.ScenarioID, p.Version, err)
	}
	p.Source, p.PolicySource = bytes.Clone(p.Source), bytes.Clone(policy)
	p.RequestedAt = FromMillis(now)
	if decided != nil {
		p.DecidedAt = FromMillis(now)
	}
	return p, nil
}

// DecidePublication records a second trainer's decision on a pending
// publication: published (approved) or rejected, with the approver. A
// publication that is no longer pending is drillroom.ErrConflict; the
// author as approver is ErrInvalid; a missing one is ErrNotFound.
func (s Common) DecidePublication(ctx context.Context, id, approverID int64, state drillroom.PublicationState) (drillroom.Publication, error) {
	if (state != drillroom.PublicationPublished && state != drillroom.PublicationRejected) || approverID <= 0 {
		return drillroom.Publication{}, fmt.Errorf("decide publication %d: %w: state published or rejected, and an approver, are required", id, drillroom.ErrInvalid)
	}
	now := Millis(s.Now())
	var stored drillroom.Publication
	err := s.write(ctx, func(tx Tx) error {
		// FOR UPDATE: two approvers deciding at once are one after the other.
		p, err := ScanPublication(tx.QueryRow(tx.Locked("SELECT "+PublicationColumns+" FROM publications WHERE id = ?", ForUpdate), id))
		if err != nil {
			return NotFound(err, fmt.Sprintf("publication %d", id))
		}
		if p.State != drillroom.PublicationPending {
			return fmt.Errorf("%w: it is already %s", drillroom.ErrConflict, p.State)
		}
		if p.AuthorID == approverID {
			return fmt.Errorf("%w: the author cannot approve their own publication", drillroom.ErrInvalid)
		}
		_, err = tx.Exec("UPDATE publications SET state = ?, approver_id = ?, decided_at = ? WHERE id = ?", string(state), approverID, now, id)
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("user %d: %w", approverID, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		p.State, p.ApproverID, p.DecidedAt = state, approverID, FromMillis(now)
		stored = p
		return nil
	})
	if err != nil {
		return drillroom.Publication{}, fmt.Errorf("decide publication %d: %w", id, err)
	}
	return stored, nil
}

// AddAssignment stores a trainer's assignment: to a cohort or to one user
// (exactly one of CohortID and UserID), a version (0: the latest) in a
// mode, with an optional due date and number of attempts (0: any). The
// scenario (and a pinned version), the cohort or user and the trainer must
// exist (drillroom.ErrNotFound); the rest is drillroom.ErrInvalid.
func (s Common) AddAssignment(ctx context.Context, a drillroom.Assignment) (drillroom.Assignment, error) {
	if !a.Mode.Valid() || a.ScenarioID == "" || a.Version < 0 || a.Attempts < 0 || a.AssignedBy <= 0 ||
		(a.CohortID == 0) == (a.UserID == 0) {
		return drillroom.Assignment{}, fmt.Errorf("add assignment of %s: %w: a scenario, a mode, a version >= 0, attempts >= 0, who assigns it and exactly one of a cohort and a user are required",
			a.ScenarioID, drillroom.ErrInvalid)
	}
	now := Millis(s.Now())
	var due, cohort, user any
	if !a.DueAt.IsZero() {
		due = Millis(a.DueAt)
	}
	if a.CohortID != 0 {
		cohort = a.CohortID
	}
	if a.UserID != 0 {
		user = a.UserID
	}
	err := s.write(ctx, func(tx Tx) error {
		var exists bool
		if err := tx.QueryRow("SELECT EXISTS (SELECT 1 FROM scenario_versions WHERE scenario_id = ? AND (? = 0 OR version = ?))",
			a.ScenarioID, a.Version, a.Version).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("scenario %s v%d: %w", a.ScenarioID, a.Version, drillroom.ErrNotFound)
		}
		id, err := tx.Insert("INSERT INTO drill_assignments (scenario_id, version, mode, cohort_id, user_id, due_at, attempts, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			a.ScenarioID, a.Version, string(a.Mode), cohort, user, due, a.Attempts, a.AssignedBy, now)
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("cohort %d, user %d or user %d: %w", a.CohortID, a.UserID, a.AssignedBy, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		a.ID = id
		return nil
	})
	if err != nil {
		return drillroom.Assignment{}, fmt.Errorf("add assignment of %s: %w", a.ScenarioID, err)
	}
	a.AssignedAt = FromMillis(now)
	if !a.DueAt.IsZero() {
		a.DueAt = FromMillis(Millis(a.DueAt))
	}
	return a, nil
}

// DeleteAssignment withdraws a trainer's assignment; the sessions played
// for it stay. A missing one is drillroom.ErrNotFound.
func (s Common) DeleteAssignment(ctx context.Context, id int64) error {
	return s.change(ctx, fmt.Sprintf("delete assignment %d", id), "DELETE FROM drill_assignments WHERE id = ?", id)
}

// Assign assigns a scenario to a user in a mode. Assigning it again is a
// no-op that keeps the first AssignedAt. The user and at least one version
// of the scenario must exist (drillroom.ErrNotFound).
func (s Common) Assign(ctx context.Context, userID int64, scenarioID string, mode drillroom.Mode) error {
	if !mode.Valid() {
		return fmt.Errorf("assign %s to user %d: %w: mode %q", scenarioID, userID, drillroom.ErrInvalid, mode)
	}
	now := s.Now()
	err := s.write(ctx, func(tx Tx) error {
		var exists bool
		if err := tx.QueryRow("SELECT EXISTS (SELECT 1 FROM scenario_versions WHERE scenario_id = ?)", scenarioID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("scenario %s: %w", scenarioID, drillroom.ErrNotFound)
		}
		_, err := tx.Exec("INSERT INTO assignments (user_id, scenario_id, mode, assigned_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			userID, scenarioID, string(mode), Millis(now))
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("user %d: %w", userID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("assign %s to user %d: %w", scenarioID, userID, err)
	}
	return nil
}

// Draft returns one draft, or drillroom.ErrNotFound.
func (s Common) Draft(ctx context.Context, id int64) (drillroom.Draft, error) {
	return One(ctx, s.DB, fmt.Sprintf("draft %d", id), ScanDraft, "SELECT "+DraftColumns+" FROM drafts WHERE id = ?", id)
}

// Publication returns one publication record, or drillroom.ErrNotFound.
func (s Common) Publication(ctx context.Context, id int64) (drillroom.Publication, error) {
	return One(ctx, s.DB, fmt.Sprintf("publication %d", id), ScanPublication, "SELECT "+PublicationColumns+" FROM publications WHERE id = ?", id)
}
