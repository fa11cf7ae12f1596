package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The tests run each scheduler in a synctest bubble: its timers run on the
// bubble's clock, which jumps when every goroutine waits, and a wait that
// nothing can end fails the test at once as a deadlock, so no wait needs a
// bound.

// newTest starts a scheduler and shuts it down, drained, when the test ends.
// Call it inside the test's bubble.
func newTest(t *testing.T, cfg Config) *Scheduler {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

// call runs fn on the loop through Post and waits for it.
func call(t *testing.T, s *Scheduler, fn func()) {
	t.Helper()
	done := make(chan struct{})
	if err := s.Post(t.Name(), func() { defer close(done); fn() }); err != nil {
		t.Fatalf("Post: %v", err)
	}
	<-done
}

func start(t *testing.T, s *Scheduler, c Command) *Job {
	t.Helper()
	j, err := s.Start(context.Background(), c)
	if err != nil {
		t.Fatalf("Start(%q): %v", c.Name, err)
	}
	return j
}

// wait waits for j to finish and returns its error.
func wait(j *Job) error {
	<-j.Done()
	return j.Err()
}

// onLoop reports whether the calling goroutine holds the loop, as the
// dispatcher recorded it.
func onLoop(s *Scheduler) bool {
	id := goroutineID()
	s.hold.mu.Lock()
	defer s.hold.mu.Unlock()
	return s.hold.active && s.hold.goid == id
}

// commandsRuntime is the Runtime seam of package commands, copied from the
// brief: the scheduler's handles must satisfy it without importing commands.
type commandsRuntime interface {
	OnLoop(fn func() error) error
	Offload(fn func(ctx context.Context) error) error
	Sleep(d time.Duration) error
	Context() context.Context
}

var _ commandsRuntime = Runtime(nil)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"workers", Config{Workers: -1}, "Workers is -1"},
		{"threshold", Config{BlockThreshold: -time.Second}, "BlockThreshold is -1s"},
		{"timeout", Config{Timeout: -time.Millisecond}, "Timeout is -1ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%+v) = %v, want error containing %q", tt.cfg, err, tt.want)
			}
		})
	}
}

func TestStartRejectsMissingRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTest(t, Config{})
		_, err := s.Start(context.Background(), Command{Name: "lights"})
		if err == nil || !strings.Contains(err.Error(), `"lights" has no Run`) {
			t.Fatalf("Start without Run = %v, want error naming the command", err)
		}
	})
}

// TestLoopNeverOverlaps drives async commands, blocking commands' OnLoop
// calls and posted functions against one plain counter. Each increment reads,
// yields the processor and writes; any overlap loses updates, and the race
// detector flags the unsynchronised access.
func TestLoopNeverOverlaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTest(t, Config{Workers: 3})
		counter := 0
		bump := func() {
			v := counter
			runtime.Gosched()
			counter = v + 1
		}
		const rounds = 50
		var jobs []*Job
		for i := range 4 {
			jobs = append(jobs, start(t, s, Command{Name: "async", Async: true, Run: func(rt Runtime) error {
				for r := range rounds {
					bump()
					var err error
					switch (r + i) % 3 {
					case 0:
						err = rt.Sleep(0)
					case 1:
						err = rt.Offload(func(context.Context) error { runtime.Gosched(); return nil })
					case 2:
						err = rt.OnLoop(func() error { bump(); return nil })
					}
					if err != nil {
						return err
					}
					bump()
				}
				return nil
			}}))
			jobs = append(jobs, start(t, s, Command{Name: "blocking", Run: func(rt Runtime) error {
				for range rounds {
					if err := rt.OnLoop(func() error { bump(); return nil }); err != nil {
						return err
					}
				}
				return nil
			}}))
		}
		for range rounds {
			if err := s.Post("bump", bump); err != nil {
				t.Fatal(err)
			}
		}
		for _, j := range jobs {
			if err := wait(j); err != nil {
				t.Fatalf("command: %v", err)
			}
		}
		// Posted functions run in order, so call's runs after all the bumps.
		// Async: 2 bumps a round plus one more every third round's OnLoop.
		var want int
		for i := range 4 {
			for r := range rounds {
				want += 2
				if (r+i)%3 == 2 {
					want++
				}
			}
			want += rounds // blocking command
		}
		want += rounds // posted
		var got int
		call(t, s, func() { got = counter })
		if got != want {
			t.Fatalf("counter = %d, want %d: loop work overlapped", got, want)
		}
	})
}

func TestPostKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTest(t, Config{})
		var got []int
		const n = 200
		for i := range n {
			if err := s.Post("append", func() { got = append(got, i) }); err != nil {
				t.Fatal(err)
			}
		}
		call(t, s, func() {})
		for i, v := range got {
			if v != i {
				t.Fatalf("posted function %d ran at position %d", v, i)
			}
		}
		if len(got) != n {
			t.Fatalf("%d of %d posted functions ran", len(got), n)
		}
	})
}

// TestAsyncGivesUpLoopWhileAwaiting proves an awaiting async command frees
// the loop: what it awaits can complete only after a posted function ran.
func TestAsyncGivesUpLoopWhileAwaiting(t *testing.T) {
	tests := []struct {
		name  string
		await func(rt Runtime, posted <-chan struct{}) error
		want  error
	}{
		{"offload", func(rt Runtime, posted <-chan struct{}) error {
			return rt.Offload(func(context.Context) error { <-posted; return nil })
		}, nil},
		{"sleep until cancelled", func(rt Runtime, posted <-chan struct{}) error {
			return rt.Sleep(time.Hour)
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTest(t, Config{})
				posted := make(chan struct{})
				var resumedOnLoop bool
				j := start(t, s, Command{Name: tt.name, Async: true, Run: func(rt Runtime) error {
					err := tt.await(rt, posted)
					resumedOnLoop = onLoop(s)
					return err
				}})
				synctest.Wait() // the command awaits
				if err := s.Post("unblock", func() { close(posted); j.Cancel() }); err != nil {
					t.Fatal(err)
				}
				if err := wait(j); !errors.Is(err, tt.want) {
					t.Fatalf("await returned %v, want %v", err, tt.want)
				}
				if !resumedOnLoop {
					t.Fatal("async command did not resume on the loop")
				}
			})
		})
	}
}

// TestBlockingPoolBound starts more blocking commands than workers: exactly
// Workers of them run at once, the rest wait for a free worker.
func TestBlockingPoolBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, extra = 3, 2
		s := newTest(t, Config{Workers: workers})
		var running, most atomic.Int32
		gate := make(chan struct{})
		var jobs []*Job
		for range workers + extra {
			jobs = append(jobs, start(t, s, Command{Name: "download", Run: func(Runtime) error {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				<-gate
				running.Add(-1)
				return nil
			}}))
		}
		synctest.Wait() // each command runs to the gate or waits for a worker
		if n := running.Load(); n != workers {
			t.Fatalf("%d commands running with %d workers", n, workers)
		}
		close(gate)
		for _, j := range jobs {
			if err := wait(j); err != nil {
				t.Fatal(err)
			}
		}
		if m := most.Load(); m != workers {
			t.Fatalf("at most %d commands ran at once, want %d", m, workers)
		}
	})
}

func TestLongBlockingCommandDoesNotStopAsync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTest(t, Config{Workers: 2})
		gate := make(chan struct{})
		long := start(t, s, Command{Name: "long", Run: func(Runtime) error {
			<-gate
			return nil
		}})
		synctest.Wait() // the long command holds a worker
		steps := 0
		quick := start(t, s, Command{Name: "quick", Async: true, Run: func(rt Runtime) error {
			steps++
			if err := rt.Offload(func(context.Context) error { return nil }); err != nil {
				return err
			}
			steps++
			if err := rt.Sleep(0); err != nil {
				return err
			}
			steps++
			return nil
		}})
		if err := wait(quick); err != nil || steps != 3 {
			t.Fatalf("async command: steps %d, err %v; want 3, nil", steps, err)
		}
		select {
		case <-long.Done():
			t.Fatal("long command finished before it was released")
		default:
		}
		close(gate)
		if err := wait(long); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRoundTrips covers OnLoop and Offload from both kinds of command:
