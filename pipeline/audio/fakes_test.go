package audio

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hark-assistant/hark/pipeline"
)

// fakeClock moves only when told. Every After call is announced on waits,
// so a test knows what the code under test waits for before advancing.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Unix(1_000_000, 0), waits: make(chan time.Duration, 64)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	c.mu.Unlock()
	c.waits <- d
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- c.now
	}
	c.timers = kept
}

// chanSource hands out what the test sends on ch, one send per Read. An
// empty send is a sync point: once it is taken, Run has received every
// chunk sent before it. Closing ch ends the source with end.
type chanSource struct {
	ch  chan []byte
	end error
}

func newChanSource() *chanSource { return &chanSource{ch: make(chan []byte), end: io.EOF} }

func (s *chanSource) Read(ctx context.Context, p []byte) (int, error) {
	select {
	case b, ok := <-s.ch:
		if !ok {
			return 0, s.end
		}
		return copy(p, b), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// send hands pcm to the source in 10 ms pieces.
func (s *chanSource) send(pcm []byte) {
	for len(pcm) > 0 {
		n := min(len(pcm), realtimeChunk)
		s.ch <- pcm[:n]
		pcm = pcm[n:]
	}
}

// sync returns once Run has finished with everything sent before: the
// first empty chunk is taken by the reader only after Run received the
// last real chunk, the second only after Run took the first, that is after
// Run finished the last real one.
func (s *chanSource) sync() {
	s.ch <- nil
	s.ch <- nil
}

// ramp is n samples counting up from first: every stretch of it is
// recognisable.
func ramp(first, n int) []byte {
	b := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(first+i))
	}
	return b
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// fakeRecognizer records what it is fed; its result is the byte count.
type fakeRecognizer struct {
	mu        sync.Mutex
	got       []byte   // the current utterance
	finals    [][]byte // every finished utterance
	resets    int
	grammar   []string
	acceptErr error
}

func (r *fakeRecognizer) Accept(pcm []byte) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acceptErr != nil {
		return false, r.acceptErr
	}
	r.got = append(r.got, pcm...)
	return false, nil
}

func (r *fakeRecognizer) Partial() string { return "" }

func (r *fakeRecognizer) Final() (pipeline.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finals = append(r.finals, r.got)
	res := pipeline.Result{Text: fmt.Sprintf("%d bytes", len(r.got))}
	r.got = nil
	return res, nil
}

func (r *fakeRecognizer) Reset() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = nil
	r.resets++
	return nil
}

func (r *fakeRecognizer) SetGrammar(phrases []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.grammar = phrases
	return nil
}

func (r *fakeRecognizer) Close() error { return nil }

func (r *fakeRecognizer) current() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.got...)
}

func (r *fakeRecognizer) utterances() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.finals...)
}
