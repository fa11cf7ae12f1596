package audio

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/hark-assistant/hark/pipeline"
)

// WAVError says why a WAV file cannot be used.
type WAVError struct {
	File    string // the file, as named by the caller
	Problem string
}

func (e *WAVError) Error() string { return fmt.Sprintf("WAV file %s: %s", e.File, e.Problem) }

// Accepted sample rates: beyond these the file is surely not speech.
const (
	minWAVRate = 4000
	maxWAVRate = 384000
)

// ReadWAV reads the WAV file at path and returns its audio as 16 kHz mono
// S16LE; see ParseWAV.
func ReadWAV(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseWAV(path, data)
}

// ParseWAV validates data as a WAV file and returns its audio as 16 kHz
// mono S16LE. 16-bit PCM of any channel count and of rates from 4 kHz to
// 384 kHz is converted (channels averaged, then resampled with a windowed
// sinc filter). Anything else is a *WAVError naming the file and the
// problem. The result may alias data when no conversion is needed.
func ParseWAV(name string, data []byte) ([]byte, error) {
	bad := func(format string, args ...any) error {
		return &WAVError{File: name, Problem: fmt.Sprintf(format, args...)}
	}
	if len(data) < 12 {
		return nil, bad("truncated: %d bytes is too short for a RIFF header", len(data))
	}
	switch id := string(data[:4]); id {
	case "RIFF":
	case "RIFX", "RF64":
		return nil, bad("%s files are not supported (need little-endian RIFF)", id)
	default:
		return nil, bad("not a RIFF file (starts with %q)", data[:4])
	}
	if kind := string(data[8:12]); kind != "WAVE" {
		return nil, bad("not a WAVE file (RIFF type %q)", data[8:12])
	}

	var fmtChunk, pcm []byte
	var haveFmt, haveData bool
	for off := 12; off+8 <= len(data); {
		id, size := string(data[off:off+4]), uint64(binary.LittleEndian.Uint32(data[off+4:off+8]))
		body := off + 8
		rest := uint64(len(data) - body)
		switch {
		case id == "fmt " && !haveFmt:
			if size > rest {
				return nil, bad("truncated fmt chunk: declares %d bytes, %d present", size, rest)
			}
			fmtChunk, haveFmt = data[body:body+int(size)], true
		case id == "data" && !haveData:
			if size == 0xFFFFFFFF { // written while streaming: runs to the end
				size = rest
			}
			if size > rest {
				return nil, bad("truncated: data chunk declares %d bytes, %d present", size, rest)
			}
			pcm, haveData = data[body:body+int(size)], true
		}
		if size > rest {
			break // an unknown chunk running past the end: nothing after it
		}
		off = body + int(size) + int(size&1)
	}
	if !haveFmt {
		return nil, bad("no fmt chunk")
	}
	if !haveData {
		return nil, bad("no data chunk")
	}

	f, err := parseFmt(fmtChunk)
	if err != nil {
		return nil, bad("%v", err)
	}
	if len(pcm)%f.blockAlign != 0 {
		return nil, bad("truncated: data ends mid-frame (%d bytes is not a multiple of the %d-byte frame)", len(pcm), f.blockAlign)
	}
	if f.channels == 1 && f.rate == pipeline.SampleRate {
		return pcm, nil
	}
	return convert(pcm, f.channels, f.rate), nil
}

type wavFormat struct {
	channels, rate, blockAlign int
}

func parseFmt(c []byte) (wavFormat, error) {
	if len(c) < 16 {
		return wavFormat{}, fmt.Errorf("fmt chunk too short (%d bytes, need 16)", len(c))
	}
	le := binary.LittleEndian
	tag := le.Uint16(c[0:])
	channels := int(le.Uint16(c[2:]))
	rate := le.Uint32(c[4:])
	blockAlign := int(le.Uint16(c[12:]))
	bits := int(le.Uint16(c[14:]))
	const extensible = 0xFFFE
	if tag == extensible {
		if len(c) < 26 {
			return wavFormat{}, fmt.Errorf("extensible fmt chunk too short (%d bytes, need 26)", len(c))
		}
		tag = le.Uint16(c[24:]) // first two bytes of the sub-format GUID
	}
	switch tag {
	case 1: // PCM
	case 3:
		return wavFormat{}, fmt.Errorf("%d-bit float samples not supported (need 16-bit PCM)", bits)
	case 6, 7:
		return wavFormat{}, fmt.Errorf("A-law/µ-law samples not supported (need 16-bit PCM)")
	default:
		return wavFormat{}, fmt.Errorf("unsupported encoding (format tag 0x%04x, need 16-bit PCM)", tag)
	}
	if bits != 16 {
		return wavFormat{}, fmt.Errorf("%d-bit samples not supported (need 16-bit PCM)", bits)
	}
	if channels == 0 {
		return wavFormat{}, fmt.Errorf("no channels")
	}
	if rate < minWAVRate || rate > maxWAVRate {
		return wavFormat{}, fmt.Errorf("sample rate %d Hz out of range (%d–%d Hz)", rate, minWAVRate, maxWAVRate)
	}
	if blockAlign != 2*channels {
		return wavFormat{}, fmt.Errorf("block align %d does not match %d channels of 16 bits", blockAlign, channels)
	}
	return wavFormat{channels: channels, rate: int(rate), blockAlign: blockAlign}, nil
}
