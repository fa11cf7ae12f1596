package sim_test

import (
	"os"

	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/sim"
)

// Without a terminal the LED prints one line per state change; led.Driver
// calls Describe and Set itself.
func ExampleLED() {
	l := sim.NewLED(os.Stdout, false)
	l.Describe("listening", led.DefaultLook(led.Listening))
	_ = l.Set(led.Blue) // blinking is not printed
	l.Describe("blocked", led.DefaultBlocked())
	// Output:
	// LED: listening (solid blue)
	// LED: blocked (white blink, 200ms at 50%)
}
