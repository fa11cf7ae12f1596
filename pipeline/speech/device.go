package speech

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gen2brain/malgo"
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
	after func(time.Duration) <-chan time.Time

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

// NewDevicePlayer opens an audio context on the first of backends that
// works; nil means miniaudio's default order (ALSA, PulseAudio, ... on
// Linux). Close it when done.
func NewDevicePlayer(backends []malgo.Backend) (*DevicePlayer, error) {
	out := &malgoOutput{backends: backends}
	if err := out.init(); err != nil {
		return nil, err
	}
	return newDevicePlayer(out, time.After), nil
}

func newDevicePlayer(out output, after func(time.Duration) <-chan time.Time) *DevicePlayer {
	return &DevicePlayer{out: out, after: after}
}

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

// playbackLimit is how long a clip of duration d may take to play: d, a
// tenth of it for a sound card whose clock runs slow, and 2 s for a device
// slow to start (a Bluetooth sink takes a second or more to wake).
func playbackLimit(d time.Duration) time.Duration { return d + d/10 + 2*time.Second }

// Play opens the default playback device at the audio's rate and plays it.
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
	onData := func(out []byte) {
		// pcm is touched only here, on the device thread, until Uninit.
		if len(pcm) == 0 {
			// The callback before this one queued the last samples; now
			// the device has taken them, so playback is complete.
			playedOnce.Do(func() { close(played) })
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
		return fmt.Errorf("speech: playback device at %d Hz: %w", a.SampleRate, err)
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
	case <-p.after(limit):
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

// malgoOutput is miniaudio: a context on the first of backends that works.
type malgoOutput struct {
	backends []malgo.Backend
	mctx     *malgo.AllocatedContext
}

func (o *malgoOutput) init() error {
	mctx, err := malgo.InitContext(o.backends, malgo.ContextConfig{}, nil)
	if err != nil {
		return fmt.Errorf("speech: audio context for backends %v: %w", o.backends, err)
	}
	o.mctx = mctx
	return nil
}

func (o *malgoOutput) open(rate int, data func([]byte), stopped func()) (playbackDevice, error) {
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.SampleRate = uint32(rate)
	dev, err := malgo.InitDevice(o.mctx.Context, cfg, malgo.DeviceCallbacks{
		Data: func(out, _ []byte, _ uint32) { data(out) },
		Stop: stopped,
	})
	if err != nil {
		return nil, err
	}
	return dev, nil
}

// reset replaces the context with a new one; if that fails the old one is
// kept, for a later reset or Close.
func (o *malgoOutput) reset() error {
	old := o.mctx
	if err := o.init(); err != nil {
		return err
	}
	_ = old.Uninit() // whatever it reports, it is replaced
	old.Free()
	return nil
}

func (o *malgoOutput) close() error {
	err := o.mctx.Uninit()
	o.mctx.Free()
	return err
}
