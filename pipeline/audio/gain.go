package audio

import (
	"encoding/binary"
	"math"
)

// Scale multiplies every 16-bit little-endian sample of pcm by factor, in
// place, rounding to the nearest value and clipping at the int16 bounds
// rather than wrapping. A factor of 1 leaves pcm as it is; a trailing odd
// byte is left alone.
func Scale(pcm []byte, factor float64) {
	if factor == 1 {
		return
	}
	for i := 0; i+1 < len(pcm); i += 2 {
		v := math.Round(float64(int16(binary.LittleEndian.Uint16(pcm[i:]))) * factor)
		binary.LittleEndian.PutUint16(pcm[i:], uint16(int16(max(math.MinInt16, min(math.MaxInt16, v)))))
	}
}

// DecibelFactor is the amplitude factor of a gain in dB: +6 dB about
// doubles, -20 dB is a tenth.
func DecibelFactor(db float64) float64 { return math.Pow(10, db/20) }