// where fn runs, and that values, errors and panics come back.
func TestRoundTrips(t *testing.T) {
	errNotFound := errors.New("song not found")
	type result struct {
		onLoop bool
		err    error
	}
	tests := []struct {
		name       string
		async      bool
		call       func(rt Runtime, fn func() error) error
		wantOnLoop bool
	}{
		{"syncify from blocking", false, func(rt Runtime, fn func() error) error { return rt.OnLoop(fn) }, true},
		{"OnLoop from async", true, func(rt Runtime, fn func() error) error { return rt.OnLoop(fn) }, true},
		{"asyncify from async", true, func(rt Runtime, fn func() error) error {
			return rt.Offload(func(context.Context) error { return fn() })
		}, false},
		{"Offload from blocking", false, func(rt Runtime, fn func() error) error {
			return rt.Offload(func(context.Context) error { return fn() })
		}, false},
		{"OnLoop inside asyncify", true, func(rt Runtime, fn func() error) error {
			return rt.Offload(func(context.Context) error { return rt.OnLoop(fn) })
		}, true},
	}
	outcomes := []struct {
		name  string
		fn    func() error
		check func(error) bool
	}{
		{"value", func() error { return nil }, func(err error) bool { return err == nil }},
		{"error", func() error { return errNotFound }, func(err error) bool { return errors.Is(err, errNotFound) }},
		{"panic", func() error { panic(errNotFound) }, func(err error) bool {
			var pe *PanicError
			return errors.As(err, &pe) && pe.Command == "music" && errors.Is(err, errNotFound)
		}},
	}
	for _, tt := range tests {
		for _, o := range outcomes {
			t.Run(tt.name+"/"+o.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s := newTest(t, Config{})
					var got result
					value := 0
					j := start(t, s, Command{Name: "music", Async: tt.async, Run: func(rt Runtime) error {
						got.err = tt.call(rt, func() error {
							got.onLoop = onLoop(s)
							value = 42
							return o.fn()
						})
						return nil
					}})
					if err := wait(j); err != nil {
						t.Fatalf("command: %v", err)
					}
					if got.onLoop != tt.wantOnLoop {
						t.Errorf("fn ran on the loop: %v, want %v", got.onLoop, tt.wantOnLoop)
					}
					if value != 42 {
						t.Errorf("value = %d, want 42", value)
					}
					if !o.check(got.err) {
						t.Errorf("returned %v, want %s", got.err, o.name)
					}
				})
			})
		}
	}
}

func TestPanickingCommandYieldsError(t *testing.T) {
	tests := []struct {
		name  string
		async bool
		value any
	}{
		{"async string", true, "boom"},
		{"blocking string", false, "boom"},
		{"async error", true, errors.New("boom")},
		{"blocking nil map", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTest(t, Config{})
				j := start(t, s, Command{Name: "explode", Async: tt.async, Run: func(Runtime) error {
					if tt.value == nil {
						var m map[string]int
						m["x"] = 1
					}
					panic(tt.value)
				}})
				err := wait(j)
				var pe *PanicError
				if !errors.As(err, &pe) {
					t.Fatalf("Err() = %v, want *PanicError", err)
				}
				if pe.Command != "explode" || !strings.Contains(err.Error(), `"explode" panicked`) || len(pe.Stack) == 0 {
					t.Fatalf("PanicError %+v does not name the command or lacks a stack", pe)
				}
				ran := false
				call(t, s, func() { ran = true })
				if !ran {
					t.Fatal("loop stopped after a panic")
				}
			})
		})
	}
}

func TestPostedPanicIsLoggedAndLoopGoesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		s := newTest(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err := s.Post("speech result", func() { panic("bad transcript") }); err != nil {
			t.Fatal(err)
		}
		ran := false
		call(t, s, func() { ran = true })
		if !ran {
			t.Fatal("loop stopped after a posted function panicked")
		}
		if out := logs.String(); !strings.Contains(out, "panicked") || !strings.Contains(out, "bad transcript") || !strings.Contains(out, "speech result") {
			t.Fatalf("log does not report the panic: %s", out)
		}
	})
}

// TestTimeout: a command sleeping for an hour ends when its timeout passes,
// its own or the default.
func TestTimeout(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		timeout time.Duration
		async   bool
	}{
		{"async, per command", Config{Timeout: time.Hour}, time.Minute, true},
		{"blocking, per command", Config{Timeout: time.Hour}, time.Minute, false},
		{"async, default", Config{Timeout: time.Minute}, 0, true},
		{"blocking, default", Config{Timeout: time.Minute}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTest(t, tt.cfg)
				began := time.Now()
				j := start(t, s, Command{Name: "sleepy", Async: tt.async, Timeout: tt.timeout, Run: func(rt Runtime) error {
					return rt.Sleep(time.Hour)
				}})
				if err := wait(j); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Err() = %v, want deadline exceeded", err)
				}
				if took := time.Since(began); took != time.Minute {
					t.Errorf("command ended after %v, want the timeout of 1m", took)
				}
			})
		})
	}
}

