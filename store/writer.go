package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// The statements of the writer's transactions, prepared once on its
// connection: it runs them itself instead of through database/sql's Tx,
// whose BEGIN and COMMIT the driver compiles afresh for every transaction.
const (
	sqlBegin      = "BEGIN IMMEDIATE"
	sqlCommit     = "COMMIT"
	sqlRollback   = "ROLLBACK"
	sqlSavepoint  = "SAVEPOINT req"
	sqlRollbackTo = "ROLLBACK TO req"
	sqlRelease    = "RELEASE req"
)

// maxBatch bounds how many write requests share one transaction, so one
// commit's latency stays bounded when the queue is long.
const maxBatch = 256

// gatherWindow is how long, by default, a write that may wait (an append
// without a command: the session clock's events) waits for company before
// it is committed, unless a write that may not wait (a command) comes
// first and takes it along. Off: on the disk it was measured on (an fsync
// costs about 0.15 ms), a commit costs by the pages it writes more than by
// its fsync, and at 10,000 live drills holding the clocks' writes made the
// commands' commits bigger and slower (docs/performance.md). Where fsyncs
// are dear, WithClockCommitWait turns it on.
const gatherWindow time.Duration = 0

// maxCachedStatements bounds the statements the writer keeps prepared
// besides the hot ones: enough for every statement the store writes with,
// not for one built with a different number of placeholders each time.
const maxCachedStatements = 256

// txFunc is one write. It may run more than once (when its batch fails and
// it is retried alone), so it must derive everything from its arguments and
// the transaction, and assign its results afresh on each run.
type txFunc func(tx *wtx) error

// wtx is the writer's transaction on its connection. Its Exec and QueryRow
// run statements prepared on that connection: SQLite spends more time
// compiling a small statement than running it.
type wtx struct {
	w *writer
}

