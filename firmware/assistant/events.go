package assistant

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hark-assistant/hark/commands"
)

// EventKind says what an Event reports.
type EventKind int

// What the assistant reports to Options.OnEvent.
const (
	EventPressed     EventKind = iota // the button went down
	EventReleased                     // the button came up
	EventTranscript                   // Text was heard in Turn; Commands: what it matched (none: nothing)
	EventCommand                      // Command matched in Turn with Params (Text: the words it matched) and was started
	EventAnswer                       // Command answered Text with Status (Turn 0: an announcement)
	EventState                        // the assistant is now in State
	EventBlocked                      // the watchdog found the main loop held by Command for Held
	EventRecovered                    // the main loop is free again after being held for Held
	EventMicLost                      // the microphone stopped delivering audio; Text says why
	EventMicRestored                  // the microphone delivers audio again
)

var eventKindNames = [...]string{"pressed", "released", "transcript", "command", "answer", "state", "blocked", "recovered", "mic-lost", "mic-restored"}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is something the assistant did or noticed, for the log and
// integrations (an MQTT bridge, say). Events come on the main loop, in
// order, except EventBlocked and EventRecovered, which the watchdog reports
// from its own goroutine while the loop is held.
type Event struct {
	Kind     EventKind
	Turn     int
	State    State
	Text     string
	Command  string
	Commands []string          // EventTranscript: the commands matched, in spoken order
	Params   map[string]string // EventCommand: each parameter's value as text
	Status   string            // EventAnswer: the answer's commands.Status
	Held     time.Duration
}

// ParamStrings is params as text, as a declared command's program and the
// event stream get them: a Number in its shortest decimal form, a list
// parameter its value, other types the words said.
func ParamStrings(params commands.Params) map[string]string {
	values := make(map[string]string, len(params))
	for name, v := range params {
		switch x := v.Value.(type) {
		case float64:
			values[name] = strconv.FormatFloat(x, 'f', -1, 64)
		case string:
			values[name] = x
		default:
			values[name] = v.Text
		}
	}
	return values
}
