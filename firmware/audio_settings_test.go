package firmware

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/speech"
)

// alsaFilePCMs defines, in a user configuration of alsa-lib of the test's
// own, the ALSA PCMs "harkmic" (capturing the S16LE samples of in after a
// period of silence) and "harkout" (writing what it plays to the returned
// file): real alsa-lib devices named as `arecord -L` lists them, no sound
// card needed. libasound2 comes with espeak-ng (scripts/setup).
func alsaFilePCMs(t *testing.T, in []byte) (played string) {
	t.Helper()
	home := t.TempDir()
	infile, played := filepath.Join(home, "in.raw"), filepath.Join(home, "played.raw")
	if err := os.WriteFile(infile, in, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`pcm.harkmic { type file; slave.pcm "null"; file "/dev/null"; infile %q; format "raw"; hint { show on description "Hark test microphone" } }
pcm.harkout { type file; slave.pcm "null"; file %q; format "raw"; hint { show on description "Hark test speaker" } }
`, infile, played)
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	return played
}

func s16le(samples ...int16) []byte {
	b := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

// audio.device takes the ALSA name and audio.gain scales what reaches the
// recognizer.
func TestOpenMicALSANameAndGain(t *testing.T) {
	ramp := make([]int16, 4000)
	for i := range ramp {
		ramp[i] = int16(i%2000 - 1000)
	}
	alsaFilePCMs(t, s16le(ramp...))
	mic, err := OpenMic(config.AudioConfig{Device: "harkmic", Gain: 20}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mic.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a safety net, not a timing assertion
	defer cancel()
	var got []int16
	buf := make([]byte, 640)
	for len(got) < 200 {
		n, err := mic.Read(ctx, buf)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < n; i += 2 {
			if s := int16(binary.LittleEndian.Uint16(buf[i:])); s != 0 || len(got) > 0 {
				got = append(got, s)
			}
		}
	}
	for i, s := range got[:200] {
		if want := ramp[i] * 10; s != want {
			t.Fatalf("sample %d is %d, want %d (the microphone's %d at +20 dB)", i, s, want, ramp[i])
		}
	}
}

// speech.device takes the ALSA name and speech.volume scales the speech.
func TestOpenSpeechDeviceAndVolume(t *testing.T) {
	played := alsaFilePCMs(t, nil)
	d := &devices{}
	defer d.close()
	log := slog.New(slog.DiscardHandler)
	if err := d.openSpeech(config.SpeechConfig{Voice: "en-us", Rate: 170, Device: "harkout", Volume: 25}, log); err != nil {
		t.Fatal(err)
	}
	if d.speechState != "espeak-ng" {
		t.Fatalf("speech %s, want espeak-ng on harkout", d.speechState)
	}
	if err := d.speaker.Say(t.Context(), "hello"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(played)
	if err != nil {
		t.Fatal(err)
	}
	// The same words, synthesised again, at a quarter of their level.
	s, err := speech.New(speech.Config{Voice: "en-us", Rate: 170, Player: speech.CommandPlayer{Path: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Synthesize(t.Context(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	audio.Scale(a.PCM, 0.25)
	if !bytes.HasPrefix(got, a.PCM) {
		t.Errorf("speech.device got %d bytes (peak %d), want the %d of the speech at 25%% (peak %d) first", len(got), peak(got), len(a.PCM), peak(a.PCM))
	}
}

func peak(pcm []byte) int {
	top := 0
	for i := 0; i+1 < len(pcm); i += 2 {
		top = max(top, int(math.Abs(float64(int16(binary.LittleEndian.Uint16(pcm[i:]))))))
	}
	return top
}

// A speech.device that does not open turns speech off with a warning that
// names it as configured; Hark still runs.
func TestOpenSpeechMissingDevice(t *testing.T) {
	alsaFilePCMs(t, nil)
	d := &devices{}
	defer d.close()
	var logs bytes.Buffer
	if err := d.openSpeech(config.SpeechConfig{Voice: "en-us", Rate: 170, Device: "plughw:CARD=NoSuchCard,DEV=0", Volume: 100}, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`speech.device "plughw:CARD=NoSuchCard,DEV=0"`, "on alsa"} {
		if !strings.Contains(d.speechState, want) || !strings.Contains(logs.String(), "speech off") {
			t.Errorf("speech %q (log %q), want it off, naming %s", d.speechState, logs.String(), want)
		}
	}
}
