package assistant

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
)

// askedFallback is a Fallback that records what it is asked and answers
// with answer (or, without it, the words back).
type askedFallback struct {
	first  bool
	asked  chan Utterance
	answer func(Utterance) commands.Response
}

func newAskedFallback(first bool) *askedFallback {
	return &askedFallback{first: first, asked: make(chan Utterance, 8)}
}

func (f *askedFallback) Answer(_ context.Context, u Utterance) commands.Response {
	f.asked <- u
	if f.answer != nil {
		return f.answer(u)
	}
	return commands.Response{Text: "HA heard " + u.Text, Command: FallbackCommand}
}

func (f *askedFallback) First(Utterance) bool { return f.first }

func (f *askedFallback) next(t *testing.T) Utterance {
	t.Helper()
	select {
	case u := <-f.asked:
		return u
	case <-time.After(waitLimit):
		t.Fatal("the fallback was not asked")
		return Utterance{}
	}
}

// A fallback that goes first (Wyoming's satellite mode, a conversation Home
// Assistant asked to go on) gets the utterance even when one of Hark's
// commands would match it, with its audio; without First it gets only what
// no command matched.
func TestFallbackFirst(t *testing.T) {
	audio := []byte{1, 2, 3, 4}
	for _, first := range []bool{false, true} {
		fb := newAskedFallback(first)
		h := newHarnessWith(t, nil, Options{Fallback: fb})
		h.listener.inputs = []Input{{Kind: Decoded, Text: "what time is it", Recorded: audio}}
		want := "It's 3:04 PM."
		if first {
			want = "HA heard what time is it"
		}
		h.turn("", want)
		select {
		case u := <-fb.asked:
			if !first {
				t.Errorf("a matched command went to the fallback too: %+v", u)
			}
			if u.Text != "what time is it" || !slices.Equal(u.Audio, audio) || u.Rejected || u.Turn == 0 {
				t.Errorf("fallback asked %+v, want the words, the audio and the turn", u)
			}
		default:
			if first {
				t.Error("the fallback that goes first was not asked")
			}
		}
	}
}

// Speech the recognizer rejected (outside the grammar) matches no command,
// even though its text is the nearest sentence of the grammar: it goes to
// the fallback as audio, with no words; with no fallback Hark says it did
// not get it.
func TestRejectedSpeech(t *testing.T) {
	audio := []byte{5, 6, 7, 8}
	rejected := Input{Kind: Decoded, Text: "what time is it", Rejected: true, Recorded: audio}

	fb := newAskedFallback(false)
	h := newHarnessWith(t, nil, Options{Fallback: fb})
	h.listener.inputs = []Input{rejected}
	h.turn("", "HA heard ")
	if u := fb.next(t); u.Text != "" || !u.Rejected || !slices.Equal(u.Audio, audio) {
		t.Errorf("fallback asked %+v, want no words, rejected, the audio", u)
	}

	h = newHarness(t, nil)
	h.listener.inputs = []Input{rejected}
	h.turn("", commands.NotFound().Text)
}

// An answer with audio (Home Assistant's) is played, not spoken, and is
// told when it has been played; cut short by a press, it is told so.
func TestAudioAnswerIsPlayed(t *testing.T) {
	played := make(chan error, 4)
	fb := newAskedFallback(true)
	fb.answer = func(Utterance) commands.Response {
		return commands.Response{Text: "The kitchen light is on.", Command: FallbackCommand,
			Audio: &commands.Audio{PCM: make([]byte, 640), Rate: 16000, Played: func(err error) { played <- err }}}
	}
	h := newHarnessWith(t, nil, Options{Fallback: fb})
	h.listener.inputs = []Input{{Kind: Decoded, Text: "turn on the kitchen light", Recorded: []byte{1, 2}}}
	h.turn("", "♪640")
	select {
	case err := <-played:
		if err != nil {
			t.Errorf("played: %v, want nil", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Played was not called")
	}

	// Barge-in: the audio is cut short by the next press.
	h.speaker.hold = make(chan struct{})
	h.listener.inputs = []Input{{Kind: Decoded, Text: "turn off the kitchen light", Recorded: []byte{1, 2}}}
	h.utter("")
	h.expectStates(Listening, Thinking, Speaking)
	h.a.Send(Input{Kind: Pressed})
	select {
	case err := <-played:
		if err == nil {
			t.Error("audio cut short reported as played")
		}
	case <-time.After(waitLimit):
		t.Fatal("Played was not called for audio cut short")
	}
	h.expectStates(Listening)
}

// An answer that reports an error (Home Assistant went away mid-turn) is
// said, then the LED shows the error for a while, then rests; the next
// turn works. Before, the LED went from speaking straight to idle.
func TestErrorAnswerIsShown(t *testing.T) {
	fb := newAskedFallback(true)
	fb.answer = func(Utterance) commands.Response {
		return commands.Response{Text: "Sorry, Home Assistant went away.", Command: FallbackCommand, Status: commands.StatusError}
	}
	h := newHarnessWith(t, nil, Options{Fallback: fb})
	h.listener.inputs = []Input{{Kind: Decoded, Text: "turn on the kitchen light", Recorded: []byte{1, 2}}}
	h.utter("")
	h.expectStates(Listening, Thinking, Speaking, Failed)
	if got := h.said(); !slices.Equal(got, []string{"Sorry, Home Assistant went away."}) {
		t.Errorf("said %q", got)
	}
	h.clock.Advance(errorShown)
	h.expectStates(Idle)
	fb.first = false
	h.turn("what time is it", "It's 3:04 PM.")
}
