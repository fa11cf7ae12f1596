package audio

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
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
}

// initContext initialises a miniaudio context on backend, or on the first
// of autoBackends that works; miniaudio's messages go to logger at debug
// level. logger must not be nil.
func initContext(backend string, logger *slog.Logger) (*audioContext, error) {
	names := autoBackends()
	if backend != "" {
		names = []string{backend}
	}
	logProc := func(msg string) { logger.Debug("miniaudio", "msg", strings.TrimSpace(msg)) }
	var errs []error
	for _, name := range names {
		id, err := backendID(name)
		if err != nil {
			return nil, err
		}
		ctx, err := malgo.InitContext([]malgo.Backend{id}, malgo.ContextConfig{}, logProc)
		if err == nil {
			return &audioContext{ctx, name, logger}, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return nil, fmt.Errorf("no audio backend available: %w", errors.Join(errs...))
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

// resolveCapture finds the capture device called for by want (see
// CaptureConfig.Device). A nil ID means the backend's default.
func (c *audioContext) resolveCapture(want string) (*malgo.DeviceID, string, error) {
	infos, err := c.Devices(malgo.Capture)
	if want == "" {
		for _, info := range infos {
			if info.IsDefault != 0 {
				return nil, info.Name(), nil
			}
		}
		return nil, "default", nil
	}
	if err != nil {
		return nil, want, fmt.Errorf("capture device %q: listing devices of %s: %w", want, c.backend, err)
	}
	names := make([]string, len(infos))
	for i := range infos {
		names[i] = fmt.Sprintf("%d %q", i, infos[i].Name())
	}
	have := "no capture devices"
	if len(names) > 0 {
		have = "have " + strings.Join(names, ", ")
	}
	if i, err := strconv.Atoi(want); err == nil {
		if i < 0 || i >= len(infos) {
			return nil, want, fmt.Errorf("capture device index %d out of range on %s (%s)", i, c.backend, have)
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
		return nil, want, fmt.Errorf("no capture device named %q on %s (%s)", want, c.backend, have)
	case 1:
		return &infos[found[0]].ID, infos[found[0]].Name(), nil
	}
	return nil, want, fmt.Errorf("capture device name %q is ambiguous on %s (%s)", want, c.backend, have)
}

// errDeviceStopped is the DeviceLost error of a device that stopped on its
// own; miniaudio does not say why.
var errDeviceStopped = errors.New("device stopped (unplugged or failed)")

type malgoDevice struct {
	dev *malgo.Device
	pin runtime.Pinner // keeps the device ID in place while miniaudio holds it
}

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
	err := d.dev.Stop()
	d.dev.Uninit()
	d.pin.Unpin()
	if err != nil {
		return fmt.Errorf("stopping before close: %w", err)
	}
	return nil
}

// opener returns an opener of the configured capture device at 16 kHz mono
// S16LE; miniaudio converts when the device offers other formats.
func (c *audioContext) opener(want string) opener {
	return func(data func([]byte), stopped func(error)) (device, string, error) {
		id, name, err := c.resolveCapture(want)
		if err != nil {
			return nil, name, err
		}
		cfg := malgo.DefaultDeviceConfig(malgo.Capture)
		cfg.Capture.Format = malgo.FormatS16
		cfg.Capture.Channels = 1
		cfg.SampleRate = pipeline.SampleRate
		d := &malgoDevice{}
		if id != nil {
			d.pin.Pin(id)
			cfg.Capture.DeviceID = unsafe.Pointer(id)
		}
		d.dev, err = malgo.InitDevice(c.Context, cfg, malgo.DeviceCallbacks{
			Data: func(_, in []byte, _ uint32) { data(in) },
			Stop: func() { stopped(errDeviceStopped) },
		})
		if err != nil {
			d.pin.Unpin()
			return nil, name, fmt.Errorf("cannot open capture device %q on %s: %w", name, c.backend, err)
		}
		if err := d.dev.Start(); err != nil {
			d.Close()
			return nil, name, fmt.Errorf("cannot start capture device %q on %s: %w", name, c.backend, err)
		}
		return d, name, nil
	}
}

// OpenCapture opens the capture device chosen by cfg and starts capturing.
// An error names the device and backend.
func OpenCapture(cfg CaptureConfig) (*Capture, error) {
	cfg.setDefaults()
	ctx, err := initContext(cfg.Backend, cfg.Logger)
	if err != nil {
		return nil, err
	}
	c, err := newCapture(cfg, ctx.opener(cfg.Device))
	if err != nil {
		ctx.free()
		return nil, err
	}
	c.release = ctx.free
	return c, nil
}
