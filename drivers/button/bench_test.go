package button_test

import (
	"context"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/button"
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

// waitFor skips levels until l is written.
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
	done := make(chan struct{})
	go func() { defer close(done); _ = btn.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return pin, btn
}

// nextPress returns the next Down or Up, skipping gestures.
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
	pin, btn := startButton(b)
	levels := []gpio.Level{gpio.Low, gpio.High}
	kinds := []button.Kind{button.Down, button.Up}
	b.ResetTimer()
	for i := range b.N {
		pin.EdgesChan <- levels[i%2]
		if k := nextPress(btn.Events()); k != kinds[i%2] {
			b.Fatalf("got %v, want %v", k, kinds[i%2])
		}
	}
}

// BenchmarkEdgeToLEDPin measures the push-to-talk path through both drivers:
// a button edge, its event, the LED state change and the LED pin's new level,
// as firmware wires them. One op is one edge. The target on a Pi is 20 ms.
func BenchmarkEdgeToLEDPin(b *testing.B) {
	in, btn := startButton(b)
	out := &outPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, levels: make(chan gpio.Level, 64)}
	d := led.New(led.NewGPIO(out, led.GPIOOptions{}), led.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = d.Run(ctx); done <- struct{}{} }()
	go func() {
		for e := range btn.Events() {
			switch e.Kind {
			case button.Down:
				d.Set(led.Listening)
			case button.Up:
				d.Set(led.Idle)
			}
		}
		done <- struct{}{}
	}()
	b.Cleanup(func() { cancel(); <-done })
	out.waitFor(gpio.Low) // Idle shown
	levels := []gpio.Level{gpio.Low, gpio.High}
	b.ResetTimer()
	for i := range b.N {
		in.EdgesChan <- levels[i%2]
		out.waitFor(!levels[i%2]) // active-low button, active-high LED
	}
}
