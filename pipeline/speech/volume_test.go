package speech

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"
)

// keepingPlayer keeps what it was asked to play.
type keepingPlayer struct{ played []Audio }

func (p *keepingPlayer) Play(_ context.Context, a Audio) error {
	p.played = append(p.played, a)
	return nil
}

func pcm16(samples ...int16) []byte {
	b := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func TestWithVolume(t *testing.T) {
	in := []int16{1000, -1000, 20000, -20000, 32767, -32768}
	tests := []struct {
		percent int
		want    []int16
	}{
		{100, in},
		{50, []int16{500, -500, 10000, -10000, 16384, -16384}},
		{10, []int16{100, -100, 2000, -2000, 3277, -3277}},
		{0, []int16{0, 0, 0, 0, 0, 0}},
		{200, []int16{2000, -2000, 32767, -32768, 32767, -32768}}, // clipped, never wrapped
	}
	for _, tt := range tests {
		rec := &keepingPlayer{}
		a := Audio{PCM: pcm16(in...), SampleRate: 22050}
		if err := WithVolume(rec, tt.percent).Play(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		got := rec.played[0]
		if s := samplesOf(got.PCM); !slices.Equal(s, tt.want) || got.SampleRate != 22050 {
			t.Errorf("volume %d%%: played %v at %d Hz, want %v at 22050 Hz", tt.percent, s, got.SampleRate, tt.want)
		}
		if !slices.Equal(samplesOf(a.PCM), in) {
			t.Errorf("volume %d%% changed the caller's audio", tt.percent)
		}
	}
}

// Full volume is the player itself: nothing is copied.
func TestWithVolumeFull(t *testing.T) {
	rec := &keepingPlayer{}
	if p := WithVolume(rec, 100); p != Player(rec) {
		t.Errorf("WithVolume(p, 100) = %T, want p", p)
	}
}

func samplesOf(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}
