package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

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

// fakeDevices opens fake devices, failing the attempts the test scripts.
type fakeDevices struct {
	mu     sync.Mutex
	fails  []error // the results of the next opens; nil opens a device
	opened chan *fakeDevice
}

func newFakeDevices(fails ...error) *fakeDevices {
	return &fakeDevices{fails: fails, opened: make(chan *fakeDevice, 8)}
}

func (f *fakeDevices) open(r *ring, wake func(), stopped func(error)) (device, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
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

// captureHarness runs a Capture on fake devices and a fake clock. It takes
// every clock wait the watcher announces, in order, so it always knows
// whether the watcher has got to its latest wait.
type captureHarness struct {
	t       testing.TB
	c       *Capture
	clock   *fakeClock
	devices *fakeDevices
	events  chan Event

	// waiting is set once the announcement of the watcher's latest clock
	// wait has been taken (wait) and until the harness lets it pass or a
	// device report interrupts it.
	waiting bool
	wait    time.Duration
}

func newCaptureHarness(t testing.TB, cfg CaptureConfig) *captureHarness {
	t.Helper()
	h := &captureHarness{t: t, clock: newFakeClock(), devices: newFakeDevices(), events: make(chan Event, 16)}
	cfg.Clock, cfg.Logger = h.clock, slog.New(slog.NewTextHandler(t.Output(), nil))
	cfg.OnEvent = func(e Event) { h.events <- e }
	c, err := newCapture(cfg, h.devices.open)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	t.Cleanup(func() { c.Close() })
	return h
}

// settle waits until the watcher has got to its next clock wait and
// returns that wait. The watcher reports events synchronously and
// announces a wait only on entering it, so by then it has reported
// everything it handled before.
func (h *captureHarness) settle() time.Duration {
	h.t.Helper()
	if !h.waiting {
		h.wait, h.waiting = recv(h.t, h.clock.waits, "clock wait of the watcher"), true
	}
	return h.wait
}

// waitFor expects Capture's next clock wait to be d, then lets it pass.
func (h *captureHarness) waitFor(d time.Duration) {
	h.t.Helper()
	if got := h.settle(); got != d {
		h.t.Fatalf("Capture waits %v, want %v", got, d)
	}
	h.waiting = false
	h.clock.Advance(d)
}

// unplug has mic report that it stopped with err. The report interrupts
// the watcher's wait, so that wait is taken first: its announcement must
// not be mistaken for the next one.
func (h *captureHarness) unplug(mic *fakeDevice, err error) {
	h.t.Helper()
	h.settle()
	mic.stopped(err)
	h.waiting = false
}

// lateReport hands the watcher the stop report of a device it has already
// replaced, which it must ignore, and returns once the watcher waits again.
func (h *captureHarness) lateReport() {
	h.t.Helper()
	h.settle()
	select {
	case h.c.failed <- failure{new(atomic.Bool), errors.New("late stop")}:
	case <-time.After(patience):
		h.t.Fatal("the watcher takes no device reports")
	}
	h.waiting = false
	if d := h.settle(); d != h.c.cfg.StallTimeout {
		h.t.Fatalf("after a late report the watcher waits %v, want to watch the device (%v)", d, h.c.cfg.StallTimeout)
	}
}

func (h *captureHarness) event(kind EventKind) Event {
	h.t.Helper()
	e := recv(h.t, h.events, kind.String()+" event")
	if e.Kind != kind {
		h.t.Fatalf("event %v, want %v", e, kind)
	}
	if e.Device != "fake mic" {
		h.t.Errorf("event %v does not name the device", e)
	}
	return e
}

// noEvent fails the test if the watcher has reported an event not taken
// with event. It first lets the watcher get to its next wait (settle), so
// an event still on its way from what the test did before is not missed.
func (h *captureHarness) noEvent() {
	h.t.Helper()
	select {
	case <-h.c.done: // the watcher has returned and reports nothing more
	default:
		h.settle()
	}
	select {
	case e := <-h.events:
		h.t.Errorf("unexpected event %v", e)
	default:
	}
}

// read reads n bytes from the capture.
func (h *captureHarness) read(n int) []byte {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
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
	h := newCaptureHarness(t, CaptureConfig{
		StallTimeout: time.Second,
		RetryMin:     100 * time.Millisecond,
		RetryMax:     300 * time.Millisecond,
	})
	mic := h.opened()
	first := ramp(0, 160)
	mic.deliver(first)
	h.waitFor(time.Second) // frames arrived: all is well
	if got := h.read(len(first)); !bytes.Equal(got, first) {
		t.Fatal("Read did not return the delivered audio")
	}
	h.noEvent()

	// The mic goes silent: unplugged without a word.
	h.devices.failNext(errors.New("no such device"), errors.New("no such device"), errors.New("no such device"))
	h.waitFor(time.Second)
	lost := h.event(DeviceLost)
	if !errors.Is(lost.Err, ErrStalled) || !strings.Contains(lost.String(), `"fake mic" lost`) {
		t.Errorf("DeviceLost = %v, want a stall naming the device", lost)
	}
	h.closed(mic)
	// Reopening fails; the backoff doubles up to RetryMax.
	h.waitFor(100 * time.Millisecond)
	h.waitFor(200 * time.Millisecond)
	h.waitFor(300 * time.Millisecond)
	h.event(DeviceRestored)
	mic = h.opened()
	again := ramp(500, 160)
	mic.deliver(again)
	if got := h.read(len(again)); !bytes.Equal(got, again) {
		t.Fatal("Read did not return audio from the reopened device")
	}
	h.waitFor(time.Second)
	h.noEvent()
}

func TestCaptureDeviceErrorIsLossAtOnce(t *testing.T) {
	h := newCaptureHarness(t, CaptureConfig{})
	mic := h.opened()
	unplugged := errors.New("device unplugged")
	h.unplug(mic, unplugged)
	if e := h.event(DeviceLost); !errors.Is(e.Err, unplugged) {
		t.Errorf("DeviceLost error = %v, want the device's", e.Err)
	}
	h.closed(mic)
	h.event(DeviceRestored) // the next open succeeds at once
	h.opened()

	// A late report from the replaced device is no loss of the new one.
	h.lateReport()
	h.noEvent()
}

func TestCaptureCountsAndReportsOverruns(t *testing.T) {
	h := newCaptureHarness(t, CaptureConfig{Buffer: 20 * time.Millisecond})
	mic := h.opened()
	period := ramp(0, 160) // 10 ms
	for range 5 {
		mic.deliver(period) // nobody reads: the third on are dropped
	}
	if got := h.c.Overruns(); got != 3 {
		t.Errorf("Overruns() = %d, want 3", got)
	}
	h.waitFor(500 * time.Millisecond)
	if e := h.event(Overrun); e.Count != 3 {
		t.Errorf("Overrun event count = %d, want 3", e.Count)
	}
	// Once the watcher is done with this tick: a period delivered while it
	// still checks for a stall would count for this tick, not the next.
	h.noEvent()
	// What was kept is intact.
	if got := h.read(2 * len(period)); !bytes.Equal(got, concat(period, period)) {
		t.Error("audio kept before the overrun was damaged")
	}
	mic.deliver(period)
	h.waitFor(500 * time.Millisecond)
	h.noEvent() // no new overruns, no new report
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
// is called: here the Overrun of the tick the harness has just let pass,
// which the watcher reports from its own goroutine.
func TestCaptureHarnessNoEventSeesEventOnItsWay(t *testing.T) {
	for range 20 { // the old, racy check passed most rounds
		rec := &failureRecorder{TB: t}
		h := newCaptureHarness(rec, CaptureConfig{Buffer: 20 * time.Millisecond})
		mic := h.opened()
		for range 3 {
			mic.deliver(ramp(0, 160)) // the third overruns
		}
		h.waitFor(500 * time.Millisecond)
		h.noEvent()
		if len(rec.failures) != 1 || !strings.Contains(rec.failures[0], "periods dropped") {
			t.Fatalf("noEvent with an Overrun on its way: failures %q, want one naming the overrun", rec.failures)
		}
		h.c.Close()
	}
}

func TestCaptureOpenFailure(t *testing.T) {
	devices := newFakeDevices(errors.New(`cannot open capture device "default" on alsa`))
	_, err := newCapture(CaptureConfig{Clock: newFakeClock(), Logger: testLogger(t)}, devices.open)
	if err == nil || !strings.Contains(err.Error(), `"default"`) {
		t.Fatalf("newCapture = %v, want the opener's error", err)
	}
}

func TestCaptureClose(t *testing.T) {
	h := newCaptureHarness(t, CaptureConfig{})
	mic := h.opened()
	readErr := make(chan error, 1)
	go func() {
		_, err := h.c.Read(context.Background(), make([]byte, 64))
		readErr <- err
	}()
	h.c.Close()
	if err := recv(t, readErr, "return from the blocked Read"); !errors.Is(err, ErrClosed) {
		t.Errorf("blocked Read after Close = %v, want ErrClosed", err)
	}
	h.closed(mic)
	h.noEvent() // the stop callback fired by closing is no loss
}

// In fill mode Read waits until it can fill its buffer, whatever is queued
// before; turning fill mode off hands a waiting Read what is there.
func TestCaptureFillWaitsForAFullBuffer(t *testing.T) {
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
}
