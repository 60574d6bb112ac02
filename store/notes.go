package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// AddNote appends a coaching note on a session at the store's current
// time (n.ID, n.At and n.By are filled in). The session and the author
// must exist (drillroom.ErrNotFound); a note needs a known kind, text, a
// due date if and only if it is an action, no negative event number, and a
// coach or trainer as its actor (drillroom.ErrInvalid).
func (s *Store) AddNote(ctx context.Context, n drillroom.Note) (drillroom.Note, error) {
	if err := n.Check(); err != nil {
		return drillroom.Note{}, fmt.Errorf("add note on session %s: %w", n.SessionID, err)
	}
	n.At = fromMillis(millis(s.now()))
	due := int64(0)
	if !n.Due.IsZero() {
		n.Due = fromMillis(millis(n.Due))
		due = millis(n.Due)
	}
	err := s.w.do(ctx, func(tx *wtx) (err error) {
		n.ID, err = insertRow(tx, "INSERT INTO notes (session_id, kind, text, due, seq, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			n.SessionID, string(n.Kind), n.Text, due, n.Seq, n.ByID, string(n.Actor), millis(n.At))
		return err
	})
	if err != nil {
		return drillroom.Note{}, fmt.Errorf("add note on session %s: %w", n.SessionID, err)
	}
	n.By = s.nameOf(ctx, n.ByID, n.By)
	return n, nil
}

// Notes returns a session's coaching notes, oldest first (an empty slice
// when there are none).
func (s *Store) Notes(ctx context.Context, sessionID string) ([]drillroom.Note, error) {
	return queryAll(ctx, s, "notes of session "+sessionID, func(row scanner) (drillroom.Note, error) {
		var n drillroom.Note
		var kind, actor string
		var due, at int64
		err := row.Scan(&n.ID, &n.SessionID, &kind, &n.Text, &due, &n.Seq, &n.ByID, &n.By, &actor, &at)
		n.Kind, n.Actor, n.At = drillroom.NoteKind(kind), drillroom.Actor(actor), fromMillis(at)
		if due != 0 {
			n.Due = fromMillis(due)
		}
		return n, err
	}, `SELECT n.id, n.session_id, n.kind, n.text, n.due, n.seq, n.by_id, COALESCE(u.display_name, ''), n.actor, n.at
		FROM notes n LEFT JOIN users u ON u.id = n.by_id WHERE n.session_id = ? ORDER BY n.id`, sessionID)
}

// AddResponse appends an entry to a session's feedback thread at the
// store's current time. Acknowledgements and disputes are the trainee's
// (actor trainee, no Ref); a dispute needs text; a resolution is a coach's
// or trainer's, needs text and names a dispute of the same session in Ref
// (drillroom.ErrInvalid otherwise). An unknown session or user is
// drillroom.ErrNotFound.
func (s *Store) AddResponse(ctx context.Context, r drillroom.Response) (drillroom.Response, error) {
	if err := r.Check(); err != nil {
		return drillroom.Response{}, fmt.Errorf("add response on session %s: %w", r.SessionID, err)
	}
	r.At = fromMillis(millis(s.now()))
	err := s.w.do(ctx, func(tx *wtx) error {
		if r.Kind == drillroom.ResponseResolve {
			var n int
			if err := tx.QueryRow("SELECT COUNT(*) FROM responses WHERE id = ? AND session_id = ? AND kind = 'dispute'", r.Ref, r.SessionID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: no dispute %d on this session", drillroom.ErrInvalid, r.Ref)
			}
		}
		var err error
		r.ID, err = insertRow(tx, "INSERT INTO responses (session_id, kind, rule_id, ref, text, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			r.SessionID, string(r.Kind), r.RuleID, r.Ref, r.Text, r.ByID, string(r.Actor), millis(r.At))
		return err
	})
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("add response on session %s: %w", r.SessionID, err)
	}
	r.By = s.nameOf(ctx, r.ByID, r.By)
	return r, nil
}

// Responses returns a session's feedback thread, oldest first (an empty
// slice when there is none).
func (s *Store) Responses(ctx context.Context, sessionID string) ([]drillroom.Response, error) {
	return queryAll(ctx, s, "responses of session "+sessionID, func(row scanner) (drillroom.Response, error) {
		var r drillroom.Response
		var kind, actor string
		var at int64
		err := row.Scan(&r.ID, &r.SessionID, &kind, &r.RuleID, &r.Ref, &r.Text, &r.ByID, &r.By, &actor, &at)
		r.Kind, r.Actor, r.At = drillroom.ResponseKind(kind), drillroom.Actor(actor), fromMillis(at)
		return r, err
	}, `SELECT r.id, r.session_id, r.kind, r.rule_id, r.ref, r.text, r.by_id, COALESCE(u.display_name, ''), r.actor, r.at
		FROM responses r LEFT JOIN users u ON u.id = r.by_id WHERE r.session_id = ? ORDER BY r.id`, sessionID)
}

// AddRelease records a coach's release of a session's reviewed scorecard
// to its trainee at the store's current time (r.ID, r.At, r.By, r.LastMark
// and r.LastNote are filled in): in one transaction, it takes the
// session's newest mark and note as what it releases, and refuses
// (drillroom.ErrConflict) when neither is newer than the last release's,
// so two coaches releasing at once record one release. The actor is a
// coach or trainer (drillroom.ErrInvalid); an unknown session or author is
// drillroom.ErrNotFound.
func (s *Store) AddRelease(ctx context.Context, r drillroom.Release) (drillroom.Release, error) {
	if r.Actor != drillroom.ActorCoach && r.Actor != drillroom.ActorTrainer {
		return drillroom.Release{}, fmt.Errorf("release session %s: %w: actor %q", r.SessionID, drillroom.ErrInvalid, r.Actor)
	}
	r.At = fromMillis(millis(s.now()))
	err := s.w.do(ctx, func(tx *wtx) (err error) {
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM sessions WHERE id = ?", r.SessionID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return drillroom.ErrNotFound
		}
		var lastMark, lastNote int64
		err = tx.QueryRow(`SELECT COALESCE((SELECT MAX(id) FROM marks WHERE session_id = ?1), 0), COALESCE((SELECT MAX(id) FROM notes WHERE session_id = ?1), 0),
			COALESCE((SELECT last_mark FROM releases WHERE session_id = ?1 ORDER BY id DESC LIMIT 1), 0),
			COALESCE((SELECT last_note FROM releases WHERE session_id = ?1 ORDER BY id DESC LIMIT 1), 0)`, r.SessionID).
			Scan(&r.LastMark, &r.LastNote, &lastMark, &lastNote)
		if err != nil {
			return err
		}
		if r.LastMark <= lastMark && r.LastNote <= lastNote {
			return drillroom.Errorf(drillroom.CodeConflict, "There is no new mark or note to release.")
		}
		r.ID, err = insertRow(tx, "INSERT INTO releases (session_id, by_id, actor, at, last_mark, last_note) VALUES (?, ?, ?, ?, ?, ?)",
			r.SessionID, r.ByID, string(r.Actor), millis(r.At), r.LastMark, r.LastNote)
		return err
	})
	if err != nil {
		return drillroom.Release{}, fmt.Errorf("release session %s: %w", r.SessionID, err)
	}
	r.By = s.nameOf(ctx, r.ByID, r.By)
	return r, nil
}

