package pins

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// maxGPIO is the highest BCM GPIO on the Raspberry Pi's 40-pin header.
const maxGPIO = 27

// ParseName reads a GPIO pin name as a person writes it in the config and
// returns periph's name for it: "GPIO17", "gpio17" and "17" all give
// "GPIO17". Anything else is refused, including pins off the header
// ("GPIO28"), signs ("+5", "-1") and other buses ("SPI0.1").
//
// It exists so that checking the config and opening the pin agree: both
// call it, so a name the check accepts is one Open finds. The error names
// the value and what is wanted but not the config key or the package, for
// the caller to prefix ("hark.yaml:4: button.pin: …").
func ParseName(s string) (string, error) {
	digits := s
	if len(s) >= len("GPIO") && strings.EqualFold(s[:len("GPIO")], "GPIO") {
		digits = s[len("GPIO"):]
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", fmt.Errorf("%q is not a pin; want a BCM name such as GPIO17", s)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > maxGPIO { // err: too many digits for an int
		return "", fmt.Errorf("GPIO%s is not on the Raspberry Pi header (GPIO0 to GPIO%d)", strings.TrimLeft(digits, "0"), maxGPIO)
	}
	return "GPIO" + strconv.Itoa(n), nil
}

// Open initialises periph's host drivers and returns the GPIO pin called
// name, in any spelling ParseName accepts ("GPIO17", "gpio17", "17").
//
// A name ParseName refuses is an error before any driver is touched, so a
// mistyped config fails the same way on a Pi as on a laptop.
func Open(name string) (gpio.PinIO, error) {
	canonical, err := ParseName(name)
	if err != nil {
		return nil, fmt.Errorf("pins: %w", err)
	}
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("pins: initialising GPIO drivers: %w", err)
	}
	if p := gpioreg.ByName(canonical); p != nil {
		return p, nil
	}
	if n := len(gpioreg.All()); n > 0 {
		return nil, fmt.Errorf("pins: %w: %q is not one of this machine's %d GPIO pins; check the pin name in the config, or %s", ErrNoPin, canonical, n, useSim)
	}
	return nil, fmt.Errorf("pins: %w: there is no GPIO pin %q on this machine, which has no GPIO pins at all (is it a Raspberry Pi? is /dev/gpiochip0 readable?); %s", ErrNoPin, canonical, useSim)
}

// OpenSPI initialises periph's host drivers and opens the SPI port called
// name, e.g. "SPI0.1".
//
// The caller must Close the returned port when done with it: it holds the
// port's device (/dev/spidev0.1) open, and led.NewStrip, which only writes
// to the port, does not close it.
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
