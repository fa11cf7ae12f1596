package mqtt

import "time"

// Kind says what an [Event] reports.
type Kind string

// The kinds of events Hark publishes: the names the assistant's event
// stream gives them, so mqtt.Kind(kind.String()) converts.
const (
	Pressed     Kind = "pressed"      // the push-to-talk button went down
	Released    Kind = "released"     // and came back up
	Transcript  Kind = "transcript"   // Text was heard
	Command     Kind = "command"      // Command ran with Params
	Answer      Kind = "answer"       // Text was answered, with Status
	State       Kind = "state"        // the assistant is now in State
	Blocked     Kind = "blocked"      // Command has held the main loop HeldMS so far
	Recovered   Kind = "recovered"    // the main loop is back after HeldMS blocked
	MicLost     Kind = "mic-lost"     // the microphone went away; Text says why
	MicRestored Kind = "mic-restored" // and came back
)

// The assistant states Hark reports in Event.State. A state event with
// StateMuted also turns the Home Assistant mute switch on; any other state
// turns it off.
const (
	StateIdle      = "idle"
	StateListening = "listening"
	StateThinking  = "thinking"
	StateSpeaking  = "speaking"
	StateError     = "error"
	StateMuted     = "muted"
)

// Event is one thing that happened in the assistant, published as JSON on
// <prefix>/event. Only the fields of its Kind are set.
type Event struct {
	Kind Kind `json:"kind"`
	// Time is when it happened; Publish sets it when zero.
	Time time.Time `json:"time"`
	// Seq numbers the events given to Publish by one Client, from 1, so a
	// subscriber can tell a dropped event (a gap) and a repeated one (QoS 1
	// delivers at least once). Publish sets it.
	Seq uint64 `json:"seq"`
	// Turn numbers the push-to-talk turns, relating a transcript to its
	// commands and answers; 0 outside a turn.
	Turn int `json:"turn,omitempty"`

	Text    string            `json:"text,omitempty"`    // Transcript, Answer, MicLost
	Command string            `json:"command,omitempty"` // Command, Blocked
	Params  map[string]string `json:"params,omitempty"`  // Command
	Status  string            `json:"status,omitempty"`  // Answer: "ok", "error", …
	State   string            `json:"state,omitempty"`   // State
	HeldMS  int64             `json:"held_ms,omitempty"` // Blocked, Recovered
}
