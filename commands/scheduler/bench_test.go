package scheduler

import (
	"context"
	"testing"
	"time"
)

func newBench(b *testing.B, cfg Config) *Scheduler {
	b.Helper()
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

// BenchmarkLoopPost posts a function to the loop and waits for it to run.
func BenchmarkLoopPost(b *testing.B) {
	s := newBench(b, Config{})
	done := make(chan struct{})
	signal := func() { done <- struct{}{} }
	for b.Loop() {
		if err := s.Post("bench", signal); err != nil {
			b.Fatal(err)
		}
		<-done
	}
}

// BenchmarkChannelRoundTrip is the floor BenchmarkLoopPost compares with:
// a round trip to a goroutine over two channels.
func BenchmarkChannelRoundTrip(b *testing.B) {
	req, resp := make(chan func()), make(chan struct{})
	go func() {
		for fn := range req {
			fn()
			resp <- struct{}{}
		}
	}()
	defer close(req)
	for b.Loop() {
		req <- func() {}
		<-resp
	}
}

// BenchmarkAsyncAwait has an async command await a trivial offloaded
// function and resume on the loop.
func BenchmarkAsyncAwait(b *testing.B) {
	s := newBench(b, Config{})
	trivial := func(context.Context) error { return nil }
	runCommand(b, s, true, func(rt Runtime) error {
		for b.Loop() {
			if err := rt.Offload(trivial); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkSyncify has a blocking command run a trivial function on the
// loop and get its result.
func BenchmarkSyncify(b *testing.B) {
	s := newBench(b, Config{})
	trivial := func() error { return nil }
	runCommand(b, s, false, func(rt Runtime) error {
		for b.Loop() {
			if err := rt.OnLoop(trivial); err != nil {
				return err
			}
		}
		return nil
	})
}

func runCommand(b *testing.B, s *Scheduler, async bool, run func(Runtime) error) {
	b.Helper()
	j, err := s.Start(context.Background(), Command{Name: b.Name(), Async: async, Run: run})
	if err != nil {
		b.Fatal(err)
	}
	<-j.Done()
	if err := j.Err(); err != nil {
		b.Fatal(err)
	}
}

// signalAlerter passes the watchdog's reports on.
type signalAlerter struct {
	blocked   chan time.Time
	recovered chan struct{}
}

func (a signalAlerter) Blocked(BlockInfo)       { a.blocked <- time.Now() }
func (a signalAlerter) Recovered(time.Duration) { a.recovered <- struct{}{} }

// BenchmarkWatchdogDetect measures, for a 100 ms threshold, the time from the
// loop blocking to the alert (detect-ms) and what exceeds the threshold
// (late-ms).
func BenchmarkWatchdogDetect(b *testing.B) {
	const threshold = 100 * time.Millisecond
	alert := signalAlerter{blocked: make(chan time.Time), recovered: make(chan struct{})}
	s := newBench(b, Config{BlockThreshold: threshold, Alerter: alert})
	var total time.Duration
	n := 0
	for b.Loop() {
		began := make(chan time.Time, 1)
		release := make(chan struct{})
		if err := s.Post("hog", func() {
			began <- time.Now()
			<-release
		}); err != nil {
			b.Fatal(err)
		}
		reported := <-alert.blocked
		total += reported.Sub(<-began)
		n++
		close(release)
		<-alert.recovered
	}
	mean := total / time.Duration(n)
	b.ReportMetric(float64(mean)/float64(time.Millisecond), "detect-ms")
	b.ReportMetric(float64(mean-threshold)/float64(time.Millisecond), "late-ms")
}
