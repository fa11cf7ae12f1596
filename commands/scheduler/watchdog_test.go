package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingAlerter passes reports to the test and keeps them all.
type recordingAlerter struct {
	blocked   chan BlockInfo
	recovered chan recovery

	mu     sync.Mutex
	events []string
	last   string // name in the latest blocked report
}

type recovery struct {
	name  string
	total time.Duration
}

func newRecordingAlerter() *recordingAlerter {
	return &recordingAlerter{blocked: make(chan BlockInfo, 16), recovered: make(chan recovery, 16)}
}

func (a *recordingAlerter) Blocked(info BlockInfo) {
	a.mu.Lock()
	a.events = append(a.events, "blocked "+info.Name)
	a.last = info.Name
	a.mu.Unlock()
	a.blocked <- info
}

func (a *recordingAlerter) Recovered(total time.Duration) {
	a.mu.Lock()
	a.events = append(a.events, "recovered")
	name := a.last
	a.mu.Unlock()
	a.recovered <- recovery{name, total}
}

// Each culprit holds the loop until gate closes, in a function of its own
// so that the watchdog's stack must name it.
func hogFromAsync(gate <-chan struct{})    { <-gate }
func hogFromPost(gate <-chan struct{})     { <-gate }
func hogFromOnLoop(gate <-chan struct{})   { <-gate }
func hogAfterOffload(gate <-chan struct{}) { <-gate }

func TestWatchdogNamesBlockingHolder(t *testing.T) {
	const threshold = 30 * time.Millisecond
	tests := []struct {
		name, pattern string
		stackHas      string
		block         func(t *testing.T, s *Scheduler, gate <-chan struct{}) (wait func() error)
	}{
		{"alarm", "wake me at $time", "hogFromAsync", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			j := start(t, s, Command{Name: "alarm", Pattern: "wake me at $time", Async: true,
				Run: func(Runtime) error { hogFromAsync(gate); return nil }})
			return func() error { return wait(t, j) }
		}},
		{"speech result", "", "hogFromPost", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			done := make(chan struct{})
			if err := s.Post("speech result", func() { hogFromPost(gate); close(done) }); err != nil {
				t.Fatal(err)
			}
			return func() error { recv(t, done, "end of the posted function"); return nil }
		}},
		{"volume", "set volume to $n", "hogFromOnLoop", func(t *testing.T, s *Scheduler, gate <-chan struct{}) func() error {
			j := start(t, s, Command{Name: "volume", Pattern: "set volume to $n",
				Run: func(rt Runtime) error { return rt.OnLoop(func() error { hogFromOnLoop(gate); return nil }) }})
			return func() error { return wait(t, j) }
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
			return func() error { return wait(t, j) }
		}},
	}
	alert := newRecordingAlerter()
	var logs bytes.Buffer
	s, err := New(Config{BlockThreshold: threshold, Alerter: alert, Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Healthy() {
		t.Fatal("Healthy() = false on an idle loop")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gate := make(chan struct{})
			wait := tt.block(t, s, gate)
			// A noisy machine may stall other loop work past the small
			// threshold too; only the culprit's report matters here.
			var info BlockInfo
			for info = recv(t, alert.blocked, "blocked report"); info.Name != tt.name; info = recv(t, alert.blocked, "blocked report of "+tt.name) {
			}
			if info.Pattern != tt.pattern {
				t.Errorf("Pattern = %q, want %q", info.Pattern, tt.pattern)
			}
			if info.Held < threshold {
				t.Errorf("Held = %v, below the threshold %v", info.Held, threshold)
			}
			if !strings.Contains(info.Stack, "scheduler."+tt.stackHas) || !strings.HasPrefix(info.Stack, fmt.Sprintf("goroutine %d [", info.Goroutine)) {
				t.Errorf("Stack is not goroutine %d's inside %s:\n%s", info.Goroutine, tt.stackHas, info.Stack)
			}
			if s.Healthy() {
				t.Error("Healthy() = true while the loop is blocked")
			}
			close(gate)
			if err := wait(); err != nil {
				t.Fatal(err)
			}
			r := recv(t, alert.recovered, "recovery report")
			for ; r.name != tt.name; r = recv(t, alert.recovered, "recovery report of "+tt.name) {
			}
			if r.total < info.Held {
				t.Errorf("Recovered(%v), less than the %v already reported", r.total, info.Held)
			}
		})
	}
	shutdown(t, s)
	// Every blocked report is followed by its recovery, and each culprit
	// was reported exactly once.
	alert.mu.Lock()
	defer alert.mu.Unlock()
	counts := map[string]int{}
	for i, e := range alert.events {
		want := "recovered"
		if i%2 == 0 {
			want = "blocked "
			counts[strings.TrimPrefix(e, want)]++
		}
		if !strings.HasPrefix(e, want) {
			t.Fatalf("event %d is %q, want %q; events %q", i, e, want, alert.events)
		}
	}
	if len(alert.events)%2 != 0 {
		t.Fatalf("blocked report without recovery: %q", alert.events)
	}
	for _, tt := range tests {
		if counts[tt.name] != 1 {
			t.Errorf("%q reported blocked %d times, want 1; events %q", tt.name, counts[tt.name], alert.events)
		}
	}
	if out := logs.String(); !strings.Contains(out, "main loop blocked") || !strings.Contains(out, "name=alarm") || !strings.Contains(out, "main loop recovered") {
		t.Errorf("log lacks the blockage reports:\n%s", out)
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
