package speech

import (
	"sync"
	"testing"
	"time"
)

// patience bounds every wait of a test on the code under test, so a
// regression fails in seconds rather than at the 10-minute test timeout.
// It is a safety net, never a timing assertion.
const patience = 10 * time.Second

// recv receives from ch, failing the test if nothing comes within patience.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, patience)
		var zero T
		return zero
	}
}

// How a fake playback device behaves once started.
type behaviour int

const (
	plays        behaviour = iota // asks for audio period after period until stopped
	stalls                        // never asks for audio (a backend hiccup)
	stopsAtStart                  // stops on its own at once (unplugged)
	failsToOpen                   // cannot be opened
)

// fakeOutput opens fake playback devices that behave as scripted, one
// behaviour per open, then plays.
type fakeOutput struct {
	mu      sync.Mutex
	script  []behaviour
	devices []*fakePlayback
	resets  int
	closed  bool
}

func (o *fakeOutput) open(rate int, data func([]byte), stopped func()) (playbackDevice, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := plays
	if len(o.script) > 0 {
		b, o.script = o.script[0], o.script[1:]
	}
	if b == failsToOpen {
		return nil, errFakeOpen
	}
	d := &fakePlayback{behaviour: b, data: data, stopped: stopped, quit: make(chan struct{})}
	o.devices = append(o.devices, d)
	return d, nil
}

func (o *fakeOutput) reset() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.resets++
	return nil
}

func (o *fakeOutput) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	return nil
}

func (o *fakeOutput) state() (resets int, devices []*fakePlayback) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.resets, append([]*fakePlayback(nil), o.devices...)
}

type fakeOpenError struct{}

func (fakeOpenError) Error() string { return "no playback device" }

var errFakeOpen error = fakeOpenError{}

// fakePlayback is a playback device run by a goroutine standing in for
// miniaudio's worker thread. Like miniaudio it calls stopped when it stops,
// whether on its own or by Stop, once.
type fakePlayback struct {
	behaviour behaviour
	data      func([]byte)
	stopped   func()
	quit      chan struct{}
	worker    sync.WaitGroup
	once      sync.Once

	mu    sync.Mutex
	calls []string
}

func (d *fakePlayback) record(call string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, call)
}

// Calls lists the methods called, in order.
func (d *fakePlayback) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

func (d *fakePlayback) stop() { d.once.Do(d.stopped) }

func (d *fakePlayback) Start() error {
	d.record("start")
	d.worker.Go(func() {
		switch d.behaviour {
		case plays:
			period := make([]byte, 320)
			for {
				select {
				case <-d.quit:
					return
				default:
					d.data(period)
				}
			}
		case stopsAtStart:
			d.stop()
		}
	})
	return nil
}

// Stop stops the worker and waits for it, as ma_device_stop does.
func (d *fakePlayback) Stop() error {
	d.record("stop")
	close(d.quit)
	d.worker.Wait()
	d.stop()
	return nil
}

func (d *fakePlayback) Uninit() { d.record("uninit") }

// fakeTimers hands out timers the test fires; each one set is announced.
type fakeTimers struct{ set chan fakeTimer }

type fakeTimer struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{set: make(chan fakeTimer, 8)} }

func (f *fakeTimers) after(d time.Duration) <-chan time.Time {
	t := fakeTimer{d, make(chan time.Time, 1)}
	f.set <- t
	return t.fire
}
