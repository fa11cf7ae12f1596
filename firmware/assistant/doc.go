// Package assistant is Hark's core: it takes button presses, transcripts
// and typed utterances, matches them to commands, runs the commands on the
// cooperative scheduler and answers in the order the commands were said.
// It uses no cgo and no hardware: its seams are small interfaces (Listener
// for push-to-talk audio, Speaker, Indicator for the LED) and an event
// stream (Options.OnEvent) for the log and integrations, so it is tested
// anywhere, under qemu-user too.
//
// Machine is the pure state machine: Handle takes an Input and returns the
// Effects to carry out, so the behaviour (barge-in, mute, answers waiting
// their turn, the error display) is tested exactly. Assistant carries the
// effects out on the scheduler's main loop; the final decode and other
// listener calls run, in order, on a goroutine of their own so they never
// hold the loop. Run joins every goroutine the assistant starts before it
// returns, so the caller can then close the devices under it.
//
// Answers of one utterance are spoken in the order its commands were said.
// An utterance's turn ends when each of its commands has answered once or
// returned; later answers (a timer ringing, a download finishing) are
// announcements, spoken when the assistant is free.
//
// TextAssistant is the same assistant answering typed text, to try
// commands in tests and examples.
package assistant
