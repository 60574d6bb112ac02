package postgres

import (
	"bytes"
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"

	"github.com/jackc/pgx/v5"
)

// Trainers' drafts and the record of publications (migration 0006, as
// SQLite's 0014), with the SQLite store's contract (store/drafts.go).

// CreateDraft stores a new draft and returns it with its id and times. A
// missing author is drillroom.ErrNotFound.
func (s *Store) CreateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	if d.AuthorID <= 0 || d.Name == "" {
		return drillroom.Draft{}, fmt.Errorf("create draft %q: %w: a draft needs an author and a name", d.Name, drillroom.ErrInvalid)
	}
	src := d.Source
	if src == nil {
		src = []byte{}
	}
	now := millis(s.now())
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "INSERT INTO drafts (author_id, name, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
			d.AuthorID, d.Name, src, now).Scan(&d.ID)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("user %d: %w", d.AuthorID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Draft{}, fmt.Errorf("create draft %q: %w", d.Name, err)
	}
	d.Source = bytes.Clone(src)
	d.CreatedAt, d.UpdatedAt = fromMillis(now), fromMillis(now)
	return d, nil
}

// UpdateDraft replaces a draft's name and source and returns it as stored.
// The author never changes; a missing draft is drillroom.ErrNotFound.
func (s *Store) UpdateDraft(ctx context.Context, d drillroom.Draft) (drillroom.Draft, error) {
	if d.Name == "" {
		return drillroom.Draft{}, fmt.Errorf("update draft %d: %w: a draft needs a name", d.ID, drillroom.ErrInvalid)
	}
	src := d.Source
	if src == nil {
		src = []byte{}
	}
	now := millis(s.now())
	var stored drillroom.Draft
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		stored, err = records.ScanDraft(tx.QueryRow(ctx, "UPDATE drafts SET name = $1, source = $2, updated_at = $3 WHERE id = $4 RETURNING "+records.DraftColumns,
			d.Name, src, now, d.ID))
		if err != nil {
			return notFound(err, fmt.Sprintf("draft %d", d.ID))
		}
		return nil
	})
	if err != nil {
		return drillroom.Draft{}, fmt.Errorf("update draft %d: %w", d.ID, err)
	}
	return stored, nil
}

// Draft returns one draft, or drillroom.ErrNotFound.
func (s *Store) Draft(ctx context.Context, id int64) (drillroom.Draft, error) {
	return queryOne(ctx, s, fmt.Sprintf("draft %d", id), records.ScanDraft, "SELECT "+records.DraftColumns+" FROM drafts WHERE id = $1", id)
}

// Drafts returns an author's drafts, the last changed first.
func (s *Store) Drafts(ctx context.Context, authorID int64) ([]drillroom.Draft, error) {
	return queryAll(ctx, s, fmt.Sprintf("drafts of user %d", authorID), records.ScanDraft,
		"SELECT "+records.DraftColumns+" FROM drafts WHERE author_id = $1 ORDER BY updated_at DESC, id DESC", authorID)
}

// DeleteDraft deletes a draft; a missing one is drillroom.ErrNotFound.
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		return changeRow(ctx, tx, "DELETE FROM drafts WHERE id = $1", id)
	})
	if err != nil {
		return fmt.Errorf("delete draft %d: %w", id, err)
	}
	return nil
}

