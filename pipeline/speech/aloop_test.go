//go:build aloop

package speech

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// This test needs the ALSA loopback card (the kernel module snd-aloop),
// which CI's containers cannot load: it is built only with the tag aloop,
// as the system-test rig's guest builds it, and there a missing card
// fails it.

// Speech played on speech.device, named as `aplay -L` names the loopback's
// playback side, comes out of its capture side whole, at the volume set.
func TestDevicePlayerLoopback(t *testing.T) {
	if cards, err := os.ReadFile("/proc/asound/cards"); err != nil || !strings.Contains(string(cards), "[Loopback") {
		t.Fatalf("there is no Loopback sound card (%q, %v): load it with `modprobe snd-aloop`", cards, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	// arecord fixes the pair's format first and stops by itself after 2 s
	// of audio.
	arecord := exec.CommandContext(ctx, "arecord", "-q", "-D", "plughw:CARD=Loopback,DEV=1", "-t", "raw", "-f", "S16_LE", "-r", "16000", "-c", "1", "-d", "2")
	var rec, stderr bytes.Buffer
	arecord.Stdout, arecord.Stderr = &rec, &stderr
	if err := arecord.Start(); err != nil {
		t.Fatalf("arecord (install alsa-utils): %v", err)
	}
	p, err := NewDevicePlayer(DeviceConfig{Device: "plughw:CARD=Loopback,DEV=0"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const peak, n = 8000, 8000 // 0.5 s
	tone := make([]int16, n)
	for i := range tone {
		tone[i] = int16(math.Round(peak * math.Sin(2*math.Pi*440*float64(i)/16000)))
	}
	if err := WithVolume(p, 50).Play(ctx, Audio{PCM: pcm16(tone...), SampleRate: 16000}); err != nil {
		t.Fatal(err)
	}
	if err := arecord.Wait(); err != nil {
		t.Fatalf("arecord: %v: %s", err, stderr.String())
	}
	got := samplesOf(rec.Bytes())
	first, last := -1, -1
	top := 0.0
	for i, s := range got {
		if s != 0 {
			if first < 0 {
				first = i
			}
			last = i
			top = max(top, math.Abs(float64(s)))
		}
	}
	if first < 0 {
		t.Fatalf("recorded %d samples of silence, want the tone", len(got))
	}
	if math.Abs(top-peak/2) > 0.02*peak/2 {
		t.Errorf("the tone came out with a peak of %v, want %v (50%% of %v)", top, peak/2, peak)
	}
	// The tone's first and last samples are not silent: it must come out
	// whole, its end not dropped when the device stops.
	if span := last - first + 1; span < n-2 {
		t.Errorf("%d samples of the tone came out, want all %d (%v short)", span, n-1, time.Duration(n-1-span)*time.Second/16000)
	}
}
