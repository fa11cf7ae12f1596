package speech

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// fileALSA defines, in a user configuration of alsa-lib of the test's own
// (~/.asoundrc in a HOME of its own), an ALSA PCM called name that writes
// what it plays to the file it returns: a real alsa-lib device, opened by
// its ALSA name, with no sound card. libasound2 comes with espeak-ng,
// which scripts/setup installs.
func fileALSA(t *testing.T, name string) string {
	t.Helper()
	home := t.TempDir()
	out := filepath.Join(home, "played.raw")
	conf := fmt.Sprintf(`pcm.%s {
	type file
	slave.pcm "null"
	file %q
	format "raw"
	hint { show on description "Hark test PCM" }
}
`, name, out)
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	if o, err := audio.NewOutput("alsa", "", nil); err != nil {
		// make pi-test leaves this test out by name: qemu-user has no
		// libasound2 of the target architecture.
		t.Fatalf("the alsa backend does not work here (is libasound2 installed? scripts/setup installs it with espeak-ng): %v", err)
	} else {
		o.Close()
	}
	return out
}

// Speech played on a device named by its ALSA name (as `aplay -L` lists
// it) comes out of that device whole, at the volume set.
func TestDevicePlayerALSAName(t *testing.T) {
	out := fileALSA(t, "harkout")
	p, err := NewDevicePlayer(DeviceConfig{Device: "harkout"})
	if err != nil {
		t.Fatalf("NewDevicePlayer (is libasound2 installed?): %v", err)
	}
	defer p.Close()
	samples := make([]int16, 1600)
	for i := range samples {
		samples[i] = int16(i%2000 - 1000)
	}
	if err := WithVolume(p, 50).Play(context.Background(), Audio{PCM: pcm16(samples...), SampleRate: 16000}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	half := make([]int16, len(samples))
	for i, s := range samples {
		half[i] = int16(math.Round(float64(s) / 2))
	}
	if want := pcm16(half...); !bytes.HasPrefix(got, want) {
		n := min(len(got), len(want))
		t.Errorf("the device played %d bytes, want the %d of the clip at half volume first; they differ from sample %d", len(got), len(want), firstDiff(got[:n], want[:n])/2)
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

// A configured device that does not open is reported when the player is
// made, named as configured, not at the first answer.
func TestNewDevicePlayerChecksTheDevice(t *testing.T) {
	fileALSA(t, "harkout")
	tests := []struct {
		cfg  DeviceConfig
		want []string
	}{
		{DeviceConfig{Device: "plughw:CARD=NoSuchCard,DEV=0"}, []string{`"plughw:CARD=NoSuchCard,DEV=0"`, "on alsa"}},
		{DeviceConfig{Backend: "null", Device: "no such speaker"}, []string{`"no such speaker"`, "on null"}},
		{DeviceConfig{Backend: "null", Device: "3"}, []string{"index 3 out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.Device, func(t *testing.T) {
			p, err := NewDevicePlayer(tt.cfg)
			if err == nil {
				p.Close()
				t.Fatal("NewDevicePlayer succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	for _, cfg := range []DeviceConfig{{Device: "harkout"}, {Backend: "null", Device: "0"}, {Backend: "null", Device: "null playback"}} {
		p, err := NewDevicePlayer(cfg)
		if err != nil {
			t.Errorf("NewDevicePlayer(%+v): %v", cfg, err)
			continue
		}
		p.Close()
	}
}
