package voices

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tone is a 440 Hz sine of amplitude amp, between stretches of silence.
func tone(amp float64) []byte {
	var pcm []byte
	pcm = append(pcm, make([]byte, 16000)...) // 0.5 s of silence
	for i := range 16000 {
		v := int16(amp * math.Sin(2*math.Pi*440*float64(i)/16000))
		pcm = binary.LittleEndian.AppendUint16(pcm, uint16(v))
	}
	return append(pcm, make([]byte, 16000)...)
}

// TestSpeechRMS: the silence around the speech does not count.
func TestSpeechRMS(t *testing.T) {
	got, want := SpeechRMS(tone(10000)), 10000/math.Sqrt2
	if math.Abs(got-want) > 0.01*want {
		t.Errorf("SpeechRMS = %.1f, want %.1f (the sine's alone)", got, want)
	}
	if got := SpeechRMS(make([]byte, 3200)); got != 0 {
		t.Errorf("SpeechRMS(silence) = %v, want 0", got)
	}
}

// TestAddNoise: the noise is 20 dB below the speech, the same for the
// same seed and other for another.
func TestAddNoise(t *testing.T) {
	clean := tone(10000)
	noisy := AddNoise(clean, 20, 1)
	var noise float64
	c, n := toSamples(clean), toSamples(noisy)
	for i := range c {
		d := float64(n[i]) - float64(c[i])
		noise += d * d
	}
	noise = math.Sqrt(noise / float64(len(c)))
	if snr := 20 * math.Log10(SpeechRMS(clean)/noise); math.Abs(snr-20) > 0.2 {
		t.Errorf("SNR %.2f dB, want 20", snr)
	}
	if !bytes.Equal(noisy, AddNoise(clean, 20, 1)) {
		t.Error("seed 1 gave two different noises")
	}
	if bytes.Equal(noisy, AddNoise(clean, 20, 2)) {
		t.Error("seeds 1 and 2 gave the same noise")
	}
}

// TestSynthesise: each family speaks, as 16 kHz PCM, and a second call
// reuses the kept WAV.
func TestSynthesise(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*Timeout)
	defer cancel()
	dir := t.TempDir()
	for _, v := range []Voice{ESpeak("-v", "en-us", "-s", "160"), Flite("slt"), FestivalHTS()} {
		pcm, err := v.Synthesise(ctx, dir, "what time is it")
		if err != nil {
			t.Fatal(err)
		}
		if secs := float64(len(pcm)) / 32000; secs < 0.4 || secs > 5 {
			t.Errorf("%s: %.2f s of audio, want about a second", v.Name, secs)
		}
		if SpeechRMS(pcm) < 300 {
			t.Errorf("%s: speech RMS %.0f: silent?", v.Name, SpeechRMS(pcm))
		}
		wav := filepath.Join(dir, v.Name+"_what_time_is_it.wav")
		if err := os.Chtimes(wav, time.Time{}, time.Unix(1, 0)); err != nil {
			t.Fatalf("%s: the WAV is not kept: %v", v.Name, err)
		}
		again, err := v.Synthesise(ctx, dir, "what time is it")
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(wav); err != nil || st.ModTime() != time.Unix(1, 0) || !bytes.Equal(again, pcm) {
			t.Errorf("%s: the second call did not reuse the WAV (%v)", v.Name, err)
		}
	}
	if got := ESpeak("-v", "en-gb", "-s", "140").Name; got != "espeak-ng-en-gb-140" {
		t.Errorf("ESpeak name %q, want espeak-ng-en-gb-140", got)
	}
}
