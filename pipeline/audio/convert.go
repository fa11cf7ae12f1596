package audio

import (
	"encoding/binary"
	"math"

	"github.com/hark-assistant/hark/pipeline"
)

// convert turns interleaved S16LE frames of the given channel count and rate
// into 16 kHz mono S16LE.
func convert(pcm []byte, channels, rate int) []byte {
	frames := len(pcm) / (2 * channels)
	mono := make([]float64, frames)
	for i := range mono {
		var sum float64
		for c := range channels {
			sum += float64(int16(binary.LittleEndian.Uint16(pcm[2*(i*channels+c):])))
		}
		mono[i] = sum / float64(channels)
	}
	if rate != pipeline.SampleRate {
		mono = resample(mono, rate, pipeline.SampleRate)
	}
	out := make([]byte, 2*len(mono))
	for i, v := range mono {
		binary.LittleEndian.PutUint16(out[2*i:], uint16(int16(math.Max(-32768, math.Min(32767, math.Round(v))))))
	}
	return out
}

// Resampling filter: a Blackman-windowed sinc spanning sincZeros zero
// crossings each side, tabulated at kernelSteps points per crossing and
// linearly interpolated.
const (
	sincZeros   = 16
	kernelSteps = 256
	// cutoff sits a little below the lower Nyquist frequency so the
	// filter's transition band does not alias.
	cutoff = 0.95
)

// resample converts x from rate from to rate to by band-limited
// interpolation.
func resample(x []float64, from, to int) []float64 {
	fc := cutoff * math.Min(1, float64(to)/float64(from)) // in cycles per input sample ×2
	half := sincZeros / fc                                // kernel half-width in input samples
	kernel := make([]float64, sincZeros*kernelSteps+2)
	for k := range kernel {
		z := float64(k) / kernelSteps // position in zero crossings
		if z >= sincZeros {
			break
		}
		w := 0.42 + 0.5*math.Cos(math.Pi*z/sincZeros) + 0.08*math.Cos(2*math.Pi*z/sincZeros)
		s := 1.0
		if z != 0 {
			s = math.Sin(math.Pi*z) / (math.Pi * z)
		}
		kernel[k] = fc * s * w
	}
	tap := func(d float64) float64 { // kernel at d input samples from the centre
		z := math.Abs(d) * fc * kernelSteps
		k := int(z)
		if k >= sincZeros*kernelSteps {
			return 0
		}
		frac := z - float64(k)
		return kernel[k]*(1-frac) + kernel[k+1]*frac
	}

	out := make([]float64, int64(len(x))*int64(to)/int64(from))
	step := float64(from) / float64(to)
	for i := range out {
		t := float64(i) * step
		lo := max(0, int(math.Ceil(t-half)))
		hi := min(len(x)-1, int(math.Floor(t+half)))
		var sum float64
		for j := lo; j <= hi; j++ {
			sum += x[j] * tap(t-float64(j))
		}
		out[i] = sum
	}
	return out
}
