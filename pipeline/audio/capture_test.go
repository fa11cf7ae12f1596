package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The tests of Capture on fake devices run in a synctest bubble: the
// watcher's timers run on the bubble's clock, which jumps when every
// goroutine waits, so a test asserts when each event comes. The watcher
// ticks for ever, so a wait for what never comes does not deadlock the
// bubble but runs its clock on without end: the tests' waits are bounded
// by patience of the bubble's time (recv, testContext), which passes at
// once in real time.

// fakeDevice stands in for a microphone: the test delivers periods through
// it and unplugs it.
type fakeDevice struct {
	deliver func([]byte)
	stopped func(error)
	closed  chan struct{}
}

// Close behaves like miniaudio: closing a device also fires its stop
// callback, which Capture must not take for a loss.
func (d *fakeDevice) Close() error {
	close(d.closed)
	d.stopped(errors.New("stopped by Close"))
	return nil
}

// reopens is room for the devices a test's Capture opens, and twice it for
// the events it reports: more than a watcher losing each device gets to in
// patience of the bubble's clock (a loss per StallTimeout, 500 ms or more
// here), so a test failing at that bound still closes its capture rather
// than deadlocking on a watcher blocked handing one over.
const reopens = 64

// fakeDevices opens fake devices, failing the attempts the test scripts.
type fakeDevices struct {
	mu     sync.Mutex
	fails  []error     // the results of the next opens; nil opens a device
	tries  []time.Time // when each open was attempted
	opened chan *fakeDevice
}

func newFakeDevices(fails ...error) *fakeDevices {
	return &fakeDevices{fails: fails, opened: make(chan *fakeDevice, reopens)}
}

func (f *fakeDevices) open(r *ring, wake func(), stopped func(error)) (device, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries = append(f.tries, time.Now())
	if len(f.fails) > 0 {
		err := f.fails[0]
		f.fails = f.fails[1:]
		if err != nil {
			return nil, "fake mic", err
		}
	}
	deliver := func(pcm []byte) {
		if r.write(pcm) {
			wake()
		}
	}
	d := &fakeDevice{deliver: deliver, stopped: stopped, closed: make(chan struct{})}
	f.opened <- d
	return d, "fake mic", nil
}

func (f *fakeDevices) failNext(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, errs...)
}

// triedAt is when each open was attempted, since start.
func (f *fakeDevices) triedAt(start time.Time) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var at []time.Duration
	for _, t := range f.tries {
		at = append(at, t.Sub(start))
	}
	return at
}

// captureHarness runs a Capture on fake devices. Make it inside the test's
// bubble.
type captureHarness struct {
	t       testing.TB
	c       *Capture
	devices *fakeDevices
	start   time.Time // when the capture was opened
	events  chan timedEvent
}

// timedEvent is an event and when the watcher reported it, since the
// capture was opened.
type timedEvent struct {
	Event
	at time.Duration
}

func newCaptureHarness(t testing.TB, cfg CaptureConfig) *captureHarness {
	t.Helper()
	h := &captureHarness{t: t, devices: newFakeDevices(), start: time.Now(), events: make(chan timedEvent, 2*reopens)}
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	cfg.OnEvent = func(e Event) { h.events <- timedEvent{e, time.Since(h.start)} }
	c, err := newCapture(cfg, h.devices.open)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	t.Cleanup(func() { c.Close() })
	return h
}

// event returns the watcher's next event, which must be of kind and come
// at (since the capture was opened).
func (h *captureHarness) event(kind EventKind, at time.Duration) Event {
	h.t.Helper()
	e := recv(h.t, h.events, kind.String()+" event")
	if e.Kind != kind {
		h.t.Fatalf("event %v, want %v", e.Event, kind)
	}
	if e.at != at {
		h.t.Errorf("event %v at %v, want at %v", e.Event, e.at, at)
	}
	if e.Device != "fake mic" {
		h.t.Errorf("event %v does not name the device", e.Event)
	}
	return e.Event
}

// noEvent fails the test if the watcher has reported an event not taken
// with event. It first lets the watcher finish what it is doing
// (synctest.Wait), so an event still on its way from what the test did
// before is not missed.
func (h *captureHarness) noEvent() {
	h.t.Helper()
	synctest.Wait()
	select {
	case e := <-h.events:
		h.t.Errorf("unexpected event %v at %v", e.Event, e.at)
	default:
	}
}

