package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/drillroom/drillroom"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

const sqlAppend = "SELECT status, last FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"

// Request states: a request is either taken by an appender or abandoned by
// its caller, never both, so a caller that gave up knows nothing was written.
const (
	reqPending int32 = iota
	reqTaken
	reqAbandoned
)

// appendReq is one AppendEvents call: append_events's arguments.
type appendReq struct {
	session, cmd string
	result       []byte
	now, first   int64
	ts           []int64
	types        []string
	bodies       []string
	node         string // the lease's node and epoch (fencing), or "", 0
	epoch        int64

	state atomic.Int32
	done  chan appendResult // buffered: the appender never blocks answering
}

func (r *appendReq) args() []any {
	return []any{r.session, r.cmd, r.result, r.now, r.first, r.ts, r.types, r.bodies, r.node, r.epoch}
}

type appendResult struct {
	status string // ok, not_found, conflict, duplicate, fenced
	last   int64
	err    error
}

// appender owns the goroutine that group-commits appends: it takes every
// request already queued (up to max) and sends BEGIN, one append_events per
// request and COMMIT in one pipeline, so a batch costs one round trip and
// one WAL flush. append_events refuses (not_found, conflict, duplicate)
// without writing and without an exception, so a refusal does not abort
// the others. If a statement fails all the same, the server rolled the
// whole transaction back, and every request is retried alone.
type appender struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	max    int
	queue  chan *appendReq

	mu     sync.RWMutex // held for reading while sending; stop takes it to close the queue
	closed bool
	done   chan struct{}

	batches atomic.Int64
	writes  atomic.Int64
}

func startAppender(pool *pgxpool.Pool, logger *slog.Logger, max int) *appender {
	a := &appender{pool: pool, logger: logger, max: max, queue: make(chan *appendReq, max), done: make(chan struct{})}
	go a.run()
	return a
}

// appenderFor spreads sessions over the appenders: one session's appends
// all go to one appender, in order, and two appenders never lock the same
// session's row.
func (s *Store) appenderFor(session string) *appender {
	h := fnv.New32a()
	h.Write([]byte(session))
	return s.appenders[h.Sum32()%uint32(len(s.appenders))]
}

// do submits r and waits for its outcome. If ctx ends before the appender
// has taken it, it is dropped unrun and do returns ctx.Err(); once taken,
// do waits for the outcome, which arrives within one commit.
func (a *appender) do(ctx context.Context, r *appendReq) appendResult {
	if err := ctx.Err(); err != nil {
		return appendResult{err: err}
	}
	r.done = make(chan appendResult, 1)
	a.mu.RLock()
	if a.closed {
		a.mu.RUnlock()
		return appendResult{err: ErrClosed}
	}
	select {
	case a.queue <- r:
		a.mu.RUnlock()
	case <-ctx.Done():
		a.mu.RUnlock()
		return appendResult{err: ctx.Err()}
	}
	select {
	case res := <-r.done:
		return res
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqPending, reqAbandoned) {
			return appendResult{err: ctx.Err()}
		}
		return <-r.done
	}
}

// stop closes the queue and waits for the goroutine to drain it.
func (a *appender) stop() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		<-a.done
		return
	}
	a.closed = true
	close(a.queue)
	a.mu.Unlock()
	<-a.done
}

func (a *appender) run() {
	defer close(a.done)
	batch := make([]*appendReq, 0, a.max)
	for {
		r, ok := <-a.queue
		if !ok {
			return
		}
		batch = a.take(batch[:0], r)
	drain:
		for len(batch) < a.max {
			select {
			case r, ok := <-a.queue:
				if !ok {
					break drain
				}
				batch = a.take(batch, r)
			default:
				break drain
			}
		}
		if len(batch) > 0 {
			a.commit(batch)
		}
		clear(batch)
	}
}

func (a *appender) take(batch []*appendReq, r *appendReq) []*appendReq {
	if r.state.CompareAndSwap(reqPending, reqTaken) {
		return append(batch, r)
	}
	return batch
}

// errOutcomeUnknown answers the appends of a batch whose connection failed
// after the commit may have been sent: they may or may not be stored, so
// none is acknowledged; the runner's restart path reads the log back.
var errOutcomeUnknown = &drillroom.Error{Code: drillroom.CodeUnavailable, Message: "the database connection failed; the write may or may not be stored"}

func (a *appender) commit(batch []*appendReq) {
	ctx := context.Background() // callers' contexts must not cancel a shared transaction
	results := make([]appendResult, len(batch))
	sent, err := a.pipeline(ctx, batch, results)
	if err == nil {
		a.batches.Add(1)
		for i, r := range batch {
			if results[i].status == "ok" {
				a.writes.Add(1)
			}
			r.done <- results[i]
		}
		return
	}
	var pe *pgconn.PgError
	if sent && !errors.As(err, &pe) {
		// The pipeline (COMMIT included) reached the server, and then
		// reading its answers failed: the COMMIT may have run. (A statement
		// the server refused is a PgError: then it rolled the whole
		// transaction back, and the appends are retried below.)
		a.logger.Error("store: append batch outcome unknown", "appends", len(batch), "err", err)
		for _, r := range batch {
			r.done <- appendResult{err: fmt.Errorf("%w: %v", errOutcomeUnknown, err)}
		}
		return
	}
	// The server refused a statement, so it rolled the transaction back (or
	// nothing was sent): every append runs again in a transaction of its own.
	a.logger.Warn("store: append batch failed, retrying its appends one by one", "appends", len(batch), "err", err)
	for _, r := range batch {
		var res appendResult
		res.err = a.pool.QueryRow(ctx, sqlAppend, r.args()...).Scan(&res.status, &res.last)
		if res.err == nil {
			a.batches.Add(1)
			if res.status == "ok" {
				a.writes.Add(1)
			}
		}
		r.done <- res
	}
}

// pipeline sends the batch in one transaction and one round trip. sent
// reports whether anything reached the server.
func (a *appender) pipeline(ctx context.Context, batch []*appendReq, results []appendResult) (sent bool, err error) {
	conn, err := a.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, r := range batch {
		b.Queue(sqlAppend, r.args()...)
	}
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, b)
	sent = true
	fail := func(err error) (bool, error) {
		br.Close()
		return sent, err
	}
	if _, err := br.Exec(); err != nil {
		return fail(fmt.Errorf("begin: %w", err))
	}
	for i := range batch {
		if err := br.QueryRow().Scan(&results[i].status, &results[i].last); err != nil {
			return fail(fmt.Errorf("append to session %s: %w", batch[i].session, err))
		}
	}
	if _, err := br.Exec(); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	if err := br.Close(); err != nil {
		return sent, err
	}
	return sent, nil
}

// Stats are the appenders' counters since Open, for /metrics.
type Stats struct {
	Commits int64 // transactions committed by the appenders
	Writes  int64 // appends committed (Writes/Commits is the mean group-commit batch)
	Queued  int   // appends waiting now
}

// Stats returns the appenders' counters.
func (s *Store) Stats() Stats {
	var st Stats
	for _, a := range s.appenders {
		st.Commits += a.batches.Load()
		st.Writes += a.writes.Load()
		st.Queued += len(a.queue)
	}
	return st
}
