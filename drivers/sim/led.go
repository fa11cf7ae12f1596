package sim

import (
	"fmt"
	"io"
	"os"

	"github.com/hark-assistant/hark/drivers/led"
)

// LED draws a led.Light as a status line on a writer.
//
// With ANSI on (for a terminal) it redraws one line in place at every change
// of the light, the dot in the light's colour. With ANSI off it writes one
// line per state change, "LED: <state> (<look>)", and ignores the blinking.
type LED struct {
	w     io.Writer
	ansi  bool
	state string
	look  led.Pattern
}

// NewLED returns a terminal LED writing to w; see IsTerminal for ansi.
func NewLED(w io.Writer, ansi bool) *LED {
	return &LED{w: w, ansi: ansi}
}

// IsTerminal reports whether w is a terminal, where NewLED can use ANSI.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (l *LED) String() string { return "terminal LED" }

// Describe implements led.Describer.
func (l *LED) Describe(state string, p led.Pattern) {
	l.state, l.look = state, p
	if !l.ansi {
		_, _ = fmt.Fprintf(l.w, "LED: %s (%s)\n", state, p)
	}
}

// Set implements led.Light.
func (l *LED) Set(c led.Color) error {
	if !l.ansi {
		return nil
	}
	dot := "\x1b[90m○\x1b[0m" // dark: a grey ring
	if c != led.Black {
		dot = fmt.Sprintf("\x1b[38;2;%d;%d;%dm●\x1b[0m", c.R, c.G, c.B)
	}
	_, err := fmt.Fprintf(l.w, "\r\x1b[2KLED %s %s (%s)", dot, l.state, l.look)
	return err
}
