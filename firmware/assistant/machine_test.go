package assistant

import (
	"fmt"
	"slices"
	"testing"
)

type step struct {
	ev    Input
	state State
	fx    []Effect
}

var (
	press    = Input{Kind: Pressed}
	release  = Input{Kind: Released}
	longHold = Input{Kind: LongPressed}

	micLost     = Input{Kind: MicLost, Text: "capture device gone"}
	micRestored = Input{Kind: MicRestored}
)

func answer(turn int, text string) Input { return Input{Kind: Answered, Turn: turn, Text: text} }
func unheard(turn int) Input             { return Input{Kind: Unheard, Turn: turn} }
func done(turn int) Input                { return Input{Kind: TurnDone, Turn: turn} }
func spoken(id int) Input                { return Input{Kind: Spoken, ID: id} }
func say(id int, text string) Effect     { return Effect{Kind: Speak, ID: id, Text: text} }
func finish(turn int) Effect             { return Effect{Kind: FinishListening, Turn: turn} }
func cancel(turn int) Effect             { return Effect{Kind: CancelTurn, Turn: turn} }
func clearLater(id int) Effect           { return Effect{Kind: ClearErrorLater, ID: id} }
func shown(id int) Input                 { return Input{Kind: ErrorShown, ID: id} }

var (
	start   = Effect{Kind: StartListening}
	discard = Effect{Kind: DiscardListening}
	stop    = Effect{Kind: StopSpeaking}
)

