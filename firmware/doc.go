// Package firmware wires Hark together: it loads and validates the
// configuration (ParseConfig, LoadConfig), drives the assistant's state
// machine (Machine) from button events, carries transcripts to the command
// manager and answers to speech out, reports health to systemd, and
// provides the built-in commands (BuiltinNames) and those declared in the
// configuration, which run a program.
//
// Run is the assistant itself; Demo the scripted demo over simulated
// presses; SelfTest the check of every part; TextAssistant the assistant
// answering typed text, to try commands with. Your own commands (see
// commands.Command) go to Run in RunOptions.Commands.
//
// The pieces between the devices are pure where they can be: Machine takes
// events and returns effects, so the assistant's behaviour (barge-in, mute,
// answers waiting their turn) is tested without a Pi. Everything that
// touches assistant state runs on the scheduler's main loop; the final
// decode and other audio calls run, in order, on a goroutine of their own
// so they never hold the loop.
//
// Answers of one utterance are spoken in the order its commands were said.
// An utterance's turn ends when each of its commands has answered once or
// returned; later answers (a timer ringing, a download finishing) are
// announcements, spoken when the assistant is free.
//
// Building needs libvosk (see package vosk) unless the build tag novosk
// leaves the Vosk engine out (boards Vosk has no library for, such as the
// ARMv6 Pi Zero); the PocketSphinx engine needs the build tag pocketsphinx.
package firmware
