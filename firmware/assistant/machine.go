package assistant

import (
	"fmt"
	"time"

	"github.com/hark-assistant/hark/commands"
)

// State is what the assistant is doing; the LED shows it.
type State int

// The assistant's states.
const (
	Idle      State = iota // waiting for a press
	Listening              // button held: audio goes to the recognizer
	Thinking               // released: decoding, matching, commands running
	Speaking               // saying an answer
	Failed                 // something went wrong; shown for a while, or as long as the microphone is lost
	Muted                  // the button is ignored until the next long press
)

var stateNames = [...]string{"idle", "listening", "thinking", "speaking", "error", "muted"}

// AtRest reports whether s is between turns: not listening, thinking or
// speaking.
func (s State) AtRest() bool { return s != Listening && s != Thinking && s != Speaking }

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// InputKind says what happened.
type InputKind int

// The events the Machine reacts to.
const (
	Pressed     InputKind = iota // the button went down
	Released                     // the button came up
	LongPressed                  // the button has been held past the long-press time
	Unheard                      // utterance Turn had no words
	Answered                     // a command answered; Text: what to say, Turn: its utterance (0: none, e.g. a timer ringing)
	Spoken                       // the speech of the Speak effect with this ID finished
	TurnDone                     // every command started by utterance Turn has returned
	Failure                      // something went wrong; Text says what, Turn names the utterance (0: none)
	ErrorShown                   // the error state has been shown long enough
	MicLost                      // the microphone stopped delivering audio; Text says why
	MicRestored                  // the microphone delivers audio again
	Heard                        // Text was said some other way (typed, sent over MQTT): handle it as an utterance
	MuteOn                       // mute, as a silent long press does, but from elsewhere (MQTT)
	MuteOff                      // unmute

	// Reports of the Listener, handled by the Assistant itself.
	Decoded        // utterance ID was decoded: Text, or Err; Took is how long its end took
	TooLong        // utterance ID reached the maximum length: the listener stopped feeding it
	GrammarRefused // the recognizer refused the grammar last sent (Err)
)

var inputNames = [...]string{"pressed", "released", "long-pressed", "unheard", "answered", "spoken", "turn-done", "failure", "error-shown", "mic-lost", "mic-restored", "heard", "mute-on", "mute-off", "decoded", "too-long", "grammar-refused"}

func (k InputKind) String() string {
	if int(k) < len(inputNames) {
		return inputNames[k]
	}
	return fmt.Sprintf("InputKind(%d)", int(k))
}

// Input is one input to the Machine.
type Input struct {
	Kind InputKind
	Text string
	Turn int // for Answered, TurnDone, Failure
	ID   int // for Spoken; for ErrorShown, the ClearErrorLater's
	// At is when the button's edge was seen, for Pressed and Released
	// (zero: when handled). The utterance takes the audio captured up to
	// its release edge, however late the microphone delivers it.
	At time.Time
	// Source says who sent a Pressed or a Released (see Assistant.Send).
	Source Source
	Err    error         // Decoded, GrammarRefused
	Took   time.Duration // Decoded
	// Rejected: the recognizer found the speech outside its grammar
	// (Decoded); Text is not what was said.
	Rejected bool
	// Recorded is the utterance's audio as the recognizer got it, 16 kHz
	// mono signed 16-bit little-endian (Decoded), for the fallback.
	Recorded []byte
	// Audio, if set, is played instead of speaking Text (Answered).
	Audio *commands.Audio
	// Failed: the answer says something went wrong (Answered); once it
	// has been said the error state is shown for a while.
	Failed bool
}

// Source is where a press or a release came from. A person holding the
// button and a listen asked for from elsewhere never end each other's
// utterance.
type Source int

const (
	FromButton Source = iota // the push-to-talk button (or its simulation)
	// FromRemote presses ask for a listen from elsewhere (Home Assistant's
	// listen button over MQTT): Hark listens for the assistant's
	// ListenWindow unless someone is listening already. A press of the
	// button meanwhile takes the utterance over, and its release ends it.
	FromRemote
	FromHark // Hark itself: the end of a remote listen's window, the utterance length limit
)

var sourceNames = [...]string{"button", "remote", "hark"}

func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// EffectKind says what the Machine wants done.
type EffectKind int

// The effects the Machine asks for; the caller carries them out in order.
const (
	StartListening   EffectKind = iota // open the audio stream to the recognizer (pre-roll first)
	FinishListening                    // stop capture, decode the utterance and dispatch it as turn Turn
	DiscardListening                   // stop capture and drop the audio
	CancelTurn                         // cancel the commands of turn Turn
	StopSpeaking                       // cut the current speech short
	Speak                              // say Text; report Spoken with ID when done
	ClearErrorLater                    // send ErrorShown with ID after the error has been seen
	Dispatch                           // run the commands of Text as utterance Turn (no audio to decode)
	DropAnswer                         // Text will not be said: MaxWaiting answers wait already
)