// Releases returns a session's releases, oldest first (an empty slice
// when there are none).
func (s *Store) Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error) {
	return queryAll(ctx, s, "releases of session "+sessionID, func(row scanner) (drillroom.Release, error) {
		var r drillroom.Release
		var actor string
		var at int64
		err := row.Scan(&r.ID, &r.SessionID, &r.ByID, &r.By, &actor, &at, &r.LastMark, &r.LastNote)
		r.Actor, r.At = drillroom.Actor(actor), fromMillis(at)
		return r, err
	}, `SELECT r.id, r.session_id, r.by_id, COALESCE(u.display_name, ''), r.actor, r.at, r.last_mark, r.last_note
		FROM releases r LEFT JOIN users u ON u.id = r.by_id WHERE r.session_id = ? ORDER BY r.id`, sessionID)
}

// CompleteAction records that an agreed action was carried out, at the
// store's current time (d.At and d.By are filled in). The note must be an
// action of d's session (drillroom.ErrNotFound for a missing note or one
// of another session, drillroom.ErrInvalid for a note that is no action);
// an action is done once (drillroom.ErrConflict after); an unknown author
// is drillroom.ErrNotFound; drillroom.ActionDone.Check says what else is
// invalid.
func (s *Store) CompleteAction(ctx context.Context, d drillroom.ActionDone) (drillroom.ActionDone, error) {
	if err := d.Check(); err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d: %w", d.NoteID, err)
	}
	d.At = fromMillis(millis(s.now()))
	err := s.w.do(ctx, func(tx *wtx) error {
		var kind string
		err := tx.QueryRow("SELECT kind FROM notes WHERE id = ? AND session_id = ?", d.NoteID, d.SessionID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if kind != string(drillroom.NoteAction) {
			return fmt.Errorf("%w: note %d is a %s, not an action", drillroom.ErrInvalid, d.NoteID, kind)
		}
		_, err = insertRow(tx, "INSERT INTO actions_done (note_id, session_id, text, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
			d.NoteID, d.SessionID, d.Text, d.ByID, string(d.Actor), millis(d.At))
		if isUniqueViolation(err) {
			return drillroom.Errorf(drillroom.CodeConflict, "This action is already done.")
		}
		return err
	})
	if err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d: %w", d.NoteID, err)
	}
	d.By = s.nameOf(ctx, d.ByID, d.By)
	return d, nil
}

// DoneActions returns the completed actions of a session, in the order
// they were done (an empty slice when none).
func (s *Store) DoneActions(ctx context.Context, sessionID string) ([]drillroom.ActionDone, error) {
	return queryAll(ctx, s, "actions done of session "+sessionID, func(row scanner) (drillroom.ActionDone, error) {
		var d drillroom.ActionDone
		var actor string
		var at int64
		err := row.Scan(&d.NoteID, &d.SessionID, &d.Text, &d.ByID, &d.By, &actor, &at)
		d.Actor, d.At = drillroom.Actor(actor), fromMillis(at)
		return d, err
	}, `SELECT d.note_id, d.session_id, d.text, d.by_id, COALESCE(u.display_name, ''), d.actor, d.at
		FROM actions_done d LEFT JOIN users u ON u.id = d.by_id WHERE d.session_id = ? ORDER BY d.at, d.note_id`, sessionID)
}
