package audio

import (
	"encoding/binary"
	"time"
)

// TimedSource is a Source that knows when the audio it hands out was
// captured, so that push-to-talk can decode everything captured up to the
// release edge however late the device delivers it.
type TimedSource interface {
	Source
	// Captured is when the last sample returned by Read was captured, on
	// the clock of the release edges given to PTT.Up. It is called on
	// Read's goroutine, after Read.
	Captured() time.Time
}

// pause is the silence that ends the tail, and a release this long after
// the last speech falls in silence: longer than the gap between two
// words' sounds, shorter than a person waits before letting go.
const pause = 80 * time.Millisecond

// frameBytes is the stretch of audio judged speech or not: 10 ms.
const frameBytes = bytesPerSecond / 100

// Levels of speech, as a frame's mean square (of int16 samples): a frame
// is speech when it is louder than minSpeech and voiceRatio times the
// noise floor (12 dB). The floor follows the quietest frames down at once
// and rises slowly (doubling in about 3 s), so a noisy room raises it but
// a word does not.
const (
	minSpeech  = 200 * 200 // about -44 dBFS
	voiceRatio = 16
	floorRise  = 1.0023 // per frame
)

// voiceTracker follows captured audio frame by frame and remembers when
// speech was last heard. It is used by Run's goroutine only.
type voiceTracker struct {
	floor float64   // the noise floor, mean square
	sum   float64   // of squares in the frame so far
	n     int       // bytes in the frame so far
	now   time.Time // capture time of the newest audio observed
	last  time.Time // capture time of the end of the last frame of speech
}

// observe takes pcm, captured up to end.
func (v *voiceTracker) observe(pcm []byte, end time.Time) {
	v.now = end
	for i := 0; i+1 < len(pcm); i += 2 {
		s := float64(int16(binary.LittleEndian.Uint16(pcm[i:])))
		v.sum += s * s
		v.n += 2
		if v.n < frameBytes {
			continue
		}
		ms := v.sum / float64(frameBytes/2)
		v.sum, v.n = 0, 0
		if v.floor == 0 || ms < v.floor {
			v.floor = max(ms, 1)
		} else {
			v.floor *= floorRise
		}
		if ms >= minSpeech && ms >= voiceRatio*v.floor {
			v.last = end.Add(-bytesDuration(len(pcm) - i - 2))
		}
	}
}
