package wyoming

import (
	"encoding/binary"
	"fmt"
)

// format is audio-start's and audio-chunk's data (audio.py).
type format struct {
	Rate     int `json:"rate"`
	Width    int `json:"width"`
	Channels int `json:"channels"`
}

// Bounds on the answer audio Hark takes from Home Assistant.
const (
	minRate     = 4000
	maxRate     = 192000
	maxChannels = 8
	// maxAnswer is the longest answer kept, in seconds: longer answers are
	// cut there (Hark holds them in memory to play them).
	maxAnswer = 60
)

func (f format) check() error {
	switch {
	case f.Rate < minRate || f.Rate > maxRate:
		return fmt.Errorf("rate %d Hz is outside [%d, %d]", f.Rate, minRate, maxRate)
	case f.Width < 1 || f.Width > 4:
		return fmt.Errorf("width %d bytes is not 1, 2, 3 or 4", f.Width)
	case f.Channels < 1 || f.Channels > maxChannels:
		return fmt.Errorf("%d channels is outside [1, %d]", f.Channels, maxChannels)
	}
	return nil
}

// converter turns PCM of a format into mono signed 16-bit little-endian
// at the same rate, chunk by chunk (a chunk may end inside a frame), up to
// maxAnswer seconds. Widths follow WAV, which Home Assistant streams: 8-bit
// samples are unsigned, wider ones signed little-endian; channels are
// averaged.
type converter struct {
	f     format
	carry []byte // the start of a frame cut by the chunk's end
	pcm   []byte
	max   int  // bytes of pcm kept
	cut   bool // the answer was longer than maxAnswer
}

func newConverter(f format) (*converter, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return &converter{f: f, max: maxAnswer * f.Rate * 2}, nil
}

func (c *converter) write(p []byte) {
	if c.cut {
		return
	}
	frame := c.f.Width * c.f.Channels
	if len(c.carry) > 0 {
		need := frame - len(c.carry)
		if len(p) < need {
			c.carry = append(c.carry, p...)
			return
		}
		c.frames(append(c.carry, p[:need]...))
		c.carry, p = c.carry[:0], p[need:]
	}
	n := len(p) / frame * frame
	c.frames(p[:n])
	c.carry = append(c.carry, p[n:]...)
}

// frames converts whole frames.
func (c *converter) frames(p []byte) {
	w, ch := c.f.Width, c.f.Channels
	for i := 0; i+w*ch <= len(p); i += w * ch {
		if len(c.pcm)+2 > c.max {
			c.cut = true
			return
		}
		var sum int64
		for k := range ch {
			sum += int64(sample16(p[i+k*w:], w))
		}
		c.pcm = binary.LittleEndian.AppendUint16(c.pcm, uint16(int16(sum/int64(ch))))
	}
}

// sample16 is the sample at the start of b, of width w, scaled to 16 bits.
func sample16(b []byte, w int) int16 {
	switch w {
	case 1:
		return int16((int(b[0]) - 128) << 8)
	case 2:
		return int16(binary.LittleEndian.Uint16(b))
	case 3:
		v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
		return int16(v >> 8)
	default:
		return int16(int32(binary.LittleEndian.Uint32(b)) >> 16)
	}
}
