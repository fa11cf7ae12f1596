package pins

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spireg"
	"periph.io/x/host/v3"
)

// ErrNoPin is wrapped by the error for a GPIO pin this machine lacks.
var ErrNoPin = errors.New("no such GPIO pin here")

// ErrNoSPI is wrapped by the error for an SPI port this machine lacks.
var ErrNoSPI = errors.New("no such SPI port here")

const useSim = "run with --sim to use the keyboard as the button and the terminal as the LED"

// Open initialises periph's host drivers and returns the GPIO pin called
// name, e.g. "GPIO17".
func Open(name string) (gpio.PinIO, error) {
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("pins: initialising GPIO drivers: %w", err)
	}
	if p := gpioreg.ByName(name); p != nil {
		return p, nil
	}
	if n := len(gpioreg.All()); n > 0 {
		return nil, fmt.Errorf("pins: %w: %q is not one of this machine's %d GPIO pins; check the pin name in the config, or %s", ErrNoPin, name, n, useSim)
	}
	return nil, fmt.Errorf("pins: %w: there is no GPIO pin %q on this machine, which has no GPIO pins at all (is it a Raspberry Pi? is /dev/gpiochip0 readable?); %s", ErrNoPin, name, useSim)
}

// OpenSPI initialises periph's host drivers and opens the SPI port called
// name, e.g. "SPI0.1".
func OpenSPI(name string) (spi.PortCloser, error) {
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("pins: initialising SPI drivers: %w", err)
	}
	p, err := spireg.Open(name)
	if err != nil {
		return nil, fmt.Errorf("pins: %w: cannot open SPI port %q (%v); enable SPI with dtparam=spi=on, or %s", ErrNoSPI, name, err, useSim)
	}
	return p, nil
}
