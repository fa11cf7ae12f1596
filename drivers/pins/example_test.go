package pins_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"periph.io/x/conn/v3/gpio"

	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/drivers/sim"
)

// Wiring the real button and LED, or their simulations with --sim.
func Example() {
	simulated := func() (gpio.PinIn, led.Light) {
		return sim.NewKeys(os.Stdin), sim.NewLED(os.Stdout, sim.IsTerminal(os.Stdout))
	}
	var (
		in    gpio.PinIn
		light led.Light
	)
	if useSim := false; useSim {
		in, light = simulated()
	} else {
		b, err := pins.Open("GPIO17")
		if errors.Is(err, pins.ErrNoPin) {
			fmt.Println(err) // says to use --sim
			return
		}
		l, err := pins.Open("GPIO25")
		if err != nil {
			fmt.Println(err)
			return
		}
		in, light = b, led.NewGPIO(l, led.GPIOOptions{})
	}
	btn, err := button.New(in, button.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := led.New(light, led.Config{})
	ctx := context.Background()
	go d.Run(ctx)
	go btn.Run(ctx)
	for e := range btn.Events() {
		switch e.Kind {
		case button.Down:
			d.Set(led.Listening)
		case button.Up:
			d.Set(led.Thinking)
		}
	}
}

// The config may spell a pin as a person would; Open takes the same
// spellings.
func ExampleParseName() {
	for _, s := range []string{"GPIO17", "gpio17", "17", "GPIO28", "SPI0.1"} {
		if name, err := pins.ParseName(s); err != nil {
			fmt.Printf("%-6s → error: %v\n", s, err)
		} else {
			fmt.Printf("%-6s → %s\n", s, name)
		}
	}
	// Output:
	// GPIO17 → GPIO17
	// gpio17 → GPIO17
	// 17     → GPIO17
	// GPIO28 → error: GPIO28 is not on the Raspberry Pi header (GPIO0 to GPIO27)
	// SPI0.1 → error: "SPI0.1" is not a pin; want a BCM name such as GPIO17
}
