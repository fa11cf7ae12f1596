package audio

import (
	"bytes"
	"math"
	"testing"
	"time"
)

func TestRingKeepsOrderAcrossWrap(t *testing.T) {
	r := newRing(10)
	var want, got []byte
	buf := make([]byte, 6)
	next := 0
	// Writes and reads of varied sizes walk the positions around the ring.
	for i, size := range []int{4, 4, 2, 6, 2, 8, 4, 2, 10, 6} {
		p := ramp(next, size/2)
		next += size / 2
		if !r.write(p) {
			// Must only happen when it truly does not fit.
			if free := r.size - (len(want) - len(got)); size <= free {
				t.Fatalf("write %d of %d bytes dropped with %d free", i, size, free)
			}
		} else {
			want = append(want, p...)
		}
		n := r.readInto(buf[:4])
		got = append(got, buf[:n]...)
	}
	for n := r.readInto(buf); n > 0; n = r.readInto(buf) {
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read back %v, want %v", got, want)
	}
}

func TestRingOverrunDropsWholeChunkAndCounts(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		writes   []int
		overruns uint64
		kept     int
	}{
		{"fits exactly", 8, []int{4, 4}, 0, 8},
		{"one too many", 8, []int{4, 4, 2}, 1, 8},
		{"oversized chunk", 8, []int{10}, 1, 0},
		{"partial room is not used", 8, []int{6, 4, 2}, 1, 8},
		{"every later write drops", 4, []int{4, 2, 2, 2}, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRing(tt.size)
			for _, n := range tt.writes {
				r.write(make([]byte, n)) // never blocks, with nobody reading
			}
			if got := r.overruns(); got != tt.overruns {
				t.Errorf("overruns = %d, want %d", got, tt.overruns)
			}
			if got := r.readInto(make([]byte, 64)); got != tt.kept {
				t.Errorf("kept %d bytes, want %d", got, tt.kept)
			}
		})
	}
}

func TestRingReadsWholeSamples(t *testing.T) {
	r := newRing(16)
	r.write(ramp(0, 3))
	buf := make([]byte, 5)
	if n := r.readInto(buf); n != 4 {
		t.Fatalf("readInto(5-byte buffer) = %d, want 4 (whole samples)", n)
	}
	if n := r.readInto(buf); n != 2 {
		t.Fatalf("second readInto = %d, want the remaining 2", n)
	}
}

func TestHistoryKeepsMostRecent(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		writes []int // sample counts; samples count up across writes
		want   []int // the samples kept, oldest first
	}{
		{"empty", 8, nil, nil},
		{"partial", 8, []int{2}, []int{0, 1}},
		{"exactly full", 8, []int{2, 2}, []int{0, 1, 2, 3}},
		{"wraps", 8, []int{3, 3}, []int{2, 3, 4, 5}},
		{"wraps twice", 8, []int{3, 3, 3}, []int{5, 6, 7, 8}},
		{"one write larger than size", 8, []int{1, 7}, []int{4, 5, 6, 7}},
		{"size zero keeps nothing", 0, []int{3}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHistory(tt.size)
			next := 0
			for _, n := range tt.writes {
				h.write(ramp(next, n))
				next += n
			}
			older, newer := h.contents()
			got := append(append([]byte(nil), older...), newer...)
			var want []byte
			for _, s := range tt.want {
				want = append(want, ramp(s, 1)...)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("contents = %v, want %v", got, want)
			}
			h.reset()
			if o, n := h.contents(); len(o)+len(n) != 0 {
				t.Errorf("after reset: %d bytes kept", len(o)+len(n))
			}
		})
	}
}

func TestDurationBytes(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want int
	}{
		{0, 0},
		{10 * time.Millisecond, 320},
		{300 * time.Millisecond, 9600},
		{time.Second / 3, 10666},
		// Exact with a 64-bit int, saturated with a 32-bit one.
		{1000 * time.Hour, min(1000*3600*32000, math.MaxInt&^1)},
		{math.MaxInt64, min(295147905179352, math.MaxInt&^1)},
		{18 * time.Hour, min(18*3600*32000, math.MaxInt&^1)},
	}
	for _, tt := range tests {
		if got := durationBytes(tt.d); got != tt.want {
			t.Errorf("durationBytes(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

// The producer wakes the reader only once what the reader waits for is
// queued: a reader filling a large buffer is not woken every period.
func TestRingWakesOnceWantIsQueued(t *testing.T) {
	r := newRing(64)
	r.setWant(8)
	if r.write(make([]byte, 4)) {
		t.Fatal("4 of the 8 bytes wanted queued: the reader was woken")
	}
	if !r.write(make([]byte, 4)) {
		t.Fatal("the 8 bytes wanted queued: the reader was not woken")
	}
	r.setWant(2) // any audio
	if !r.write(make([]byte, 2)) {
		t.Fatal("waiting for any audio: a write did not wake the reader")
	}
}
