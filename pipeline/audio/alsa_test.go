package audio

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIsALSAName(t *testing.T) {
	tests := []struct {
		device string
		want   bool
	}{
		// As `arecord -L` prints them.
		{"default", true},
		{"null", true},
		{"pulse", true},
		{"sysdefault:CARD=seeed2micvoicec", true},
		{"plughw:CARD=seeed2micvoicec,DEV=0", true},
		{"hw:CARD=Loopback,DEV=1", true},
		{"dsnoop:CARD=Device,DEV=0", true},
		{"front:CARD=PCH,DEV=0", true},
		// As people write them.
		{"hw:1,0", true},
		{"plughw:1", true},
		{"hw:0", true},
		// Display names, indexes and substrings keep today's matching.
		{"", false},
		{"0", false},
		{"12", false},
		{"USB", false},
		{"NULL Capture Device", false},
		{"Built-in Audio Analog Stereo", false},
		{"seeed-2mic-voicecard, bcm2835-i2s-wm8960-hifi wm8960-hifi-0", false},
		{"Monitor of Built-in Audio: HDMI", false}, // a colon, but spaces: a display name
		{":1,0", false},
		{"Default", false},
	}
	for _, tt := range tests {
		if got := isALSAName(tt.device); got != tt.want {
			t.Errorf("isALSAName(%q) = %v, want %v", tt.device, got, tt.want)
		}
	}
}

// An ALSA name picks the alsa backend when none is set, and is opened as it
// is there; so is a PCM alsa-lib lists by a bare name. Other names keep
// today's matching on the backend configured.
func TestChooseBackend(t *testing.T) {
	dir := t.TempDir()
	userALSA(t, filePCM("harktest", filepath.Join(dir, "in.raw"), filepath.Join(dir, "out.raw")))
	tests := []struct {
		backend, device string
		want            string
		alsaName        bool
	}{
		{"", "", "", false},
		{"", "USB", "", false},
		{"", "2", "", false},
		{"", "plughw:CARD=seeed2micvoicec,DEV=0", "alsa", true},
		{"", "hw:1,0", "alsa", true},
		{"", "default", "alsa", true},
		{"", "harktest", "alsa", true}, // listed by alsa-lib, as by `arecord -L`
		{"alsa", "hw:1,0", "alsa", true},
		{"alsa", "harktest", "alsa", true},
		{"alsa", "Hark test", "alsa", false}, // a display name
		{"alsa", "1", "alsa", false},
		{"pulseaudio", "hw:1,0", "pulseaudio", false}, // as configured: the error says it needs alsa
		{"pulseaudio", "harktest", "pulseaudio", false},
		{"null", "NULL", "null", false},
	}
	for _, tt := range tests {
		got, alsaName := chooseBackend(tt.backend, tt.device)
		if got != tt.want || alsaName != tt.alsaName {
			t.Errorf("chooseBackend(%q, %q) = %q, %v, want %q, %v", tt.backend, tt.device, got, alsaName, tt.want, tt.alsaName)
		}
	}
}

func TestALSADeviceID(t *testing.T) {
	id, err := alsaDeviceID("plughw:CARD=Loopback,DEV=1")
	if err != nil {
		t.Fatal(err)
	}
	if got := cString(id[:]); got != "plughw:CARD=Loopback,DEV=1" {
		t.Errorf("device ID holds %q", got)
	}
	if _, err := alsaDeviceID(strings.Repeat("x", 255)); err != nil {
		t.Errorf("a 255-byte name: %v", err)
	}
	if _, err := alsaDeviceID("hw:" + strings.Repeat("x", 253)); err == nil {
		t.Error("a 256-byte name fits no ma_device_id.alsa with its NUL, yet no error")
	}
}

func TestParseALSACards(t *testing.T) {
	const cards = ` 0 [Loopback       ]: Loopback - Loopback
                      Loopback 1
 1 [seeed2micvoicec]: simple-card - seeed-2mic-voicecard
                      seeed-2mic-voicecard
 2 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                      bcm2835 Headphones
`
	want := []alsaCard{
		{0, "Loopback", "Loopback"},
		{1, "seeed2micvoicec", "seeed-2mic-voicecard"},
		{2, "Headphones", "bcm2835 Headphones"},
	}
	if got := parseALSACards(strings.NewReader(cards)); !slices.Equal(got, want) {
		t.Errorf("parseALSACards = %+v, want %+v", got, want)
	}
	if got := parseALSACards(strings.NewReader("--- no soundcards ---\n")); len(got) != 0 {
		t.Errorf("no cards parsed as %+v", got)
	}
}

