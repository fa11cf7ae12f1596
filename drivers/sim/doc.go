// Package sim stands in for the button and the LED on a computer without
// GPIO, for `hark run --sim` and the demo.
//
// Keys is a button pin driven by lines of text, normally the keyboard: each
// Enter toggles the button, so Enter starts talking and Enter again stops
// (a terminal does not report key releases without raw mode). It implements
// gpio.PinIn, so the real button driver, with its debouncing and gestures,
// runs on top of it.
//
// LED is a led.Light that draws the light as a terminal status line: a
// coloured dot redrawn in place on a terminal, or on anything else one plain
// line per state change, such as
//
//	LED: listening (solid blue)
package sim
