package speech

import (
	"sync"
	"time"
)

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
	d := &fakePlayback{behaviour: b, rate: rate, data: data, stopped: stopped, quit: make(chan struct{})}
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
	rate      int
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
			// A period at a time, in real time: in a synctest bubble the
			// worker then waits on the bubble's clock rather than spinning,
			// so a device never stopped is reported as a deadlock.
			period := make([]byte, 320)
			for {
				d.data(period)
				select {
				case <-d.quit:
					return
				case <-time.After(time.Duration(len(period)/2) * time.Second / time.Duration(d.rate)):
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
