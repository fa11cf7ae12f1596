package wyoming

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func s16(samples ...int16) []byte {
	var b []byte
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

// TestConverter: Home Assistant's answer audio of any WAV width and
// channel count becomes mono signed 16-bit little-endian at its rate.
func TestConverter(t *testing.T) {
	tests := []struct {
		name string
		f    format
		in   []byte
		want []byte
	}{
		{"s16 mono is kept", format{16000, 2, 1}, s16(1, -2, 32767, -32768), s16(1, -2, 32767, -32768)},
		{"8-bit unsigned", format{8000, 1, 1}, []byte{128, 255, 0, 129}, s16(0, 127<<8, -32768, 256)},
		{"stereo averaged", format{22050, 2, 2}, s16(100, 300, -32768, -32768, 32767, -32767), s16(200, -32768, 0)},
		{"24-bit", format{48000, 3, 1}, []byte{0xff, 0x12, 0x34, 0x00, 0x00, 0x80}, s16(0x3412, -32768)},
		{"32-bit stereo", format{44100, 4, 2}, []byte{0, 0, 0x10, 0, 0, 0, 0x30, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x80}, s16(0x20, -32768)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newConverter(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			// One byte at a time: frames cut by chunk ends are joined.
			for i := range tt.in {
				c.write(tt.in[i : i+1])
			}
			if !bytes.Equal(c.pcm, tt.want) || len(c.carry) != 0 {
				t.Errorf("got % x (carry % x), want % x", c.pcm, c.carry, tt.want)
			}
		})
	}
}

func TestConverterLimits(t *testing.T) {
	for _, f := range []format{{0, 2, 1}, {16000, 0, 1}, {16000, 5, 1}, {16000, 2, 0}, {16000, 2, 9}, {1 << 30, 2, 1}} {
		if _, err := newConverter(f); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
	c, _ := newConverter(format{minRate, 2, 1})
	chunk := make([]byte, 4096)
	for range maxAnswer*minRate*2/len(chunk) + 2 {
		c.write(chunk)
	}
	if !c.cut || len(c.pcm) != maxAnswer*minRate*2 {
		t.Errorf("cut %v after %d bytes, want cut at %d", c.cut, len(c.pcm), maxAnswer*minRate*2)
	}
}
