package audio

import (
	"math"
	"time"

	"github.com/hark-assistant/hark/pipeline"
)

// bytesPerSecond is the size of one second of Hark audio.
const bytesPerSecond = 2 * pipeline.SampleRate

// durationBytes is the even number of bytes holding d of audio. It
// saturates where that does not fit an int (past 18 hours on 32-bit ARM).
func durationBytes(d time.Duration) int {
	whole, frac := d/time.Second, d%time.Second // split so long durations do not overflow
	if int64(whole) >= math.MaxInt/bytesPerSecond {
		return math.MaxInt &^ 1
	}
	return int(int64(whole)*bytesPerSecond+int64(frac)*bytesPerSecond/int64(time.Second)) &^ 1
}

// bytesDuration is how long n bytes of audio last.
func bytesDuration(n int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / bytesPerSecond)
}