// read reads n bytes from the capture.
func (h *captureHarness) read(n int) []byte {
	h.t.Helper()
	ctx := testContext(h.t)
	var got []byte
	buf := make([]byte, n)
	for len(got) < n {
		k, err := h.c.Read(ctx, buf[:n-len(got)])
		if err != nil {
			h.t.Fatalf("Read after %d of %d bytes: %v", len(got), n, err)
		}
		got = append(got, buf[:k]...)
	}
	return got
}

// opened returns the device Capture opened next.
func (h *captureHarness) opened() *fakeDevice {
	h.t.Helper()
	return recv(h.t, h.devices.opened, "device opened")
}

// closed waits until Capture has closed mic.
func (h *captureHarness) closed(mic *fakeDevice) {
	h.t.Helper()
	recv(h.t, mic.closed, "close of the device")
}

func TestCaptureDeviceLossAndRecovery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newCaptureHarness(t, CaptureConfig{
			StallTimeout: time.Second,
			RetryMin:     100 * time.Millisecond,
			RetryMax:     300 * time.Millisecond,
		})
		mic := h.opened()
		first := ramp(0, 160)
		mic.deliver(first)
		if got := h.read(len(first)); !bytes.Equal(got, first) {
			t.Fatal("Read did not return the delivered audio")
		}
		time.Sleep(time.Second) // the watcher's first tick: frames arrived, all is well
		h.noEvent()

		// The mic goes silent: unplugged without a word. The next tick
		// finds no frames.
		h.devices.failNext(errors.New("no such device"), errors.New("no such device"), errors.New("no such device"))
		lost := h.event(DeviceLost, 2*time.Second)
		if !errors.Is(lost.Err, ErrStalled) || !strings.Contains(lost.String(), `"fake mic" lost`) {
			t.Errorf("DeviceLost = %v, want a stall naming the device", lost)
		}
		h.closed(mic)
		// Reopening fails; the backoff doubles up to RetryMax.
		h.event(DeviceRestored, 2600*time.Millisecond)
		want := []time.Duration{0, 2000 * time.Millisecond, 2100 * time.Millisecond, 2300 * time.Millisecond, 2600 * time.Millisecond}
		if got := h.devices.triedAt(h.start); !slices.Equal(got, want) {
			t.Errorf("device opened at %v, want at %v: at once, then after 100, 200 and 300 ms", got, want)
		}
		mic = h.opened()
		again := ramp(500, 160)
		mic.deliver(again)
		if got := h.read(len(again)); !bytes.Equal(got, again) {
			t.Fatal("Read did not return audio from the reopened device")
		}
		time.Sleep(time.Second) // the next tick finds the reopened device's frames
		h.noEvent()
	})
}

func TestCaptureDeviceErrorIsLossAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newCaptureHarness(t, CaptureConfig{})
		mic := h.opened()
		unplugged := errors.New("device unplugged")
		mic.stopped(unplugged)
		if e := h.event(DeviceLost, 0); !errors.Is(e.Err, unplugged) {
			t.Errorf("DeviceLost error = %v, want the device's", e.Err)
		}
		h.closed(mic)
		h.event(DeviceRestored, 0) // the next open succeeds at once
		h.opened()

		// A late report from the replaced device is no loss of the new
		// one, which the watcher goes on watching: silent, it is lost a
		// StallTimeout later.
		h.c.failed <- failure{new(atomic.Bool), errors.New("late stop")}
		h.noEvent()
		if e := h.event(DeviceLost, 500*time.Millisecond); !errors.Is(e.Err, ErrStalled) {
			t.Errorf("DeviceLost error = %v, want a stall", e.Err)
		}
	})
}

func TestCaptureCountsAndReportsOverruns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newCaptureHarness(t, CaptureConfig{Buffer: 20 * time.Millisecond})
		mic := h.opened()
		period := ramp(0, 160) // 10 ms
		for range 5 {
			mic.deliver(period) // nobody reads: the third on are dropped
		}
		if got := h.c.Overruns(); got != 3 {
			t.Errorf("Overruns() = %d, want 3", got)
		}
		if e := h.event(Overrun, 500*time.Millisecond); e.Count != 3 {
			t.Errorf("Overrun event count = %d, want 3", e.Count)
		}
		// Once the watcher is done with this tick: a period delivered
		// while it still checks for a stall would count for this tick,
		// not the next.
		h.noEvent()
		// What was kept is intact.
		if got := h.read(2 * len(period)); !bytes.Equal(got, concat(period, period)) {
			t.Error("audio kept before the overrun was damaged")
		}
		mic.deliver(period)
		time.Sleep(500 * time.Millisecond) // the next tick
		h.noEvent()                        // no new overruns, no new report
	})
}

