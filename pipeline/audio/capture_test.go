package audio

import (
	"bytes"
	"context"
	"errors"
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

func (f *fakeDevices) open(data func([]byte), stopped func(error)) (device, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fails) > 0 {
		err := f.fails[0]
		f.fails = f.fails[1:]
		if err != nil {
			return nil, "fake mic", err
		}
	}
	d := &fakeDevice{deliver: data, stopped: stopped, closed: make(chan struct{})}
	f.opened <- d
	return d, "fake mic", nil
}

func (f *fakeDevices) failNext(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, errs...)
}

type captureHarness struct {
	t       *testing.T
	c       *Capture
	clock   *fakeClock
	devices *fakeDevices
	events  chan Event
}

func newCaptureHarness(t *testing.T, cfg CaptureConfig) *captureHarness {
	t.Helper()
	h := &captureHarness{t: t, clock: newFakeClock(), devices: newFakeDevices(), events: make(chan Event, 16)}
	cfg.Clock, cfg.Logger = h.clock, testLogger(t)
	cfg.OnEvent = func(e Event) { h.events <- e }
	c, err := newCapture(cfg, h.devices.open)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	t.Cleanup(func() { c.Close() })
	return h
}

// waitFor expects Capture's next clock wait to be d, then lets it pass.
func (h *captureHarness) waitFor(d time.Duration) {
	h.t.Helper()
	if got := <-h.clock.waits; got != d {
		h.t.Fatalf("Capture waits %v, want %v", got, d)
	}
	h.clock.Advance(d)
}

func (h *captureHarness) event(kind EventKind) Event {
	h.t.Helper()
	e := <-h.events
	if e.Kind != kind {
		h.t.Fatalf("event %v, want %v", e, kind)
	}
	if e.Device != "fake mic" {
		h.t.Errorf("event %v does not name the device", e)
	}
	return e
}

func (h *captureHarness) noEvent() {
	h.t.Helper()
	select {
	case e := <-h.events:
		h.t.Errorf("unexpected event %v", e)
	default:
	}
}

// read reads n bytes from the capture.
func (h *captureHarness) read(n int) []byte {
	h.t.Helper()
	var got []byte
	buf := make([]byte, n)
	for len(got) < n {
		k, err := h.c.Read(context.Background(), buf[:n-len(got)])
		if err != nil {
			h.t.Fatal(err)
		}
		got = append(got, buf[:k]...)
	}
	return got
}

func TestCaptureDeviceLossAndRecovery(t *testing.T) {
	h := newCaptureHarness(t, CaptureConfig{
		StallTimeout: time.Second,
		RetryMin:     100 * time.Millisecond,
		RetryMax:     300 * time.Millisecond,
	})
	mic := <-h.devices.opened
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
	<-mic.closed
	// Reopening fails; the backoff doubles up to RetryMax.
	h.waitFor(100 * time.Millisecond)
	h.waitFor(200 * time.Millisecond)
	h.waitFor(300 * time.Millisecond)
	h.event(DeviceRestored)
	mic = <-h.devices.opened
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
	mic := <-h.devices.opened
	unplugged := errors.New("device unplugged")
	mic.stopped(unplugged)
	if e := h.event(DeviceLost); !errors.Is(e.Err, unplugged) {
		t.Errorf("DeviceLost error = %v, want the device's", e.Err)
	}
	<-mic.closed
	h.event(DeviceRestored) // the next open succeeds at once
	<-h.devices.opened

	// A late report from the replaced device is no loss of the new one.
	<-h.clock.waits // watching the first device
	<-h.clock.waits // watching the second
	h.c.failed <- failure{new(atomic.Bool), errors.New("late stop")}
	<-h.clock.waits // watching again: the report was handled
	h.noEvent()
}

func TestCaptureCountsAndReportsOverruns(t *testing.T) {
	h := newCaptureHarness(t, CaptureConfig{Buffer: 20 * time.Millisecond})
	mic := <-h.devices.opened
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
	// What was kept is intact.
	if got := h.read(2 * len(period)); !bytes.Equal(got, concat(period, period)) {
		t.Error("audio kept before the overrun was damaged")
	}
	mic.deliver(period)
	h.waitFor(500 * time.Millisecond)
	h.noEvent() // no new overruns, no new report
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
	mic := <-h.devices.opened
	readErr := make(chan error)
	go func() {
		_, err := h.c.Read(context.Background(), make([]byte, 64))
		readErr <- err
	}()
	h.c.Close()
	if err := <-readErr; !errors.Is(err, ErrClosed) {
		t.Errorf("blocked Read after Close = %v, want ErrClosed", err)
	}
	<-mic.closed
	h.noEvent() // the stop callback fired by closing is no loss
}
