// Package pins opens the real GPIO pins and SPI ports Hark uses, by name,
// through periph.io's host drivers.
//
// Names are periph's: "GPIO17" for the button and "GPIO25" for the LED by
// default (the ReSpeaker 2-Mic Pi HAT's button is on GPIO17), and "SPI0.1"
// for the HAT's APA102 LEDs ("SPI0.0" on the 4-Mic array). Open also takes
// "gpio17" and "17": ParseName turns what a person writes into periph's
// name, and the config check calls it too, so the two never disagree.
//
// On a machine without such a pin, Open returns an error wrapping ErrNoPin
// that says so and points to --sim, which uses the keyboard and the terminal
// instead.
//
// # Raspberry Pi 3, 4 and 5
//
// host.Init finds the Pi's GPIO. On a Pi 5 (RP1 chip) periph drives the pins
// through the kernel's GPIO character devices (/dev/gpiochip*), which works
// for a normal user in the "gpio" group:
//
//	sudo usermod -aG gpio $USER   # then log in again
//
// Run Hark as such a user, not as root: as root periph may also map
// /dev/mem at the Pi 4's peripheral address, which is wrong on a Pi 5.
// The same user setup works on a Pi 3 or 4. PWM dimming of a plain LED needs
// /dev/mem (root) on a Pi 3/4 and is not available on a Pi 5; without it the
// LED driver shows dim levels as on/off. SPI needs the "spi" group and
// dtparam=spi=on in /boot/firmware/config.txt.
package pins
