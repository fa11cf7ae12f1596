package audio

import (
	"fmt"
	"time"

	"github.com/hark-assistant/hark/pipeline"
)

// EventKind says what happened to the audio path.
type EventKind int

// Events reported through the OnEvent callbacks of Capture and PTT.
const (
	// DeviceLost: the capture device stopped delivering audio or reported
	// an error. Capture keeps trying to reopen it.
	DeviceLost EventKind = iota + 1
	// DeviceRestored: the capture device delivers audio again.
	DeviceRestored
	// Overrun: the reader fell behind and audio was dropped; Count says
	// how many device periods were lost since the last report.
	Overrun
	// MaxLength: the utterance reached the maximum length and was ended;
	// the rest of the speech is ignored until the button goes up.
	MaxLength
	// Listening: Utterance has begun; audio from now on reaches the
	// recognizer (the pre-roll has).
	Listening
	// Heard: Utterance is over; Result is what the recognizer made of it,
	// or Err why nothing.
	Heard
	// GrammarRefused: the recognizer refused a grammar (Err); it keeps the
	// one it had.
	GrammarRefused
)

func (k EventKind) String() string {
	switch k {
	case DeviceLost:
		return "device lost"
	case DeviceRestored:
		return "device restored"
	case Overrun:
		return "overrun"
	case MaxLength:
		return "maximum utterance length"
	case Listening:
		return "listening"
	case Heard:
		return "heard"
	case GrammarRefused:
		return "grammar refused"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is a notice from the audio path. The firmware maps DeviceLost to
// the LED error state and DeviceRestored back.
type Event struct {
	Kind EventKind
	// Device names the capture device (DeviceLost, DeviceRestored, Overrun).
	Device string
	// Err is why the device was lost (DeviceLost).
	Err error
	// Count is the number of dropped periods (Overrun).
	Count uint64
	// Length is the audio fed to the recognizer (MaxLength).
	Length time.Duration
	// Utterance is the utterance's id, as given to PTT.Listen (Listening,
	// Heard, MaxLength).
	Utterance int
	// Result is what was heard (Heard).
	Result pipeline.Result
	// Audio is the utterance's audio as the recognizer got it, 16 kHz
	// mono signed 16-bit little-endian (Heard, with PTTConfig.KeepAudio).
	Audio []byte
	// Decode is how long the utterance took to end after Finish was taken:
	// waiting for its last audio and the final decode (Heard).
	Decode time.Duration
}

func (e Event) String() string {
	switch e.Kind {
	case DeviceLost:
		return fmt.Sprintf("capture device %q lost: %v", e.Device, e.Err)
	case DeviceRestored:
		return fmt.Sprintf("capture device %q restored", e.Device)
	case Overrun:
		return fmt.Sprintf("capture device %q: %d periods dropped (reader too slow)", e.Device, e.Count)
	case MaxLength:
		return fmt.Sprintf("utterance %d ended at the maximum length of %v", e.Utterance, e.Length)
	case Heard:
		if e.Err != nil {
			return fmt.Sprintf("utterance %d: %v", e.Utterance, e.Err)
		}
		return fmt.Sprintf("utterance %d heard %q", e.Utterance, e.Result.Text)
	case GrammarRefused:
		return fmt.Sprintf("grammar refused: %v", e.Err)
	}
	return e.Kind.String()
}