// Exec runs query in the transaction.
func (t *wtx) Exec(query string, args ...any) (sql.Result, error) {
	if st := t.w.stmt(query); st != nil {
		return st.Exec(args...)
	}
	return t.w.conn.ExecContext(context.Background(), query, args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (t *wtx) QueryRow(query string, args ...any) *sql.Row {
	if st := t.w.stmt(query); st != nil {
		return st.QueryRow(args...)
	}
	return t.w.conn.QueryRowContext(context.Background(), query, args...)
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
	wait  bool      // may wait up to the gather window for other writes
	at    time.Time // when it was queued (with wait)
	state atomic.Int32
	done  chan error // buffered: the writer never blocks answering
}

// writer owns the writer connection and the goroutine that group-commits:
// it takes every request already queued (up to maxBatch), runs each inside
// its own SAVEPOINT of one transaction, commits once (synchronous=FULL, so
// one fsync for the whole batch), then answers every caller. A batch of
// requests that may wait is held for up to the gather window, or until a
// request that may not wait arrives and takes them along.
type writer struct {
	db     *sql.DB
	logger *slog.Logger
	max    int
	window time.Duration
	queue  chan *request

	// Used only by the writer goroutine (and by startWriter and stop,
	// before and after it runs): the connection, held for the writer's
	// life, and the statements prepared on it.
	conn   *sql.Conn
	stmts  map[string]*sql.Stmt
	gather *time.Timer
	// When the last request that may not wait was taken, and the mean
	// time between two of them (an exponentially weighted average): a
	// batch waits for company only when one is likely within the window.
	lastUrgent time.Time
	urgentGap  time.Duration

	ckpt *checkpointer // nil: SQLite's automatic checkpoints on the writer's commits

	mu     sync.RWMutex // held for reading while sending; Close takes it to close the queue
	closed bool
	done   chan struct{} // closed when the goroutine has returned

	batches atomic.Int64 // committed transactions, for tests and metrics
	writes  atomic.Int64 // requests answered with success
	taken   atomic.Int64 // requests taken from the queue

	// How long a command's append and a clock's append that succeeded
	// waited for their commit (Store.AppendEvents), and how long each
	// batch took from its BEGIN to its COMMIT (commit).
	commandWait, clockWait, commitTime latency
}

// startWriter takes the writer connection, prepares the hot statements on
// it and starts the goroutine.
func startWriter(ctx context.Context, db *sql.DB, logger *slog.Logger, max int, window time.Duration, queries []string, ckpt *checkpointer) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{
		db:     db,
		logger: logger,
		max:    max,
		window: window,
		queue:  make(chan *request, max),
		done:   make(chan struct{}),
		conn:   conn,
		stmts:  make(map[string]*sql.Stmt, len(queries)+8),
		ckpt:   ckpt,
		// Until commands come, the window is worth waiting.
		lastUrgent: time.Now(),
	}
	for _, q := range append([]string{sqlBegin, sqlCommit, sqlRollback, sqlSavepoint, sqlRollbackTo, sqlRelease}, queries...) {
		st, err := conn.PrepareContext(ctx, q)
		if err != nil {
			w.release()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		w.stmts[q] = st
	}
	go w.run()
	return w, nil
}

// stmt returns query prepared on the writer's connection, preparing it on
// first use while the cache has room; nil when it has none (or the
// statement does not compile: running it reports why).
func (w *writer) stmt(query string) *sql.Stmt {
	if st, ok := w.stmts[query]; ok {
		return st
	}
	if len(w.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := w.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil
	}
	w.stmts[query] = st
	return st
}

// release closes the statements and gives the connection back to db.
func (w *writer) release() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.stmts = nil
	w.conn.Close()
}

// do submits fn and waits until it is durably committed or has failed. If ctx
// ends before the writer has taken the request, it is dropped unrun and do
// returns ctx.Err(); once taken, do waits for the outcome, which arrives
// within one commit, so an error from do never hides a committed write.
// With wait, the request may wait up to the gather window for others to
// share its commit.
func (w *writer) do(ctx context.Context, wait bool, fn txFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{fn: fn, wait: wait && w.window > 0, done: make(chan error, 1)}
	if r.wait {
		r.at = time.Now()
	}
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
	w.release()
	return true
}

func (w *writer) run() {
	defer close(w.done)
	w.gather = time.NewTimer(time.Hour)
	w.gather.Stop()
	defer w.gather.Stop()
	batch := make([]*request, 0, w.max)
	for {
		r, ok := <-w.queue
		if !ok {
			return
		}
		batch = w.drain(w.take(batch[:0], r))
		if len(batch) > 0 && len(batch) < w.max && allWait(batch) {
			batch = w.gatherFor(batch)
		}
		if len(batch) > 0 {
			w.commit(batch)
			// The callers just answered would otherwise wait for this
			// goroutine to give up its P, which it does only when it
			// blocks (its next fsync, or an empty queue): under load that
			// is most of a commit later. Measured at 10,000 drills
			// (docs/performance.md): a command's caller woke 0.10 ms
			// after its answer at the median, 0.03 ms with the yield.
			runtime.Gosched()
			if w.ckpt != nil {
				w.ckpt.committed(len(batch))
			}
		}
		clear(batch)
		if w.ckpt != nil {
			// Not only when nothing is queued: under load something
			// always is, and a WAL that never starts again grows, and
			// with it the time to find a page in it.
			w.ckpt.finish(w)
		}
	}
}

// drain adds what is queued now to the batch, without waiting.
func (w *writer) drain(batch []*request) []*request {
	for len(batch) < w.max {
		select {
		case r, ok := <-w.queue:
			if !ok {
				return batch // run sees the closed queue next
			}
			batch = w.take(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// gatherFor holds a batch of requests that may all wait until the oldest
// has waited the gather window, a request that may not wait arrives (it
// and what is queued behind it join the batch), or the batch is full.
//
// It waits only while requests that may not wait come more often than the
// window: when they are rare (a quiet server), waiting would make the
// clock's events late for nothing.
func (w *writer) gatherFor(batch []*request) []*request {
	now := time.Now()
	if max(w.urgentGap, now.Sub(w.lastUrgent)) > w.window {
		return batch
	}
	oldest := batch[0].at
	for _, r := range batch[1:] {
		if r.at.Before(oldest) {
			oldest = r.at
		}
	}
	left := w.window - now.Sub(oldest)
	if left <= 0 {
		return batch
	}
	w.gather.Reset(left)
	defer w.gather.Stop()
	for len(batch) < w.max {
		select {
		case r, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = w.take(batch, r)
			if !r.wait {
				return w.drain(batch)
			}
		case <-w.gather.C:
			return batch
		}
	}
	return batch
}

func allWait(batch []*request) bool {
	for _, r := range batch {
		if !r.wait {
			return false
		}
	}
	return true
}

// take claims r for this batch unless its caller has abandoned it.
func (w *writer) take(batch []*request, r *request) []*request {
	if r.state.CompareAndSwap(reqPending, reqTaken) {
		w.taken.Add(1)
		if !r.wait {
			now := time.Now()
			w.urgentGap += (now.Sub(w.lastUrgent) - w.urgentGap) / 8
			w.lastUrgent = now
		}
		return append(batch, r)
	}
	return batch
}

// exec runs one of the writer's own prepared statements.
func (w *writer) exec(query string) error {
	_, err := w.stmts[query].Exec()
	return err
}

// commit runs the batch in one transaction. A request whose function fails
// is rolled back to its savepoint and answered with its error; the others
// go on. If the transaction as a whole fails (begin, a savepoint statement,
// or the commit itself), every request is retried alone, so one bad request
// cannot fail the others.
//
// Its time goes into commitTime before any caller is answered, so a caller
// that reads Stats after its write finds the write's transaction counted.
func (w *writer) commit(batch []*request) {
	began := time.Now()
	if len(batch) == 1 {
		// Alone, a request needs no savepoint to isolate it from others:
		// two statements fewer on the path of a lone command's ack. As for
		// a batch, a transaction that fails as a whole is tried again.
		r := batch[0]
		whole, err := w.alone(r.fn)
		if whole {
			w.logger.Warn("store: write failed, retrying it", "err", err)
			err = w.single(r.fn)
		}
		w.commitTime.observe(time.Since(began))
		r.done <- err
		return
	}
	errs := make([]error, len(batch))
	err := w.transaction(func(tx *wtx) error {
		for i, r := range batch {
			if err := w.exec(sqlSavepoint); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if errs[i] = w.call(r.fn, tx); errs[i] != nil {
				if err := w.exec(sqlRollbackTo); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if err := w.exec(sqlRelease); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		return nil
	})
	if err == nil {
		w.batches.Add(1)
		for _, e := range errs {
			if e == nil {
				w.writes.Add(1)
			}
		}
		w.commitTime.observe(time.Since(began))
		w.answer(batch, errs)
		return
	}
	// The transaction is gone, so nothing in it was written: every request,
	// including one whose function had failed (perhaps only because of the
	// same fault), runs again in a transaction of its own.
	w.logger.Warn("store: batch failed, retrying its writes one by one", "writes", len(batch), "err", err)
	for i, r := range batch {
		errs[i] = w.single(r.fn)
	}
	w.commitTime.observe(time.Since(began))
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// answer wakes the callers of a committed batch, those that may not wait
// (commands, whose acks are waited for) first. The woken goroutines run in
// the order they were woken, except the last, which runs first: so the
// last command is woken last, after the requests that may wait.
func (w *writer) answer(batch []*request, errs []error) {
	last := -1
	for i, r := range batch {
		if !r.wait {
			if last >= 0 {
				batch[last].done <- errs[last]
			}
			last = i
		}
	}
	for i, r := range batch {
		if r.wait {
			r.done <- errs[i]
		}
	}
	if last >= 0 {
		batch[last].done <- errs[last]
	}
}

// transaction runs fn between BEGIN IMMEDIATE and COMMIT on the writer's
// connection, and rolls back if either fn or the commit fails.
func (w *writer) transaction(fn func(tx *wtx) error) error {
	if err := w.exec(sqlBegin); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err := fn(&wtx{w: w})
	if err == nil {
		if err = w.exec(sqlCommit); err != nil {
			err = fmt.Errorf("commit: %w", err)
		}
	}
	if err != nil {
		// A failed COMMIT (SQLITE_BUSY) leaves the transaction open; one
		// that SQLite rolled back already makes this ROLLBACK fail, which
		// is fine.
		w.exec(sqlRollback)
	}
	return err
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
func (w *writer) single(fn txFunc) error {
	_, err := w.alone(fn)
	return err
}

// alone runs fn in a transaction of its own; whole says the transaction
// failed (begin or commit), not fn.
func (w *writer) alone(fn txFunc) (whole bool, err error) {
	var fnErr error
	err = w.transaction(func(tx *wtx) error {
		fnErr = w.call(fn, tx)
		return fnErr
	})
	if fnErr != nil {
		return false, fnErr
	}
	if err != nil {
		return true, err
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
	// CommandWait and ClockWait: how long the appends of commands and of
	// the session clocks (timed events, pauses) waited, from the call to
	// the durable commit's answer: the queue, the commit, and the wake-up.
	// Commit: each batch the writer took, from its BEGIN to its COMMIT
	// (a batch that failed as a whole, with the retries of its writes).
	// An append that failed is in neither wait; its transaction is in
	// Commit.
	CommandWait, ClockWait, Commit Histogram
}

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.w.batches.Load(), Writes: s.w.writes.Load(), Queued: len(s.w.queue),
		CommandWait: s.w.commandWait.snapshot(), ClockWait: s.w.clockWait.snapshot(), Commit: s.w.commitTime.snapshot()}
}
