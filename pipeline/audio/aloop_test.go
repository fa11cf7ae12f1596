//go:build aloop

package audio

import (
	"bytes"
	"encoding/binary"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests need the ALSA loopback card (the kernel module snd-aloop),
// which CI's containers cannot load (their kernels have no modules): they
// are built only with the tag aloop, as the system-test rig's guest builds
// them, and there a missing card fails them.

// needLoopback fails the test unless the snd-aloop card and aplay are
// there.
func needLoopback(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(procCards)
	if err != nil {
		t.Fatalf("the kernel has no sound cards (%v): load the loopback card with `modprobe snd-aloop`", err)
	}
	found := false
	for _, c := range parseALSACards(bytes.NewReader(data)) {
		found = found || c.ID == "Loopback"
	}
	if !found {
		t.Fatalf("there is no Loopback sound card (%s): load it with `modprobe snd-aloop`", alsaCardsHint())
	}
	if _, err := exec.LookPath("aplay"); err != nil {
		t.Fatalf("aplay is missing (install alsa-utils): %v", err)
	}
}

// sine is seconds of a 440 Hz tone of the given peak at 16 kHz, S16LE.
func sine(peak float64, seconds float64) []byte {
	n := int(seconds * 16000)
	b := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(int16(math.Round(peak*math.Sin(2*math.Pi*440*float64(i)/16000)))))
	}
	return b
}

// A real sound card opened by the ALSA name people copy from `arecord -L`:
// aplay plays a tone into the loopback's playback side and Hark captures it
// from the other side, by name, with the backend picked by the name alone;
// the gain scales what arrives.
func TestALSALoopbackCapture(t *testing.T) {
	needLoopback(t)
	const peak = 8000
	for _, tt := range []struct {
		gain   float64
		factor float64
	}{{0, 1}, {-6.0206, 0.5}, {6.0206, 2}} {
		t.Run(fmtDB(tt.gain), func(t *testing.T) {
			c, err := OpenCapture(CaptureConfig{Device: "plughw:CARD=Loopback,DEV=1", Gain: tt.gain, Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := testContext(t)
			aplay := exec.CommandContext(ctx, "aplay", "-q", "-D", "plughw:CARD=Loopback,DEV=0", "-t", "raw", "-f", "S16_LE", "-r", "16000", "-c", "1")
			aplay.Stdin = bytes.NewReader(sine(peak, 5))
			var stderr strings.Builder
			aplay.Stderr = &stderr
			if err := aplay.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				aplay.Process.Kill()
				aplay.Wait()
			}()

			// Silence until aplay starts, then the tone: take 0.5 s of it.
			var tone []int16
			buf := make([]byte, 3200)
			for len(tone) < 8000 {
				n, err := c.Read(ctx, buf)
				if err != nil {
					t.Fatalf("Read after %d samples of the tone: %v (aplay: %s)", len(tone), err, stderr.String())
				}
				for _, s := range samples16(buf[:n]) {
					if s != 0 || len(tone) > 0 {
						tone = append(tone, s)
					}
				}
			}
			top := 0.0
			for _, s := range tone {
				top = max(top, math.Abs(float64(s)))
			}
			if want := peak * tt.factor; math.Abs(top-want) > 0.02*want {
				t.Errorf("the tone arrived with a peak of %v, want %v (%v at %v dB)", top, want, peak, tt.gain)
			}
		})
	}
}

// A real ALSA overrun: the capture callback is held for half a second (in
// the wake-up it calls, as a ring nobody reads wants any audio), the card's
// buffer fills, miniaudio reads EPIPE and restarts the device, and the log
// says at warning level that audio was lost.
func TestALSAOverrunIsLogged(t *testing.T) {
	needLoopback(t)
	var out logLines
	logger := slog.New(slog.NewTextHandler(&out, nil))
	ac, err := initContext("alsa", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer ac.free()
	ac.alsaName = true
	var once sync.Once
	dev, _, err := ac.opener("plughw:CARD=Loopback,DEV=1", 0)(newRing(durationBytes(time.Second)), func() {
		once.Do(func() { time.Sleep(500 * time.Millisecond) })
	}, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "capture device overran") {
		if time.Now().After(deadline) {
			t.Fatalf("no overrun logged 5 s after holding the capture for 0.5 s; log:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// With audio.device_buffer at 200 ms the device rides out a 100 ms stall
// of the reader (miniaudio's default buffer of 30 ms overran: cab6ab8). The
// callback is held, and periods counted, in the wake-up it calls for every
// period while nobody reads (the ring's want is 0) and the ring has room.
func TestALSACaptureRidesOutAStall(t *testing.T) {
	needLoopback(t)
	var out logLines
	ac, err := initContext("alsa", slog.New(slog.NewTextHandler(&out, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ac.free()
	ac.alsaName = true
	var once sync.Once
	periods := make(chan struct{}, 1)
	dev, _, err := ac.opener("plughw:CARD=Loopback,DEV=1", 200*time.Millisecond)(newRing(durationBytes(10*time.Second)), func() {
		once.Do(func() { time.Sleep(100 * time.Millisecond) })
		select {
		case periods <- struct{}{}:
		default:
		}
	}, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	// A second of periods after the stall, each taken in turn.
	for range 100 {
		select {
		case <-periods:
		case <-time.After(5 * time.Second):
			t.Fatal("the capture delivered no period for 5 s")
		}
	}
	if strings.Contains(out.String(), "capture device overran") {
		t.Fatalf("holding the capture for 0.1 s overran the device; log:\n%s", out.String())
	}
}
