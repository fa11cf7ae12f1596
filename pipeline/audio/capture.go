package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// CaptureConfig chooses and tunes a capture device. Zero values mean the
// defaults given per field.
type CaptureConfig struct {
	// Backend is "" (try pulseaudio, alsa, jack in turn), or one of
	// "pulseaudio", "alsa", "jack", "null" (a silent test device).
	Backend string
	// Device is "" for the backend's default capture device; an ALSA PCM
	// name as `arecord -L` prints it (plughw:CARD=seeed2micvoicec,DEV=0,
	// default, a PCM of asound.conf; see ListALSA) or in a hw:/plughw:
	// form (hw:1,0), opened as it is on the alsa backend, which it picks
	// when Backend is ""; a decimal index into the capture list of
	// ListDevices; or a device name (exact, or a case-insensitive
	// substring matching one device).
	Device string
	// DeviceBuffer is the device's own buffer, in 10 ms periods: audio
	// still comes a period at a time, and a larger buffer rides out a
	// reader held up for longer (a busy system) without an overrun.
	// Default: the backend's (3 periods on ALSA).
	DeviceBuffer time.Duration
	// Gain is applied to the captured samples, in dB; samples it would
	// take past the 16-bit range are clipped. 0 leaves them as they are.
	Gain float64
	// Buffer is how much audio the ring between the device callback and
	// Read holds before overrunning. Default 2 s.
	Buffer time.Duration
	// StallTimeout: a device that delivers nothing for this long is
	// considered lost; it is noticed within twice this. Default 500 ms.
	StallTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between attempts to reopen a
	// lost device. Defaults 250 ms and 5 s.
	RetryMin, RetryMax time.Duration
	// OnEvent receives DeviceLost, DeviceRestored and Overrun events, one
	// at a time, from the goroutine watching the device. It must not block
	// for long.
	OnEvent func(Event)
	// Logger receives device losses, recoveries and overruns (as OnEvent
	// does) and reopening attempts; nil discards them.
	Logger *slog.Logger
}

func (c *CaptureConfig) setDefaults() {
	if c.Buffer <= 0 {
		c.Buffer = 2 * time.Second
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = 500 * time.Millisecond
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 250 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 5 * time.Second
	}
	c.RetryMax = max(c.RetryMax, c.RetryMin)
	if c.OnEvent == nil {
		c.OnEvent = func(Event) {}
	}
	c.Logger = orDiscard(c.Logger)
}

// orDiscard is l, or a logger that drops everything if l is nil: a library
// logs only where its caller says, never to the process-wide default.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// failure is the report of a device that stopped on its own; live tells
// which device it was.
type failure struct {
	live *atomic.Bool
	err  error
}

// ErrStalled is the DeviceLost error of a device that stopped delivering
// audio without saying why.
var ErrStalled = errors.New("no audio delivered")

// device is an open capture device. From its own thread it writes the
// periods into the ring passed to its opener, calling wake when the write
// says so, and calls the stop function if it stops on its own (unplugged,
// backend error).
type device interface {
	Close() error
}

// opener opens the configured device, returning it and its name. The
// device writes 16 kHz mono S16LE periods into r (ring.write, or C's
// hark_ring_write) and calls wake when that reports the reader is to be
// woken; wake never blocks and never allocates.
type opener func(r *ring, wake func(), stopped func(error)) (device, string, error)

// Capture is a Source reading a capture device. It watches the device and,
// when it is lost, reports DeviceLost and reopens it with backoff until it
// returns, reporting DeviceRestored.
type Capture struct {
	cfg  CaptureConfig
	open opener
	ring *ring
	gain float64     // factor of the samples read
	fill atomic.Bool // Read waits until it can fill its buffer (setFill)
	// seen is the ring's frames as last checked by the watcher (or just
	// before the device was opened); only the watcher touches it once
	// running.
	seen uint64

	failed chan failure // a device stopped on its own
	done   chan struct{}
	closed chan struct{}
	once   sync.Once

	mu   sync.Mutex // guards dev, live and name
	dev  device
	live *atomic.Bool // the current device's: cleared before it is closed on purpose
	name string

	release func() // frees what the opener holds, after the device is closed
}

func newCapture(cfg CaptureConfig, open opener) (*Capture, error) {
	cfg.setDefaults()
	c := &Capture{
		cfg:    cfg,
		open:   open,
		ring:   newRing(durationBytes(cfg.Buffer)),
		gain:   DecibelFactor(cfg.Gain),
		failed: make(chan failure, 1),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
	}
	if err := c.reopen(); err != nil {
		return nil, err
	}
	go c.watch()
	return c, nil
}

var _ TimedSource = (*Capture)(nil)

