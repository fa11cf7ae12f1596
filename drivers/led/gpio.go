package led

import (
	"fmt"
	"log/slog"
	"sync"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
)

// DefaultPWM is the dimming frequency that suits a plain LED, for
// GPIOOptions.PWM. 1 kHz is well above the rate at which the eye sees
// flicker, and above the few hundred hertz at which most people notice a
// stroboscopic trail when their eyes move across the LED; yet it is low
// enough that periph's DMA-driven PWM on a Pi 3/4, which samples at 200 kHz,
// still has 200 duty steps per period, finer than the steps of a pulse.
const DefaultPWM = physic.KiloHertz

// GPIOOptions describes how a single LED is wired to its pin.
type GPIOOptions struct {
	// ActiveLow: the LED lights when the pin is Low (wired to 3.3 V).
	ActiveLow bool
	// PWM is the frequency used to dim the LED for pulses and dim colours,
	// normally DefaultPWM; zero means no dimming: the LED is on when the
	// brightness is at least half, so a pulse shows as a blink. If the pin
	// refuses PWM the light falls back to on/off.
	PWM physic.Frequency
	// Logger receives one warning when the pin refuses PWM, since the LED
	// then no longer looks as configured. Default: none, nothing is logged.
	Logger *slog.Logger
}

// GPIO is a single-colour LED on a GPIO pin. It shows a colour's brightness.
type GPIO struct {
	pin  gpio.PinOut
	opts GPIOOptions
	log  *slog.Logger

	mu      sync.Mutex // String may run on another goroutine than Set
	refused error      // the pin's answer to the first PWM it refused
}

// NewGPIO returns a Light for the LED on pin.
func NewGPIO(pin gpio.PinOut, opts GPIOOptions) *GPIO {
	g := &GPIO{pin: pin, opts: opts, log: opts.Logger}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	return g
}

// String names the pin and says how the LED shows dim levels, so that a
// log or self-test shows why a pulse looks like a blink: "GPIO25, dimmed by
// PWM at 1kHz", "GPIO25, on/off (no PWM configured)" or "GPIO25, on/off
// (pin refused PWM: …)". Whether the pin accepts PWM is known at the first
// dim colour.
func (g *GPIO) String() string {
	name := g.pin.Name()
	if g.opts.PWM == 0 {
		return name + ", on/off (no PWM configured)"
	}
	if err := g.refusal(); err != nil {
		return fmt.Sprintf("%s, on/off (pin refused PWM: %v)", name, err)
	}
	return fmt.Sprintf("%s, dimmed by PWM at %s", name, g.opts.PWM)
}

func (g *GPIO) refusal() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refused
}

// Set implements Light.
func (g *GPIO) Set(c Color) error {
	b := c.Brightness()
	if b > 0 && b < 1 && g.opts.PWM != 0 && g.refusal() == nil {
		duty := gpio.Duty(b * float64(gpio.DutyMax))
		if g.opts.ActiveLow {
			duty = gpio.DutyMax - duty
		}
		err := g.pin.PWM(duty, g.opts.PWM)
		if err == nil {
			return nil
		}
		// Many pins (all of them on a Pi 5 through gpioioctl, and any
		// without root on a Pi 3/4) cannot dim; on/off is still a useful
		// light. PWM is not tried again.
		g.mu.Lock()
		g.refused = err
		g.mu.Unlock()
		g.log.Warn("led: the pin refused PWM; dim levels show as on/off, so a pulse blinks",
			"pin", g.pin.Name(), "pwm", g.opts.PWM.String(), "err", err)
	}
	on := b >= 0.5
	if err := g.pin.Out(gpio.Level(on != g.opts.ActiveLow)); err != nil {
		return fmt.Errorf("led: %s: %w", g.pin, err)
	}
	return nil
}
