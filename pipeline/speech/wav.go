package speech

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// parseWAV reads a mono 16-bit PCM WAV as espeak-ng writes it. espeak-ng
// streaming to stdout cannot know the length in advance and writes a
// placeholder size, so chunk sizes past the end of data are clipped.
func parseWAV(data []byte) (Audio, error) {
	le := binary.LittleEndian
	if len(data) < 12 || !bytes.Equal(data[0:4], []byte("RIFF")) || !bytes.Equal(data[8:12], []byte("WAVE")) {
		return Audio{}, errors.New("speech: WAV: no RIFF/WAVE header")
	}
	var a Audio
	sawFormat := false
	for off := 12; off+8 <= len(data); {
		id, size := string(data[off:off+4]), int64(le.Uint32(data[off+4:]))
		body := data[off+8:]
		if size < int64(len(body)) {
			body = body[:size]
		}
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return Audio{}, fmt.Errorf("speech: WAV: fmt chunk of %d bytes at offset %d, want 16", len(body), off)
			}
			format, channels, bits := le.Uint16(body[0:]), le.Uint16(body[2:]), le.Uint16(body[14:])
			if format != 1 || channels != 1 || bits != 16 {
				return Audio{}, fmt.Errorf("speech: WAV: format %d, %d channels, %d bits; want PCM (1), mono, 16 bits", format, channels, bits)
			}
			a.SampleRate = int(le.Uint32(body[4:]))
			if a.SampleRate <= 0 {
				return Audio{}, fmt.Errorf("speech: WAV: sample rate %d", a.SampleRate)
			}
			sawFormat = true
		case "data":
			if !sawFormat {
				return Audio{}, fmt.Errorf("speech: WAV: data chunk at offset %d before the fmt chunk", off)
			}
			a.PCM = body[:len(body)&^1]
			return a, nil
		}
		next := int64(off) + 8 + size + size&1 // chunks are padded to even sizes
		if next > int64(len(data)) {
			break
		}
		off = int(next)
	}
	return Audio{}, errors.New("speech: WAV: no data chunk")
}

// encodeWAV is the 44-byte-header WAV of a, as players read from stdin.
func encodeWAV(a Audio) []byte {
	le := binary.LittleEndian
	b := make([]byte, 44, 44+len(a.PCM))
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+len(a.PCM)))
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], 1) // PCM
	le.PutUint16(b[22:], 1) // mono
	le.PutUint32(b[24:], uint32(a.SampleRate))
	le.PutUint32(b[28:], uint32(a.SampleRate*2))
	le.PutUint16(b[32:], 2)
	le.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(len(a.PCM)))
	return append(b, a.PCM...)
}