func TestCancelWhileWaitingForWorker(t *testing.T) {
	tests := []struct {
		name  string
		async bool
		run   func(ran *bool) func(Runtime) error
	}{
		{"blocking command", false, func(ran *bool) func(Runtime) error {
			return func(Runtime) error { *ran = true; return nil }
		}},
		{"async Offload", true, func(ran *bool) func(Runtime) error {
			return func(rt Runtime) error {
				return rt.Offload(func(context.Context) error { *ran = true; return nil })
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTest(t, Config{Workers: 1})
				gate := make(chan struct{})
				holder := start(t, s, Command{Name: "holder", Run: func(Runtime) error { <-gate; return nil }})
				synctest.Wait() // the holder has the worker
				ran := false
				j := start(t, s, Command{Name: tt.name, Async: tt.async, Run: tt.run(&ran)})
				synctest.Wait() // j waits for it
				j.Cancel()
				if err := wait(j); !errors.Is(err, context.Canceled) {
					t.Fatalf("Err() = %v, want canceled", err)
				}
				if ran {
					t.Fatal("cancelled work ran")
				}
				close(gate)
				if err := wait(holder); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func TestOnLoopAbandonedWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTest(t, Config{})
		gate := make(chan struct{})
		if err := s.Post("busy", func() { <-gate }); err != nil {
			t.Fatal(err)
		}
		ran := false
		j := start(t, s, Command{Name: "lights", Run: func(rt Runtime) error {
			return rt.OnLoop(func() error { ran = true; return nil })
		}})
		synctest.Wait() // the command waits in OnLoop behind busy
		j.Cancel()
		if err := wait(j); !errors.Is(err, context.Canceled) {
			t.Fatalf("OnLoop returned %v, want canceled", err)
		}
		close(gate)
		call(t, s, func() {
			if ran {
				t.Error("abandoned OnLoop function ran")
			}
		})
	})
}

// TestShutdownDrains shows Shutdown refusing new work while queued
// functions run and a running command finishes, using OnLoop on the way.
func TestShutdownDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		gate := make(chan struct{})
		finished := false
		j := start(t, s, Command{Name: "timer", Run: func(rt Runtime) error {
			<-gate
			return rt.OnLoop(func() error { finished = true; return nil })
		}})
		synctest.Wait() // the command runs, waiting at the gate
		if !s.Healthy() {
			t.Error("Healthy() = false before shutdown")
		}
		shut := make(chan error, 1)
		go func() { shut <- s.Shutdown(context.Background()) }()

		// A Post racing Shutdown may be accepted; then it must run.
		accepted, ran := 0, 0
		if s.Post("count", func() { ran++ }) == nil {
			accepted++
		}
		synctest.Wait() // Shutdown has closed the door and waits for the command
		if err := s.Post("late", func() { ran++ }); !errors.Is(err, ErrClosed) {
			t.Fatalf("Post after Shutdown = %v, want ErrClosed", err)
		}
		if _, err := s.Start(context.Background(), Command{Name: "late", Run: func(Runtime) error { return nil }}); !errors.Is(err, ErrClosed) {
			t.Fatalf("Start after Shutdown = %v, want ErrClosed", err)
		}
		select {
		case err := <-shut:
			t.Fatalf("Shutdown = %v before the running command finished", err)
		default:
		}
		close(gate)
		if err := <-shut; err != nil {
			t.Fatalf("Shutdown = %v", err)
		}
		if err := j.Err(); err != nil || !finished {
			t.Fatalf("running command: err %v, finished %v", err, finished)
		}
		if ran != accepted {
			t.Fatalf("%d of %d accepted posts ran", ran, accepted)
		}
		if s.Healthy() {
			t.Error("Healthy() = true after shutdown")
		}
	})
}

func TestShutdownCancelsWhenContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		j := start(t, s, Command{Name: "alarm", Async: true, Run: func(rt Runtime) error {
			return rt.Sleep(time.Hour)
		}})
		synctest.Wait() // the command sleeps
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Shutdown(cancelled) = %v, want canceled", err)
		}
		if err := wait(j); !errors.Is(err, context.Canceled) {
			t.Fatalf("command: %v, want canceled", err)
		}
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatalf("second Shutdown = %v", err)
		}
	})
}

func TestGoroutineStack(t *testing.T) {
	id := goroutineID()
	stack := goroutineStack(id)
	if !strings.Contains(stack, "TestGoroutineStack") {
		t.Fatalf("stack of goroutine %d lacks this test:\n%s", id, stack)
	}
	if got := goroutineStack(1 << 62); !strings.Contains(got, "not found") {
		t.Fatalf("stack of a missing goroutine = %q", got)
	}
}
