package led

import (
	"fmt"
	"math"
	"time"
)

// Color is an RGB colour. A single-colour LED shows only its brightness, the
// largest of the three channels.
type Color struct{ R, G, B uint8 }

// Colours of the default looks.
var (
	Black  = Color{}
	White  = Color{255, 255, 255}
	Red    = Color{255, 0, 0}
	Green  = Color{0, 255, 0}
	Blue   = Color{0, 0, 255}
	Amber  = Color{255, 160, 0}
	Purple = Color{160, 0, 255}
	// Teal is a half-bright cyan: dim on an RGB light, yet at the
	// brightness from which a GPIO LED without dimming turns on.
	Teal = Color{0, 128, 128}
)

var colorNames = map[Color]string{
	Black: "black", White: "white", Red: "red", Green: "green",
	Blue: "blue", Amber: "amber", Purple: "purple", Teal: "teal",
}

func (c Color) String() string {
	if n, ok := colorNames[c]; ok {
		return n
	}
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// Brightness is the largest channel, from 0 to 1.
func (c Color) Brightness() float64 {
	return float64(max(c.R, c.G, c.B)) / 255
}

// scale dims c to level (0 to 1).
func (c Color) scale(level float64) Color {
	f := func(v uint8) uint8 { return uint8(math.Round(float64(v) * level)) }
	return Color{f(c.R), f(c.G), f(c.B)}
}

type kind uint8

const (
	_ kind = iota // the zero Pattern is "unset"
	kindOff
	kindSolid
	kindBlink
	kindPulse
	kindCode
)

// Pattern is how a light behaves over time: off, solid, blinking, pulsing
// (breathing) or flashing a short code. Build one with Off, Solid, Blink,
// Pulse or Code; the zero Pattern means "not set".
type Pattern struct {
	kind   kind
	color  Color
	period time.Duration // Blink, Pulse: one cycle; Code: one flash's on (and off) time
	duty   float64       // Blink: fraction of the period spent on
	count  int           // Code: flashes per cycle
	pause  time.Duration // Code: extra dark time after the flashes
}

// Off keeps the light dark.
func Off() Pattern { return Pattern{kind: kindOff} }

// Solid keeps the light on in c.
func Solid(c Color) Pattern { return Pattern{kind: kindSolid, color: c} }

// Blink turns the light on for duty×period then off for the rest of each
// period. A duty of 0 or less is Off; 1 or more is Solid.
func Blink(c Color, period time.Duration, duty float64) Pattern {
	switch {
	case duty <= 0 || period <= 0:
		return Off()
	case duty >= 1:
		return Solid(c)
	}
	return Pattern{kind: kindBlink, color: c, period: period, duty: duty}
}

// pulseSteps is how many brightness levels one pulse period is drawn with.
const pulseSteps = 32

// Pulse breathes: brightness rises smoothly from dark to full and back once
// per period, in 32 steps. A light without dimming shows it as a blink,
// on while brightness is at least half.
func Pulse(c Color, period time.Duration) Pattern {
	if period < pulseSteps {
		return Solid(c)
	}
	return Pattern{kind: kindPulse, color: c, period: period}
}

// Code flashes the light n times (flash on, flash off each), stays dark for
// pause more, and repeats: a short code such as "3 red flashes" for an error.
func Code(c Color, n int, flash, pause time.Duration) Pattern {
	if n <= 0 || flash <= 0 {
		return Off()
	}
	return Pattern{kind: kindCode, color: c, period: flash, count: n, pause: max(pause, 0)}
}

// IsZero reports whether p is the zero ("not set") Pattern.
func (p Pattern) IsZero() bool { return p.kind == 0 }

// String describes the look, e.g. "solid blue" or "red blink, 200ms at 50%".
func (p Pattern) String() string {
	switch p.kind {
	case kindOff:
		return "off"
	case kindSolid:
		return "solid " + p.color.String()
	case kindBlink:
		return fmt.Sprintf("%s blink, %s at %.0f%%", p.color, p.period, p.duty*100)
	case kindPulse:
		return fmt.Sprintf("%s pulse, %s", p.color, p.period)
	case kindCode:
		return fmt.Sprintf("%d %s flashes of %s, then %s dark", p.count, p.color, p.period, p.period+p.pause)
	}
	return "unset"
}

// step is one segment of a pattern: a brightness held for d; d == 0 holds it
// for ever.
type step struct {
	level float64
	d     time.Duration
}

// steps is one cycle of the pattern, repeated while it plays.
func (p Pattern) steps() []step {
	switch p.kind {
	case kindSolid:
		return []step{{1, 0}}
	case kindBlink:
		on := time.Duration(float64(p.period) * p.duty)
		return []step{{1, on}, {0, p.period - on}}
	case kindPulse:
		s := make([]step, pulseSteps)
		d := p.period / pulseSteps
		for i := range s {
			// Mirror the rise so the fall matches it exactly.
			j := min(i, pulseSteps-i)
			s[i] = step{(1 - math.Cos(2*math.Pi*float64(j)/pulseSteps)) / 2, d}
		}
		return s
	case kindCode:
		s := make([]step, 0, 2*p.count)
		for range p.count {
			s = append(s, step{1, p.period}, step{0, p.period})
		}
		s[len(s)-1].d += p.pause
		return s
	}
	return []step{{0, 0}}
}
