package pipelinetest

import (
	"context"
	"time"

	"github.com/hark-assistant/hark/pipeline"
)

// LateMic is a microphone, paced by the clock (time.Now and time.After, so
// virtual inside a testing/synctest bubble), that hands each Period out
// Delay after it was captured, as a deep device buffer, ALSA's dsnoop or a
// slow USB microphone does. It says PCM from Start, then silence, for ever.
// It is a timed source (audio.TimedSource): Captured says when the last
// sample read was captured.
type LateMic struct {
	PCM   []byte
	Start time.Time
	Delay time.Duration
	pos   int // bytes handed out; Reads are not concurrent
}

// Read hands out the next period once it is due.
func (m *LateMic) Read(ctx context.Context, p []byte) (int, error) {
	n := min(len(p), Period) &^ 1
	due := m.at(m.pos + n).Add(m.Delay)
	select {
	case <-time.After(time.Until(due)):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	clear(p[:n])
	if m.pos < len(m.PCM) {
		copy(p[:n], m.PCM[m.pos:])
	}
	m.pos += n
	return n, nil
}

// Captured is when the last sample read was captured.
func (m *LateMic) Captured() time.Time { return m.at(m.pos) }

// at is when the byte at offset pos was captured.
func (m *LateMic) at(pos int) time.Time {
	return m.Start.Add(time.Duration(pos) * time.Second / (2 * pipeline.SampleRate))
}
