// Package firmware runs Hark on a device: Run opens the devices (the LED
// first, so that it shows any later start-up failure; then the recognizer,
// the microphone, speech out and the button), runs push-to-talk, the LED
// driver, the button, the systemd keep-alive and the assistant in one
// errgroup, and closes the devices only once every goroutine has returned.
//
// The pieces live in packages of their own:
//   - assistant: the core, with no cgo and no hardware (state machine,
//     turns and answer order, built-ins, timers, declared commands,
//     TextAssistant, the event stream);
//   - config: hark.yaml, loaded and validated (file:line: key: problem);
//   - mqtt and hass: the smart-home integrations;
//   - cmd/hark: the command-line tool; cmd/hark-bench: the latency bench;
//   - internal/demo, internal/selftest, internal/bench: the tools' work.
//
// Building needs libvosk (see package vosk) unless the build tag novosk
// leaves the Vosk engine out (boards Vosk has no library for, such as the
// ARMv6 Pi Zero); the tag nopocketsphinx leaves the PocketSphinx engine
// out (cross builds, which have no ARM PocketSphinx to link).
package firmware
