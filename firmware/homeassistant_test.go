package firmware

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/led/ledtest"
)

// TestWyomingTimersShowOnTheLED: Home Assistant's running timers turn the
// LED's timer look on while the assistant is idle, and off when none runs.
func TestWyomingTimersShowOnTheLED(t *testing.T) {
	clock := clockwork.NewFakeClock()
	light := &ledtest.Light{Clock: clock}
	d := led.New(light, led.Config{Clock: clock})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	in := wyomingInputs{led: d, log: slog.New(slog.DiscardHandler)}
	for _, step := range []struct {
		running int
		look    string
	}{{1, "timer"}, {0, "idle"}, {2, "timer"}, {0, "idle"}} {
		in.Timers(step.running)
		if _, err := light.Wait(ctx, ledtest.Look(step.look)); err != nil {
			t.Fatalf("Timers(%d): no %s look: %v", step.running, step.look, err)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	wyomingInputs{}.Timers(1) // without a LED: nothing, no panic
}
