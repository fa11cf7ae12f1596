// Package speech is Hark's voice: it speaks text with espeak-ng.
//
// A Speaker runs `espeak-ng --stdout` (voice and rate configurable), reads
// the WAV it writes and hands the samples to a Player: DevicePlayer plays on
// a sound device through miniaudio (malgo), chosen by name as
// pipeline/audio chooses a microphone (an ALSA name such as
// plughw:CARD=Headphones,DEV=0, an index or a device name); CommandPlayer
// pipes a WAV into a configured program such as `aplay -q -`. Anything with
// a Play method works, and WithVolume scales what any Player plays.
//
// Say speaks at most MaxText characters (a longer text is cut at a word
// boundary, logged and counted) and synthesises them a few sentences at a
// time, the next while one plays: its memory is bounded by two chunks'
// audio whatever the text, and a long answer starts playing sooner.
//
// Speech can be cut short at once (barge-in): Stop, cancelling the context
// given to Say, or a newer Say all cancel the Player. While audio plays,
// Speaking reports true and the OnStart/OnEnd hooks bracket playback, so the
// firmware can gate the microphone and Hark does not hear itself.
package speech