// MaxWaiting bounds the answers waiting to be said while Hark speaks or
// listens: a flood of announcements (MQTT's say topic) would otherwise
// queue without end. Past it a new answer is dropped (and counted).
const MaxWaiting = 16

var effectNames = [...]string{"start-listening", "finish-listening", "discard-listening", "cancel-turn", "stop-speaking", "speak", "clear-error-later", "dispatch", "drop-answer"}

func (k EffectKind) String() string {
	if int(k) < len(effectNames) {
		return effectNames[k]
	}
	return fmt.Sprintf("EffectKind(%d)", int(k))
}

// Effect is one output of the Machine.
type Effect struct {
	Kind  EffectKind
	Text  string          // Speak, Dispatch
	Audio *commands.Audio // Speak: play it instead of speaking Text
	Turn  int             // FinishListening, CancelTurn, Dispatch
	ID    int             // Speak, ClearErrorLater
	At    time.Time       // FinishListening: the release edge
}

// Machine is the assistant's state machine: idle → listening (press) →
// thinking (release) → speaking → idle, with error and muted states. It
// does no I/O: Handle takes an event and returns the effects to carry out,
// so it is exact to test. A press while thinking or speaking cancels the
// turn, stops speech and listens again (barge-in). Holding the button past
// the long-press time without saying anything mutes; while muted, presses
// are ignored and a long press unmutes. (A long hold with words is just a
// long utterance.) Answers that arrive while listening or speaking wait
// their turn; events about a cancelled turn or an interrupted speech are
// ignored. While the microphone is lost the machine rests in the error
// state and presses do not listen (announcements are still spoken), until
// it is restored.
//
// A Machine is not safe for concurrent use; feed it from one goroutine.
type Machine struct {
	state  State
	muted  bool
	held   bool // the button was held past the long-press time while listening
	turn   int  // the latest utterance's turn number
	active bool // the commands of turn are still running
	speech int  // the latest Speak's ID
	// failing: the answer being said reports a failure, to show once said.
	failing bool
	queue   []waiting
	// dropped counts the answers dropped with the queue full.
	dropped int
	// micLost: the microphone is gone; presses are refused until it is back.
	micLost bool
	// failures numbers the errors shown for a while: only the latest's
	// ErrorShown ends the display.
	failures int
}

// waiting is an answer waiting to be said.
type waiting struct {
	text   string
	audio  *commands.Audio
	failed bool
}

// Dropped is how many answers were dropped because MaxWaiting were waiting.
func (m *Machine) Dropped() int { return m.dropped }

// Turn is the number of the latest utterance.
func (m *Machine) Turn() int { return m.turn }

// Active reports whether turn is the latest utterance and its commands are
// still wanted: not cancelled by a barge-in, a failure or a silent end.
func (m *Machine) Active(turn int) bool { return turn != 0 && !m.stale(turn) }

// State reports the current state.
func (m *Machine) State() State { return m.state }

// Handle applies one event and returns what to do about it.
func (m *Machine) Handle(e Input) []Effect {
	switch e.Kind {
	case Pressed:
		return m.press()
	case Released:
		if m.state != Listening {
			return nil
		}
		m.turn++
		m.active = true
		return m.settle([]Effect{{Kind: FinishListening, Turn: m.turn, At: e.At}})
	case LongPressed:
		switch m.state {
		case Listening:
			m.held = true
		case Muted:
			m.muted = false
			return m.settle(nil)
		}
		return nil
	case Unheard:
		if m.stale(e.Turn) {
			return nil
		}
		m.active = false
		if m.held {
			m.muted = true // a silent long hold is the mute gesture
		}
		if m.state != Thinking {
			return nil
		}
		return m.settle(nil)
	case Answered:
		if m.stale(e.Turn) {
			return nil // from a cancelled or finished turn
		}
		if len(m.queue) >= MaxWaiting {
			m.dropped++
			return []Effect{{Kind: DropAnswer, Text: e.Text}}
		}
		m.queue = append(m.queue, waiting{e.Text, e.Audio, e.Failed})
		switch m.state {
		case Listening, Speaking:
			return nil // said after
		}
		return m.settle(nil)
	case Spoken:
		if m.state != Speaking || e.ID != m.speech {
			return nil
		}
		if m.failing {
			// Said "Sorry, …": now show the error for a while; what
			// waits is said after it.
			m.failing = false
			m.state = Failed
			m.failures++
			return []Effect{{Kind: ClearErrorLater, ID: m.failures}}
		}
		return m.settle(nil)
	case TurnDone:
		if e.Turn != m.turn || !m.active {
			return nil
		}
		m.active = false
		if m.state != Thinking {
			return nil
		}
		return m.settle(nil)
	case Failure:
		if m.stale(e.Turn) {
			return nil
		}
		return m.fail(true)
	case MicLost:
		m.micLost = true
		return m.fail(false) // shown until MicRestored
	case MicRestored:
		m.micLost = false
		if m.state != Failed {
			return nil
		}
		return m.settle(nil)
	case Heard:
		return m.heard(e.Text)
	case MuteOn:
		m.muted = true
		switch m.state {
		case Listening:
			m.state = Muted
			return []Effect{{Kind: DiscardListening}}
		case Idle:
			m.state = Muted
		}
		return nil // a turn under way ends muted
	case MuteOff:
		m.muted = false
		if m.state == Muted {
			m.state = m.resting()
		}
		return nil
	case ErrorShown:
		if m.state != Failed || e.ID != m.failures {
			return nil
		}
		return m.settle(nil)
	}
	return nil
}

