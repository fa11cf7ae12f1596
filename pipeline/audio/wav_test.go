package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wavSpec describes a WAV file to build; zero fields take 16 kHz mono
// 16-bit PCM defaults.
type wavSpec struct {
	tag        uint16
	channels   uint16
	rate       uint32
	bits       uint16
	blockAlign uint16
	fmtSize    int // bytes of fmt chunk to keep (default 16)
	data       []byte
}

// chunk returns a RIFF chunk.
func riffChunk(id string, body []byte) []byte {
	b := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(body)))
	b = append(b, body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func (s wavSpec) fmtChunk() []byte {
	if s.tag == 0 {
		s.tag = 1
	}
	if s.channels == 0 {
		s.channels = 1
	}
	if s.rate == 0 {
		s.rate = 16000
	}
	if s.bits == 0 {
		s.bits = 16
	}
	if s.blockAlign == 0 {
		s.blockAlign = s.channels * s.bits / 8
	}
	f := make([]byte, 40)
	le := binary.LittleEndian
	le.PutUint16(f[0:], s.tag)
	le.PutUint16(f[2:], s.channels)
	le.PutUint32(f[4:], s.rate)
	le.PutUint32(f[8:], s.rate*uint32(s.blockAlign))
	le.PutUint16(f[12:], s.blockAlign)
	le.PutUint16(f[14:], s.bits)
	size := 16
	if s.tag == 0xFFFE {
		size = 40
		le.PutUint16(f[16:], 22)
		le.PutUint16(f[24:], 1) // sub-format: PCM
	}
	if s.fmtSize != 0 {
		size = s.fmtSize
	}
	return riffChunk("fmt ", f[:size])
}

// patchFmt sets the 16-bit field at offset off of b's fmt chunk.
func patchFmt(b []byte, off int, v uint16) []byte {
	binary.LittleEndian.PutUint16(b[bytes.Index(b, []byte("fmt "))+8+off:], v)
	return b
}

func wavFile(chunks ...[]byte) []byte {
	body := concat(append([][]byte{[]byte("WAVE")}, chunks...)...)
	return riffChunk("RIFF", body)
}

func (s wavSpec) bytes() []byte { return wavFile(s.fmtChunk(), riffChunk("data", s.data)) }

func TestParseWAVRejects(t *testing.T) {
	good := wavSpec{data: ramp(0, 100)}.bytes()
	withDataSize := func(b []byte, size uint32) []byte {
		b = append([]byte(nil), b...)
		i := bytes.Index(b, []byte("data"))
		binary.LittleEndian.PutUint32(b[i+4:], size)
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"short header", good[:10], "truncated"},
		{"not RIFF", append([]byte("OggS"), good[4:]...), `not a RIFF file (starts with "OggS")`},
		{"big-endian", append([]byte("RIFX"), good[4:]...), "RIFX files are not supported"},
		{"not WAVE", append(append(append([]byte(nil), good[:8]...), "AVI "...), good[12:]...), `not a WAVE file (RIFF type "AVI ")`},
		{"no fmt", wavFile(riffChunk("data", ramp(0, 4))), "no fmt chunk"},
		{"no data", wavFile(wavSpec{}.fmtChunk()), "no data chunk"},
		{"no chunks", wavFile(), "no fmt chunk"},
		{"short fmt", wavSpec{fmtSize: 14, data: ramp(0, 4)}.bytes(), "fmt chunk too short (14 bytes"},
		{"truncated fmt", wavFile(riffChunk("fmt ", make([]byte, 16)))[:30], "truncated fmt chunk"},
		{"8-bit", wavSpec{bits: 8, data: make([]byte, 8)}.bytes(), "8-bit samples not supported"},
		{"24-bit", wavSpec{bits: 24, data: make([]byte, 9)}.bytes(), "24-bit samples not supported"},
		{"float", wavSpec{tag: 3, bits: 32, data: make([]byte, 8)}.bytes(), "32-bit float samples not supported"},
		{"mu-law", wavSpec{tag: 7, bits: 8, data: make([]byte, 8)}.bytes(), "µ-law samples not supported"},
		{"ADPCM", wavSpec{tag: 2, bits: 4, data: make([]byte, 8)}.bytes(), "unsupported encoding (format tag 0x0002"},
		{"no channels", patchFmt(wavSpec{data: make([]byte, 8)}.bytes(), 2, 0), "no channels"},
		{"rate too low", wavSpec{rate: 100, data: make([]byte, 8)}.bytes(), "sample rate 100 Hz out of range"},
		{"rate too high", wavSpec{rate: 1_000_000, data: make([]byte, 8)}.bytes(), "sample rate 1000000 Hz out of range"},
		{"bad block align", wavSpec{channels: 2, blockAlign: 2, data: make([]byte, 8)}.bytes(), "block align 2 does not match 2 channels"},
		{"truncated data", withDataSize(good, 1000), "truncated: data chunk declares 1000 bytes, 200 present"},
		{"data ends mid-frame", wavSpec{channels: 2, data: make([]byte, 10)}.bytes(), "data ends mid-frame (10 bytes is not a multiple of the 4-byte frame)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pcm, err := ParseWAV("greeting.wav", tt.data)
			if err == nil {
				t.Fatalf("ParseWAV accepted it (%d bytes of audio)", len(pcm))
			}
			var we *WAVError
			if !errors.As(err, &we) || we.File != "greeting.wav" {
				t.Errorf("error %#v is not a *WAVError naming the file", err)
			}
			if !strings.Contains(err.Error(), "greeting.wav") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to name the file and say %q", err, tt.want)
			}
		})
	}
}

