package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
)

// ErrLeaseLost is returned when a node writes to, or renews, a session
// whose lease another node has taken: it must stop hosting the session. It
// is a conflict (drillroom.ErrConflict).
var ErrLeaseLost = &drillroom.Error{Code: drillroom.CodeConflict, Message: "this node no longer owns the session"}

// Lease is a node's ownership of a live session until Expires (the
// database's clock). Epoch is its fencing token: each new owner gets a
// higher one.
type Lease struct {
	SessionID string
	Node      string
	Epoch     int64
	Expires   time.Time
}

// AcquireLease makes this node (WithNode) the owner of a session for ttl: if nobody holds
// it, if its lease has expired (a dead or partitioned node), or if node
// already holds it (then it is renewed, same epoch). A new owner gets the
// next epoch, and the Store remembers the lease: from then on its appends
// to that session carry the epoch, and the database refuses them
// (ErrLeaseLost) once another node has taken the session. A lease another
// node holds is drillroom.ErrConflict; an unknown session ErrNotFound.
func (s *Store) AcquireLease(ctx context.Context, sessionID string, ttl time.Duration) (Lease, error) {
	node := s.node
	if node == "" || ttl <= 0 {
		return Lease{}, fmt.Errorf("acquire lease of session %s: %w: node %q (WithNode), ttl %v", sessionID, drillroom.ErrInvalid, node, ttl)
	}
	var l Lease
	err := s.write(ctx, func(tx pgx.Tx) error {
		// The upsert takes the row only if it is free, expired or ours;
		// otherwise it returns nothing.
		err := tx.QueryRow(ctx, `
			INSERT INTO session_leases AS l (session_id, node, epoch, expires_at)
			VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
			ON CONFLICT (session_id) DO UPDATE
				SET node = excluded.node,
				    epoch = CASE WHEN l.node = excluded.node AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
				    expires_at = excluded.expires_at
				WHERE l.node = excluded.node OR l.expires_at <= clock_timestamp()
			RETURNING session_id, node, epoch, expires_at`, sessionID, node, ttl.Milliseconds()).
			Scan(&l.SessionID, &l.Node, &l.Epoch, &l.Expires)
		if errors.Is(err, pgx.ErrNoRows) {
			var holder string
			if err := tx.QueryRow(ctx, "SELECT node FROM session_leases WHERE session_id = $1", sessionID).Scan(&holder); err != nil {
				return err
			}
			return fmt.Errorf("%w: node %s holds it", drillroom.ErrConflict, holder)
		}
		if isForeignKeyViolation(err) {
			return drillroom.ErrNotFound
		}
		return err
	})
	if err != nil {
		return Lease{}, fmt.Errorf("acquire lease of session %s for node %s: %w", sessionID, node, err)
	}
	s.leaseMu.Lock()
	s.leases[sessionID] = l
	s.leaseMu.Unlock()
	return l, nil
}

