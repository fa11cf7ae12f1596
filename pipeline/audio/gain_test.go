package audio

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
)

func s16(samples ...int16) []byte {
	b := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func samples16(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

func TestScale(t *testing.T) {
	tests := []struct {
		name   string
		factor float64
		in     []int16
		want   []int16
	}{
		{"unity", 1, []int16{0, 1, -1, 32767, -32768}, []int16{0, 1, -1, 32767, -32768}},
		{"half rounds to nearest", 0.5, []int16{100, -100, 3, -3, 32767, -32768}, []int16{50, -50, 2, -2, 16384, -16384}},
		{"double", 2, []int16{1000, -1000, 0}, []int16{2000, -2000, 0}},
		{"double clips at the bounds", 2, []int16{16384, -16385, 20000, -20000, 32767, -32768}, []int16{32767, -32768, 32767, -32768, 32767, -32768}},
		{"ten times clips, never wraps", 10, []int16{3277, -3277, 3276, -3276}, []int16{32767, -32768, 32760, -32760}},
		{"mute", 0, []int16{1234, -1234, 32767, -32768}, []int16{0, 0, 0, 0}},
		{"empty", 3, nil, []int16{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pcm := s16(tt.in...)
			Scale(pcm, tt.factor)
			if got := samples16(pcm); !slices.Equal(got, tt.want) {
				t.Errorf("Scale(%v, %v) = %v, want %v", tt.in, tt.factor, got, tt.want)
			}
		})
	}
}

// A trailing odd byte is not half a sample to scale.
func TestScaleOddByte(t *testing.T) {
	pcm := append(s16(1000), 0x7f)
	Scale(pcm, 2)
	if got := samples16(pcm[:2]); got[0] != 2000 || pcm[2] != 0x7f {
		t.Errorf("Scale = %v and trailing byte %#x, want 2000 and 0x7f", got, pcm[2])
	}
}

func TestDecibelFactor(t *testing.T) {
	tests := []struct{ db, want float64 }{
		{0, 1}, {20, 10}, {-20, 0.1}, {6, 1.9953}, {-6, 0.5012}, {30, 31.623},
	}
	for _, tt := range tests {
		if got := DecibelFactor(tt.db); math.Abs(got-tt.want) > 1e-3*tt.want {
			t.Errorf("DecibelFactor(%v) = %v, want %v", tt.db, got, tt.want)
		}
	}
}

// Capture applies its Gain (dB) to what it reads, clipping, and leaves the
// audio as it is without one.
func TestCaptureGain(t *testing.T) {
	tests := []struct {
		gain float64
		want []int16
	}{
		{0, []int16{1000, -1000, 20000, -20000}},
		{20, []int16{10000, -10000, 32767, -32768}},
		{-20, []int16{100, -100, 2000, -2000}},
	}
	for _, tt := range tests {
		t.Run(fmtDB(tt.gain), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newCaptureHarness(t, CaptureConfig{Gain: tt.gain})
				mic := h.opened()
				period := s16(1000, -1000, 20000, -20000)
				mic.deliver(period)
				got := make([]byte, len(period))
				n, err := h.c.Read(testContext(t), got)
				if err != nil {
					t.Fatal(err)
				}
				if s := samples16(got[:n]); !slices.Equal(s, tt.want) {
					t.Errorf("read %v with gain %v dB, want %v", s, tt.gain, tt.want)
				}
				if !slices.Equal(period, s16(1000, -1000, 20000, -20000)) {
					t.Error("the gain changed the device's own buffer")
				}
			})
		})
	}
}

func fmtDB(db float64) string { return strconv.FormatFloat(db, 'g', -1, 64) + "dB" }
