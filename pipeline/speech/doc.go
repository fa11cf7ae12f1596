// Package speech is Hark's voice: it speaks text with espeak-ng.
//
// A Speaker runs `espeak-ng --stdout` (voice and rate configurable), reads
// the WAV it writes and hands the samples to a Player: DevicePlayer plays on
// a sound device through miniaudio (malgo), CommandPlayer pipes a WAV into a
// configured program such as `aplay -q -`. Anything with a Play method works.
//
// Speech can be cut short at once (barge-in): Stop, cancelling the context
// given to Say, or a newer Say all cancel the Player. While audio plays,
// Speaking reports true and the OnStart/OnEnd hooks bracket playback, so the
// firmware can gate the microphone and Hark does not hear itself.
package speech
