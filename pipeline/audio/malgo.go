package audio

// #include "capture.h"
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/cgo"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"

	"github.com/hark-assistant/hark/pipeline"
)

// autoBackends are tried in turn when no backend is configured. The null
// backend is left out: it would "work" silently without a microphone.
func autoBackends() []string { return []string{"pulseaudio", "alsa", "jack"} }

func backendID(name string) (malgo.Backend, error) {
	switch name {
	case "pulseaudio":
		return malgo.BackendPulseaudio, nil
	case "alsa":
		return malgo.BackendAlsa, nil
	case "jack":
		return malgo.BackendJack, nil
	case "null":
		// malgo v0.11.24's enum lacks miniaudio's ma_backend_custom, which
		// comes just before ma_backend_null, so malgo.BackendNull names the
		// custom backend.
		return malgo.BackendNull + 1, nil
	}
	return 0, fmt.Errorf("%w %q (want %s or null)", ErrUnknownBackend, name, strings.Join(autoBackends(), ", "))
}

// ErrUnknownBackend is returned for a backend name not listed in
// CaptureConfig.Backend.
var ErrUnknownBackend = errors.New("unknown audio backend")

// audioContext is an initialised miniaudio context, the name of its
// backend and the logger of what it reports.
type audioContext struct {
	*malgo.AllocatedContext
	backend string
	log     *slog.Logger
	// alsaName: the device is an ALSA PCM name, opened as it is.
	alsaName bool
}

