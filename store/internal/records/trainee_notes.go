package records

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
)

// AddTraineeNote appends a coach's note on a trainee, tied to no session,
// at the store's current time (ID, At and By are filled in). The note is
// checked as a session's (drillroom.Note.Check) and may name no session or
// event (drillroom.ErrInvalid); an unknown trainee or author is
// drillroom.ErrNotFound.
func (s Common) AddTraineeNote(ctx context.Context, n drillroom.TraineeNote) (drillroom.TraineeNote, error) {
	if err := n.Check(); err != nil {
		return drillroom.TraineeNote{}, fmt.Errorf("add note on user %d: %w", n.TraineeID, err)
	}
	if n.SessionID != "" || n.Seq != 0 {
		return drillroom.TraineeNote{}, fmt.Errorf("add note on user %d: %w: a trainee's note names no session", n.TraineeID, drillroom.ErrInvalid)
	}
	n.At = FromMillis(Millis(s.Now()))
	var due int64
	n.Due, due = dueMillis(n.Due)
	err := s.write(ctx, func(tx Tx) (err error) {
		n.ID, err = insert(tx, "INSERT INTO trainee_notes (trainee_id, kind, text, due, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			n.TraineeID, string(n.Kind), n.Text, due, n.ByID, string(n.Actor), Millis(n.At))
		if errors.Is(err, ErrForeignKey) {
			return drillroom.ErrNotFound
		}
		return err
	})
	if err != nil {
		return drillroom.TraineeNote{}, fmt.Errorf("add note on user %d: %w", n.TraineeID, err)
	}
	n.By = NameOf(ctx, s, n.ByID, n.By)
	return n, nil
}

// TraineeNotes returns the notes on a trainee, oldest first, with their
// acknowledgement and completion (an empty slice when there are none).
func (s Common) TraineeNotes(ctx context.Context, traineeID int64) ([]drillroom.TraineeNote, error) {
	return All(ctx, s.DB, fmt.Sprintf("notes on user %d", traineeID), func(row Scanner) (drillroom.TraineeNote, error) {
		var n drillroom.TraineeNote
		var kind, actor, doneActor, doneText, doneBy string
		var due, at, ackAt, ackBy, doneByID, doneAt int64
		err := row.Scan(&n.ID, &n.TraineeID, &kind, &n.Text, &due, &n.ByID, &n.By, &actor, &at,
			&ackBy, &n.AckBy, &ackAt, &doneByID, &doneBy, &doneActor, &doneText, &doneAt)
		n.Kind, n.Actor, n.At, n.AckByID = drillroom.NoteKind(kind), drillroom.Actor(actor), FromMillis(at), ackBy
		if due != 0 {
			n.Due = FromMillis(due)
		}
		if ackAt != 0 {
			n.AckAt = FromMillis(ackAt)
		}
		if doneAt != 0 {
			n.Done = &drillroom.ActionDone{NoteID: n.ID, Text: doneText, ByID: doneByID, By: doneBy, Actor: drillroom.Actor(doneActor), At: FromMillis(doneAt)}
		}
		return n, err
	}, `SELECT n.id, n.trainee_id, n.kind, n.text, n.due, n.by_id, COALESCE(u.display_name, ''), n.actor, n.at,
			COALESCE(n.ack_by, 0), COALESCE(a.display_name, ''), n.ack_at,
			COALESCE(n.done_by, 0), COALESCE(d.display_name, ''), n.done_actor, n.done_text, n.done_at
		FROM trainee_notes n LEFT JOIN users u ON u.id = n.by_id LEFT JOIN users a ON a.id = n.ack_by LEFT JOIN users d ON d.id = n.done_by
		WHERE n.trainee_id = ? ORDER BY n.id`, traineeID)
}

// AckTraineeNote records, at the store's current time, that the trainee
// (byID) acknowledged note noteID on them: once (drillroom.ErrConflict
// after). A note that is not on trainee traineeID is drillroom.ErrNotFound.
func (s Common) AckTraineeNote(ctx context.Context, traineeID, noteID, byID int64) error {
	err := s.write(ctx, func(tx Tx) error {
		return s.setOnce(tx, traineeID, noteID, "",
			"UPDATE trainee_notes SET ack_by = ?, ack_at = ? WHERE id = ? AND trainee_id = ? AND ack_at = 0",
			byID, Millis(s.Now()), noteID, traineeID)
	})
	if err != nil {
		return fmt.Errorf("acknowledge note %d on user %d: %w", noteID, traineeID, err)
	}
	return nil
}

// CompleteTraineeAction records that the agreed action d.NoteID on
// trainee traineeID was carried out, at the store's current time (d.At and
// d.By are filled in). A note not on that trainee is drillroom.ErrNotFound,
// one that is no action drillroom.ErrInvalid; an action is done once
// (drillroom.ErrConflict after); drillroom.ActionDone.Check says what else
// is invalid.
func (s Common) CompleteTraineeAction(ctx context.Context, traineeID int64, d drillroom.ActionDone) (drillroom.ActionDone, error) {
	if err := d.Check(); err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d: %w", d.NoteID, err)
	}
	d.At = FromMillis(Millis(s.Now()))
	err := s.write(ctx, func(tx Tx) error {
		return s.setOnce(tx, traineeID, d.NoteID, drillroom.NoteAction,
			"UPDATE trainee_notes SET done_by = ?, done_actor = ?, done_text = ?, done_at = ? WHERE id = ? AND trainee_id = ? AND done_at = 0",
			d.ByID, string(d.Actor), d.Text, Millis(d.At), d.NoteID, traineeID)
	})
	if err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d on user %d: %w", d.NoteID, traineeID, err)
	}
	d.By = NameOf(ctx, s, d.ByID, d.By)
	return d, nil
}

// setOnce runs update, which sets a trainee note's once-only columns if
// they are not set yet, after checking that the note is on the trainee
// (and of kind, if given).
func (s Common) setOnce(tx Tx, traineeID, noteID int64, kind drillroom.NoteKind, update string, args ...any) error {
	var k string
	err := tx.QueryRow(tx.Locked("SELECT kind FROM trainee_notes WHERE id = ? AND trainee_id = ?", ForUpdate), noteID, traineeID).Scan(&k)
	if errors.Is(err, ErrNoRows) {
		return drillroom.ErrNotFound
	}
	if err != nil {
		return err
	}
	if kind != "" && k != string(kind) {
		return fmt.Errorf("%w: note %d is a %s, not an action", drillroom.ErrInvalid, noteID, k)
	}
	n, err := tx.Exec(update, args...)
	if errors.Is(err, ErrForeignKey) {
		return drillroom.ErrNotFound
	}
	if err != nil {
		return err
	}
	if n == 0 {
		if kind == "" {
			return drillroom.Errorf(drillroom.CodeConflict, "This note is already acknowledged.")
		}
		return drillroom.Errorf(drillroom.CodeConflict, "This action is already done.")
	}
	return nil
}
