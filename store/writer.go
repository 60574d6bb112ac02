package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
)

// maxBatch bounds how many write requests share one transaction, so one
// commit's latency stays bounded when the queue is long.
const maxBatch = 256

// txFunc is one write. It may run more than once (when its batch fails and
// it is retried alone), so it must derive everything from its arguments and
// the transaction, and assign its results afresh on each run.
type txFunc func(tx *sql.Tx) error

// Request states: a request is either taken by the writer or abandoned by
// its caller, never both, so a caller that gave up knows nothing was written.
const (
	reqPending int32 = iota
	reqTaken
	reqAbandoned
)

type request struct {
	fn    txFunc
	state atomic.Int32
	done  chan error // buffered: the writer never blocks answering
}

// writer owns the writer connection and the goroutine that group-commits:
// it takes every request already queued (up to maxBatch), runs each inside
// its own SAVEPOINT of one transaction, commits once (synchronous=FULL, so
// one fsync for the whole batch), then answers every caller.
type writer struct {
	db     *sql.DB
	logger *slog.Logger
	max    int
	queue  chan *request

	mu     sync.RWMutex // held for reading while sending; Close takes it to close the queue
	closed bool
	done   chan struct{} // closed when the goroutine has returned

	batches atomic.Int64 // committed transactions, for tests and metrics
	writes  atomic.Int64 // requests answered with success
}

func startWriter(db *sql.DB, logger *slog.Logger, max int) *writer {
	w := &writer{
		db:     db,
		logger: logger,
		max:    max,
		queue:  make(chan *request, max),
		done:   make(chan struct{}),
	}
	go w.run()
	return w
}

// do submits fn and waits until it is durably committed or has failed. If ctx
// ends before the writer has taken the request, it is dropped unrun and do
// returns ctx.Err(); once taken, do waits for the outcome, which arrives
// within one commit, so an error from do never hides a committed write.
func (w *writer) do(ctx context.Context, fn txFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{fn: fn, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.queue <- r:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqPending, reqAbandoned) {
			return ctx.Err()
		}
		return <-r.done
	}
}

// stop closes the queue, waits for the goroutine to drain it and return. It
// reports whether this call did the stopping.
func (w *writer) stop() bool {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return false
	}
	w.closed = true
	close(w.queue)
	w.mu.Unlock()
	<-w.done
	return true
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*request, 0, w.max)
	for {
		r, ok := <-w.queue
		if !ok {
			return
		}
		batch = w.take(batch[:0], r)
	drain:
		for len(batch) < w.max {
			select {
			case r, ok := <-w.queue:
				if !ok {
					break drain // the loop above sees the closed queue next
				}
				batch = w.take(batch, r)
			default:
				break drain
			}
		}
		if len(batch) > 0 {
			w.commit(batch)
		}
		clear(batch)
	}
}

// take claims r for this batch unless its caller has abandoned it.
func (w *writer) take(batch []*request, r *request) []*request {
	if r.state.CompareAndSwap(reqPending, reqTaken) {
		return append(batch, r)
	}
	return batch
}

// commit runs the batch in one transaction. A request whose function fails
// is rolled back to its savepoint and answered with its error; the others
// go on. If the transaction as a whole fails (begin, a savepoint statement,
// or the commit itself), every request is retried alone, so one bad request
// cannot fail the others.
func (w *writer) commit(batch []*request) {
	ctx := context.Background() // callers' contexts must not cancel a shared transaction
	errs := make([]error, len(batch))
	err := func() error {
		tx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer tx.Rollback()
		for i, r := range batch {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT req"); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if errs[i] = r.fn(tx); errs[i] != nil {
				if _, err := tx.ExecContext(ctx, "ROLLBACK TO req"); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, "RELEASE req"); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	}()
	if err == nil {
		w.batches.Add(1)
		for i, r := range batch {
			if errs[i] == nil {
				w.writes.Add(1)
			}
			r.done <- errs[i]
		}
		return
	}
	// The transaction is gone, so nothing in it was written: every request,
	// including one whose function had failed (perhaps only because of the
	// same fault), runs again in a transaction of its own.
	w.logger.Warn("store: batch failed, retrying its writes one by one", "writes", len(batch), "err", err)
	for _, r := range batch {
		r.done <- w.single(ctx, r.fn)
	}
}

// single runs fn in a transaction of its own.
func (w *writer) single(ctx context.Context, fn txFunc) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	w.batches.Add(1)
	w.writes.Add(1)
	return nil
}