func TestMachine(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"one answer", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{answer(1, "hello"), Speaking, []Effect{say(1, "hello")}},
			{done(1), Speaking, nil},
			{spoken(1), Idle, nil},
		}},
		{"nothing to say", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{done(1), Idle, nil},
		}},
		{"two commands in one utterance", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{answer(1, "a"), Speaking, []Effect{say(1, "a")}},
			{answer(1, "b"), Speaking, nil},
			{spoken(1), Speaking, []Effect{say(2, "b")}},
			{spoken(2), Thinking, nil}, // the turn still runs
			{done(1), Idle, nil},
		}},
		{"barge-in while thinking", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{press, Listening, []Effect{cancel(1), start}},
			{answer(1, "late"), Listening, nil},
			{done(1), Listening, nil},
			{release, Thinking, []Effect{finish(2)}},
			{done(2), Idle, nil},
		}},
		{"barge-in while speaking drops what waits", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{answer(1, "a"), Speaking, []Effect{say(1, "a")}},
			{answer(1, "b"), Speaking, nil},
			{press, Listening, []Effect{stop, cancel(1), start}},
			{spoken(1), Listening, nil}, // the interrupted speech reports late
			{release, Thinking, []Effect{finish(2)}},
			{done(2), Idle, nil},
		}},
		{"barge-in after the turn finished", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{answer(1, "a"), Speaking, []Effect{say(1, "a")}},
			{done(1), Speaking, nil},
			{press, Listening, []Effect{stop, start}},
		}},
		{"a silent long hold mutes, a long press unmutes", []step{
			{press, Listening, []Effect{start}},
			{longHold, Listening, nil},
			{release, Thinking, []Effect{finish(1)}},
			{unheard(1), Muted, nil},
			{press, Muted, nil},
			{release, Muted, nil},
			{press, Muted, nil},
			{longHold, Idle, nil},
			{release, Idle, nil},
			{press, Listening, []Effect{start}},
		}},
		{"a long utterance is not a mute gesture", []step{
			{press, Listening, []Effect{start}},
			{longHold, Listening, nil},
			{release, Thinking, []Effect{finish(1)}},
			{answer(1, "ok"), Speaking, []Effect{say(1, "ok")}},
			{done(1), Speaking, nil},
			{spoken(1), Idle, nil},
		}},
		{"a short silent press is ignored", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{unheard(1), Idle, nil},
			{press, Listening, []Effect{start}},
		}},
		{"the hold is forgotten by the next press", []step{
			{press, Listening, []Effect{start}},
			{longHold, Listening, nil},
			{release, Thinking, []Effect{finish(1)}},
			{press, Listening, []Effect{cancel(1), start}},
			{release, Thinking, []Effect{finish(2)}},
			{unheard(1), Thinking, nil}, // stale
			{unheard(2), Idle, nil},
		}},
		{"announcement while idle", []step{
			{answer(0, "timer done"), Speaking, []Effect{say(1, "timer done")}},
			{spoken(1), Idle, nil},
		}},
		{"announcement waits for the utterance", []step{
			{press, Listening, []Effect{start}},
			{answer(0, "ring"), Listening, nil},
			{release, Speaking, []Effect{finish(1), say(1, "ring")}},
			{spoken(1), Thinking, nil},
			{done(1), Idle, nil},
		}},
		{"announcement while muted", []step{
			{press, Listening, []Effect{start}},
			{longHold, Listening, nil},
			{release, Thinking, []Effect{finish(1)}},
			{unheard(1), Muted, nil},
			{answer(0, "ring"), Speaking, []Effect{say(1, "ring")}},
			{spoken(1), Muted, nil},
			{answer(0, "ring again"), Speaking, []Effect{say(2, "ring again")}},
			{press, Muted, []Effect{stop}}, // silences it, does not listen
		}},
		{"failure while thinking", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{Input{Kind: Failure, Turn: 1, Text: "decoder"}, Failed, []Effect{cancel(1), clearLater(1)}},
			{done(1), Failed, nil},
			{shown(1), Idle, nil},
		}},
		{"failure while listening", []step{
			{press, Listening, []Effect{start}},
			{Input{Kind: Failure, Text: "audio device gone"}, Failed, []Effect{discard, clearLater(1)}},
			{release, Failed, nil},
			{press, Listening, []Effect{start}},
			{shown(1), Listening, nil},
		}},
		{"failure while speaking", []step{
			{answer(0, "x"), Speaking, []Effect{say(1, "x")}},
			{Input{Kind: Failure, Text: "espeak died"}, Failed, []Effect{stop, clearLater(1)}},
			{shown(1), Idle, nil},
		}},
		{"stale failure is ignored", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{press, Listening, []Effect{cancel(1), start}},
			{Input{Kind: Failure, Turn: 1, Text: "cancelled"}, Listening, nil},
		}},
		{"microphone lost while listening, until restored", []step{
			{press, Listening, []Effect{start}},
			{micLost, Failed, []Effect{discard}},
			{release, Failed, nil},
			{press, Failed, nil}, // refused: nothing to listen with
			{Input{Kind: ErrorShown}, Failed, nil},
			{micRestored, Idle, nil},
			{press, Listening, []Effect{start}},
		}},
		{"microphone lost while thinking cancels the turn", []step{
			{press, Listening, []Effect{start}},
			{release, Thinking, []Effect{finish(1)}},
			{micLost, Failed, []Effect{cancel(1)}},
			{answer(1, "late"), Failed, nil},
			{micRestored, Idle, nil},
		}},
		{"announcements are spoken while the microphone is lost", []step{
			{micLost, Failed, nil},
			{answer(0, "ring"), Speaking, []Effect{say(1, "ring")}},
			{spoken(1), Failed, nil},
			{answer(0, "ring again"), Speaking, []Effect{say(2, "ring again")}},
			{press, Failed, []Effect{stop}}, // silences it, does not listen
			{micRestored, Idle, nil},
		}},
		{"microphone restored while speaking", []step{
			{micLost, Failed, nil},
			{answer(0, "ring"), Speaking, []Effect{say(1, "ring")}},
			{micRestored, Speaking, nil},
			{spoken(1), Idle, nil},
		}},
		{"microphone lost while muted shows the error, restored mutes again", []step{
			{press, Listening, []Effect{start}},
			{longHold, Listening, nil},
			{release, Thinking, []Effect{finish(1)}},
			{unheard(1), Muted, nil},
			{micLost, Failed, nil},
			{longHold, Failed, nil},
			{micRestored, Muted, nil},
		}},
		{"a failure while the microphone is lost clears back to the error", []step{
			{micLost, Failed, nil},
			{Input{Kind: Failure, Text: "espeak died"}, Failed, []Effect{clearLater(1)}},
			{shown(1), Failed, nil},
			{micRestored, Idle, nil},
		}},
		{"an older error's display time does not end a newer error early", []step{
			{Input{Kind: Failure, Text: "first"}, Failed, []Effect{clearLater(1)}},
			{Input{Kind: Failure, Text: "second"}, Failed, []Effect{clearLater(2)}},
			{shown(1), Failed, nil},
			{shown(2), Idle, nil},
		}},
		{"heard text is an utterance without listening", []step{
			{Input{Kind: Heard, Text: "what time is it"}, Thinking, []Effect{{Kind: Dispatch, Turn: 1, Text: "what time is it"}}},
			{answer(1, "noon"), Speaking, []Effect{say(1, "noon")}},
			{done(1), Speaking, nil},
			{spoken(1), Idle, nil},
		}},
		{"heard text interrupts speech but not a person speaking", []step{
			{answer(0, "ring"), Speaking, []Effect{say(1, "ring")}},
			{Input{Kind: Heard, Text: "stop"}, Thinking, []Effect{stop, {Kind: Dispatch, Turn: 1, Text: "stop"}}},
			{Input{Kind: Heard, Text: "again"}, Thinking, []Effect{cancel(1), {Kind: Dispatch, Turn: 2, Text: "again"}}},
			{done(1), Thinking, nil},
			{done(2), Idle, nil},
			{press, Listening, []Effect{start}},
			{Input{Kind: Heard, Text: "ignored"}, Listening, nil},
		}},
		{"heard text while muted runs and rests muted", []step{
			{Input{Kind: MuteOn}, Muted, nil},
			{press, Muted, nil},
			{Input{Kind: Heard, Text: "lights on"}, Thinking, []Effect{{Kind: Dispatch, Turn: 1, Text: "lights on"}}},
			{done(1), Muted, nil},
			{Input{Kind: MuteOff}, Idle, nil},
		}},
		{"mute while listening drops the utterance", []step{
			{press, Listening, []Effect{start}},
			{Input{Kind: MuteOn}, Muted, []Effect{discard}},
			{release, Muted, nil},
			{Input{Kind: MuteOff}, Idle, nil},
		}},
		{"stray events in idle", []step{
			{release, Idle, nil},
			{spoken(7), Idle, nil},
			{done(3), Idle, nil},
			{Input{Kind: ErrorShown}, Idle, nil},
			{longHold, Idle, nil},
			{micRestored, Idle, nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Machine
			for i, s := range tt.steps {
				fx := m.Handle(s.ev)
				if m.State() != s.state || !slices.Equal(fx, s.fx) {
					t.Fatalf("step %d (%v %q): got %v %v, want %v %v", i, s.ev.Kind, s.ev.Text, m.State(), fx, s.state, s.fx)
				}
			}
		})
	}
}

