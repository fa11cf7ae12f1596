package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recordingAlerter passes reports to the test and keeps them all.
type recordingAlerter struct {
	blocked   chan BlockInfo
	recovered chan time.Duration

	mu     sync.Mutex
	events []string
}

func newRecordingAlerter() *recordingAlerter {
	return &recordingAlerter{blocked: make(chan BlockInfo, 16), recovered: make(chan time.Duration, 16)}
}

func (a *recordingAlerter) Blocked(info BlockInfo) {
	a.mu.Lock()
	a.events = append(a.events, "blocked "+info.Name)
	a.mu.Unlock()
	a.blocked <- info
}

func (a *recordingAlerter) Recovered(total time.Duration) {
	a.mu.Lock()
	a.events = append(a.events, "recovered")
	a.mu.Unlock()
	a.recovered <- total
}

// Each culprit holds the loop until gate closes, in a function of its own
// so that the watchdog's stack must name it.
func hogFromAsync(gate <-chan struct{})    { <-gate }
func hogFromPost(gate <-chan struct{})     { <-gate }
func hogFromOnLoop(gate <-chan struct{})   { <-gate }
func hogAfterOffload(gate <-chan struct{}) { <-gate }

// TestWatchdogNamesBlockingHolder: each kind of holder that keeps the loop
// past the threshold is reported once, by name, pattern and stack, exactly
// when the threshold passes, and its recovery with the whole time it held
// the loop.
func TestWatchdogNamesBlockingHolder(t *testing.T) {
	const threshold, more = time.Second, 3 * time.Second
	tests := []struct {
		name, pattern string
		stackHas      string
		block         func(t *testing.T, s *Scheduler, gate <-chan struct{}) (wait func() error)
	}{
		{"alarm", "wake me at $time", "hogFromAsync", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			j := start(t, s, Command{Name: "alarm", Pattern: "wake me at $time", Async: true,
				Run: func(Runtime) error { hogFromAsync(gate); return nil }})
			return func() error { return wait(j) }
		}},
		{"speech result", "", "hogFromPost", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			done := make(chan struct{})
			if err := s.Post("speech result", func() { hogFromPost(gate); close(done) }); err != nil {
				t.Fatal(err)
			}
			return func() error { <-done; return nil }
		}},
		{"volume", "set volume to $n", "hogFromOnLoop", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			j := start(t, s, Command{Name: "volume", Pattern: "set volume to $n",
				Run: func(rt Runtime) error { return rt.OnLoop(func() error { hogFromOnLoop(gate); return nil }) }})
			return func() error { return wait(j) }
		}},
		{"weather", "weather", "hogAfterOffload", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			j := start(t, s, Command{Name: "weather", Pattern: "weather", Async: true,
				Run: func(rt Runtime) error {
					if err := rt.Offload(func(context.Context) error { return nil }); err != nil {
						return err
					}
					hogAfterOffload(gate)
					return nil
				}})
			return func() error { return wait(j) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				alert := newRecordingAlerter()
				var logs bytes.Buffer
				s, err := New(Config{BlockThreshold: threshold, Alerter: alert, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil))})
				if err != nil {
					t.Fatal(err)
				}
				if !s.Healthy() {
					t.Fatal("Healthy() = false on an idle loop")
				}
				gate := make(chan struct{})
				wait := tt.block(t, s, gate)
				info := <-alert.blocked
				if info.Name != tt.name || info.Pattern != tt.pattern {
					t.Errorf("blocked report names %q (pattern %q), want %q (%q)", info.Name, info.Pattern, tt.name, tt.pattern)
				}
				if info.Held != threshold {
					t.Errorf("Held = %v, want the threshold %v", info.Held, threshold)
				}
				if !strings.Contains(info.Stack, "scheduler."+tt.stackHas) || !strings.HasPrefix(info.Stack, fmt.Sprintf("goroutine %d [", info.Goroutine)) {
					t.Errorf("Stack is not goroutine %d's inside %s:\n%s", info.Goroutine, tt.stackHas, info.Stack)
				}
				if s.Healthy() {
					t.Error("Healthy() = true while the loop is blocked")
				}
				time.Sleep(more)
				close(gate)
				if err := wait(); err != nil {
					t.Fatal(err)
				}
				if total := <-alert.recovered; total != threshold+more {
					t.Errorf("Recovered(%v), want the %v the loop was held", total, threshold+more)
				}
				if err := s.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
				alert.mu.Lock()
				defer alert.mu.Unlock()
				if want := []string{"blocked " + tt.name, "recovered"}; !slices.Equal(alert.events, want) {
					t.Errorf("alerts %q, want %q", alert.events, want)
				}
				if out := logs.String(); !strings.Contains(out, "main loop blocked") || !strings.Contains(out, tt.name) || !strings.Contains(out, "main loop recovered") {
					t.Errorf("log lacks the blockage reports:\n%s", out)
				}
			})
		})
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
