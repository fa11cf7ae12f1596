// Package voices speaks test sentences with the text-to-speech programs
// scripts/setup installs (espeak-ng, Debian's flite voices, festival's HTS
// voice) and mixes noise into them, for the benchmarks that measure
// recognition on more than one synthetic voice: the accuracy benchmark
// (hark-bench --accuracy) and PocketSphinx's BenchmarkRejection.
package voices

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// The voice families.
const (
	FamilyESpeak   = "espeak-ng"
	FamilyFlite    = "flite"
	FamilyFestival = "festival"
)

// Timeout bounds each program a synthesis runs (the voice, then sox).
const Timeout = 60 * time.Second

// A Voice synthesises speech into a WAV file.
type Voice struct {
	Name   string // unique, without spaces: "flite-slt", "espeak-ng-en-gb-140"
	Family string // FamilyESpeak, FamilyFlite or FamilyFestival
	// command writes text, spoken, to the WAV file path.
	command func(ctx context.Context, text, path string) *exec.Cmd
}

// ESpeak is espeak-ng with args, e.g. ESpeak("-v", "en-gb", "-s", "140"),
// named by the values of its options: espeak-ng-en-gb-140.
func ESpeak(args ...string) Voice {
	name := FamilyESpeak
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			name += "-" + a
		}
	}
	return Voice{name, FamilyESpeak, func(ctx context.Context, text, path string) *exec.Cmd {
		return exec.CommandContext(ctx, "espeak-ng", append(append([]string{"-w", path}, args...), text)...)
	}}
}

// Flite is one of flite's built-in voices: slt, awb, rms, kal16 (and kal).
func Flite(v string) Voice {
	return Voice{"flite-" + v, FamilyFlite, func(ctx context.Context, text, path string) *exec.Cmd {
		return exec.CommandContext(ctx, "flite", "-voice", v, "-t", text, "-o", path)
	}}
}

// FestivalHTS is festival's HTS voice cmu_us_slt_arctic_hts (Debian's
// festvox-us-slt-hts), through text2wave.
func FestivalHTS() Voice {
	return Voice{"festival-hts", FamilyFestival, func(ctx context.Context, text, path string) *exec.Cmd {
		c := exec.CommandContext(ctx, "text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", path)
		c.Stdin = strings.NewReader(text)
		return c
	}}
}

// Synthesise speaks text in v and returns it as 16 kHz mono signed 16-bit
// little-endian PCM, converted by sox -R (sox's dither is otherwise seeded
// by the clock, and two runs would decode different audio). The WAV is
// kept in dir and reused when asked again. Each program gets Timeout.
func (v Voice) Synthesise(ctx context.Context, dir, text string) ([]byte, error) {
	name := strings.NewReplacer(" ", "_", "/", "_", "'", "").Replace(v.Name + "_" + text)
	wav := filepath.Join(dir, name+".wav")
	if pcm, err := audio.ReadWAV(wav); err == nil {
		return pcm, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	raw, tmp := filepath.Join(dir, name+".raw.wav"), filepath.Join(dir, name+".tmp.wav")
	defer os.Remove(raw)
	steps := []func(context.Context) *exec.Cmd{
		func(ctx context.Context) *exec.Cmd { return v.command(ctx, text, raw) },
		func(ctx context.Context) *exec.Cmd {
			return exec.CommandContext(ctx, "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", tmp)
		},
	}
	for _, step := range steps {
		if err := run(ctx, step); err != nil {
			return nil, fmt.Errorf("%s %q: %w", v.Name, text, err)
		}
	}
	if err := os.Rename(tmp, wav); err != nil {
		return nil, err
	}
	return audio.ReadWAV(wav)
}

// run runs the command step makes, within Timeout.
func run(ctx context.Context, step func(context.Context) *exec.Cmd) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	c := step(ctx)
	if _, err := exec.LookPath(c.Args[0]); err != nil {
		return fmt.Errorf("%s not found (%v): run scripts/setup", c.Args[0], err)
	}
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(c.Args, " "), err, out)
	}
	return nil
}

// frame is the length, in samples at 16 kHz, of the frames SpeechRMS
// tells speech from silence in: 20 ms.
const frame = 320

// speechFloor is how far below the loudest frame a frame still counts as
// speech in SpeechRMS: 30 dB.
const speechFloor = 30

// SpeechRMS is the root mean square of the speech in pcm (16-bit samples):
// over the 20 ms frames within 30 dB of the loudest, so the silence
// around and between words does not lower it. Zero for silence.
func SpeechRMS(pcm []byte) float64 {
	samples := toSamples(pcm)
	var energies []float64 // mean square per frame
	loudest := 0.0
	for i := 0; i < len(samples); i += frame {
		f := samples[i:min(i+frame, len(samples))]
		e := 0.0
		for _, s := range f {
			e += float64(s) * float64(s)
		}
		e /= float64(len(f))
		energies = append(energies, e)
		loudest = max(loudest, e)
	}
	if loudest == 0 {
		return 0
	}
	floor := loudest / math.Pow(10, speechFloor/10)
	sum, n := 0.0, 0
	for _, e := range energies {
		if e >= floor {
			sum += e
			n++
		}
	}
	return math.Sqrt(sum / float64(n))
}

// AddNoise returns pcm (16-bit samples) with Gaussian white noise mixed in
// over its whole length, snr dB below SpeechRMS(pcm), clipped to 16 bits.
// The same seed gives the same noise.
func AddNoise(pcm []byte, snr float64, seed uint64) []byte {
	sigma := SpeechRMS(pcm) / math.Pow(10, snr/20)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	samples := toSamples(pcm)
	out := make([]byte, 2*len(samples))
	for i, s := range samples {
		v := math.Round(float64(s) + sigma*rng.NormFloat64())
		v = max(math.MinInt16, min(math.MaxInt16, v))
		binary.LittleEndian.PutUint16(out[2*i:], uint16(int16(v)))
	}
	return out
}

func toSamples(pcm []byte) []int16 {
	s := make([]int16, len(pcm)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(pcm[2*i:]))
	}
	return s
}