// initContext initialises a miniaudio context on backend, or on the first
// of autoBackends that works; miniaudio's messages go to logger at debug
// level. logger must not be nil.
func initContext(backend string, logger *slog.Logger) (*audioContext, error) {
	names := autoBackends()
	if backend != "" {
		names = []string{backend}
	}
	var errs []error
	for _, name := range names {
		id, err := backendID(name)
		if err != nil {
			return nil, err
		}
		ctx, err := malgo.InitContext([]malgo.Backend{id}, malgo.ContextConfig{}, miniaudioLog(logger))
		if err == nil {
			return &audioContext{AllocatedContext: ctx, backend: name, log: logger}, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return nil, fmt.Errorf("no audio backend available: %w", errors.Join(errs...))
}

// miniaudioLog passes miniaudio's messages to logger at debug level, but
// for the ALSA backend's over- and underruns, which it reports only at its
// debug level: audio was lost in the device itself (the system was too busy
// to read or fill its buffer in time), the capture's own overrun count does
// not see it, and a misheard command may be the only other sign.
func miniaudioLog(logger *slog.Logger) func(string) {
	return func(msg string) {
		msg = strings.TrimSpace(msg)
		switch {
		case strings.HasPrefix(msg, "EPIPE (read)"):
			logger.Warn("audio: the capture device overran (the system was too busy to read it in time): audio lost")
		case strings.HasPrefix(msg, "EPIPE (write)"):
			logger.Warn("audio: the playback device underran (the system was too busy to fill it in time): a gap in the answer")
		default:
			logger.Debug("miniaudio", "msg", msg)
		}
	}
}

func (c *audioContext) free() {
	if err := c.Uninit(); err != nil {
		c.log.Warn("closing audio backend", "backend", c.backend, "err", err)
	}
	c.Free()
}

// DeviceInfo describes an audio device as listed by its backend.
type DeviceInfo struct {
	Index   int // position in its list: CaptureConfig.Device accepts it
	Name    string
	Default bool // the backend's default device
}

// Devices lists a backend's devices.
type Devices struct {
	Backend           string
	Capture, Playback []DeviceInfo
}

// ListDevices lists the capture and playback devices of backend ("" picks
// one as CaptureConfig.Backend does). What miniaudio logs meanwhile is
// dropped: a failure comes back as the error.
func ListDevices(backend string) (Devices, error) {
	ctx, err := initContext(backend, orDiscard(nil))
	if err != nil {
		return Devices{}, err
	}
	defer ctx.free()
	d := Devices{Backend: ctx.backend}
	for _, kind := range []malgo.DeviceType{malgo.Capture, malgo.Playback} {
		infos, err := ctx.Devices(kind)
		if err != nil {
			return d, fmt.Errorf("listing devices of %s: %w", ctx.backend, err)
		}
		list := make([]DeviceInfo, len(infos))
		for i, info := range infos {
			list[i] = DeviceInfo{Index: i, Name: info.Name(), Default: info.IsDefault != 0}
		}
		if kind == malgo.Capture {
			d.Capture = list
		} else {
			d.Playback = list
		}
	}
	return d, nil
}

// kindName is how errors name a device of kind.
func kindName(kind malgo.DeviceType) string {
	if kind == malgo.Playback {
		return "playback"
	}
	return "capture"
}

// resolve finds the device of kind called for by want (see
// CaptureConfig.Device). A nil ID means the backend's default. On the alsa
// backend an ALSA name is the device ID itself; elsewhere names are
// matched against the backend's list.
func (c *audioContext) resolve(kind malgo.DeviceType, want string) (*malgo.DeviceID, string, error) {
	what := kindName(kind)
	if c.alsaName {
		id, err := alsaDeviceID(want)
		return id, want, err
	}
	infos, err := c.Devices(kind)
	if want == "" {
		for _, info := range infos {
			if info.IsDefault != 0 {
				return nil, info.Name(), nil
			}
		}
		return nil, "default", nil
	}
	if err != nil {
		return nil, want, fmt.Errorf("%s device %q: listing devices of %s: %w", what, want, c.backend, err)
	}
	names := make([]string, len(infos))
	for i := range infos {
		names[i] = fmt.Sprintf("%d %q", i, infos[i].Name())
	}
	have := "no " + what + " devices"
	if len(names) > 0 {
		have = "have " + strings.Join(names, ", ")
	}
	if i, err := strconv.Atoi(want); err == nil {
		if i < 0 || i >= len(infos) {
			return nil, want, fmt.Errorf("%s device index %d out of range on %s (%s)", what, i, c.backend, have)
		}
		return &infos[i].ID, infos[i].Name(), nil
	}
	var found []int
	for i := range infos {
		if infos[i].Name() == want {
			return &infos[i].ID, want, nil
		}
		if strings.Contains(strings.ToLower(infos[i].Name()), strings.ToLower(want)) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		if isALSAName(want) {
			have += "; " + want + " is an ALSA device name, which needs the alsa backend"
		}
		return nil, want, fmt.Errorf("no %s device named %q on %s (%s)", what, want, c.backend, have)
	case 1:
		return &infos[found[0]].ID, infos[found[0]].Name(), nil
	}
	return nil, want, fmt.Errorf("%s device name %q is ambiguous on %s (%s)", what, want, c.backend, have)
}

// openFailed is the error of a device that was found but did not open or
// start; for an ALSA name it says which sound cards there are.
func (c *audioContext) openFailed(verb string, kind malgo.DeviceType, name string, err error) error {
	err = fmt.Errorf("cannot %s %s device %q on %s: %w", verb, kindName(kind), name, c.backend, err)
	if c.alsaName {
		err = fmt.Errorf("%w (%s; `hark devices -backend alsa` lists the names)", err, alsaCardsHint())
	}
	return err
}

// errDeviceStopped is the DeviceLost error of a device that stopped on its
// own; miniaudio does not say why.
var errDeviceStopped = errors.New("device stopped (unplugged or failed)")

// malgoDevice is a capture device on a malgo context whose C callback
// writes the ring (capture.c).
type malgoDevice struct {
	dev    *C.hark_device
	handle cgo.Handle     // the wake and stopped functions its callbacks call
	pin    runtime.Pinner // keeps the device ID in place while miniaudio holds it
}

// deviceCalls is what a device's C callbacks call in Go, and the ring they
// write, which this keeps from its cleanup until the device is closed.
type deviceCalls struct {
	ring    *ring
	wake    func()
	stopped func(error)
}

//export harkWake
func harkWake(h C.uintptr_t) { cgo.Handle(h).Value().(*deviceCalls).wake() }

//export harkStopped
func harkStopped(h C.uintptr_t) { cgo.Handle(h).Value().(*deviceCalls).stopped(errDeviceStopped) }

// stop stops the device; on a stopped one it returns at once.
func (d *malgoDevice) stop() error { return result(C.hark_device_stop(d.dev)) }

// Close stops the device, then uninitialises it. miniaudio 0.11.23's uninit
// no longer stops first, and must not overlap a stop: after the stop
// notification that makes Capture close a lost device, the worker thread
// still has to mark the device stopped and wake any ma_device_stop waiting
// for it (JACK's shutdown handler is one). An uninit landing in between
// either strands that waiter, hanging both in the teardown of its event, or
// makes the worker start the device again and the uninit wait forever for it.
// ma_device_stop takes the device's start/stop lock and waits for the worker,
// so it serialises with any stop under way; on a stopped device it returns
// at once.
func (d *malgoDevice) Close() error {
	err := d.stop()
	C.hark_device_close(d.dev)
	d.handle.Delete() // no callback runs after the uninit
	d.pin.Unpin()
	if err != nil {
		return fmt.Errorf("stopping before close: %w", err)
	}
	return nil
}

// result is the error of a miniaudio result code, as malgo reports it.
func result(code C.int) error {
	if code == 0 {
		return nil
	}
	return malgo.Result(code)
}

// capturePeriod is the capture device's period when its buffer is set.
const capturePeriod = 10 * time.Millisecond

// errMiniaudioHeader is returned when the miniaudio that malgo links is not
// the one capture.c was compiled against (miniaudio.h).
var errMiniaudioHeader = errors.New("the miniaudio linked by malgo does not match pipeline/audio/miniaudio.h: copy its declarations from malgo's")

// opener returns an opener of the configured capture device at 16 kHz mono
// S16LE, with a buffer of deviceBuffer (0: the backend's default);
// miniaudio converts when the device offers other formats.
func (c *audioContext) opener(want string, deviceBuffer time.Duration) opener {
	return func(r *ring, wake func(), stopped func(error)) (device, string, error) {
		if C.hark_miniaudio_matches() == 0 {
			return nil, want, errMiniaudioHeader
		}
		id, name, err := c.resolve(malgo.Capture, want)
		if err != nil {
			return nil, name, err
		}
		var periodMs, periods uint32
		if n := int(deviceBuffer / capturePeriod); n > 0 {
			periodMs, periods = uint32(capturePeriod/time.Millisecond), uint32(max(n, 2))
		}
		d := &malgoDevice{handle: cgo.NewHandle(&deviceCalls{r, wake, stopped})}
		var cid unsafe.Pointer
		if id != nil {
			d.pin.Pin(id)
			cid = unsafe.Pointer(id)
		}
		var code C.int
		d.dev = C.hark_device_open(c.contextPointer(), cid, pipeline.SampleRate, C.uint32_t(periodMs), C.uint32_t(periods), r.c, C.uintptr_t(d.handle), &code)
		if d.dev == nil {
			d.handle.Delete()
			d.pin.Unpin()
			return nil, name, c.openFailed("open", malgo.Capture, name, result(code))
		}
		if err := result(C.hark_device_start(d.dev)); err != nil {
			d.Close()
			return nil, name, c.openFailed("start", malgo.Capture, name, err)
		}
		return d, name, nil
	}
}

// contextPointer is the ma_context of malgo's context, which malgo keeps
// unexported: malgo.Context is a struct of one field, a pointer to it.
func (c *audioContext) contextPointer() unsafe.Pointer {
	return **(**unsafe.Pointer)(unsafe.Pointer(&c.Context))
}

// OpenCapture opens the capture device chosen by cfg and starts capturing.
// An error names the device and backend.
func OpenCapture(cfg CaptureConfig) (*Capture, error) {
	cfg.setDefaults()
	backend, alsaName := chooseBackend(cfg.Backend, cfg.Device)
	ctx, err := initContext(backend, cfg.Logger)
	if err != nil {
		return nil, err
	}
	ctx.alsaName = alsaName
	c, err := newCapture(cfg, ctx.opener(cfg.Device, cfg.DeviceBuffer))
	if err != nil {
		ctx.free()
		return nil, err
	}
	c.release = ctx.free
	return c, nil
}

// Output plays through miniaudio to a playback device chosen by name as
// CaptureConfig.Device chooses a capture device.
type Output struct {
	ctx    *audioContext
	device string
}

// NewOutput opens an audio context for playback to device on backend, both
// as CaptureConfig takes them: an ALSA name picks the alsa backend when
// backend is "". With neither set it keeps miniaudio's own backend order
// and plays to that backend's default device. logger gets miniaudio's
// messages at debug level; nil discards them. Close it when done.
func NewOutput(backend, device string, logger *slog.Logger) (*Output, error) {
	logger = orDiscard(logger)
	if backend == "" && device == "" {
		ctx, err := malgo.InitContext(nil, malgo.ContextConfig{}, miniaudioLog(logger))
		if err != nil {
			return nil, fmt.Errorf("no audio backend available: %w", err)
		}
		return &Output{ctx: &audioContext{AllocatedContext: ctx, backend: "the default backend", log: logger}}, nil
	}
	backend, alsaName := chooseBackend(backend, device)
	ctx, err := initContext(backend, logger)
	if err != nil {
		return nil, err
	}
	ctx.alsaName = alsaName
	return &Output{ctx: ctx, device: device}, nil
}

// Playback is an open playback device.
type Playback struct {
	dev *malgo.Device
	pin runtime.Pinner // keeps the device ID in place while miniaudio holds it
}

// Start starts playing: the device asks for audio from its own thread.
func (p *Playback) Start() error { return p.dev.Start() }

// Stop stops the device; on a stopped one it returns at once.
func (p *Playback) Stop() error { return p.dev.Stop() }

// Uninit releases the device; Stop it first (see malgoDevice.Close).
func (p *Playback) Uninit() {
	p.dev.Uninit()
	p.pin.Unpin()
}

// Open opens the playback device for mono S16LE audio at rate and returns
// it with its name. The device calls data to fill each period and stopped
// when it stops, on its own or by Stop. The device is looked up anew on
// every Open, so a name follows a device that was unplugged and plugged in
// again. An error names the device as configured and the backend.
func (o *Output) Open(rate int, data func(out []byte), stopped func()) (*Playback, string, error) {
	id, name, err := o.ctx.resolve(malgo.Playback, o.device)
	if err != nil {
		return nil, name, err
	}
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.SampleRate = uint32(rate)
	p := &Playback{}
	if id != nil {
		p.pin.Pin(id)
		cfg.Playback.DeviceID = unsafe.Pointer(id)
	}
	p.dev, err = malgo.InitDevice(o.ctx.Context, cfg, malgo.DeviceCallbacks{
		Data: func(out, _ []byte, _ uint32) { data(out) },
		Stop: stopped,
	})
	if err != nil {
		p.pin.Unpin()
		return nil, name, o.ctx.openFailed("open", malgo.Playback, name, err)
	}
	return p, name, nil
}

// Backend names the backend the output plays through.
func (o *Output) Backend() string { return o.ctx.backend }

// Close releases the audio context.
func (o *Output) Close() error {
	err := o.ctx.Uninit()
	o.ctx.Free()
	return err
}