// stale reports whether turn names an utterance whose commands were
// cancelled or have finished; 0 names none and is never stale.
func (m *Machine) stale(turn int) bool {
	return turn != 0 && (turn != m.turn || !m.active)
}

func (m *Machine) press() []Effect {
	var fx []Effect
	switch m.state {
	case Idle, Failed:
		if m.micLost {
			return nil
		}
	case Thinking, Speaking:
		if m.state == Speaking {
			fx = append(fx, Effect{Kind: StopSpeaking})
			m.queue = nil // the user interrupted: what was waiting is stale
		}
		if m.active {
			fx = append(fx, Effect{Kind: CancelTurn, Turn: m.turn})
			m.active = false
		}
		if m.muted || m.micLost {
			m.state = m.resting()
			return fx
		}
	default: // Listening already, or Muted: a press alone does nothing
		return nil
	}
	m.state = Listening
	m.held = false
	return append(fx, Effect{Kind: StartListening})
}

// heard starts a turn for text that needs no listening. It interrupts
// what is under way, as a press does, but not a person speaking: while
// listening it is dropped. Muted and a lost microphone do not stop it; the
// machine comes back to them when the turn is done.
func (m *Machine) heard(text string) []Effect {
	var fx []Effect
	switch m.state {
	case Listening:
		return nil
	case Speaking:
		fx = append(fx, Effect{Kind: StopSpeaking})
		m.queue = nil
	}
	if m.active {
		fx = append(fx, Effect{Kind: CancelTurn, Turn: m.turn})
	}
	m.turn++
	m.active = true
	m.state = Thinking
	return append(fx, Effect{Kind: Dispatch, Turn: m.turn, Text: text})
}

// fail enters the error state, dropping what was under way; clearLater
// asks for ErrorShown, for an error shown for a while.
func (m *Machine) fail(clearLater bool) []Effect {
	var fx []Effect
	switch m.state {
	case Listening:
		fx = append(fx, Effect{Kind: DiscardListening})
	case Speaking:
		fx = append(fx, Effect{Kind: StopSpeaking})
	}
	if m.active {
		fx = append(fx, Effect{Kind: CancelTurn, Turn: m.turn})
		m.active = false
	}
	m.state = Failed
	if clearLater {
		m.failures++
		fx = append(fx, Effect{Kind: ClearErrorLater, ID: m.failures})
	}
	return fx
}

// settle picks the resting state once nothing holds the machine: speak
// what waits, else keep thinking while the turn runs, else idle or muted.
func (m *Machine) settle(fx []Effect) []Effect {
	switch {
	case len(m.queue) > 0:
		m.state = Speaking
		m.speech++
		next := m.queue[0]
		m.queue = m.queue[1:]
		m.failing = next.failed
		return append(fx, Effect{Kind: Speak, Text: next.text, Audio: next.audio, ID: m.speech})
	case m.active:
		m.state = Thinking
	default:
		m.state = m.resting()
	}
	return fx
}

// resting is the state with nothing to do: the error while the microphone
// is lost, else muted or idle.
func (m *Machine) resting() State {
	switch {
	case m.micLost:
		return Failed
	case m.muted:
		return Muted
	}
	return Idle
}

func (e Effect) String() string {
	switch e.Kind {
	case Speak:
		return fmt.Sprintf("speak#%d %q", e.ID, e.Text)
	case FinishListening, CancelTurn:
		return fmt.Sprintf("%v#%d", e.Kind, e.Turn)
	case Dispatch:
		return fmt.Sprintf("dispatch#%d %q", e.Turn, e.Text)
	}
	return e.Kind.String()
}
