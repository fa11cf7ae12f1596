package commands

import (
	"fmt"
	"time"
)

// Status classifies a Response.
type Status int

const (
	StatusNone     Status = iota // a plain answer
	StatusSuccess                // the command did what was asked
	StatusInfo                   // information, nothing was changed
	StatusError                  // the command broke (error or panic)
	StatusNotFound               // no command matched the utterance
	StatusFailed                 // the command ran but could not do it
)

var statusNames = [...]string{"none", "success", "info", "error", "not-found", "failed"}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes the status by name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Response is an answer of a command; a command may send several.
type Response struct {
	Text           string
	Voice          string // what to speak; Spoken falls back to Text
	Status         Status
	NeedsUserInput bool     // the answer is a question: listen again
	Context        *Context // opened as a follow-up context when recorded
	CloseContext   bool     // closes the innermost follow-up context when recorded
	// Audio, if set, is played instead of speaking Spoken (Home
	// Assistant's answer, spoken by its own text-to-speech); Text still
	// says what it says, for the log and "repeat that".
	Audio *Audio

	Command string    // set by Match.Invoke
	ID      uint64    // set by Manager.Record, increasing from 1
	Time    time.Time // set by Manager.Record
}

// Spoken is what to say aloud: Voice, or Text when Voice is empty.
func (r Response) Spoken() string {
	if r.Voice != "" {
		return r.Voice
	}
	return r.Text
}

// Audio is speech made elsewhere: mono signed 16-bit little-endian PCM.
type Audio struct {
	PCM  []byte
	Rate int // samples per second
	// Played, if set, is called on the main loop when the audio has been
	// played (err nil) or cut short; it must not block. An answer dropped
	// before it is played (its turn was cancelled) is not reported.
	Played func(err error)
}

// NotFound is the answer when no command matched, in English; a language
// pack's not_found reply goes through NotFoundSaying.
func NotFound() Response { return NotFoundSaying("Sorry, I didn't get that") }

// NotFoundSaying is the answer when no command matched, saying text.
func NotFoundSaying(text string) Response {
	return Response{Text: text, Status: StatusNotFound}
}

// failure is the answer of a command whose handler failed or panicked.
func failure(command string, err error) Response {
	return Response{
		Text:   fmt.Sprintf("The %s command failed: %v", command, err),
		Voice:  fmt.Sprintf("Sorry, %s failed.", command),
		Status: StatusError,
	}
}
