package runner

import (
	"context"
	"errors"
	"sync"
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
	// Place decides where a session that no node has hosted yet is hosted:
	// on the least-loaded live node. It returns that node's name when it is
	// another node (which hosts it at its next renewal, or when its socket
	// arrives there), and "" when this node should host it, or when the
	// session was placed or hosted before (this node then acquires it as
	// usual).
	Place(ctx context.Context, sessionID string) (elsewhere string, err error)
	// Placed lists the live sessions placed on this node that it does not
	// host yet: it hosts them at once.
	Placed(ctx context.Context) ([]string, error)
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
	// Hosting what was placed here or orphaned runs beside the renewals,
	// never in their way: a class of hundreds placed at once must not
	// delay the renewal of the leases this node already holds.
	adopt := make(chan struct{}, 1)
	var adopter sync.WaitGroup
	adopter.Add(1)
	go func() {
		defer adopter.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-adopt:
				r.adoptOrphans(ctx, every)
			}
		}
	}()
	defer adopter.Wait()
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
		select {
		case adopt <- struct{}{}:
		default: // still hosting the last lot
		}
	}
}

// adoptWorkers bounds the sessions hosted at once by adoptOrphans.
const adoptWorkers = 8

// adoptOrphans hosts the sessions placed on this node by another, and
// those a dead node left: each is rebuilt from its log (a new one writes its
// opening events) and paused (reason restart) if its clock was running.
// Another node may get to an orphan first; that one hosts it then.
func (r *Runner) adoptOrphans(ctx context.Context, timeout time.Duration) {
	for _, list := range []struct {
		what string
		ids  func(context.Context) ([]string, error)
	}{{"placed", r.cfg.Leases.Placed}, {"orphaned", r.cfg.Leases.Orphaned}} {
		octx, cancel := context.WithTimeout(ctx, timeout)
		ids, err := list.ids(octx)
		cancel()
		if err != nil {
			r.log.Warn("list sessions to host", "which", list.what, "err", err)
			continue
		}
		next := make(chan string)
		var wg sync.WaitGroup
		for range min(adoptWorkers, len(ids)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range next {
					hctx, cancel := context.WithTimeout(ctx, r.cfg.WriteTimeout)
					_, err := r.host(hctx, id)
					cancel()
					switch {
					case err == nil && list.what == "placed":
						r.log.Debug("hosting a session placed on this node", "session", id)
					case err == nil:
						r.log.Info("took over the session of a dead node", "session", id)
					case errors.Is(err, ErrElsewhere):
					default:
						r.log.Warn("host a session", "which", list.what, "session", id, "err", err)
					}
				}
			}()
		}
		for _, id := range ids {
			next <- id
		}
		close(next)
		wg.Wait()
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
