package pipelinetest

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/hark-assistant/hark/pipeline"
)

// Period is the piece of audio one Read hands out at most: 10 ms, the
// period of a typical capture device.
const Period = 2 * pipeline.SampleRate / 100

// Source is a fake audio source (it satisfies audio.Source) fed by the
// test: Send hands audio to whoever reads, Sync waits until the reader has
// come back for more, End ends it. Read blocks until audio is sent, the
// source ends or its context is done.
//
// Audio is handed out in Periods, one hand-over per Read, so a test knows
// exactly how far the reader got: Send returns once the reader has taken
// the last piece.
type Source struct {
	ch    chan []byte
	ended chan struct{}
	once  sync.Once
	err   error // set before ended is closed

	mu   sync.Mutex // guards rest; Reads are not concurrent, the lock is for the race detector
	rest []byte     // what a Read with a short buffer left of its piece
}

// NewSource returns a source with nothing sent yet.
func NewSource() *Source {
	return &Source{ch: make(chan []byte), ended: make(chan struct{})}
}

// ErrEnded is returned by Send and Sync on a source ended with End.
var ErrEnded = errors.New("pipelinetest: source ended")

// Read hands out what Send sent, at most len(p) bytes (a whole number of
// samples) and at most one piece per call. A piece of Sync's comes out as a
// Read of 0 bytes and no error. After End it returns End's error once the
// audio sent before is read; when ctx is done it returns ctx.Err().
func (s *Source) Read(ctx context.Context, p []byte) (int, error) {
	room := len(p) &^ 1
	if room == 0 {
		return 0, io.ErrShortBuffer
	}
	s.mu.Lock()
	if len(s.rest) > 0 {
		n := copy(p[:room], s.rest)
		s.rest = s.rest[n:]
		s.mu.Unlock()
		return n, nil
	}
	s.mu.Unlock()
	select {
	case b := <-s.ch:
		n := copy(p[:room], b)
		s.mu.Lock()
		s.rest = b[n:]
		s.mu.Unlock()
		return n, nil
	case <-s.ended:
		return 0, s.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Send hands pcm to the reader in Periods and returns once the reader has
// taken the last, or with ctx.Err() when ctx is done first. A trailing odd
// byte is dropped, as a source hands out whole samples only.
func (s *Source) Send(ctx context.Context, pcm []byte) error {
	pcm = pcm[:len(pcm)&^1]
	for len(pcm) > 0 {
		n := min(len(pcm), Period)
		if err := s.handOver(ctx, pcm[:n:n]); err != nil {
			return err
		}
		pcm = pcm[n:]
	}
	return nil
}

// Sync returns once a reader that hands each Read's audio on before it
// reads again (as push-to-talk does) has finished with everything sent
// before: it sends two empty pieces, and the reader takes the second only
// after it came back from the Read that returned the first, that is after
// it handed that one on. It returns ctx.Err() when ctx is done first.
func (s *Source) Sync(ctx context.Context) error {
	for range 2 {
		if err := s.handOver(ctx, []byte{}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) handOver(ctx context.Context, b []byte) error {
	select {
	case s.ch <- b:
		return nil
	case <-s.ended:
		return ErrEnded
	case <-ctx.Done():
		return ctx.Err()
	}
}

// End ends the source: once the audio already sent is read, Read returns
// err, or io.EOF if err is nil. Only the first End counts.
func (s *Source) End(err error) {
	s.once.Do(func() {
		if err == nil {
			err = io.EOF
		}
		s.err = err
		close(s.ended)
	})
}
