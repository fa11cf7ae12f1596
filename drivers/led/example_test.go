package led_test

import (
	"context"
	"fmt"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
)

// A Driver over a GPIO LED: a state change reaches the pin from the driver's
// own goroutine.
func Example() {
	defer await.Guard("led.Example")() // fails in seconds if a level never comes
	pin := newOutPin()                 // a gpiotest pin that reports each level set
	// A fake clock holds the blocked blink still, so the output is exact.
	d := led.New(led.NewGPIO(pin, led.GPIOOptions{}), led.Config{Clock: clockwork.NewFakeClock()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()

	fmt.Println("idle:", <-pin.levels)
	d.Set(led.Listening)
	fmt.Println("listening:", <-pin.levels)
	d.SetBlocked(true) // the watchdog's alert: white blink at 5 Hz
	fmt.Println("blocked:", <-pin.levels)
	d.SetBlocked(false)
	fmt.Println("recovered:", <-pin.levels)

	cancel()
	<-done
	fmt.Println("stopped:", <-pin.levels)
	// Output:
	// idle: Low
	// listening: High
	// blocked: High
	// recovered: High
	// stopped: Low
}

func ExampleDefaultLook() {
	for s := led.Idle; s <= led.Timer; s++ {
		fmt.Printf("%-9s %s\n", s, led.DefaultLook(s))
	}
	fmt.Printf("%-9s %s\n", "blocked", led.DefaultBlocked())
	// Output:
	// idle      off
	// listening solid blue
	// thinking  amber pulse, 1s
	// speaking  green pulse, 2s
	// error     3 red flashes of 150ms, then 1.15s dark
	// muted     purple blink, 2s at 5%
	// timer     2 teal flashes of 100ms, then 2.7s dark
	// blocked   white blink, 200ms at 50%
}
