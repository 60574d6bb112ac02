package runner

import (
	"context"
	"errors"
	"time"

	"github.com/drillroom/drillroom"
)

// Leases is how a runner that shares its database with other nodes owns
// the sessions it hosts: it hosts a session only while it holds its lease,
// so exactly one node drives each live drill. When a node dies its leases
// expire, and the first live node to see them orphaned takes the sessions
// over from their logs, paused, exactly as a restart does.
type Leases interface {
	// Acquire makes this node the session's owner; it fails (a
	// drillroom.ErrConflict) while another node holds a live lease.
	Acquire(ctx context.Context, sessionID string) error
	// Renew extends every lease this node holds and returns the sessions it
	// has lost to another node.
	Renew(ctx context.Context) (lost []string, err error)
	// Release gives a session up, so another node may take it at once.
	Release(ctx context.Context, sessionID string) error
	// Orphaned lists the live sessions whose owner stopped renewing without
	// releasing them (a node that died): this node takes them over.
	Orphaned(ctx context.Context) ([]string, error)
}

// ErrElsewhere: another node hosts the session (Config.Leases). The client
// reconnects, and the load balancer sends it to a node; once the owner's
// lease has expired, the node it lands on takes the session over.
var ErrElsewhere = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "the session is hosted by another node; reconnect"}

// renewLeases renews this node's leases every interval until ctx ends, and
// stops hosting the sessions it has lost: their subscribers are dropped
// with ErrElsewhere, and the session's next writes would be refused anyway.
func (r *Runner) renewLeases(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, every)
		lost, err := r.cfg.Leases.Renew(rctx)
		cancel()
		if err != nil {
			r.log.Warn("renew session leases", "err", err)
			continue
		}
		for _, id := range lost {
			r.log.Warn("session lease lost to another node", "session", id)
			r.mu.Lock()
			s := r.sessions[id]
			r.mu.Unlock()
			if s != nil {
				s.call(ctx, func() { s.fail = ErrElsewhere })
			}
		}
		r.adoptOrphans(ctx, every)
	}
}

// adoptOrphans hosts the sessions a dead node left: each is rebuilt from
// its log and paused (reason restart) if its clock was running. Another
// node may get there first; that one hosts it then.
func (r *Runner) adoptOrphans(ctx context.Context, timeout time.Duration) {
	octx, cancel := context.WithTimeout(ctx, timeout)
	ids, err := r.cfg.Leases.Orphaned(octx)
	cancel()
	if err != nil {
		r.log.Warn("list orphaned sessions", "err", err)
		return
	}
	for _, id := range ids {
		hctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
		_, err := r.host(hctx, id)
		cancel()
		switch {
		case err == nil:
			r.log.Info("took over the session of a dead node", "session", id)
		case errors.Is(err, ErrElsewhere):
		default:
			r.log.Warn("take over an orphaned session", "session", id, "err", err)
		}
	}
}

// release gives up the lease of a session no longer hosted here.
func (r *Runner) release(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.WriteTimeout)
	defer cancel()
	if err := r.cfg.Leases.Release(ctx, id); err != nil {
		r.log.Warn("release session lease", "session", id, "err", err)
	}
}
