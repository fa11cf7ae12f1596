package led

import (
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
)

// GPIOOptions describes how a single LED is wired to its pin.
type GPIOOptions struct {
	// ActiveLow: the LED lights when the pin is Low (wired to 3.3 V).
	ActiveLow bool
	// PWM is the frequency used to dim the LED for pulses and dim colours;
	// zero means no dimming: the LED is on when the brightness is at least
	// half. If the pin refuses PWM the light falls back to on/off.
	PWM physic.Frequency
}

// GPIO is a single-colour LED on a GPIO pin. It shows a colour's brightness.
type GPIO struct {
	pin   gpio.PinOut
	opts  GPIOOptions
	noPWM bool // no dimming configured, or the pin refused PWM once
}

// NewGPIO returns a Light for the LED on pin.
func NewGPIO(pin gpio.PinOut, opts GPIOOptions) *GPIO {
	return &GPIO{pin: pin, opts: opts, noPWM: opts.PWM == 0}
}

func (g *GPIO) String() string { return "LED on " + g.pin.String() }

// Set implements Light.
func (g *GPIO) Set(c Color) error {
	b := c.Brightness()
	if b > 0 && b < 1 && !g.noPWM {
		duty := gpio.Duty(b * float64(gpio.DutyMax))
		if g.opts.ActiveLow {
			duty = gpio.DutyMax - duty
		}
		if g.pin.PWM(duty, g.opts.PWM) == nil {
			return nil
		}
		// Many pins (all of them on a Pi 5 through gpioioctl) cannot
		// dim; on/off is still a useful light.
		g.noPWM = true
	}
	on := b >= 0.5
	if err := g.pin.Out(gpio.Level(on != g.opts.ActiveLow)); err != nil {
		return fmt.Errorf("led: %s: %w", g.pin, err)
	}
	return nil
}