// Captured implements TimedSource: a period's last sample was captured just
// before the device wrote it, and what Read left in the ring before that
// (see ring.captured).
func (c *Capture) Captured() time.Time { return c.ring.captured() }

// reopen opens the device and makes it current.
func (c *Capture) reopen() error {
	c.seen = c.ring.frames() // before opening, so the first period counts
	live := new(atomic.Bool)
	live.Store(true)
	stopped := func(err error) {
		if !live.Load() {
			return // we closed it
		}
		select {
		case c.failed <- failure{live, err}:
		default:
		}
	}
	dev, name, err := c.open(c.ring, c.ring.signal, stopped)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.dev, c.live, c.name = dev, live, name
	c.mu.Unlock()
	return nil
}

// closeDevice closes the current device, if any.
func (c *Capture) closeDevice() {
	c.mu.Lock()
	dev, live := c.dev, c.live
	c.dev = nil
	c.mu.Unlock()
	if dev == nil {
		return
	}
	live.Store(false)
	if err := dev.Close(); err != nil {
		c.cfg.Logger.Warn("closing capture device", "device", c.Device(), "err", err)
	}
}

// Device names the device being captured (or last captured).
func (c *Capture) Device() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

// watch detects lost devices and overruns until Close.
func (c *Capture) watch() {
	defer close(c.done)
	var reported uint64
	for {
		var lost error
		select {
		case <-c.closed:
			return
		case f := <-c.failed:
			c.mu.Lock()
			current := f.live == c.live
			c.mu.Unlock()
			if !current {
				continue // a late word from a device already replaced
			}
			lost = f.err
		case <-time.After(c.cfg.StallTimeout):
			if n := c.ring.overruns(); n != reported {
				c.report(Event{Kind: Overrun, Device: c.Device(), Count: n - reported})
				reported = n
			}
			if f := c.ring.frames(); f != c.seen {
				c.seen = f
				continue
			}
			lost = fmt.Errorf("%w for %v", ErrStalled, c.cfg.StallTimeout)
		}
		c.closeDevice()
		c.report(Event{Kind: DeviceLost, Device: c.Device(), Err: lost})
		if !c.recover() {
			return
		}
		c.report(Event{Kind: DeviceRestored, Device: c.Device()})
	}
}

// recover reopens the device with backoff until it opens (true) or the
// capture is closed (false).
func (c *Capture) recover() bool {
	wait := c.cfg.RetryMin
	for {
		err := c.reopen()
		if err == nil {
			return true
		}
		c.cfg.Logger.Debug("reopening capture device", "err", err, "retry in", wait)
		select {
		case <-c.closed:
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, c.cfg.RetryMax)
	}
}

func (c *Capture) report(e Event) {
	if e.Kind == DeviceRestored {
		c.cfg.Logger.Info(e.String())
	} else {
		c.cfg.Logger.Warn(e.String())
	}
	c.cfg.OnEvent(e)
}

// Read implements Source. It blocks while the device is lost. After Close
// it returns ErrClosed, dropping what is still buffered.
func (c *Capture) Read(ctx context.Context, p []byte) (int, error) {
	if len(p) < 2 {
		return 0, io.ErrShortBuffer
	}
	for {
		select {
		case <-c.closed:
			return 0, ErrClosed
		default:
		}
		need := uint64(2) // a sample
		if c.fill.Load() {
			// At most half the ring, so that waiting cannot overrun it.
			need = max(2, min(uint64(len(p)), uint64(c.ring.size/2))&^1)
		}
		c.ring.setWant(need)
		if c.ring.buffered() >= need {
			n := c.ring.readInto(p)
			Scale(p[:n], c.gain)
			return n, nil
		}
		select {
		case <-c.ring.ready:
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-c.closed:
			return 0, ErrClosed
		}
	}
}

// setFill makes Read wait until it can fill its buffer (true; at most half
// the ring) instead of returning as soon as a device period is there
// (false, the default). A reader that only keeps the latest audio, as
// push-to-talk does while the button is up, then wakes once per buffer
// instead of once per period: each goroutine woken from miniaudio's thread
// costs the Go scheduler far more than the period's copy. Turning it off
// hands a waiting Read what is there at once.
func (c *Capture) setFill(fill bool) {
	c.fill.Store(fill)
	if !fill {
		c.ring.signal() // a waiting Read takes what is there
	}
}

// queued is how many bytes a Read could take now.
func (c *Capture) queued() int { return int(c.ring.buffered()) }

// Overruns is how many device periods were dropped because the reader fell
// behind.
func (c *Capture) Overruns() uint64 { return c.ring.overruns() }

// Close stops watching and closes the device.
func (c *Capture) Close() error {
	c.once.Do(func() {
		close(c.closed)
		<-c.done
		c.closeDevice()
		if c.release != nil {
			c.release()
		}
	})
	return nil
}