// RenewLeases extends every lease this node holds by ttl from now, and
// returns the sessions it has lost: another node took them (the Store
// forgets those leases, and its appends to them are refused). A lease that
// expired but that nobody took is renewed: nobody else has written. It is
// also the node's heartbeat (RegisterNode): in the same transaction, its
// registration's heartbeat and load are refreshed.
func (s *Store) RenewLeases(ctx context.Context, ttl time.Duration) (lost []string, err error) {
	s.leaseMu.Lock()
	ids := make([]string, 0, len(s.leases))
	epochs := make([]int64, 0, len(s.leases))
	for id, l := range s.leases {
		ids, epochs = append(ids, id), append(epochs, l.Epoch)
	}
	s.leaseMu.Unlock()
	renewed := map[string]Lease{}
	gone := map[string]bool{}
	err = s.write(ctx, func(tx pgx.Tx) error {
		clear(renewed)
		clear(gone)
		// A lost renewal only shortens a lease (fencing keeps the log
		// whole), so it need not wait for its WAL flush, and the lease
		// rows it locks are let go sooner.
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		if len(ids) == 0 {
			return heartbeat(ctx, tx, s.node)
		}
		// Rows an append holds right now (append_events reads its lease
		// FOR SHARE) are skipped, not waited for: waiting while holding the
		// rows already renewed would stall, or deadlock with, the
		// appenders' batches. They are renewed at the next round, two
		// more before they could expire.
		rows, err := tx.Query(ctx, `WITH mine AS (
				SELECT l.session_id FROM session_leases l
				JOIN unnest($2::text[], $3::bigint[]) AS h(session_id, epoch) ON l.session_id = h.session_id AND l.epoch = h.epoch
				WHERE l.node = $1
				FOR NO KEY UPDATE OF l SKIP LOCKED)
			UPDATE session_leases l SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
			FROM mine WHERE l.session_id = mine.session_id
			RETURNING l.session_id, l.node, l.epoch, l.expires_at`, s.node, ids, epochs, ttl.Milliseconds())
		if err != nil {
			return err
		}
		var l Lease
		_, err = pgx.ForEachRow(rows, []any{&l.SessionID, &l.Node, &l.Epoch, &l.Expires}, func() error {
			renewed[l.SessionID] = l
			return nil
		})
		if err != nil {
			return err
		}
		if len(renewed) < len(ids) {
			// Of the rest, those another node took (or that are gone) are
			// lost; the others were only busy.
			rows, err := tx.Query(ctx, `SELECT h.session_id FROM unnest($2::text[], $3::bigint[]) AS h(session_id, epoch)
				LEFT JOIN session_leases l ON l.session_id = h.session_id
				WHERE l.session_id IS NULL OR l.node <> $1 OR l.epoch <> h.epoch`, s.node, ids, epochs)
			if err != nil {
				return err
			}
			var id string
			if _, err := pgx.ForEachRow(rows, []any{&id}, func() error {
				gone[id] = true
				return nil
			}); err != nil {
				return err
			}
		}
		return heartbeat(ctx, tx, s.node)
	})
	if err != nil {
		return nil, fmt.Errorf("renew leases of node %s: %w", s.node, err)
	}
	s.leaseMu.Lock()
	for i, id := range ids {
		cur, held := s.leases[id]
		if !held || cur.Epoch != epochs[i] {
			continue // released or re-acquired meanwhile
		}
		if l, ok := renewed[id]; ok {
			s.leases[id] = l
		} else if gone[id] {
			delete(s.leases, id)
			lost = append(lost, id)
		}
	}
	s.leaseMu.Unlock()
	return lost, nil
}

// ReleaseLease gives a session up (a node that stops hosting it hands it
// over at once instead of letting the lease expire). Releasing a lease the
// node does not hold is not an error.
func (s *Store) ReleaseLease(ctx context.Context, sessionID string) error {
	s.leaseMu.Lock()
	l, ok := s.leases[sessionID]
	delete(s.leases, sessionID)
	s.leaseMu.Unlock()
	if !ok {
		return nil
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		// No node: the session was given up, not abandoned, so it is no
		// orphan (OrphanedSessions); whoever needs it next takes it.
		_, err := tx.Exec(ctx, "UPDATE session_leases SET node = '', expires_at = clock_timestamp() WHERE session_id = $1 AND node = $2 AND epoch = $3",
			l.SessionID, l.Node, l.Epoch)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease of session %s: %w", sessionID, err)
	}
	return nil
}

// OrphanedSessions returns the live sessions whose owner stopped renewing
// their leases without releasing them: a node that died or was cut off
// from the database. Another node takes them over from their logs at once.
// (A session never hosted, or given up by its node, is not an orphan: the
// node its trainee comes back to takes it then.)
func (s *Store) OrphanedSessions(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT x.id FROM sessions x JOIN session_leases l ON l.session_id = x.id
		WHERE x.state = 'live' AND l.node <> '' AND l.expires_at <= clock_timestamp()
		ORDER BY x.created_at, x.rowid`)
	if err != nil {
		return nil, fmt.Errorf("orphaned sessions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("orphaned sessions: %w", err)
	}
	return ids, nil
}

func (s *Store) forgetLease(l Lease) {
	s.leaseMu.Lock()
	if cur, ok := s.leases[l.SessionID]; ok && cur.Epoch == l.Epoch && cur.Node == l.Node {
		delete(s.leases, l.SessionID)
	}
	s.leaseMu.Unlock()
}

// fence returns the node and epoch an append to session must carry: the
// lease this Store holds; ("", 0) on a single node (nothing is checked);
// and (node, -1), which no lease matches, on a node without the lease.
func (s *Store) fence(sessionID string) (string, int64) {
	if s.node == "" {
		return "", 0
	}
	s.leaseMu.Lock()
	defer s.leaseMu.Unlock()
	l, ok := s.leases[sessionID]
	if !ok {
		return s.node, -1
	}
	return l.Node, l.Epoch
}
