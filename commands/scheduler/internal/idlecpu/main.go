// Command idlecpu measures the CPU time an idle scheduler — its loop and its
// blockage watchdog — uses, to show that nothing polls.
//
//	go run ./commands/scheduler/internal/idlecpu -for 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/hark-assistant/hark/commands/scheduler"
)

func main() {
	d := flag.Duration("for", 10*time.Second, "how long to stay idle")
	flag.Parse()
	used, err := idleCPU(*d)
	if err != nil {
		fmt.Fprintln(os.Stderr, "idlecpu:", err)
		os.Exit(1)
	}
	fmt.Printf("idle loop + watchdog: %.3f ms CPU (user+system) over %v\n",
		float64(used)/float64(time.Millisecond), *d)
}

// idleCPU starts a scheduler, lets it serve one round trip, then leaves it
// idle for d and returns the process's CPU time over that span.
func idleCPU(d time.Duration) (time.Duration, error) {
	s, err := scheduler.New(scheduler.Config{})
	if err != nil {
		return 0, err
	}
	done := make(chan struct{})
	if err := s.Post("warm up", func() { close(done) }); err != nil {
		return 0, err
	}
	<-done
	before, err := cpuTime()
	if err != nil {
		return 0, err
	}
	time.Sleep(d)
	after, err := cpuTime()
	if err != nil {
		return 0, err
	}
	if !s.Healthy() {
		return 0, fmt.Errorf("loop unhealthy after idling %v", d)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		return 0, err
	}
	return after - before, nil
}

func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