func TestParseWAVAccepts(t *testing.T) {
	mono := ramp(-50, 100)
	stereo := make([]byte, 0, 2*len(mono))
	for i := 0; i < len(mono); i += 2 {
		s := int16(binary.LittleEndian.Uint16(mono[i:]))
		stereo = binary.LittleEndian.AppendUint16(stereo, uint16(s-10)) // average is s
		stereo = binary.LittleEndian.AppendUint16(stereo, uint16(s+10))
	}
	tests := []struct {
		name string
		data []byte
		want []byte
	}{
		{"16 kHz mono as is", wavSpec{data: mono}.bytes(), mono},
		{"stereo is averaged", wavSpec{channels: 2, data: stereo}.bytes(), mono},
		{"extensible PCM", wavSpec{tag: 0xFFFE, data: mono}.bytes(), mono},
		{"other chunks skipped, odd sizes padded", wavFile(riffChunk("LIST", []byte("abc")), wavSpec{}.fmtChunk(), riffChunk("fact", []byte{1, 2, 3, 4}), riffChunk("data", mono)), mono},
		{"data before fmt", wavFile(riffChunk("data", mono), wavSpec{}.fmtChunk()), mono},
		{"streamed data size", func() []byte {
			b := wavSpec{data: mono}.bytes()
			binary.LittleEndian.PutUint32(b[bytes.Index(b, []byte("data"))+4:], 0xFFFFFFFF)
			return b
		}(), mono},
		{"empty data", wavSpec{}.bytes(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWAV("ok.wav", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("ParseWAV returned %d bytes, want %d equal to the source", len(got), len(tt.want))
			}
		})
	}
}

// tone is n samples of a sine at freq Hz sampled at rate, with the given
// amplitude.
func tone(freq, rate float64, n int, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*freq*float64(i)/rate)
	}
	return x
}

func encodeS16(x []float64, channels int) []byte {
	var b []byte
	for _, v := range x {
		for range channels {
			b = binary.LittleEndian.AppendUint16(b, uint16(int16(math.Round(v))))
		}
	}
	return b
}

func decodeS16(b []byte) []float64 {
	x := make([]float64, len(b)/2)
	for i := range x {
		x[i] = float64(int16(binary.LittleEndian.Uint16(b[2*i:])))
	}
	return x
}

// level is the amplitude of the component of x at freq Hz (16 kHz), away
// from the edges where the filter runs out of input.
func level(x []float64, freq float64) float64 {
	x = x[len(x)/8 : len(x)*7/8]
	var re, im float64
	for i, v := range x {
		re += v * math.Cos(2*math.Pi*freq*float64(i)/16000)
		im += v * math.Sin(2*math.Pi*freq*float64(i)/16000)
	}
	return 2 * math.Hypot(re, im) / float64(len(x))
}

