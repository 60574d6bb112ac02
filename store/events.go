package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"

	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/internal/records"
)

// The statements of the append path, prepared once when the writer starts.
const (
	sqlLastSeq   = "SELECT last_seq FROM sessions WHERE id = ?"
	sqlInsertCmd = "INSERT INTO commands (session_id, cmd_id, first_seq, last_seq, result, created_at) VALUES (?, ?, ?, ?, ?, ?)"
	// sqlAdvanceLast moves last_seq on only from where the batch continues
	// it: one statement both checks that the events follow the log and
	// records their end.
	sqlAdvanceLast = "UPDATE sessions SET last_seq = ?, updated_at = ? WHERE id = ? AND last_seq = ?"
)

// maxEventRows is how many events one INSERT statement writes: a command's
// batch (the action, the cast's reaction, mood and state changes) is
// written in one or two statements instead of one per event.
const maxEventRows = 8

// sqlInsertEvents[n-1] inserts n events.
var sqlInsertEvents = func() []string {
	out := make([]string, maxEventRows)
	q := "INSERT INTO events (session_id, seq, t, type, body) VALUES (?, ?, ?, ?, ?)"
	for n := range maxEventRows {
		out[n] = q
		q += ", (?, ?, ?, ?, ?)"
	}
	return out
}()

// hotQueries are prepared on the writer connection at Open.
var hotQueries = append([]string{sqlLastSeq, sqlInsertCmd, sqlAdvanceLast, sqlCheckpoint}, sqlInsertEvents...)

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
	// An append without a command (the session clock's events, the
	// runner's pauses) may wait for company; a command's may not.
	began := time.Now()
	err = s.w.do(ctx, cmd.ID == "", func(tx *wtx) error {
		var first, end int64
		if len(events) > 0 {
			// The events say where they begin: moving last_seq on from
			// just before them checks that they continue the log.
			first, end = events[0].Seq, events[len(events)-1].Seq
			res, err := tx.Exec(sqlAdvanceLast, end, now, sessionID, first-1)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				if err != nil {
					return err
				}
				last, err := lastSeq(tx, sessionID)
				if err != nil {
					return err
				}
				return fmt.Errorf("%w: first seq is %d, want %d", drillroom.ErrConflict, first, last+1)
			}
		} else {
			last, err := lastSeq(tx, sessionID)
			if err != nil {
				return err
			}
			first, end = last+1, last
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
		// Local copies: this function may run again (a retried batch).
		for evs, bs := events, bodies; len(evs) > 0; evs, bs = evs[min(len(evs), maxEventRows):], bs[min(len(bs), maxEventRows):] {
			n := min(len(evs), maxEventRows)
			args := make([]any, 0, 5*n)
			for i, e := range evs[:n] {
				args = append(args, sessionID, e.Seq, e.T, string(e.Type), string(bs[i]))
			}
			if _, err := tx.Exec(sqlInsertEvents[n-1], args...); err != nil {
				if isUniqueViolation(err) {
					return fmt.Errorf("%w: seq %d..%d is already stored", drillroom.ErrConflict, evs[0].Seq, evs[n-1].Seq)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append to session %s: %w", sessionID, err)
	}
	if cmd.ID != "" {
		s.w.commandWait.observe(time.Since(began))
	} else {
		s.w.clockWait.observe(time.Since(began))
	}
	return nil
}

// lastSeq reads a session's last seq in the writer's transaction; an
// unknown session is drillroom.ErrNotFound.
func lastSeq(tx *wtx, sessionID string) (int64, error) {
	var last int64
	err := tx.QueryRow(sqlLastSeq, sessionID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, drillroom.ErrNotFound
	}
	return last, err
}
