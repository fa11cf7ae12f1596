package speech

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// nullDevice is miniaudio's null device, which plays into nothing in real
// time.
var nullDevice = DeviceConfig{Backend: "null"}

func newNullPlayer(t *testing.T) *DevicePlayer {
	t.Helper()
	p, err := NewDevicePlayer(nullDevice)
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
	done := make(chan error, 1)
	// An hour of audio: only the cancellation can end this Play. It is
	// cancelled before Play runs, so Play opens and starts the device and
	// must then notice.
	cancel()
	go func() { done <- p.Play(ctx, Audio{PCM: make([]byte, 2*16000*3600), SampleRate: 16000}) }()
	if err := recv(t, done, "return from the cancelled Play"); !errors.Is(err, context.Canceled) {
		t.Errorf("Play = %v, want context.Canceled", err)
	}
}

// A playback device that stops on its own or stalls must not leave Play
// (and Hark, speaking with the microphone muted) waiting for ever: Play
// fails, and the next Play reinitialises the sound system and plays. The
// fake devices run in a synctest bubble, whose clock passes the playback
// deadline as soon as nothing else can happen.
func TestDevicePlayerLostDevice(t *testing.T) {
	second := Audio{PCM: make([]byte, 2*1600), SampleRate: 16000} // 100 ms
	tests := []struct {
		name   string
		device behaviour
		took   time.Duration // until Play fails
		want   error
	}{
		{"stops on its own", stopsAtStart, 0, ErrDeviceLost},
		{"stalls", stalls, time.Second + time.Second/10 + 2*time.Second, ErrPlaybackStalled}, // a 1 s clip's deadline
		{"cannot be opened", failsToOpen, 0, errFakeOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				out := &fakeOutput{script: []behaviour{tt.device}}
				p := &DevicePlayer{out: out}
				clip := Audio{PCM: make([]byte, 2*16000), SampleRate: 16000} // 1 s
				start := time.Now()
				if err := p.Play(context.Background(), clip); !errors.Is(err, tt.want) {
					t.Fatalf("Play = %v, want %v", err, tt.want)
				}
				if took := time.Since(start); took != tt.took {
					t.Errorf("Play failed after %v, want %v", took, tt.took)
				}

				if err := p.Play(context.Background(), second); err != nil {
					t.Fatalf("next Play = %v, want it to play", err)
				}
				resets, devices := out.state()
				if resets != 1 {
					t.Errorf("sound system reset %d times, want once before the next Play", resets)
				}
				for i, d := range devices {
					if got := d.Calls(); !slices.Equal(got, []string{"start", "stop", "uninit"}) {
						t.Errorf("device %d: calls %q, want start, stop, uninit: stopped before it is uninitialised", i, got)
					}
				}
			})
		})
	}
}

// A device that plays to the end needs no reset, and a cancelled Play
// stops its device before uninitialising it too.
func TestDevicePlayerFakeDevice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := &fakeOutput{}
		p := &DevicePlayer{out: out}
		clip := Audio{PCM: make([]byte, 2*1600), SampleRate: 16000}
		if err := p.Play(context.Background(), clip); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		out.script = []behaviour{stalls}
		if err := p.Play(ctx, clip); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Play = %v, want context.Canceled", err)
		}
		resets, devices := out.state()
		if resets != 0 || len(devices) != 2 {
			t.Errorf("%d resets and %d devices, want none and 2", resets, len(devices))
		}
		for i, d := range devices {
			if got := d.Calls(); !slices.Equal(got, []string{"start", "stop", "uninit"}) {
				t.Errorf("device %d: calls %q, want start, stop, uninit", i, got)
			}
		}
		p.Close()
		if !out.closed {
			t.Error("Close did not close the sound system")
		}
	})
}

// watchedOutput is miniaudio, handing the test each device once it plays.
type watchedOutput struct {
	*malgoOutput
	playing chan *audio.Playback
}

func (o watchedOutput) open(rate int, data func([]byte), stopped func()) (playbackDevice, error) {
	var dev *audio.Playback
	var once sync.Once
	d, err := o.malgoOutput.open(rate, func(out []byte) {
		once.Do(func() { o.playing <- dev })
		data(out)
	}, stopped)
	if err != nil {
		return nil, err
	}
	dev = d.(*audio.Playback)
	return d, nil
}

// A real null device stopped under Play, as a sound server stops one it
// loses, ends Play through miniaudio's stop notification; the next Play
// plays on a new context.
func TestDevicePlayerNullDeviceStopped(t *testing.T) {
	out := watchedOutput{&malgoOutput{cfg: nullDevice}, make(chan *audio.Playback, 2)}
	if err := out.init(); err != nil {
		t.Fatal(err)
	}
	p := &DevicePlayer{out: out}
	defer p.Close()
	done := make(chan error, 1)
	go func() {
		done <- p.Play(context.Background(), Audio{PCM: make([]byte, 2*16000*3600), SampleRate: 16000})
	}()
	if err := recv(t, out.playing, "device playing").Stop(); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "return from Play"); !errors.Is(err, ErrDeviceLost) {
		t.Fatalf("Play on a device stopped under it = %v, want ErrDeviceLost", err)
	}
	before := out.out
	go func() { done <- p.Play(context.Background(), Audio{PCM: make([]byte, 2*1600), SampleRate: 16000}) }()
	if err := recv(t, done, "return from the next Play"); err != nil {
		t.Fatalf("next Play = %v", err)
	}
	if out.out == before {
		t.Error("the next Play kept the old audio context")
	}
}
