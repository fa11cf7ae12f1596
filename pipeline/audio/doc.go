// Package audio captures microphone audio and gates it into a recognizer by
// a push-to-talk button.
//
// All audio here is Hark audio: 16 kHz, mono, signed 16-bit little-endian
// (pipeline.SampleRate). A Source produces it:
//
//   - Capture reads a capture device through miniaudio (on malgo's
//     context). The device callback, in C, only copies into a bounded ring
//     buffer and stamps each period's capture time: it never blocks, never
//     allocates and calls into Go only to wake a reader whose wanted amount
//     has come; when the reader falls behind whole periods are dropped and
//     counted (Overrun events) rather than stalling capture. Capture is a
//     TimedSource: it says when the audio it hands out was captured.
//     Capture watches the device: one that reports an error or delivers
//     nothing for StallTimeout is reported (DeviceLost) and reopened with
//     backoff until it returns (DeviceRestored).
//   - PCMSource plays audio from memory or a WAV file (OpenWAV), as fast as
//     it is read or paced like a microphone.
//
// ParseWAV and ReadWAV validate WAV files and convert 16-bit PCM of other
// rates and channel counts; anything else is a *WAVError naming the file
// and the problem.
//
// PTT is the one owner of the audio path: its Run goroutine reads a Source
// all the time and alone drives the recognizer. While the button is up it
// keeps the last PreRoll of audio; Listen feeds that pre-roll and then live
// audio to the recognizer while the person speaks, so decoding overlaps
// speech; Finish ends the utterance at the release edge and reports the
// result (Heard). From a TimedSource (a Capture) everything captured up to
// the edge is decoded however late the device delivers it, plus a short
// Tail while speech still goes on at the edge. Its methods are requests
// that return at once and are carried out in order; what comes of them is
// reported through OnEvent (Listening, Heard, MaxLength when an utterance
// reaches MaxUtterance, GrammarRefused). Mute discards audio while Hark
// speaks, so it does not hear itself. While the button is up and the
// microphone live, a Capture hands PTT its audio in half-second batches
// rather than period by period, which keeps an idle Hark's CPU use low;
// the press takes what the Capture holds at once.
//
// Devices are chosen by name (CaptureConfig.Device): an ALSA PCM name as
// `arecord -L` prints it, or a hw:/plughw: form, is opened as it is on the
// alsa backend (which it picks when no backend is set); other names and
// indexes are matched against the backend's device list. Gain (dB) scales
// the captured samples, clipping; Scale does it for any S16LE audio.
// Output opens playback devices by the same rules.
//
// ListDevices lists the capture and playback devices of a backend; the null
// backend offers silent devices for tests on machines without a sound card.
// ListALSA lists the ALSA names with their descriptions.
package audio
