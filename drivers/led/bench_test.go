package led_test

import (
	"context"
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

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

func (p *outPin) waitFor(l gpio.Level) {
	for <-p.levels != l {
	}
}

// BenchmarkStateToPin measures from Set returning to the LED pin's new
// level, with the real clock. One op is one state change.
func BenchmarkStateToPin(b *testing.B) {
	pin := &outPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, levels: make(chan gpio.Level, 64)}
	d := led.New(led.NewGPIO(pin, led.GPIOOptions{}), led.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = d.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	pin.waitFor(gpio.Low)
	states := []led.State{led.Listening, led.Idle}
	levels := []gpio.Level{gpio.High, gpio.Low}
	b.ResetTimer()
	for i := range b.N {
		d.Set(states[i%2])
		pin.waitFor(levels[i%2])
	}
}
