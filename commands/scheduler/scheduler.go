package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// ErrClosed is returned by Post and Start once Shutdown has been called.
var ErrClosed = errors.New("scheduler: shut down")

// Defaults used for zero Config fields.
const (
	DefaultWorkers        = 4
	DefaultBlockThreshold = time.Second
)

// Config sets up a Scheduler. The zero value is usable.
type Config struct {
	// Workers bounds how many blocking commands and offloaded calls run at
	// once; 0 means DefaultWorkers.
	Workers int
	// BlockThreshold is how long one holder may keep the loop before the
	// watchdog reports it blocked; 0 means DefaultBlockThreshold.
	BlockThreshold time.Duration
	// Timeout is the default per-command timeout; 0 means none.
	Timeout time.Duration
	// Alerter is told when the loop blocks and recovers; nil means nobody.
	Alerter Alerter
	// Logger receives blockage reports and panics of posted functions;
	// nil discards them.
	Logger *slog.Logger
}

// Scheduler owns the main loop, the worker pool and the watchdog.
type Scheduler struct {
	threshold time.Duration
	timeout   time.Duration
	alerter   Alerter
	log       *slog.Logger

	slots    chan struct{} // one token per running pool job; capacity is the worker count
	handback chan struct{} // an async command gives the loop back to the dispatcher
	stopped  chan struct{} // closed when the dispatcher has drained and exited
	watched  chan struct{} // closed when the watchdog has exited

	root       context.Context // cancelled when Shutdown stops waiting
	cancelRoot context.CancelFunc

	mu       sync.Mutex // guards closed and adding to cmds
	closed   bool
	cmds     sync.WaitGroup // running commands
	shutdown sync.Once

	qmu   sync.Mutex
	queue []item
	wake  chan struct{} // capacity 1: "the queue may be non-empty"

	hold  holder
	watch *time.Timer // armed while someone holds the loop
	// recovered carries the total blocked time to the watchdog goroutine;
	// capacity 1 suffices, see holder.release.
	recovered chan time.Duration
	dispGoID  uint64
}

// item is one turn on the loop: a function run by the dispatcher, or an
// async command resuming on its own goroutine.
type item struct {
	name, pattern string
	fn            func()
	task          *handle
	stop          bool
}

// New starts a scheduler's loop and watchdog. Call Shutdown to stop them.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("scheduler: Config.Workers is %d, want ≥ 0", cfg.Workers)
	}
	if cfg.BlockThreshold < 0 {
		return nil, fmt.Errorf("scheduler: Config.BlockThreshold is %v, want ≥ 0", cfg.BlockThreshold)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("scheduler: Config.Timeout is %v, want ≥ 0", cfg.Timeout)
	}
	s := &Scheduler{
		threshold: cmp.Or(cfg.BlockThreshold, DefaultBlockThreshold),
		timeout:   cfg.Timeout,
		alerter:   cfg.Alerter,
		log:       cfg.Logger,
		slots:     make(chan struct{}, cmp.Or(cfg.Workers, DefaultWorkers)),
		handback:  make(chan struct{}),
		stopped:   make(chan struct{}),
		watched:   make(chan struct{}),
		wake:      make(chan struct{}, 1),
		recovered: make(chan time.Duration, 1),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.root, s.cancelRoot = context.WithCancel(context.Background())
	s.watch = time.NewTimer(time.Hour)
	s.watch.Stop()
	ready := make(chan struct{})
	go s.dispatch(ready)
	<-ready
	go s.watchdog()
	return s, nil
}

// Post queues fn to run on the loop and returns at once. Functions posted by
// one goroutine run in the order posted. name identifies fn in blockage
// reports. A panic in fn is logged and the loop goes on.
//
// Work that is part of a running command should use its Runtime.OnLoop
// instead: Post is refused once Shutdown has begun, OnLoop is not.
func (s *Scheduler) Post(name string, fn func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.enqueue(item{name: name, fn: fn})
	return nil
}

func (s *Scheduler) enqueue(it item) {
	s.qmu.Lock()
	s.queue = append(s.queue, it)
	s.qmu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// dispatch lends the loop to queued items one at a time, in order. It takes
// the whole queue at once and hands back the emptied slice, so a steady
// stream of work allocates nothing.
func (s *Scheduler) dispatch(ready chan<- struct{}) {
	s.dispGoID = goroutineID()
	close(ready)
	var batch []item
	for {
		s.qmu.Lock()
		batch, s.queue = s.queue, batch[:0]
		s.qmu.Unlock()
		if len(batch) == 0 {
			<-s.wake
			continue
		}
		for i, it := range batch {
			batch[i] = item{} // drop references for the collector
			if it.stop {
				close(s.stopped)
				return
			}
			if it.task != nil {
				// The task records its own release before handing back, so
				// the record never shows it holding the loop after it let go.
				s.hold.acquire(s, it.name, it.pattern, it.task.goid)
				it.task.resume <- struct{}{}
				<-s.handback
			} else {
				s.hold.acquire(s, it.name, it.pattern, s.dispGoID)
				s.runPosted(it)
				s.hold.release(s)
			}
		}
	}
}

func (s *Scheduler) runPosted(it item) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("scheduler: loop function panicked", "name", it.name, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	it.fn()
}

// Shutdown refuses new work, then waits until running commands have
// returned and queued loop functions have run. If ctx ends first it cancels
// the commands' contexts and returns ctx.Err(); the loop then stops by itself
// once they return. Shutdown may be called again to wait once more.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.shutdown.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		go func() {
			s.cmds.Wait()
			s.enqueue(item{stop: true})
		}()
	})
	select {
	case <-s.stopped:
		<-s.watched
		return nil
	case <-ctx.Done():
		s.cancelRoot()
		return ctx.Err()
	}
}

// Healthy reports whether the loop is running and nobody has held it
// longer than the block threshold. A systemd watchdog should be fed only
// while it is true.
func (s *Scheduler) Healthy() bool {
	select {
	case <-s.stopped:
		return false
	default:
	}
	return !s.hold.overdue(s.threshold)
}
