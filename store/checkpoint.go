package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
)

// SQLite's automatic checkpoint copies the WAL's pages into the database
// file inside the commit that crossed 1,000 pages: on the writer's
// connection, while every write queued behind it waits (7% of the server's
// CPU at 10,000 live drills, docs/performance.md). The writer's connection
// has it off (wal_autocheckpoint=0), and checkpoints are taken in two
// steps instead:
//
//   - a checkpointer goroutine, on a connection of its own, copies what
//     the WAL holds (PASSIVE: it never waits for the writer, which goes on
//     committing to the WAL meanwhile) every checkpointWrites writes, a
//     few dozen pages at a time;
//   - once the WAL is longer than restartFrames, the writer itself copies
//     the few pages committed while that ran, right after its next commit,
//     so that its next transaction starts the WAL again from the beginning
//     instead of growing it. SQLite restarts the WAL only when
//     every page in it is in the database file when a write begins, which
//     a checkpoint running beside a busy writer seldom leaves behind.
//
// Durability is the commit's (synchronous=FULL on every connection): a
// checkpoint only moves pages already durable in the WAL, and a crash at
// any point leaves a WAL that the next open recovers.

// checkpointWrites is how many committed writes (each a few pages) run
// between two background checkpoints. Few, on purpose: a checkpoint ends
// with an fsync of the database file, whose cost grows with what it
// copied, and the writer's WAL fsyncs on the same disk are slow while it
// runs. TestWriterOpenLoop at 10,000 sessions (docs/performance.md): with
// a checkpoint every 256 writes (about SQLite's 1,000 pages), each took
// about 5.6 ms, the writer's completion of a long WAL 6 to 13 ms with
// every write waiting, and commands waited 10.0 to 11.2 ms at p99; every
// 16 writes, 2.0 to 2.2 ms at p99, the median the same (0.47 to 0.49 ms).
// A checkpoint after every write made the median worse.
const checkpointWrites = 16

// restartFrames is the WAL length (pages; 16 MiB) past which the writer
// completes a checkpoint so that the WAL starts again.
const restartFrames = 4096

// The checkpoint statement. PASSIVE never waits for a lock, so it cannot
// block the writer or a reader (its fsync of the database file does slow
// the writer's fsyncs on the same disk: checkpointWrites).
const sqlCheckpoint = "PRAGMA wal_checkpoint(PASSIVE)"

type checkpointer struct {
	db     *sql.DB // one connection of its own
	logger *slog.Logger
	every  int   // writes between background checkpoints
	frames int64 // the WAL length past which the writer completes one

	kick     chan struct{} // buffered 1: the writer has committed every writes
	stop     chan struct{}
	stopping sync.Once
	done     chan struct{}
	closeErr error

	writes int // since the last kick; the writer goroutine's
	// restart: the WAL is long and a background checkpoint has just
	// copied most of it; the writer completes it when it is idle.
	restart atomic.Bool

	runs      atomic.Int64 // background checkpoints run
	completed atomic.Int64 // checkpoints the writer completed
}

func startCheckpointer(db *sql.DB, logger *slog.Logger, every int, frames int64) *checkpointer {
	c := &checkpointer{db: db, logger: logger, every: every, frames: frames,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// committed counts n committed writes on the writer's goroutine and wakes
// the checkpointer every c.every of them.
func (c *checkpointer) committed(n int) {
	c.writes += n
	if c.writes < c.every {
		return
	}
	c.writes = 0
	select {
	case c.kick <- struct{}{}:
	default: // one is running or pending: it will see these pages too
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		busy, log, copied, err := checkpoint(c.db.QueryRowContext(context.Background(), sqlCheckpoint))
		if err != nil {
			c.logger.Warn("store: checkpoint", "err", err)
			continue
		}
		if busy {
			// The writer is completing one (finish): nothing was copied.
			continue
		}
		c.runs.Add(1)
		if log >= c.frames && copied > 0 {
			c.restart.Store(true)
		}
	}
}

// finish runs on the writer's goroutine between two transactions: when a
// background checkpoint has left a long WAL behind, it copies the rest, so
// that the next write starts the WAL again.
func (c *checkpointer) finish(w *writer) {
	if !c.restart.CompareAndSwap(true, false) {
		return
	}
	st := w.stmt(sqlCheckpoint)
	if st == nil {
		return
	}
	busy, _, _, err := checkpoint(st.QueryRow())
	if err != nil {
		c.logger.Warn("store: checkpoint on the writer", "err", err)
		return
	}
	if busy {
		// The checkpointer is running one: try again after the next
		// commit rather than leave the WAL to grow.
		c.restart.Store(true)
		return
	}
	c.completed.Add(1)
}

// close stops the goroutine and closes its connection. Calls after the
// first return the first's error.
func (c *checkpointer) close() error {
	c.stopping.Do(func() {
		close(c.stop)
		<-c.done
		c.closeErr = c.db.Close()
	})
	return c.closeErr
}

// checkpoint scans PRAGMA wal_checkpoint's row: whether it could not run
// (another connection held the checkpoint), the WAL's length and how much
// of it is now in the database file, in pages.
func checkpoint(row *sql.Row) (busy bool, log, copied int64, err error) {
	var b int64
	err = row.Scan(&b, &log, &copied)
	return b != 0, log, copied, err
}
