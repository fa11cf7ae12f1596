package speech

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// DevicePlayer plays audio on a sound device through miniaudio (malgo).
//
// A device can stop under it (unplugged, a sound server restarted) or stop
// asking for audio (a backend hiccup), and either would leave Play, and Hark
// speaking with its microphone muted, waiting for ever. So Play also ends
// when the device stops and at a deadline (see playbackLimit), with
// ErrDeviceLost or ErrPlaybackStalled, and the next Play reinitialises the
// sound system before opening a device again.
//
// Plays are serialised: one waits for the one before to finish.
type DevicePlayer struct {
	mu   sync.Mutex // held by Play; guards out and lost
	out  output
	lost bool // the last device failed: reset the sound system first
}

// output is the sound system a DevicePlayer plays through: miniaudio, or a
// fake in tests.
type output interface {
	// open opens a playback device for mono S16LE audio at rate. The
	// device calls data to fill each period it plays and stopped when it
	// stops, on its own or by Stop.
	open(rate int, data func(out []byte), stopped func()) (playbackDevice, error)
	// reset reinitialises the sound system after a device failed: a sound
	// server that went away and came back needs a new connection.
	reset() error
	close() error
}

// playbackDevice is an open playback device; *malgo.Device is one.
type playbackDevice interface {
	Start() error
	Stop() error
	Uninit()
}

// DeviceConfig chooses the playback device of a DevicePlayer.
type DeviceConfig struct {
	// Backend and Device are as audio.CaptureConfig takes them, for a
	// playback device: an ALSA PCM name as `aplay -L` prints it or a
	// hw:/plughw: form (picking the alsa backend when Backend is ""), an
	// index into the playback list of audio.ListDevices, or a device name
	// (exact, or a case-insensitive substring). Both "": miniaudio's own
	// backend order and that backend's default device.
	Backend, Device string
	// Logger gets miniaudio's messages at debug level; nil discards them.
	Logger *slog.Logger
}

// NewDevicePlayer opens an audio context for the device cfg chooses. A
// device named in cfg is opened once here, so a wrong name is reported now
// rather than at the first Play; each Play then looks it up and opens it
// anew. Close the player when done.
func NewDevicePlayer(cfg DeviceConfig) (*DevicePlayer, error) {
	out := &malgoOutput{cfg: cfg}
	if err := out.init(); err != nil {
		return nil, err
	}
	if cfg.Device != "" {
		dev, err := out.open(checkRate, func(buf []byte) { clear(buf) }, func() {})
		if err != nil {
			out.close()
			return nil, fmt.Errorf("speech: %w", err)
		}
		dev.Uninit()
	}
	return &DevicePlayer{out: out}, nil
}

// checkRate is the rate a configured device is tried at: espeak-ng's.
const checkRate = 22050

// Errors of DevicePlayer.Play when the device fails; the next Play
// reinitialises the sound system and tries again.
var (
	// ErrDeviceLost: the device stopped on its own before the audio was
	// played (unplugged, or the sound server went away).
	ErrDeviceLost = errors.New("speech: playback device stopped (unplugged or failed)")
	// ErrPlaybackStalled: the device did not play the audio within its
	// length and a margin (see playbackLimit).
	ErrPlaybackStalled = errors.New("speech: playback device stalled")
)

// drainPeriods is how many periods of silence a device asks for after the
// last samples before Play returns: miniaudio's default buffer holds three
// periods, and one more covers its own staging.
const drainPeriods = 4

// playbackLimit is how long a clip of duration d may take to play: d, a
// tenth of it for a sound card whose clock runs slow, and 2 s for a device
// slow to start (a Bluetooth sink takes a second or more to wake).
func playbackLimit(d time.Duration) time.Duration { return d + d/10 + 2*time.Second }

// Play opens the playback device at the audio's rate and plays it.
// When ctx is done the device is stopped at once and Play returns ctx.Err().
// If the device stops on its own first Play returns ErrDeviceLost, if the
// audio is not played within playbackLimit ErrPlaybackStalled; in either
// case, and when the device cannot be opened or started, the next Play
// reinitialises the sound system first.
func (p *DevicePlayer) Play(ctx context.Context, a Audio) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lost {
		if err := p.out.reset(); err != nil {
			return fmt.Errorf("speech: reinitialising the sound system after a failed device: %w", err)
		}
		p.lost = false
	}

	pcm := a.PCM
	played, stopped := make(chan struct{}), make(chan struct{})
	var playedOnce, stoppedOnce sync.Once
	silent := 0 // periods of silence asked for after the last samples
	onData := func(out []byte) {
		// pcm and silent are touched only here, on the device thread,
		// until Uninit.
		if len(pcm) == 0 {
			// A callback before this one queued the last samples. Once
			// the device has asked for drainPeriods more, they have left
			// its buffer and been played: stopping sooner would drop them
			// (ALSA's snd_pcm_drop), the end of the speech.
			if silent++; silent >= drainPeriods {
				playedOnce.Do(func() { close(played) })
			}
		}
		n := copy(out, pcm)
		pcm = pcm[n:]
		clear(out[n:])
	}
	// Also called when Play stops the device below; nobody listens then.
	onStop := func() { stoppedOnce.Do(func() { close(stopped) }) }
	dev, err := p.out.open(a.SampleRate, onData, onStop)
	if err != nil {
		p.lost = true
		return fmt.Errorf("speech: playback at %d Hz: %w", a.SampleRate, err)
	}
	// Stop before Uninit: the bundled miniaudio's uninit does not stop a
	// running device itself, and racing its worker thread can hang (see
	// pipeline/audio's malgoDevice.Close). On a device that stopped on its
	// own or stalled, ma_device_stop returns at once: it waits only for the
	// worker thread, which is not stuck in the data callback.
	defer func() {
		_ = dev.Stop()
		dev.Uninit()
	}()
	if err := dev.Start(); err != nil {
		p.lost = true
		return fmt.Errorf("speech: starting playback: %w", err)
	}
	limit := playbackLimit(a.Duration())
	select {
	case <-played:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stopped:
		select {
		case <-played: // it stopped after taking the last samples
			return nil
		default:
		}
		p.lost = true
		return ErrDeviceLost
	case <-time.After(limit):
		p.lost = true
		return fmt.Errorf("%w: %v of audio not played within %v", ErrPlaybackStalled, a.Duration(), limit)
	}
}

// Close releases the audio context.
func (p *DevicePlayer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.close()
}

// malgoOutput is miniaudio, through pipeline/audio's Output.
type malgoOutput struct {
	cfg DeviceConfig
	out *audio.Output
}

func (o *malgoOutput) init() error {
	out, err := audio.NewOutput(o.cfg.Backend, o.cfg.Device, o.cfg.Logger)
	if err != nil {
		return fmt.Errorf("speech: %w", err)
	}
	o.out = out
	return nil
}

func (o *malgoOutput) open(rate int, data func([]byte), stopped func()) (playbackDevice, error) {
	dev, _, err := o.out.Open(rate, data, stopped)
	if err != nil {
		return nil, err
	}
	return dev, nil
}

// reset replaces the context with a new one; if that fails the old one is
// kept, for a later reset or Close.
func (o *malgoOutput) reset() error {
	old := o.out
	if err := o.init(); err != nil {
		return err
	}
	_ = old.Close() // whatever it reports, it is replaced
	return nil
}

func (o *malgoOutput) close() error { return o.out.Close() }