func TestParseWAVResamples(t *testing.T) {
	const amp = 10000
	tests := []struct {
		name        string
		rate        int
		channels    int
		freq        float64 // the tone in the file
		at          float64 // where to look for it in the output
		wantLevel   float64 // its amplitude there
		tolerance   float64
		description string
	}{
		{"48 kHz stereo keeps 1 kHz", 48000, 2, 1000, 1000, amp, 0.02 * amp, "passband tone kept"},
		{"44.1 kHz keeps 3 kHz", 44100, 1, 3000, 3000, amp, 0.02 * amp, "passband tone kept"},
		{"8 kHz up to 16 kHz keeps 1 kHz", 8000, 1, 1000, 1000, amp, 0.02 * amp, "passband tone kept"},
		{"22.05 kHz keeps 2.5 kHz", 22050, 1, 2500, 2500, amp, 0.02 * amp, "passband tone kept"},
		// Decimating 12 kHz naively from 48 kHz would fold it onto 4 kHz.
		{"48 kHz drops 12 kHz", 48000, 1, 12000, 4000, 0, 0.01 * amp, "no alias"},
		{"44.1 kHz drops 10 kHz", 44100, 1, 10000, 6000, 0, 0.01 * amp, "no alias"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.rate / 2 // 0.5 s
			file := wavSpec{channels: uint16(tt.channels), rate: uint32(tt.rate), data: encodeS16(tone(tt.freq, float64(tt.rate), n, amp), tt.channels)}.bytes()
			pcm, err := ParseWAV("tone.wav", file)
			if err != nil {
				t.Fatal(err)
			}
			out := decodeS16(pcm)
			if want := n * 16000 / tt.rate; len(out) != want {
				t.Fatalf("%d samples out, want %d", len(out), want)
			}
			got := level(out, tt.at)
			t.Logf("level at %v Hz: %.1f", tt.at, got)
			if math.Abs(got-tt.wantLevel) > tt.tolerance {
				t.Errorf("%s: level at %v Hz = %.0f, want %.0f ± %.0f", tt.description, tt.at, got, tt.wantLevel, tt.tolerance)
			}
		})
	}
}

func TestReadWAV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello.wav")
	if err := os.WriteFile(path, wavSpec{data: ramp(0, 10)}.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if pcm, err := ReadWAV(path); err != nil || !bytes.Equal(pcm, ramp(0, 10)) {
		t.Errorf("ReadWAV = %d bytes, %v", len(pcm), err)
	}
	missing := filepath.Join(dir, "missing.wav")
	if _, err := ReadWAV(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadWAV(missing) = %v, want an error naming the file", err)
	}
	bad := filepath.Join(dir, "bad.wav")
	os.WriteFile(bad, []byte("RIFF\x04\x00\x00\x00WAVE"), 0o644)
	if _, err := OpenWAV(bad, false); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "no fmt chunk") {
		t.Errorf("OpenWAV(bad) = %v, want an error naming the file and the problem", err)
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(wavSpec{data: ramp(0, 32)}.bytes())
	f.Add(wavSpec{channels: 2, rate: 44100, data: ramp(0, 64)}.bytes())
	f.Add(wavSpec{tag: 0xFFFE, rate: 8000, data: ramp(0, 16)}.bytes())
	f.Add(wavFile(riffChunk("LIST", []byte("x")), riffChunk("data", ramp(0, 3)), wavSpec{}.fmtChunk()))
	f.Fuzz(func(t *testing.T, data []byte) {
		pcm, err := ParseWAV("fuzz.wav", data)
		if err != nil {
			var we *WAVError
			if !errors.As(err, &we) || we.File != "fuzz.wav" || we.Problem == "" {
				t.Fatalf("error %v is not a *WAVError naming the file and problem", err)
			}
			return
		}
		if len(pcm)%2 != 0 {
			t.Fatalf("%d bytes of audio: not whole samples", len(pcm))
		}
	})
}
