package audio

import (
	"context"
	"errors"
	"io"
	"time"
)

// Source produces Hark audio: 16 kHz mono S16LE.
type Source interface {
	// Read blocks until audio is available or ctx is done, then copies a
	// whole number of samples (at most len(p) bytes) into p. At the end of
	// a finite source it returns io.EOF.
	Read(ctx context.Context, p []byte) (int, error)
}

// ErrClosed is returned by Read on a closed source.
var ErrClosed = errors.New("audio source closed")

// realtimeChunk is what a paced source hands out per Read: 10 ms, the period
// of a typical capture device.
const realtimeChunk = bytesPerSecond / 100

// PCMSource plays audio held in memory, either as fast as it is read or
// paced like a microphone. It serves the demo, tests and transcription of
// files.
type PCMSource struct {
	pcm   []byte
	pos   int
	paced bool // else as fast as possible
	start time.Time
}

// NewPCMSource returns a source of pcm (16 kHz mono S16LE). Unpaced, it
// hands the audio out as fast as it is read; paced, in 10 ms chunks, each
// handed out once it would have been spoken.
func NewPCMSource(pcm []byte, paced bool) *PCMSource {
	return &PCMSource{pcm: pcm[:len(pcm)&^1], paced: paced}
}

// OpenWAV reads and converts the WAV file at path (see ParseWAV) and returns
// a source of its audio; paced as for NewPCMSource.
func OpenWAV(path string, paced bool) (*PCMSource, error) {
	pcm, err := ReadWAV(path)
	if err != nil {
		return nil, err
	}
	return NewPCMSource(pcm, paced), nil
}

// Read implements Source.
func (s *PCMSource) Read(ctx context.Context, p []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.pos >= len(s.pcm) {
		return 0, io.EOF
	}
	n := min(len(p), len(s.pcm)-s.pos) &^ 1
	if n == 0 {
		return 0, io.ErrShortBuffer
	}
	if s.paced {
		n = min(n, realtimeChunk)
		if s.pos == 0 {
			s.start = time.Now()
		}
		due := s.start.Add(bytesDuration(s.pos + n))
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
	}
	copy(p, s.pcm[s.pos:s.pos+n])
	s.pos += n
	return n, nil
}
