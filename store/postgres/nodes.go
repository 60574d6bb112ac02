package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/drillroom/drillroom"
)

// maxAddress bounds a node's registered address.
const maxAddress = 255

// RegisterNode records this node (WithNode) and the address (host:port) the
// other nodes reach it at, so that they can relay a session's socket to it
// and place sessions on it. A node registered before under the same name
// (a restart) is replaced. The heartbeat is then kept by RenewLeases.
func (s *Store) RegisterNode(ctx context.Context, address string) error {
	if s.node == "" {
		return fmt.Errorf("register node: %w: no node name (WithNode)", drillroom.ErrInvalid)
	}
	if _, _, err := net.SplitHostPort(address); err != nil || len(address) > maxAddress {
		return fmt.Errorf("register node %s: %w: address %q: want host:port of at most %d bytes", s.node, drillroom.ErrInvalid, address, maxAddress)
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO nodes (name, address, load, started_at, heartbeat_at)
			VALUES ($1, $2, (SELECT count(*) FROM session_leases WHERE node = $1 AND expires_at > clock_timestamp()),
				clock_timestamp(), clock_timestamp())
			ON CONFLICT (name) DO UPDATE SET address = excluded.address, load = excluded.load,
				started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`, s.node, address)
		return err
	})
	if err != nil {
		return fmt.Errorf("register node %s: %w", s.node, err)
	}
	return nil
}

// UnregisterNode removes this node from the registry, so that nothing more
// is placed on it (a graceful stop, after it released its leases).
func (s *Store) UnregisterNode(ctx context.Context) error {
	if s.node == "" {
		return nil
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM nodes WHERE name = $1", s.node)
		return err
	})
	if err != nil {
		return fmt.Errorf("unregister node %s: %w", s.node, err)
	}
	return nil
}

// heartbeat refreshes this node's registration: its heartbeat and its load,
// the live leases it holds (those placed on it included). A node that never
// registered is left alone.
func heartbeat(ctx context.Context, tx pgx.Tx, node string) error {
	_, err := tx.Exec(ctx, `UPDATE nodes SET heartbeat_at = clock_timestamp(),
		load = (SELECT count(*) FROM session_leases WHERE node = $1 AND expires_at > clock_timestamp())
		WHERE name = $1`, node)
	return err
}

// Nodes lists the registered nodes by name, live or not (a node is live
// while its heartbeat is younger than the lease TTL).
func (s *Store) Nodes(ctx context.Context) ([]drillroom.Node, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, address, load, started_at, heartbeat_at,
		(extract(epoch FROM clock_timestamp() - heartbeat_at) * 1000)::bigint FROM nodes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	nodes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (drillroom.Node, error) {
		var n drillroom.Node
		var silent int64
		err := row.Scan(&n.Name, &n.Address, &n.Load, &n.Started, &n.Heartbeat, &silent)
		n.Silent = time.Duration(silent) * time.Millisecond
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return nodes, nil
}

// PlaceSession decides which node hosts a session no node has hosted yet:
// the least-loaded node whose heartbeat is younger than ttl (by name among
// equals), or this node when none is registered. The session's lease is
// written for that node (epoch 1, for ttl) and its load raised at once, so
// that a burst of new sessions spreads before the next heartbeat; the node
// hosts it at its next renewal (PlacedSessions), or when its socket
// arrives. It returns the node's name, or "" when the session already has
// a lease (it was placed or hosted before): the caller acquires it as
// usual then.
func (s *Store) PlaceSession(ctx context.Context, sessionID string, ttl time.Duration) (string, error) {
	if s.node == "" || ttl <= 0 {
		return "", fmt.Errorf("place session %s: %w: node %q (WithNode), ttl %v", sessionID, drillroom.ErrInvalid, s.node, ttl)
	}
	var node string
	err := s.write(ctx, func(tx pgx.Tx) error {
		node = ""
		var leased bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM session_leases WHERE session_id = $1)", sessionID).Scan(&leased); err != nil || leased {
			return err
		}
		// The pick is locked so that concurrent placements queue behind
		// one another's load increment instead of all choosing one node.
		err := tx.QueryRow(ctx, `SELECT name FROM nodes
			WHERE heartbeat_at > clock_timestamp() - $1 * interval '1 millisecond'
			ORDER BY load, name LIMIT 1 FOR UPDATE`, ttl.Milliseconds()).Scan(&node)
		if errors.Is(err, pgx.ErrNoRows) {
			node = s.node
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO session_leases (session_id, node, epoch, expires_at)
			VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
			ON CONFLICT (session_id) DO NOTHING`, sessionID, node, ttl.Milliseconds())
		if isForeignKeyViolation(err) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			node = ""
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE nodes SET load = load + 1 WHERE name = $1", node)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("place session %s: %w", sessionID, err)
	}
	return node, nil
}

// PlacedSessions lists the live sessions placed on this node (their lease
// is this node's and unexpired) that it does not host yet.
func (s *Store) PlacedSessions(ctx context.Context) ([]string, error) {
	if s.node == "" {
		return nil, nil
	}
	s.leaseMu.Lock()
	held := make([]string, 0, len(s.leases))
	for id := range s.leases {
		held = append(held, id)
	}
	s.leaseMu.Unlock()
	rows, err := s.pool.Query(ctx, `SELECT x.id FROM sessions x JOIN session_leases l ON l.session_id = x.id
		WHERE x.state = 'live' AND l.node = $1 AND l.expires_at > clock_timestamp() AND NOT (l.session_id = ANY($2::text[]))
		ORDER BY x.created_at, x.rowid`, s.node, held)
	if err != nil {
		return nil, fmt.Errorf("placed sessions of node %s: %w", s.node, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("placed sessions of node %s: %w", s.node, err)
	}
	return ids, nil
}

// SessionOwner returns the registered node that holds a live lease of the
// session, with the address to relay its socket to; ErrNotFound when no
// node does (never hosted, released, or its owner's lease expired).
func (s *Store) SessionOwner(ctx context.Context, sessionID string) (drillroom.Node, error) {
	var n drillroom.Node
	err := s.pool.QueryRow(ctx, `SELECT n.name, n.address, n.load, n.started_at, n.heartbeat_at
		FROM session_leases l JOIN nodes n ON n.name = l.node
		WHERE l.session_id = $1 AND l.expires_at > clock_timestamp()`, sessionID).
		Scan(&n.Name, &n.Address, &n.Load, &n.Started, &n.Heartbeat)
	if errors.Is(err, pgx.ErrNoRows) {
		return drillroom.Node{}, fmt.Errorf("owner of session %s: %w", sessionID, drillroom.ErrNotFound)
	}
	if err != nil {
		return drillroom.Node{}, fmt.Errorf("owner of session %s: %w", sessionID, err)
	}
	return n, nil
}
