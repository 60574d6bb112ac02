package runner

import (
	"container/heap"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A hosted session has no goroutine of its own while nothing happens in it.
// Its work (commands, subscriptions, the script's timers) runs one step at a
// time on a goroutine started when work arrives and ended when there is
// none left (session.submit), and the runner keeps one heap of the moments
// its sessions must wake up (their engine's next timer, the end of a
// disconnect grace, the idle timeout), watched by one goroutine with one
// timer. Ten thousand live drills are then ten thousand heap entries
// instead of ten thousand parked goroutines with three timers each, whose
// stacks (grown by the engine and the store once, kept for good) were a
// quarter of a drill's memory (docs/performance.md).

// wakeups is the runner's heap of sessions' wake-up times.
type wakeups struct {
	mu      sync.Mutex
	heap    wakeHeap
	kick    chan struct{} // buffered 1: the earliest wake-up changed
	started atomic.Bool
	done    chan struct{} // closed when the watching goroutine has returned
}

func newWakeups() *wakeups {
	return &wakeups{kick: make(chan struct{}, 1), done: make(chan struct{})}
}

// set makes s wake up at at (the zero time: not at all), replacing its
// previous wake-up. The watching goroutine starts on first use, so that it
// runs where the sessions run (a test's synctest bubble).
func (w *wakeups) set(ctx context.Context, s *session, at time.Time) {
	w.mu.Lock()
	first := false
	switch {
	case at.IsZero() && s.wakeIdx >= 0:
		heap.Remove(&w.heap, s.wakeIdx)
	case at.IsZero():
	case s.wakeIdx >= 0:
		s.wakeAt = at
		heap.Fix(&w.heap, s.wakeIdx)
		first = s.wakeIdx == 0
	default:
		s.wakeAt = at
		heap.Push(&w.heap, s)
		first = s.wakeIdx == 0
	}
	w.mu.Unlock()
	if w.started.CompareAndSwap(false, true) {
		go w.run(ctx)
		return
	}
	if first {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

// run wakes the sessions whose time has come, until ctx is cancelled.
func (w *wakeups) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	var due []*session
	for {
		w.mu.Lock()
		now := time.Now()
		due = due[:0]
		for len(w.heap) > 0 && !w.heap[0].wakeAt.After(now) {
			due = append(due, heap.Pop(&w.heap).(*session))
		}
		var wait <-chan time.Time
		if len(w.heap) > 0 {
			t.Reset(w.heap[0].wakeAt.Sub(now))
			wait = t.C
		} else {
			t.Stop()
		}
		w.mu.Unlock()
		for i, s := range due {
			s.submit(s.tick)
			due[i] = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-wait:
		}
	}
}

// wakeHeap orders sessions by wake-up time; each knows its index.
type wakeHeap []*session

func (h wakeHeap) Len() int           { return len(h) }
func (h wakeHeap) Less(i, j int) bool { return h[i].wakeAt.Before(h[j].wakeAt) }
func (h wakeHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].wakeIdx, h[j].wakeIdx = i, j
}

func (h *wakeHeap) Push(x any) {
	s := x.(*session)
	s.wakeIdx = len(*h)
	*h = append(*h, s)
}

func (h *wakeHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	s.wakeIdx, s.wakeAt = -1, time.Time{}
	return s
}

// A request to a session: run once on the session's worker, unless its
// caller gave up before it was taken.
const (
	reqWaiting int32 = iota
	reqRunning
	reqDropped
)

type sessionStep struct {
	fn    func()
	state atomic.Int32
	done  chan struct{} // nil: nobody waits
}

// submit queues fn to run on the session's worker, starting the worker if
// none runs. It reports false when the session host is gone.
func (s *session) submit(fn func()) bool {
	return s.enqueue(&sessionStep{fn: fn})
}

func (s *session) enqueue(st *sessionStep) bool {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if s.gone {
		return false
	}
	s.queue = append(s.queue, st)
	if !s.working {
		s.working = true
		go s.work()
	}
	return true
}

// work runs the queued steps one after the other, each followed by
// settle, and returns when the queue is empty or the session is over.
func (s *session) work() {
	for {
		s.qmu.Lock()
		if len(s.queue) == 0 {
			s.working = false
			s.qmu.Unlock()
			return
		}
		st := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.qmu.Unlock()
		if !st.state.CompareAndSwap(reqWaiting, reqRunning) {
			continue // its caller gave up
		}
		st.fn()
		if st.done != nil {
			close(st.done)
		}
		if s.settle() && s.exit() {
			return
		}
	}
}

// call runs fn as the session's next step and waits for it: on the
// calling goroutine when no step runs, else on the worker. If ctx ends
// before the worker takes it, fn does not run and call returns ctx.Err();
// once taken, call waits for it to finish.
func (s *session) call(ctx context.Context, fn func()) error {
	s.qmu.Lock()
	if s.gone {
		s.qmu.Unlock()
		return errGone
	}
	if !s.working {
		// Nothing runs: the caller runs its step itself, which spares a
		// command two goroutine hand-overs on its way to the ack.
		s.working = true
		s.qmu.Unlock()
		fn()
		if s.settle() {
			s.exit()
			return nil
		}
		s.qmu.Lock()
		if len(s.queue) > 0 {
			go s.work() // what arrived meanwhile
		} else {
			s.working = false
		}
		s.qmu.Unlock()
		return nil
	}
	st := &sessionStep{fn: fn, done: make(chan struct{})}
	s.queue = append(s.queue, st)
	s.qmu.Unlock()
	select {
	case <-st.done:
		return nil
	case <-s.done:
		if st.state.CompareAndSwap(reqWaiting, reqDropped) {
			return errGone
		}
		<-st.done
		return nil
	case <-ctx.Done():
		if st.state.CompareAndSwap(reqWaiting, reqDropped) {
			return ctx.Err()
		}
		<-st.done
		return nil
	}
}
