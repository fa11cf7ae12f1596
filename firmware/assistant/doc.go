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
// effects out on the scheduler's main loop. Run joins every goroutine the
// assistant starts before it returns, so the caller can then close the
// devices under it, and from then on touches none of them.
//
// Every input comes through one inbox, Send: a typed Input drained by the
// loop. Presses and releases carry their Source (the button, a listen asked
// for from elsewhere, Hark itself) and their edge time; the listener's
// reports (Decoded, TooLong, GrammarRefused) carry the utterance they are
// about. A push-to-talk turn, with the firmware's wiring:
//
//	button edge ──▶ button driver ──Send(Pressed)──▶ main loop: Machine → StartListening
//	                                                      │ Listener.Listen(n)   (a request: never blocks)
//	                                                      ▼
//	                                        audio owner (audio.PTT.Run): pre-roll, then live audio → recognizer
//	button edge ──▶ button driver ──Send(Released, edge time)──▶ main loop → Listener.Finish(n, edge)
//	                                        audio owner: audio captured up to the edge (+ tail) → final decode
//	                                                      │ Send(Decoded n)
//	                                                      ▼
//	                                        main loop: match → commands (async ones on the loop,
//	                                                   blocking ones on a worker) → answers in spoken order
//	                                                      │ Speak
//	                                                      ▼
//	                                        speech goroutine → loudspeaker
//
// From edge to answer a turn crosses four goroutines: the button driver's,
// the main loop, the audio owner and the speech goroutine (and a worker for
// a blocking command); the listener, the button and the integrations only
// ever Send. (Inside the button driver a watcher waits for the pin's edges
// and hands them to the driver's own goroutine, which debounces them and
// Sends; inside the audio owner a reader waits on the microphone.)
//
// Answers of one utterance are spoken in the order its commands were said.
// An utterance's turn ends when each of its commands has answered once or
// returned; later answers (a timer ringing, a download finishing) are
// announcements, spoken when the assistant is free.
//
// TextAssistant is the same assistant answering typed text, to try
// commands in tests and examples.
package assistant
