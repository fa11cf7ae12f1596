package assistant

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// loopFake stands in for the main loop: posted functions queue on a channel
// and run when the test calls run.
type loopFake struct{ queue chan func() }

func newLoopFake() *loopFake             { return &loopFake{queue: make(chan func(), 16)} }
func (l *loopFake) post(fn func())       { l.queue <- fn }
func (l *loopFake) runNext(t *testing.T) { t.Helper(); (<-l.queue)() }

func TestCountdown(t *testing.T) {
	clock := clockwork.NewFakeClock()
	loop := newLoopFake()
	var said []string
	c := &countdown{clock: clock, post: loop.post, announce: func(s string) { said = append(said, s) }}

	steps := []struct {
		do   func() string
		want string
	}{
		{c.left, "No timer is running."},
		{c.cancel, "No timer is running."},
		{func() string { return c.set(5 * time.Minute) }, "Timer set for 5 minutes."},
		{func() string { clock.Advance(100 * time.Second); return c.left() }, "3 minutes and 20 seconds left on your timer for 5 minutes."},
		{c.cancel, "Your timer for 5 minutes is cancelled."},
		{c.left, "No timer is running."},
		{func() string { return c.set(90 * time.Second) }, "Timer set for 1 minute and 30 seconds."},
	}
	for i, s := range steps {
		if got := s.do(); got != s.want {
			t.Fatalf("step %d: got %q, want %q", i, got, s.want)
		}
	}
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(90 * time.Second)
	loop.runNext(t) // the ring, handed to the loop
	if len(said) != 1 || said[0] != "Your timer for 1 minute and 30 seconds is done." {
		t.Fatalf("announced %q", said)
	}
	if got := c.left(); got != "No timer is running." {
		t.Errorf("after ringing: %q", got)
	}
}

func TestCountdownCancelledAfterFiring(t *testing.T) {
	clock := clockwork.NewFakeClock()
	loop := newLoopFake()
	var said []string
	c := &countdown{clock: clock, post: loop.post, announce: func(s string) { said = append(said, s) }}
	c.set(time.Minute)
	clock.Advance(time.Minute) // fires; the ring waits for the loop
	c.cancel()                 // the loop cancels first
	loop.runNext(t)
	if len(said) != 0 {
		t.Errorf("a cancelled timer announced %q", said)
	}
	// A replaced timer does not ring for the old one either.
	c.set(time.Minute)
	clock.Advance(time.Minute)
	c.set(2 * time.Minute)
	loop.runNext(t)
	if len(said) != 0 {
		t.Errorf("a replaced timer announced %q", said)
	}
}

func TestSpokenDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 seconds"},
		{time.Second, "1 second"},
		{90 * time.Second, "1 minute and 30 seconds"},
		{time.Hour + 5*time.Minute + 2*time.Second, "1 hour, 5 minutes and 2 seconds"},
		{2 * time.Hour, "2 hours"},
		{1499 * time.Millisecond, "1 second"},
	}
	for _, tt := range tests {
		if got := spokenDuration(tt.d); got != tt.want {
			t.Errorf("spokenDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
