package led_test

import (
	"context"
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
)

// outPin reports every level written to it.
type outPin struct {
	*gpiotest.Pin
	levels chan gpio.Level
}

func newOutPin() *outPin {
	return &outPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, levels: make(chan gpio.Level, 64)}
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

// BenchmarkStateToPin measures from Set returning to the LED pin's new
// level, with the real clock. One op is one state change.
func BenchmarkStateToPin(b *testing.B) {
	w := await.Watch(b, b.Name())
	pin := newOutPin()
	d := led.New(led.NewGPIO(pin, led.GPIOOptions{}), led.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	b.Cleanup(func() { cancel(); await.Recv(b, done, "Run to return once cancelled") })
	pin.waitFor(gpio.Low)
	states := []led.State{led.Listening, led.Idle}
	levels := []gpio.Level{gpio.High, gpio.Low}
	b.ResetTimer()
	for i := range b.N {
		d.Set(states[i%2])
		pin.waitFor(levels[i%2])
		w.Progress()
	}
}
