package testmodel

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"testing"
	"time"
)

func TestFrequencies(t *testing.T) {
	// Bin centres worked out in shared/notes/vosk-test-model.md §8.
	want := map[string]float64{"zero": 447.0, "one": 926.5, "two": 1606.4, "on": 2570.4, "off": 3937.5}
	for _, w := range Words() {
		f, err := Frequency(w)
		if err != nil || math.Abs(f-want[w]) > 0.05 {
			t.Errorf("Frequency(%q) = %v, %v; want %v", w, f, err, want[w])
		}
	}
	if _, err := Frequency("banana"); err == nil {
		t.Error("Frequency(banana) succeeded")
	}
}

func TestWordsIsACopy(t *testing.T) {
	w := Words()
	w[0] = "changed"
	if Words()[0] != "zero" {
		t.Error("Words exposes the vocabulary")
	}
	if !slices.Equal(Words(), []string{"zero", "one", "two", "on", "off"}) {
		t.Errorf("Words() = %v", Words())
	}
}

func samplesOf(pcm []byte) []int16 {
	s := make([]int16, len(pcm)/2)
	_ = binary.Read(bytes.NewReader(pcm), binary.LittleEndian, s)
	return s
}

func TestTone(t *testing.T) {
	for _, w := range Words() {
		s := samplesOf(Tone(w))
		if len(s) != 9600 {
			t.Fatalf("%s: %d samples, want 0.6 s = 9600", w, len(s))
		}
		// Peak at the amplitude, and the zero crossings match the frequency.
		f, _ := Frequency(w)
		var peak int16
		crossings := 0
		for i, v := range s {
			peak = max(peak, v)
			if i > 0 && (s[i-1] < 0) != (v < 0) {
				crossings++
			}
		}
		if peak < toneAmplitude-2 || peak > toneAmplitude {
			t.Errorf("%s: peak %d, want ≈ %d", w, peak, toneAmplitude)
		}
		if got := float64(crossings) / 2 / 0.6; math.Abs(got-f) > 3 {
			t.Errorf("%s: %.1f Hz from zero crossings, want %.1f", w, got, f)
		}
	}
}

func TestTonePanicsOnUnknownWord(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Tone(banana) did not panic")
		}
	}()
	Tone("banana")
}

func TestUtterance(t *testing.T) {
	gap := Silence(GapDuration)
	tests := []struct {
		words []string
		want  [][]byte
	}{
		{nil, [][]byte{gap}},
		{[]string{"on"}, [][]byte{gap, Tone("on"), gap}},
		{[]string{"one", "two", "off"}, [][]byte{gap, Tone("one"), gap, Tone("two"), gap, Tone("off"), gap}},
	}
	for _, tt := range tests {
		if got := Utterance(tt.words...); !bytes.Equal(got, bytes.Join(tt.want, nil)) {
			t.Errorf("Utterance(%q): %d bytes, not the expected layout", tt.words, len(got))
		}
	}
	if n := len(Silence(time.Second)); n != 32000 {
		t.Errorf("1 s of silence is %d bytes", n)
	}
	if s := Silence(GapDuration); bytes.Count(s, []byte{0}) != len(s) || len(s) != 9600 {
		t.Error("gap is not 0.3 s of zeros")
	}
}

func TestAffineWeightsRecoverMelBins(t *testing.T) {
	// MFCC = lifter ⊙ (D · logmel); row k+1 applied to it must give
	// logmel of word k's bin, whatever the spectrum.
	logmel := make([]float64, numMelBins)
	for n := range logmel {
		logmel[n] = math.Sin(float64(n)*1.7) * 10 // any spectrum
	}
	mfcc := make([]float64, numCeps)
	for i := range mfcc {
		for n, v := range logmel {
			mfcc[i] += dct(i, n) * v
		}
		mfcc[i] *= lifter(i)
	}
	w := affineWeights(false)
	if len(w) != len(words)+1 {
		t.Fatalf("%d rows", len(w))
	}
	for k, b := range wordBins {
		var got float64
		for i, v := range w[k+1] {
			got += v * mfcc[i]
		}
		if math.Abs(got-logmel[b]) > 1e-9 {
			t.Errorf("row of %s gives %v, want log-mel bin %d = %v", words[k], got, b, logmel[b])
		}
	}
	for _, v := range w[0] {
		if v != 0 {
			t.Error("silence row is not zero")
		}
	}
}
