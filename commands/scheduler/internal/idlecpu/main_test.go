package main

import (
	"testing"
	"time"
)

// TestIdleCPU: an idle loop and watchdog use a small fraction of the
// time they idle. The bound is loose (a quarter of the wall time, the
// command reports the real figure) but a loop that polled instead of
// blocking would spend the whole interval on a core and break it.
func TestIdleCPU(t *testing.T) {
	const idle = 500 * time.Millisecond
	used, err := idleCPU(idle)
	if err != nil {
		t.Fatal(err)
	}
	if used < 0 || used > idle/4 {
		t.Fatalf("idle scheduler used %v of CPU in %v, want under %v", used, idle, idle/4)
	}
}
