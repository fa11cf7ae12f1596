// Package wyoming makes Hark a Wyoming satellite of Home Assistant: a
// push-to-talk press can be answered by Home Assistant's own voice
// pipeline (its speech-to-text, conversation agent and text-to-speech),
// and Home Assistant's timers for this device are shown (Inputs.Timers,
// for the LED) and announced by Hark.
//
// The protocol follows what the Wyoming project publishes (rhasspy/wyoming,
// release 1.7.0: wyoming/event.py for the framing; satellite.py,
// pipeline.py, audio.py, asr.py, tts.py, snd.py, timer.py, info.py,
// ping.py and error.py for the events) and the way Home Assistant drives a
// satellite (homeassistant/components/wyoming/assist_satellite.py).
//
// # Framing
//
// ReadEvent and WriteEvent frame events as event.py does: a JSON header
// line, then data_length bytes of JSON data, then payload_length bytes of
// payload. Data inline in the header (older writers) and separate data are
// both read, the separate merged over the inline; Hark writes the separate
// form, as the Python writer does. Every length is bounded (MaxHeader,
// MaxData, MaxPayload); a connection that breaks the framing is closed
// with the reason logged, and the rest of Hark is not affected.
//
// # Connections
//
// Home Assistant is the TCP client: Satellite.Run listens on
// wyoming.listen. Addresses outside wyoming.allow (when set) are closed
// at once and logged; Wyoming has no authentication, so the allow list is
// the only gate. One connection is served at a time, and a new one
// replaces the current one, which is closed (a turn on it ends "Sorry,
// Home Assistant went away."): Home Assistant reconnects after a drop, and
// an old connection left half-open must not lock it out. Accepted
// connections get TCP keep-alives, so a vanished host is noticed.
//
// # Events
//
//	From Home Assistant         Hark
//	describe                    info with a satellite block (name, area, description,
//	                            installed, attribution, version, has_vad false)
//	ping {text}                 pong {text}
//	pong                        nothing
//	run-satellite               ready: presses may go to Home Assistant
//	pause-satellite             not ready: presses are answered by Hark alone (logged)
//	timer-started {id, name?,   kept (for its name), running, and logged
//	total_seconds}
//	timer-updated {id,          logged; is_active false: paused, true: running; an
//	is_active, total_seconds}   unknown id (started before Hark was) is taken in
//	timer-cancelled {id}        logged and forgotten
//	timer-finished {id}         forgotten, and Inputs.Announce("The NAME timer is
//	                            done." or "Your timer is done.")
//	transcribe, voice-started,  logged, during a turn
//	voice-stopped
//	transcript {text}           logged and Inputs.Transcript, during a turn
//	synthesize {text}           the answer's text, during a turn
//	audio-start, audio-chunk,   the answer's audio, during a turn: converted to mono
//	audio-stop                  signed 16-bit at its rate, cut at 60 s; audio-stop ends the turn
//	error {text, code}          ends the turn: "Sorry, …" (StatusError)
//	anything else, or a turn's  logged at debug level and dropped (announcement audio
//	events outside a turn       outside a turn is not played)
//
// # Timers
//
// Inputs.Timers is told how many timers run (not paused) each time that
// number changes. Home Assistant runs the timers and keeps them while its
// connection drops, so Hark keeps them too: a disconnect changes nothing.
// When Home Assistant connects again, the timers whose time (the last
// total_seconds, counted from its event) has run out are forgotten, since
// their timer-finished was missed; a timer-finished that still comes for
// one is announced without its name. At most 64 timers are kept; the
// events of others are logged and announced but not counted.
//
// A turn (Answer) sends run-pipeline {start_stage asr, end_stage tts},
// audio-start {16000 Hz, 2 bytes, 1 channel}, the utterance in chunks of
// 1024 samples, audio-stop; playing the answer (commands.Audio.Played)
// sends played, which ends Home Assistant's run. Wyoming events carry no
// run id: events that come after a turn has ended are dropped, and an
// answer still streaming when the next turn starts would be taken for its
// own.
//
// # Turns
//
// Satellite is an assistant.Fallback. In mode satellite, First is true
// while Home Assistant is connected and running the satellite, so every
// press goes to it; in mode local-first (the default) Hark's own commands
// answer first. Answer waits wyoming.timeout after the utterance for the
// end of the answer audio: with the answer's text but no audio by then,
// Hark speaks the text itself; with nothing, "Sorry, Home Assistant did
// not answer.". Ready tells the firmware whether a turn can go to Home
// Assistant at all; when it cannot, Answer says "Sorry, Home Assistant is
// not connected.".
//
// One goroutine reads a connection and acts on its events; another writes
// it, from a queue, so that writes are serialized and nobody but the
// writer waits on the socket (Played, on Hark's main loop, never blocks).
// Run joins all of them before it returns.
package wyoming