func TestALSACardsHint(t *testing.T) {
	dir := t.TempDir()
	old := procCards
	t.Cleanup(func() { procCards = old })

	procCards = filepath.Join(dir, "missing")
	if got := alsaCardsHint(); !strings.Contains(got, "no sound cards") {
		t.Errorf("hint without /proc/asound = %q", got)
	}
	procCards = filepath.Join(dir, "cards")
	if err := os.WriteFile(procCards, []byte(" 0 [Loopback       ]: Loopback - Loopback\n                      Loopback 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := alsaCardsHint(), "sound cards: 0 CARD=Loopback (Loopback)"; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
}

// userALSA gives alsa-lib, for this test, a user configuration (a
// ~/.asoundrc in a HOME of its own) that defines conf. miniaudio frees
// alsa-lib's global configuration when its context closes, so each new
// context reads it again. libasound2 comes with espeak-ng, which
// scripts/setup installs.
func userALSA(t *testing.T, conf string) {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	ctx, err := initContext("alsa", testLogger(t))
	if err != nil {
		noALSA(t, err)
	}
	ctx.free()
}

// noALSA ends a test that needs alsa-lib where it cannot be loaded. (make
// pi-test leaves these tests out by name: qemu-user has no libasound2 of
// the target architecture.)
func noALSA(t *testing.T, err error) {
	t.Helper()
	t.Fatalf("the alsa backend does not work here (is libasound2 installed? scripts/setup installs it with espeak-ng): %v", err)
}

// filePCM is an ALSA PCM called name, defined in user configuration only,
// that captures the raw S16LE samples of in (after the null plugin's
// silence is replaced by them) and writes what it plays to out: a real
// alsa-lib device opened by its ALSA name, with no sound card.
func filePCM(name, in, out string) string {
	return fmt.Sprintf(`pcm.%s {
	type file
	slave.pcm "null"
	file %q
	infile %q
	format "raw"
	hint { show on description "Hark test PCM" }
}
`, name, out, in)
}

// toneRamp is n recognisable samples well inside the 16-bit range: ×10
// (20 dB) neither clips nor wraps.
func toneRamp(n int) []byte {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(i%2000 - 1000)
	}
	return s16(s...)
}

// An ALSA name that only alsa-lib knows (a PCM of the user configuration,
// as `arecord -L` lists it) opens on the alsa backend, picked by the name
// alone, and delivers that PCM's samples, scaled by the gain.
func TestCaptureALSANameUserPCM(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.raw")
	src := toneRamp(16000)
	if err := os.WriteFile(in, src, 0o644); err != nil {
		t.Fatal(err)
	}
	userALSA(t, filePCM("harktest", in, filepath.Join(dir, "out.raw")))

	for _, gain := range []float64{0, 20} {
		t.Run(fmtDB(gain), func(t *testing.T) {
			c, err := OpenCapture(CaptureConfig{Device: "harktest", Gain: gain, Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Device() != "harktest" {
				t.Errorf("Device() = %q, want the ALSA name as configured", c.Device())
			}
			// The PCM hands out one period of the null plugin's silence
			// before the file's samples (and, unlike a sound card, as
			// fast as they are read).
			got := make([]byte, 6400)
			for n := 0; n < len(got); {
				m, err := c.Read(testContext(t), got[n:])
				if err != nil {
					t.Fatalf("Read after %d bytes: %v", n, err)
				}
				n += m
			}
			start := bytes.IndexFunc(got, func(r rune) bool { return r != 0 }) &^ 1
			if start < 0 || start > len(got)/2 {
				t.Fatalf("captured %d bytes of silence, want the PCM's samples", len(got))
			}
			got = got[start : start+len(got)/2]
			want := slices.Clone(src[:len(got)])
			Scale(want, DecibelFactor(gain))
			if !bytes.Equal(got, want) {
				t.Errorf("captured %v..., want %v... (the PCM's samples ×%g)", samples16(got)[:8], samples16(want)[:8], DecibelFactor(gain))
			}
		})
	}
}

// ListALSA lists ALSA names as `arecord -L` does, user PCMs included, with
// their descriptions.
func TestListALSA(t *testing.T) {
	dir := t.TempDir()
	userALSA(t, filePCM("harktest", filepath.Join(dir, "in.raw"), filepath.Join(dir, "out.raw")))
	capture, playback, err := ListALSA()
	if err != nil {
		t.Fatal(err)
	}
	want := ALSADevice{Name: "harktest", Description: "Hark test PCM"}
	for _, list := range [][]ALSADevice{capture, playback} {
		if !slices.Contains(list, want) {
			t.Errorf("ListALSA lists %+v, want %+v among them", list, want)
		}
	}
}

// A name that is not there is named in the error as configured, with the
// sound cards the kernel has.
func TestCaptureALSANameMissing(t *testing.T) {
	userALSA(t, "")
	_, err := OpenCapture(CaptureConfig{Device: "plughw:CARD=NoSuchCard,DEV=0", Logger: testLogger(t)})
	if err == nil {
		t.Fatal("OpenCapture of a card that does not exist succeeded")
	}
	for _, want := range []string{`"plughw:CARD=NoSuchCard,DEV=0"`, "on alsa", "sound cards", "hark devices -backend alsa"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// Playing to an ALSA name: what is played comes out of the PCM.
func TestOutputALSANameUserPCM(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.raw")
	userALSA(t, filePCM("harkout", filepath.Join(dir, "in.raw"), out))
	o, err := NewOutput("", "harkout", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Backend() != "alsa" {
		t.Errorf("backend %q, want alsa for an ALSA name", o.Backend())
	}
	clip := toneRamp(1600)
	pcm := clip
	done := make(chan struct{})
	silent := 0 // periods of silence after the clip
	p, name, err := o.Open(16000, func(buf []byte) {
		n := copy(buf, pcm)
		pcm = pcm[n:]
		clear(buf[n:])
		// Stop drops what the device still buffers: wait until the
		// clip has gone through it.
		if n == 0 {
			if silent++; silent == 10 {
				close(done)
			}
		}
	}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	if name != "harkout" {
		t.Errorf("opened %q, want the ALSA name", name)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	recv(t, done, "end of the clip")
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	p.Uninit()
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, clip) {
		t.Errorf("the PCM got %d bytes starting %v, want the clip %v...", len(got), samples16(got[:min(16, len(got))]), samples16(clip[:16]))
	}
}
