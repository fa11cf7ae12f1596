package button_test

import (
	"context"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
)

// outPin reports every level written to it.
type outPin struct {
	*gpiotest.Pin
	levels chan gpio.Level
}

func (p *outPin) Out(l gpio.Level) error {
	err := p.Pin.Out(l)
	p.levels <- l
	return err
}

// waitFor skips levels until l is written. It has no deadline of its own:
// a timer per wait would weigh on the benchmark; an await.Watchdog bounds
// the loop instead.
func (p *outPin) waitFor(l gpio.Level) {
	for <-p.levels != l {
	}
}

// startButton runs a button on a fake pin with the real clock. The debounce
// window is made negligible so each iteration measures the edge path alone;
// a real press is never delayed by debouncing anyway.
func startButton(b *testing.B) (*gpiotest.Pin, *button.Button) {
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}
	btn, err := button.New(pin, button.Config{Debounce: time.Nanosecond})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- btn.Run(ctx) }()
	b.Cleanup(func() { cancel(); await.Recv(b, done, "the button's Run to return once cancelled") })
	return pin, btn
}

// nextPress returns the next Down or Up, skipping gestures. Like waitFor,
// it leaves the deadline to an await.Watchdog.
func nextPress(events <-chan button.Event) button.Kind {
	for e := range events {
		if e.Kind == button.Down || e.Kind == button.Up {
			return e.Kind
		}
	}
	return 0
}

// BenchmarkEdgeToEvent measures from an edge reaching the pin driver to its
// Down or Up event being received. One op is one edge.
func BenchmarkEdgeToEvent(b *testing.B) {
	w := await.Watch(b, b.Name())
	pin, btn := startButton(b)
	levels := []gpio.Level{gpio.Low, gpio.High}
	kinds := []button.Kind{button.Down, button.Up}
	b.ResetTimer()
	for i := range b.N {
		pin.EdgesChan <- levels[i%2]
		if k := nextPress(btn.Events()); k != kinds[i%2] {
			b.Fatalf("got %v, want %v", k, kinds[i%2])
		}
		w.Progress()
	}
}

// BenchmarkEdgeToLEDPin measures the push-to-talk path through both drivers:
// a button edge, its event, the LED state change and the LED pin's new level,
// as firmware wires them. One op is one edge. The target on a Pi is 20 ms.
func BenchmarkEdgeToLEDPin(b *testing.B) {
	w := await.Watch(b, b.Name())
	in, btn := startButton(b)
	out := &outPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, levels: make(chan gpio.Level, 64)}
	d := led.New(led.NewGPIO(out, led.GPIOOptions{}), led.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	ledDone, loopDone := make(chan error, 1), make(chan struct{}, 1)
	go func() { ledDone <- d.Run(ctx) }()
	go func() {
		defer func() { loopDone <- struct{}{} }()
		for {
			select {
			case <-ctx.Done(): // the button's events go on until its own cleanup
				return
			case e, ok := <-btn.Events():
				if !ok {
					return
				}
				switch e.Kind {
				case button.Down:
					d.Set(led.Listening)
				case button.Up:
					d.Set(led.Idle)
				}
			}
		}
	}()
	b.Cleanup(func() {
		cancel()
		await.Recv(b, ledDone, "the LED driver to return once cancelled")
		await.Recv(b, loopDone, "the event loop to end once cancelled")
	})
	out.waitFor(gpio.Low) // Idle shown
	levels := []gpio.Level{gpio.Low, gpio.High}
	b.ResetTimer()
	for i := range b.N {
		in.EdgesChan <- levels[i%2]
		out.waitFor(!levels[i%2]) // active-low button, active-high LED
		w.Progress()
	}
}
