package testmodel

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// SampleRate is the rate of the audio this package writes and of the model's
// feature configuration: 16 kHz, mono, signed 16-bit little-endian.
const SampleRate = 16000

// Durations of the parts of an Utterance.
const (
	ToneDuration = 600 * time.Millisecond
	GapDuration  = 300 * time.Millisecond
)

// toneAmplitude is the peak sample value of a tone, well clear of both the
// model's silence bias and clipping.
const toneAmplitude = 8000

// words are the model's vocabulary in word-id order (id = index+1). Word k is
// recognised from the energy in mel bin wordBins[k].
var words = [...]string{"zero", "one", "two", "on", "off"}

var wordBins = [...]int{3, 6, 9, 12, 15}

// Words returns the model's vocabulary in word-id order.
func Words() []string { return append([]string(nil), words[:]...) }

// Frequency returns the tone, in Hz, that the model recognises as word.
func Frequency(word string) (float64, error) {
	for k, w := range words {
		if w == word {
			return melBinCentre(wordBins[k]), nil
		}
	}
	return 0, fmt.Errorf("testmodel: %q is not a word of the test model (words: %v)", word, words)
}

// Tone returns ToneDuration of the tone for word as 16 kHz mono S16LE. It
// panics if word is not one of Words: the vocabulary is fixed, so an unknown
// word is a bug in the calling test.
func Tone(word string) []byte {
	f, err := Frequency(word)
	if err != nil {
		panic(err)
	}
	n := samples(ToneDuration)
	pcm := make([]byte, 2*n)
	for i := range n {
		v := math.Round(toneAmplitude * math.Sin(2*math.Pi*f*float64(i)/SampleRate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(int16(v)))
	}
	return pcm
}

// Silence returns d of digital silence (zero samples), rounded down to whole
// samples.
func Silence(d time.Duration) []byte { return make([]byte, 2*samples(d)) }

// Utterance returns GapDuration of silence, then for each word its tone
// followed by GapDuration of silence. Word i's tone therefore spans
// [0.3+0.9i, 0.9+0.9i] seconds. It panics on a word not in Words.
func Utterance(words ...string) []byte {
	pcm := Silence(GapDuration)
	for _, w := range words {
		pcm = append(pcm, Tone(w)...)
		pcm = append(pcm, Silence(GapDuration)...)
	}
	return pcm
}

func samples(d time.Duration) int { return int(d * SampleRate / time.Second) }
