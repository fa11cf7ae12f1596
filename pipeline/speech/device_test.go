package speech

import (
	"context"
	"errors"
	"testing"

	"github.com/gen2brain/malgo"
)

// nullBackend is miniaudio's null device, which plays into nothing in real
// time; malgo v0.11.24's BackendNull constant is one too low.
var nullBackend = malgo.Backend(malgo.BackendNull + 1)

func newNullPlayer(t *testing.T) *DevicePlayer {
	t.Helper()
	p, err := NewDevicePlayer([]malgo.Backend{nullBackend})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestDevicePlayerPlaysToEnd(t *testing.T) {
	p := newNullPlayer(t)
	a := Audio{PCM: make([]byte, 2*1600), SampleRate: 16000} // 100 ms
	if err := p.Play(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

func TestDevicePlayerCancel(t *testing.T) {
	p := newNullPlayer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	// An hour of audio: only the cancellation can end this Play. It is
	// cancelled before Play runs, so Play opens and starts the device and
	// must then notice.
	cancel()
	go func() { done <- p.Play(ctx, Audio{PCM: make([]byte, 2*16000*3600), SampleRate: 16000}) }()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Play = %v, want context.Canceled", err)
	}
}