func TestMachineActive(t *testing.T) {
	var m Machine
	steps := []struct {
		ev     Input
		active map[int]bool
	}{
		{press, map[int]bool{0: false, 1: false}},
		{release, map[int]bool{0: false, 1: true, 2: false}},
		{press, map[int]bool{1: false}}, // barge-in cancels turn 1
		{release, map[int]bool{1: false, 2: true}},
		{done(2), map[int]bool{2: false}},
	}
	for i, s := range steps {
		m.Handle(s.ev)
		for turn, want := range s.active {
			if got := m.Active(turn); got != want {
				t.Errorf("step %d: Active(%d) = %v, want %v", i, turn, got, want)
			}
		}
	}
}

func TestMachineStrings(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Idle.String(), "idle"}, {Failed.String(), "error"}, {State(42).String(), "State(42)"},
		{Pressed.String(), "pressed"}, {ErrorShown.String(), "error-shown"}, {MicRestored.String(), "mic-restored"},
		{Speak.String(), "speak"}, {EffectKind(9).String(), "EffectKind(9)"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func ExampleMachine() {
	var m Machine
	for _, e := range []Input{
		{Kind: Pressed},
		{Kind: Released},
		{Kind: Answered, Turn: 1, Text: "It is noon."},
		{Kind: TurnDone, Turn: 1},
		{Kind: Spoken, ID: 1},
	} {
		fx := m.Handle(e)
		fmt.Println(e.Kind, "→", m.State(), fx)
	}
	// Output:
	// pressed → listening [start-listening]
	// released → thinking [finish-listening#1]
	// answered → speaking [speak#1 "It is noon."]
	// turn-done → speaking []
	// spoken → idle []
}

// BenchmarkMachineTurn is one whole push-to-talk turn through the machine.
func BenchmarkMachineTurn(b *testing.B) {
	var m Machine
	for i := 0; b.Loop(); i++ {
		m.Handle(Input{Kind: Pressed})
		m.Handle(Input{Kind: Released})
		turn := m.Turn()
		fx := m.Handle(Input{Kind: Answered, Turn: turn, Text: "hi"})
		m.Handle(Input{Kind: TurnDone, Turn: turn})
		m.Handle(Input{Kind: Spoken, ID: fx[0].ID})
	}
}

// A flood of announcements while Hark speaks waits MaxWaiting deep; the
// rest is dropped and counted, then the waiting ones are said in order.
// Before, every one of them queued (56 000 from a flood on MQTT's say).
func TestMachineBoundsWaitingAnswers(t *testing.T) {
	var m Machine
	m.Handle(answer(0, "first")) // Speaking
	const flood = MaxWaiting + 50
	drops := 0
	for i := range flood {
		fx := m.Handle(answer(0, fmt.Sprint(i)))
		if len(fx) == 1 && fx[0].Kind == DropAnswer {
			drops++
		} else if len(fx) != 0 {
			t.Fatalf("answer %d: effects %v", i, fx)
		}
	}
	if drops != flood-MaxWaiting || m.Dropped() != drops {
		t.Errorf("dropped %d (counted %d), want %d", drops, m.Dropped(), flood-MaxWaiting)
	}
	var said []string
	for id := 1; m.State() == Speaking; id++ {
		for _, f := range m.Handle(spoken(id)) {
			said = append(said, f.Text)
		}
	}
	if len(said) != MaxWaiting || said[0] != "0" || said[MaxWaiting-1] != fmt.Sprint(MaxWaiting-1) {
		t.Errorf("said %q, want the first %d in order", said, MaxWaiting)
	}
}
