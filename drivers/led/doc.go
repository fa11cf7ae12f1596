// Package led shows the assistant's state on a light: a single GPIO LED, an
// APA102 strip such as the ReSpeaker 2-Mic and 4-Mic Pi HATs' LEDs, or (in
// package sim) a terminal status line.
//
// A Driver maps each State to a Pattern (off, solid, blink, pulse, or a
// short flash code) and plays it on its own goroutine with timers, never on
// the caller's: the assistant's main loop may be the thing that is stuck.
// SetBlocked is the watchdog's alert: while on, its look overrides every
// state, and when it ends the current state's look returns. SetTimer is a
// weaker overlay: while a timer runs, Idle shows the Timer look instead of
// off; no other state changes, and the blocked alert still wins.
//
// # Default looks
//
// Colours apply to RGB lights; a single-colour LED shows the same timing.
// A pulse needs PWM dimming (GPIOOptions.PWM, normally DefaultPWM); without
// it, or on a pin that refuses PWM, the pulse shows as a blink that is on
// for the brighter half of each period. A GPIO light's String says which
// it does, and a refusal is logged once.
//
//	State      Pattern                                   Single LED
//	idle       off                                       off
//	listening  solid blue                                on
//	thinking   amber pulse (breathing), 1 s period       breathing, fast
//	speaking   green pulse (breathing), 2 s period       breathing, slow
//	error      3 red flashes (150 ms on/off), 1.15 s     3 short flashes, pause
//	           dark, repeated
//	muted      purple blink, 100 ms every 2 s            short blip every 2 s
//	timer      2 teal (dim cyan) flashes of 100 ms       double blip every 3 s
//	           every 3 s: idle's look while a timer
//	           runs (SetTimer)
//	blocked    white blink at 5 Hz (100 ms on/off),      fast even blink
//	           over any state until the loop recovers
//
// Config.Looks and Config.Blocked replace any of these.
package led
