// Package button turns a GPIO push button into press, release and gesture
// events.
//
// A Button waits for edges on a gpio.PinIn (it does not poll the level) and
// emits on its Events channel:
//
//   - Down the moment the contact closes, and Up the moment it opens, with how
//     long it was held. Push-to-talk uses these directly: nothing delays them.
//   - Tap, DoubleTap and LongPress, recognised alongside Down and Up and never
//     delaying them. A Tap is reported once the double-tap gap has passed
//     without a second press; a LongPress as soon as the hold passes
//     Config.LongPress, while the button is still down.
//
// Debouncing is leading-edge: the first edge of a bouncing contact is reported
// at once, then the button ignores edges for Config.Debounce and reads the
// settled level at the end of that window, so a bouncing contact yields exactly
// one Down and one Up without delaying either.
//
// All timing comes from Config.Clock, so tests drive gestures with a
// clockwork fake clock and periph's gpiotest pins.
package button