// AddPublication records a request to publish a scenario version (state
// pending) or a publication that needed no approval (state published, no
// approver). Another pending or published record for the same scenario
// and version is drillroom.ErrConflict; a missing author is ErrNotFound.
func (s *Store) AddPublication(ctx context.Context, p drillroom.Publication) (drillroom.Publication, error) {
	if p.ScenarioID == "" || p.Version <= 0 || p.Hash == "" || len(p.Source) == 0 || p.AuthorID <= 0 ||
		(p.State != drillroom.PublicationPending && p.State != drillroom.PublicationPublished) || p.ApproverID != 0 {
		return drillroom.Publication{}, fmt.Errorf("add publication %s v%d: %w: id, version > 0, hash, source, author and state pending or published (no approver) are required",
			p.ScenarioID, p.Version, drillroom.ErrInvalid)
	}
	now := millis(s.now())
	var decided *int64
	if p.State == drillroom.PublicationPublished {
		decided = &now
	}
	policy := p.PolicySource
	if policy == nil {
		policy = []byte{}
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO publications (scenario_id, version, hash, title, source, author_id, approver_id, state, requested_at, decided_at, policy_source)
			VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10) RETURNING id`,
			p.ScenarioID, p.Version, p.Hash, p.Title, p.Source, p.AuthorID, string(p.State), now, decided, policy).Scan(&p.ID)
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("%w: version %d is already published or waiting for approval", drillroom.ErrConflict, p.Version)
		case isForeignKeyViolation(err):
			return fmt.Errorf("user %d: %w", p.AuthorID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Publication{}, fmt.Errorf("add publication %s v%d: %w", p.ScenarioID, p.Version, err)
	}
	p.Source, p.PolicySource = bytes.Clone(p.Source), bytes.Clone(policy)
	p.RequestedAt = fromMillis(now)
	if decided != nil {
		p.DecidedAt = fromMillis(now)
	}
	return p, nil
}

// Publication returns one publication record, or drillroom.ErrNotFound.
func (s *Store) Publication(ctx context.Context, id int64) (drillroom.Publication, error) {
	return queryOne(ctx, s, fmt.Sprintf("publication %d", id), records.ScanPublication, "SELECT "+records.PublicationColumns+" FROM publications WHERE id = $1", id)
}

// Publications returns the publication records in one state (every state
// when state is empty), the newest request first.
func (s *Store) Publications(ctx context.Context, state drillroom.PublicationState) ([]drillroom.Publication, error) {
	return queryAll(ctx, s, "publications", records.ScanPublication,
		"SELECT "+records.PublicationColumns+" FROM publications WHERE $1 = '' OR state = $1 ORDER BY requested_at DESC, id DESC", string(state))
}

// DecidePublication records a second trainer's decision on a pending
// publication: published (approved) or rejected, with the approver. A
// publication that is no longer pending is drillroom.ErrConflict; the
// author as approver is ErrInvalid; a missing one is ErrNotFound.
func (s *Store) DecidePublication(ctx context.Context, id, approverID int64, state drillroom.PublicationState) (drillroom.Publication, error) {
	if (state != drillroom.PublicationPublished && state != drillroom.PublicationRejected) || approverID <= 0 {
		return drillroom.Publication{}, fmt.Errorf("decide publication %d: %w: state published or rejected, and an approver, are required", id, drillroom.ErrInvalid)
	}
	now := millis(s.now())
	var stored drillroom.Publication
	err := s.write(ctx, func(tx pgx.Tx) error {
		// FOR UPDATE: two approvers deciding at once are one after the other.
		p, err := records.ScanPublication(tx.QueryRow(ctx, "SELECT "+records.PublicationColumns+" FROM publications WHERE id = $1 FOR UPDATE", id))
		if err != nil {
			return notFound(err, fmt.Sprintf("publication %d", id))
		}
		if p.State != drillroom.PublicationPending {
			return fmt.Errorf("%w: it is already %s", drillroom.ErrConflict, p.State)
		}
		if p.AuthorID == approverID {
			return fmt.Errorf("%w: the author cannot approve their own publication", drillroom.ErrInvalid)
		}
		_, err = tx.Exec(ctx, "UPDATE publications SET state = $1, approver_id = $2, decided_at = $3 WHERE id = $4", string(state), approverID, now, id)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("user %d: %w", approverID, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		p.State, p.ApproverID, p.DecidedAt = state, approverID, fromMillis(now)
		stored = p
		return nil
	})
	if err != nil {
		return drillroom.Publication{}, fmt.Errorf("decide publication %d: %w", id, err)
	}
	return stored, nil
}
