package speech

import (
	"context"
	"fmt"
	"sync"

	"github.com/gen2brain/malgo"
)

// DevicePlayer plays audio on a sound device through miniaudio (malgo).
type DevicePlayer struct {
	mctx *malgo.AllocatedContext
}

// NewDevicePlayer opens an audio context on the first of backends that
// works; nil means miniaudio's default order (ALSA, PulseAudio, ... on
// Linux). Close it when done.
func NewDevicePlayer(backends []malgo.Backend) (*DevicePlayer, error) {
	mctx, err := malgo.InitContext(backends, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("speech: audio context for backends %v: %w", backends, err)
	}
	return &DevicePlayer{mctx: mctx}, nil
}

// Play opens the default playback device at the audio's rate and plays it.
// When ctx is done the device is stopped at once and Play returns ctx.Err().
func (p *DevicePlayer) Play(ctx context.Context, a Audio) error {
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.SampleRate = uint32(a.SampleRate)

	pcm := a.PCM
	played := make(chan struct{})
	var once sync.Once
	onData := func(out, _ []byte, _ uint32) {
		// pcm is touched only here, on the device thread, until Uninit.
		if len(pcm) == 0 {
			// The callback before this one queued the last samples; now
			// the device has taken them, so playback is complete.
			once.Do(func() { close(played) })
		}
		n := copy(out, pcm)
		pcm = pcm[n:]
		clear(out[n:])
	}
	dev, err := malgo.InitDevice(p.mctx.Context, cfg, malgo.DeviceCallbacks{Data: onData})
	if err != nil {
		return fmt.Errorf("speech: playback device at %d Hz: %w", a.SampleRate, err)
	}
	// Stop before Uninit: the bundled miniaudio's uninit does not stop a
	// running device itself, and racing its worker thread can hang (see
	// pipeline/audio's malgoDevice.Close).
	defer func() {
		_ = dev.Stop()
		dev.Uninit()
	}()
	if err := dev.Start(); err != nil {
		return fmt.Errorf("speech: starting playback: %w", err)
	}
	select {
	case <-played:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close releases the audio context.
func (p *DevicePlayer) Close() error {
	err := p.mctx.Uninit()
	p.mctx.Free()
	return err
}
