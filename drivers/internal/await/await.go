// Package await bounds the waits in the drivers' tests. A regression that
// loses an event should fail its test within seconds, saying what did not
// happen, instead of hanging until go test's 10-minute timeout kills the
// whole binary with a goroutine dump.
//
// The limit only catches hangs; it is never a timing assertion, so it is
// generous: something that should happen at once and has not within Limit
// is not going to.
package await

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// Limit is how long a test waits for something that should happen at once.
// Long enough for -race on a busy Raspberry Pi.
const Limit = 5 * time.Second

// Context returns a context that ends Limit from now or when the test ends,
// whichever is first, for waits that take a context.
func Context(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(tb.Context(), Limit)
	tb.Cleanup(cancel)
	return ctx
}

// Recv receives from ch, failing the test if nothing comes within Limit or
// ch is closed. what names the awaited thing in the failure ("waited 5s
// for the Down event"). Call it from the test's goroutine only, as for tb.Fatal.
func Recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select { // without a timer when ch is ready, so as not to weigh on benchmarks
	case v, ok := <-ch:
		if !ok {
			tb.Fatalf("waiting for %s: channel closed", what)
		}
		return v
	default:
	}
	timer := time.NewTimer(Limit)
	defer timer.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			tb.Fatalf("waiting for %s: channel closed", what)
		}
		return v
	case <-timer.C:
		tb.Fatalf("waited %s for %s", Limit, what)
	}
	panic("unreachable")
}

// Send sends v on ch, failing the test if nobody takes it within Limit.
func Send[T any](tb testing.TB, ch chan<- T, v T, what string) {
	tb.Helper()
	select {
	case ch <- v:
		return
	default:
	}
	timer := time.NewTimer(Limit)
	defer timer.Stop()
	select {
	case ch <- v:
	case <-timer.C:
		tb.Fatalf("nobody took %s within %s", what, Limit)
	}
}

// Guard is for examples, which have no testing.TB: unless the returned stop
// is called within Limit, it panics naming what, which ends the test binary
// as go test's own timeout would, but in seconds. Use it as
//
//	defer await.Guard("Example")()
func Guard(what string) (stop func()) {
	t := time.AfterFunc(Limit, func() {
		panic(fmt.Sprintf("%s still running after %s: a wait in it hangs", what, Limit))
	})
	return func() { t.Stop() }
}

// Watchdog is Guard for a benchmark's loop, whose waits cannot each afford a
// timer: that would weigh on what the benchmark measures. It panics, naming
// what, once Limit to twice Limit passes without a call to Progress.
type Watchdog struct {
	what string
	n    atomic.Uint64
	stop chan struct{}
}

// Watch starts a Watchdog that stops when tb's test or benchmark ends. The
// time from now to the first Progress counts too, so a hang in setup is
// caught as well.
func Watch(tb testing.TB, what string) *Watchdog {
	w := &Watchdog{what: what, stop: make(chan struct{})}
	go w.run()
	tb.Cleanup(func() { close(w.stop) })
	return w
}

// Progress tells the watchdog the loop is not stuck.
func (w *Watchdog) Progress() { w.n.Add(1) }

func (w *Watchdog) run() {
	tick := time.NewTicker(Limit)
	defer tick.Stop()
	last := w.n.Load()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
			n := w.n.Load()
			if n == last {
				panic(fmt.Sprintf("%s made no progress for %s: a wait in it hangs", w.what, Limit))
			}
			last = n
		}
	}
}
