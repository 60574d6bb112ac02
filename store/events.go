package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"

	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/internal/records"
)

// The statements of the append path, prepared once when the writer starts.
const (
	sqlLastSeq     = "SELECT last_seq FROM sessions WHERE id = ?"
	sqlInsertCmd   = "INSERT INTO commands (session_id, cmd_id, first_seq, last_seq, result, created_at) VALUES (?, ?, ?, ?, ?, ?)"
	sqlInsertEvent = "INSERT INTO events (session_id, seq, t, type, body) VALUES (?, ?, ?, ?, ?)"
	sqlUpdateLast  = "UPDATE sessions SET last_seq = ?, updated_at = ? WHERE id = ?"
)

// hotQueries are prepared on the writer connection at Open.
var hotQueries = []string{sqlSavepoint, sqlRollbackTo, sqlRelease, sqlLastSeq, sqlInsertCmd, sqlInsertEvent, sqlUpdateLast}

// AppendEvents appends events to a session's log, and records cmd (if it has
// an ID) in the same transaction. It returns only once the transaction is
// durably committed (synchronous=FULL): acknowledge the command after it
// returns nil, never before.
//
// Events must continue the log: their Seqs are consecutive and the first is
// the session's LastSeq+1. A gap or a repeat is drillroom.ErrConflict and nothing is
// written. A command id already stored for the session is
// ErrDuplicateCommand (which is also drillroom.ErrConflict); look its answer up with
// CommandResult. An unknown session is drillroom.ErrNotFound. An ended session still
// accepts appends (the post-incident review comes after the call ends).
//
// If ctx ends first, AppendEvents returns ctx.Err() and either nothing was
// written or, if the writer had already taken the request, it waits for the
// commit and returns its real outcome: an error never hides a write.
func (s *Store) AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error {
	if len(events) == 0 && cmd.ID == "" {
		return nil
	}
	bodies, err := records.EventBodies(sessionID, events)
	if err != nil {
		return err
	}
	result := cmd.Result
	if result == nil {
		result = []byte{}
	}
	result = bytes.Clone(result) // the caller may reuse its buffer while we wait
	now := millis(s.now())
	err = s.w.do(ctx, func(tx *wtx) error {
		var last int64
		err := tx.QueryRow(sqlLastSeq, sessionID).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		first, end := last+1, last
		if len(events) > 0 {
			if events[0].Seq != last+1 {
				return fmt.Errorf("%w: first seq is %d, want %d", drillroom.ErrConflict, events[0].Seq, last+1)
			}
			end = events[len(events)-1].Seq
		}
		if cmd.ID != "" {
			_, err := tx.Exec(sqlInsertCmd, sessionID, cmd.ID, first, end, result, now)
			if isUniqueViolation(err) {
				return fmt.Errorf("command %q: %w", cmd.ID, drillroom.ErrDuplicateCommand)
			}
			if err != nil {
				return err
			}
		}
		if len(events) == 0 {
			return nil
		}
		for i, e := range events {
			if _, err := tx.Exec(sqlInsertEvent, sessionID, e.Seq, e.T, string(e.Type), string(bodies[i])); err != nil {
				if isUniqueViolation(err) {
					return fmt.Errorf("%w: seq %d is already stored", drillroom.ErrConflict, e.Seq)
				}
				return err
			}
		}
		_, err = tx.Exec(sqlUpdateLast, end, now, sessionID)
		return err
	})
	if err != nil {
		return fmt.Errorf("append to session %s: %w", sessionID, err)
	}
	return nil
}
