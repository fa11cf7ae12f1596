// Package pipeline carries audio from a microphone to text and text back to
// speech. It knows nothing of commands: its output is a transcript, its input
// for speech out is a string.
//
// The subpackages hold the parts: audio capture and buffering, recognition
// engines behind the Recognizer seam defined here, and speech out.
package pipeline
