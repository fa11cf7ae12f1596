package main

import (
	"testing"
	"time"
)

// TestIdleCPU runs the measurement briefly; it checks that the measurement
// works, not how small the figure is, which the command reports.
func TestIdleCPU(t *testing.T) {
	used, err := idleCPU(50 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if used < 0 {
		t.Fatalf("negative CPU time %v", used)
	}
}
