package postgres

import (
	"bytes"
	"context"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/store/internal/records"
)

// AppendEvents appends events to a session's log, and records cmd (if it has
// an ID) in the same transaction. It returns only once that transaction is
// committed: acknowledge the command after it returns nil, never before.
//
// Events must continue the log: their Seqs are consecutive and the first is
// the session's LastSeq+1; a gap or a repeat is drillroom.ErrConflict and
// nothing is written. A command id already stored for the session is
// ErrDuplicateCommand (also an ErrConflict). An unknown session is
// drillroom.ErrNotFound. An ended session still accepts appends.
//
// If ctx ends first, AppendEvents returns ctx.Err() and either nothing was
// written or, if an appender had already taken the request, it waits for
// the commit and returns its real outcome. If the connection fails while
// the batch's commit may have run, the error is drillroom.ErrUnavailable
// and the append may or may not be stored (the log tells). When this Store
// holds the session's lease (AcquireLease), the append carries its epoch
// and is refused with ErrLeaseLost, writing nothing, if another node has
// taken the session since.
func (s *Store) AppendEvents(ctx context.Context, sessionID string, cmd drillroom.Command, events []simulator.Event) error {
	if len(events) == 0 && cmd.ID == "" {
		return nil
	}
	r := &appendReq{session: sessionID, cmd: cmd.ID, now: millis(s.now()),
		ts: make([]int64, len(events)), types: make([]string, len(events)), bodies: make([]string, len(events))}
	bodies, err := records.EventBodies(sessionID, events)
	if err != nil {
		return err
	}
	for i, e := range events {
		r.ts[i], r.types[i], r.bodies[i] = e.T, string(e.Type), string(bodies[i])
	}
	if len(events) > 0 {
		r.first = events[0].Seq
	}
	r.result = bytes.Clone(cmd.Result) // the caller may reuse its buffer while we wait
	if r.result == nil {
		r.result = []byte{}
	}
	r.node, r.epoch = s.fence(sessionID)
	res := s.appenderFor(sessionID).do(ctx, r)
	switch {
	case code(res.err) == codeBadEncoding:
		// Text PostgreSQL cannot store (a NUL byte): the caller's data, not
		// the database, is at fault.
		return fmt.Errorf("append to session %s: %w: %w", sessionID, drillroom.ErrInvalid, res.err)
	case res.err != nil:
		return fmt.Errorf("append to session %s: %w", sessionID, res.err)
	case res.status == "ok":
		return nil
	case res.status == "not_found":
		return fmt.Errorf("append to session %s: %w", sessionID, drillroom.ErrNotFound)
	case res.status == "conflict":
		return fmt.Errorf("append to session %s: %w: first seq is %d, want %d", sessionID, drillroom.ErrConflict, r.first, res.last+1)
	case res.status == "fenced":
		s.forgetLease(Lease{SessionID: sessionID, Node: r.node, Epoch: r.epoch})
		return fmt.Errorf("append to session %s: %w (epoch %d)", sessionID, ErrLeaseLost, r.epoch)
	case res.status == "duplicate":
		return fmt.Errorf("append to session %s: command %q: %w", sessionID, cmd.ID, drillroom.ErrDuplicateCommand)
	}
	return fmt.Errorf("append to session %s: unexpected status %q", sessionID, res.status)
}