// failureRecorder is a testing.TB whose Errorf records the failure instead
// of failing the test, to test the harness's own checks.
type failureRecorder struct {
	testing.TB
	failures []string
}

func (r *failureRecorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// noEvent must see an event the watcher is still about to report when it
// is called: here the Overrun of the tick due when the test's sleep ends,
// which the watcher reports from its own goroutine.
func TestCaptureHarnessNoEventSeesEventOnItsWay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for range 20 { // the goroutines woken at the tick run in any order
			rec := &failureRecorder{TB: t}
			h := newCaptureHarness(rec, CaptureConfig{Buffer: 20 * time.Millisecond})
			mic := h.opened()
			for range 3 {
				mic.deliver(ramp(0, 160)) // the third overruns
			}
			time.Sleep(500 * time.Millisecond)
			h.noEvent()
			if len(rec.failures) != 1 || !strings.Contains(rec.failures[0], "periods dropped") {
				t.Fatalf("noEvent with an Overrun on its way: failures %q, want one naming the overrun", rec.failures)
			}
			h.c.Close()
		}
	})
}

func TestCaptureOpenFailure(t *testing.T) {
	devices := newFakeDevices(errors.New(`cannot open capture device "default" on alsa`))
	_, err := newCapture(CaptureConfig{Logger: testLogger(t)}, devices.open)
	if err == nil || !strings.Contains(err.Error(), `"default"`) {
		t.Fatalf("newCapture = %v, want the opener's error", err)
	}
}

func TestCaptureClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newCaptureHarness(t, CaptureConfig{})
		mic := h.opened()
		readErr := make(chan error, 1)
		go func() {
			_, err := h.c.Read(context.Background(), make([]byte, 64))
			readErr <- err
		}()
		synctest.Wait() // the Read waits for audio
		h.c.Close()
		if err := recv(t, readErr, "return from the blocked Read"); !errors.Is(err, ErrClosed) {
			t.Errorf("blocked Read after Close = %v, want ErrClosed", err)
		}
		h.closed(mic)
		h.noEvent() // the stop callback fired by closing is no loss
	})
}

// In fill mode Read waits until it can fill its buffer, whatever is queued
// before; turning fill mode off hands a waiting Read what is there.
func TestCaptureFillWaitsForAFullBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newCaptureHarness(t, CaptureConfig{})
		mic := h.opened()
		h.c.setFill(true)
		periods := make([][]byte, 12)
		for i := range periods {
			periods[i] = ramp(160*i, 160)
		}
		for _, p := range periods[:5] {
			mic.deliver(p)
		}
		buf := make([]byte, 10*len(periods[0]))
		done, cancel := context.WithCancel(context.Background())
		cancel()
		if n, err := h.c.Read(done, buf); !errors.Is(err, context.Canceled) {
			t.Fatalf("Read with half its buffer queued and ctx done = %d bytes, %v; want it to wait for the rest (ctx's error)", n, err)
		}

		type result struct {
			pcm []byte
			err error
		}
		read := func() <-chan result {
			ch := make(chan result, 1)
			go func() {
				n, err := h.c.Read(testContext(t), buf)
				ch <- result{buf[:n], err}
			}()
			return ch
		}
		got := read()
		for _, p := range periods[5:10] {
			mic.deliver(p)
		}
		if r := recv(t, got, "return from Read"); r.err != nil || !bytes.Equal(r.pcm, concat(periods[:10]...)) {
			t.Fatalf("Read = %d bytes, %v; want the 10 periods delivered", len(r.pcm), r.err)
		}

		for _, p := range periods[10:] {
			mic.deliver(p)
		}
		got = read() // waits for 8 more periods, or is told to take what is there
		h.c.setFill(false)
		if r := recv(t, got, "return from Read after fill mode ended"); r.err != nil || !bytes.Equal(r.pcm, concat(periods[10:]...)) {
			t.Fatalf("Read = %d bytes, %v; want the 2 periods queued", len(r.pcm), r.err)
		}
	})
}
