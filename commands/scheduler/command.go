package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

// Runtime is what a running command can ask of the scheduler. Its method set
// is that of the commands package's Runtime, so a handle passes for either.
//
// A handle belongs to its command's goroutine: call its methods from Run and
// from functions Run calls directly (including a function given to Offload),
// not from goroutines Run starts, and not after Run returns.
type Runtime interface {
	// OnLoop runs fn holding the main loop and waits for it (syncify).
	// Called while already on the loop it runs fn at once.
	OnLoop(fn func() error) error
	// Offload runs fn on the worker pool and waits for it (asyncify); an
	// async command gives up the loop meanwhile and resumes on it. Called
	// off the loop it runs fn at once.
	Offload(fn func(ctx context.Context) error) error
	// Sleep waits d or until the command is cancelled; an async command
	// gives up the loop meanwhile.
	Sleep(d time.Duration) error
	// Context is cancelled when the command is cancelled, times out, or
	// shutdown stops waiting.
	Context() context.Context
}

// Command is one run of a command.
type Command struct {
	Name    string // names the command in blockage reports and errors
	Pattern string // the pattern that matched, for blockage reports
	// Async runs the command on the main loop; otherwise (the default) it
	// runs on the worker pool.
	Async bool
	// Timeout cancels the command's context after this long; 0 means
	// Config.Timeout.
	Timeout time.Duration
	Run     func(rt Runtime) error
}

// PanicError is the error of a command, or of a function it gave OnLoop or
// Offload, that panicked.
type PanicError struct {
	Command string // the command's name
	Value   any    // what was passed to panic
	Stack   []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("scheduler: command %q panicked: %v", e.Command, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Job is a started command.
type Job struct {
	done   chan struct{}
	err    error
	cancel context.CancelFunc
}

// Cancel cancels the command's context; the command stops when it next
// waits or checks its context.
func (j *Job) Cancel() { j.cancel() }

// Done is closed when the command has returned.
func (j *Job) Done() <-chan struct{} { return j.done }

// Err returns the command's error once Done is closed; nil before.
func (j *Job) Err() error {
	select {
	case <-j.done:
		return j.err
	default:
		return nil
	}
}

// Start starts c and returns at once; c's context derives from ctx. Code on
// the loop must not wait for the Job, or it waits for itself.
func (s *Scheduler) Start(ctx context.Context, c Command) (*Job, error) {
	if c.Run == nil {
		return nil, fmt.Errorf("scheduler: command %q has no Run function", c.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	s.cmds.Add(1)

	cctx, cancel := context.WithCancel(ctx)
	stopRoot := context.AfterFunc(s.root, cancel)
	if t := cmp.Or(c.Timeout, s.timeout); t > 0 {
		var cancelT context.CancelFunc
		cctx, cancelT = context.WithTimeout(cctx, t)
		cancel = chain(cancelT, cancel)
	}
	j := &Job{done: make(chan struct{}), cancel: cancel}
	h := &handle{s: s, name: c.Name, pattern: c.Pattern, ctx: cctx}
	go func() {
		defer func() {
			stopRoot()
			cancel()
			close(j.done)
			s.cmds.Done()
		}()
		pprof.Do(cctx, pprof.Labels("command", c.Name), func(context.Context) {
			if c.Async {
				j.err = h.runAsync(c.Run)
			} else {
				j.err = h.runBlocking(c.Run)
			}
		})
	}()
	return j, nil
}

func chain(a, b context.CancelFunc) context.CancelFunc {
	return func() { a(); b() }
}

// handle is both an async command's and a blocking command's Runtime; held
// says whether its goroutine holds the loop right now.
type handle struct {
	s             *Scheduler
	name, pattern string
	ctx           context.Context
	goid          uint64
	resume        chan struct{} // the dispatcher lends an async command the loop
	called        chan error    // results of OnLoop calls made off the loop
	held          bool
}

func (h *handle) runAsync(run func(Runtime) error) error {
	h.goid = goroutineID()
	h.resume = make(chan struct{})
	h.acquire()
	defer h.release()
	return h.call(func() error { return run(h) })
}

func (h *handle) runBlocking(run func(Runtime) error) error {
	if err := h.s.takeSlot(h.ctx); err != nil {
		return err
	}
	defer h.s.freeSlot()
	return h.call(func() error { return run(h) })
}

// acquire queues this command for the loop and waits for its turn.
func (h *handle) acquire() {
	h.s.enqueue(item{name: h.name, pattern: h.pattern, task: h})
	<-h.resume
	h.held = true
}

// release gives the loop back to the dispatcher.
func (h *handle) release() {
	h.held = false
	h.s.hold.release(h.s)
	h.s.handback <- struct{}{}
}

// call runs fn, turning a panic into a *PanicError.
func (h *handle) call(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Command: h.name, Value: v, Stack: debug.Stack()}
		}
	}()
	return fn()
}

func (h *handle) Context() context.Context { return h.ctx }

func (h *handle) OnLoop(fn func() error) error {
	if h.held {
		return h.call(fn)
	}
	if h.called == nil {
		h.called = make(chan error, 1)
	}
	c := &loopCall{h: h, fn: fn}
	h.s.enqueue(item{name: h.name, pattern: h.pattern, fn: c.run})
	select {
	case err := <-h.called:
		return err
	case <-h.ctx.Done():
		if c.state.CompareAndSwap(callPending, callAbandoned) {
			return h.ctx.Err()
		}
		return <-h.called
	}
}

// loopCall is an OnLoop call made off the loop. The loop runs fn only if it
// gets to it before the caller gives up; state settles the race.
type loopCall struct {
	h     *handle
	fn    func() error
	state atomic.Int32
}

const (
	callPending = iota
	callRunning
	callAbandoned
)

func (c *loopCall) run() {
	if c.state.CompareAndSwap(callPending, callRunning) {
		c.h.called <- c.h.call(c.fn)
	}
}

func (h *handle) Offload(fn func(ctx context.Context) error) error {
	if !h.held {
		return h.call(func() error { return fn(h.ctx) })
	}
	h.release()
	defer h.acquire()
	if err := h.s.takeSlot(h.ctx); err != nil {
		return err
	}
	defer h.s.freeSlot()
	return h.call(func() error { return fn(h.ctx) })
}

func (h *handle) Sleep(d time.Duration) error {
	if h.held {
		h.release()
		defer h.acquire()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-h.ctx.Done():
		return h.ctx.Err()
	}
}

// takeSlot waits for a free worker. A free one is taken at once, even when
// ctx is done, rather than as select's random choice.
func (s *Scheduler) takeSlot(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Scheduler) freeSlot() { <-s.slots }

var _ Runtime = (*handle)(nil)
