package audio

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// The shared fake source stands in for a microphone in these tests.
var _ Source = (*pipelinetest.Source)(nil)

// patience bounds every wait of a test on the code under test: ample on a
// slow machine (qemu), yet a regression fails in seconds instead of at the
// 10-minute test timeout. It is a safety net, never a timing assertion.
const patience = 10 * time.Second

// testContext is done after patience (or when the test ends).
func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	t.Cleanup(cancel)
	return ctx
}

// recv receives from ch, failing the test if nothing comes within
// patience; what names the awaited thing in that failure.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, patience)
		var zero T
		return zero
	}
}

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
