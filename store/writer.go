package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// The savepoint that isolates each request of a batch.
const (
	sqlSavepoint  = "SAVEPOINT req"
	sqlRollbackTo = "ROLLBACK TO req"
	sqlRelease    = "RELEASE req"
)

// maxBatch bounds how many write requests share one transaction, so one
// commit's latency stays bounded when the queue is long.
const maxBatch = 256

// txFunc is one write. It may run more than once (when its batch fails and
// it is retried alone), so it must derive everything from its arguments and
// the transaction, and assign its results afresh on each run.
type txFunc func(tx *wtx) error

// wtx is the writer's transaction. Its Exec and QueryRow use the statements
// prepared when the writer started, when the query is one of them: SQLite
// spends more time compiling a small statement than running it.
type wtx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

// Exec runs query in the transaction.
func (t *wtx) Exec(query string, args ...any) (sql.Result, error) {
	if st, ok := t.stmts[query]; ok {
		return t.Tx.Stmt(st).Exec(args...)
	}
	return t.Tx.Exec(query, args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *wtx) QueryRow(query string, args ...any) *sql.Row {
	if st, ok := t.stmts[query]; ok {
		return t.Tx.Stmt(st).QueryRow(args...)
	}
	return t.Tx.QueryRow(query, args...)
}

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

	stmts map[string]*sql.Stmt // prepared on the one connection; used only by the writer goroutine

	mu     sync.RWMutex // held for reading while sending; Close takes it to close the queue
	closed bool
	done   chan struct{} // closed when the goroutine has returned

	batches atomic.Int64 // committed transactions, for tests and metrics
	writes  atomic.Int64 // requests answered with success
}

// startWriter prepares the hot statements and starts the goroutine. They
// must be prepared now: once running, the writer's transactions hold the
// only connection, so preparing on db would wait forever.
func startWriter(ctx context.Context, db *sql.DB, logger *slog.Logger, max int, queries []string) (*writer, error) {
	w := &writer{
		db:     db,
		logger: logger,
		max:    max,
		queue:  make(chan *request, max),
		done:   make(chan struct{}),
		stmts:  make(map[string]*sql.Stmt, len(queries)),
	}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			w.closeStmts()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		w.stmts[q] = st
	}
	go w.run()
	return w, nil
}

func (w *writer) closeStmts() {
	for _, st := range w.stmts {
		st.Close()
	}
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
	w.closeStmts()
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
	if len(batch) == 1 {
		// Alone, a request needs no savepoint to isolate it from others:
		// two statements fewer on the path of a lone command's ack. As for
		// a batch, a transaction that fails as a whole is tried again.
		r := batch[0]
		whole, err := w.alone(ctx, r.fn)
		if whole {
			w.logger.Warn("store: write failed, retrying it", "err", err)
			err = w.single(ctx, r.fn)
		}
		r.done <- err
		return
	}
	errs := make([]error, len(batch))
	err := func() error {
		sqlTx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer sqlTx.Rollback()
		tx := &wtx{Tx: sqlTx, stmts: w.stmts}
		for i, r := range batch {
			if _, err := tx.Exec(sqlSavepoint); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if errs[i] = w.call(r.fn, tx); errs[i] != nil {
				if _, err := tx.Exec(sqlRollbackTo); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if _, err := tx.Exec(sqlRelease); err != nil {
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

// call runs fn, turning a panic into an error: the writer serves every
// session, so one faulty request must not stop it for all the others.
func (w *writer) call(fn txFunc, tx *wtx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			w.logger.Error("store: write panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("store: write panicked: %v", p)
		}
	}()
	return fn(tx)
}

// single runs fn in a transaction of its own.
func (w *writer) single(ctx context.Context, fn txFunc) error {
	_, err := w.alone(ctx, fn)
	return err
}

// alone runs fn in a transaction of its own; whole says the transaction
// failed (begin or commit), not fn.
func (w *writer) alone(ctx context.Context, fn txFunc) (whole bool, err error) {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return true, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := w.call(fn, &wtx{Tx: tx, stmts: w.stmts}); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return true, fmt.Errorf("commit: %w", err)
	}
	w.batches.Add(1)
	w.writes.Add(1)
	return false, nil
}

// Stats are the writer's counters since Open, for /metrics.
type Stats struct {
	Commits int64 // durable transactions committed
	Writes  int64 // write requests committed (Writes/Commits is the mean group-commit batch)
	Queued  int   // write requests waiting now
}

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.w.batches.Load(), Writes: s.w.writes.Load(), Queued: len(s.w.queue)}
}
